from __future__ import annotations

from pipelines import demo


def test_demo_runs_every_stage_and_prints_profiles(home, capsys):
    assert demo.main([]) == 0
    out = capsys.readouterr().out
    for part in ("[5/5]", "Synthetic shop", "Open Bandit Dataset sample", "60,000 rows",
                 "hidden favourite", "Into:", "new, no history yet"):
        assert part in out, part
    assert (home / "data" / "obd" / "features" / "item_features.parquet").is_file()
