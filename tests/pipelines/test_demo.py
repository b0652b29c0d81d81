from __future__ import annotations

from pipelines import demo


def test_demo_runs_every_stage_and_prints_profiles(home, ray_local, capsys):
    assert demo.main(["--trials", "2"]) == 0
    out = capsys.readouterr().out
    for part in ("[6/6]", "Synthetic shop", "Open Bandit Dataset sample", "60,000 rows",
                 "hidden favourite", "Into:", "new, no history yet",
                 "adcraft-conversion@champion = v1", "auc 0."):
        assert part in out, part
    assert (home / "data" / "obd" / "features" / "item_features.parquet").is_file()
