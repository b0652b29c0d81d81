from __future__ import annotations

import json
from pathlib import Path

import pytest

from adcraft_cli.jobs import forwarded_env, job_names, submit_command


def test_every_pipeline_but_the_local_ones_is_a_job():
    names = job_names()
    assert {"tune_conversion", "finetune_generator", "build_index", "ingest"} <= set(names)
    assert not {"demo", "fetch", "_common"} & set(names)


def test_the_submit_command_carries_settings_but_no_keys(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"ADCRAFT_HOME": "rel/home", "ADCRAFT_SHOP__N_PRODUCTS": "50",
           "MLFLOW_TRACKING_URI": "http://mlflow:5000", "ADCRAFT_SERVING__API_KEYS": '["s"]',
           "HOME": "/root", "RAY_ADDRESS": "http://head:8265"}
    command = submit_command("tune_conversion", ["--trials", "2"], None, env, wait=False)
    assert command[1:5] == ["job", "submit", "--address=http://head:8265", "--working-dir"]
    assert command[command.index("--") + 1:] == ["python", "-m", "pipelines.tune_conversion",
                                                  "--trials", "2"]
    assert "--no-wait" in command
    sent = json.loads(command[command.index("--runtime-env-json") + 1])["env_vars"]
    assert sent == {"ADCRAFT_HOME": str(tmp_path / "rel" / "home"),
                    "ADCRAFT_SHOP__N_PRODUCTS": "50", "MLFLOW_TRACKING_URI": "http://mlflow:5000"}


@pytest.mark.parametrize("job, address, message", [
    ("tune-conversion", "http://head:8265", "unknown job 'tune-conversion'"),
    ("tune_conversion", None, "set RAY_ADDRESS"),
])
def test_bad_submissions_say_what_is_wrong(job, address, message):
    with pytest.raises(ValueError, match=message):
        submit_command(job, [], address, env={})


def test_an_absolute_home_is_kept():
    assert forwarded_env({"ADCRAFT_HOME": "/srv/adcraft"}) == {"ADCRAFT_HOME": "/srv/adcraft"}
    assert Path(forwarded_env({"ADCRAFT_HOME": "x"})["ADCRAFT_HOME"]).is_absolute()
