from __future__ import annotations

from adcraft.registry import Registry
from pipelines import demo


def test_demo_runs_every_stage_and_prints_profiles(home, ray_local, tiny_model_dir, capsys):
    assert demo.main(["--trials", "2", "--generator-model", str(tiny_model_dir),
                      "--copy-pairs", "6", "--eval-pairs", "3", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    for part in ("[7/7]", "== Copy generator", "adcraft-generator v1:", "Synthetic shop",
                 "Open Bandit Dataset sample", "60,000 rows",
                 "hidden favourite", "Into:", "new, no history yet",
                 "adcraft-conversion@champion = v1", "auc 0."):
        assert part in out, part
    assert (home / "data" / "obd" / "features" / "item_features.parquet").is_file()
    # the tiny random model may or may not beat its base; either way it is registered
    assert Registry().versions("adcraft-generator") == [1]
