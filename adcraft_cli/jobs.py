"""Every pipeline is a Ray Job: the `ray job submit` command that runs one on the cluster
at RAY_ADDRESS, with the submitter's adcraft and MLflow settings carried along."""

from __future__ import annotations

import json
import os
import pkgutil
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

# forwarded to the job: where it logs (MLflow) and what it reads (adcraft settings)
FORWARDED_PREFIXES = ("ADCRAFT_", "MLFLOW_TRACKING_URI", "HF_HUB_OFFLINE",
                      "TRANSFORMERS_OFFLINE")
SECRET = ("ADCRAFT_SERVING__API_KEYS",)  # serving's keys: no job needs them
NOT_JOBS = {"demo", "fetch"}  # run on the submitting machine: `adcraft demo`, `make fetch`


def job_names() -> list[str]:
    """The pipelines that run as Ray Jobs (modules of `pipelines`, not private ones)."""
    import pipelines

    return sorted(m.name for m in pkgutil.iter_modules(pipelines.__path__)
                  if not m.name.startswith("_") and m.name not in NOT_JOBS)


def ray_cli() -> str:
    """The `ray` of this Python (a venv's, even when it is not activated)."""
    beside = Path(sys.executable).with_name("ray")
    return str(beside) if beside.exists() else (shutil.which("ray") or "ray")


def forwarded_env(env: Mapping[str, str]) -> dict[str, str]:
    out = {k: v for k, v in env.items()
           if k.startswith(FORWARDED_PREFIXES) and not k.startswith(SECRET)}
    # a relative home means the submitter's folder; on the cluster it would be the job's
    if "ADCRAFT_HOME" in out and not Path(out["ADCRAFT_HOME"]).is_absolute():
        out["ADCRAFT_HOME"] = str(Path(out["ADCRAFT_HOME"]).resolve())
    return out


def submit_command(job: str, args: list[str], address: str | None,
                   env: Mapping[str, str] | None = None, wait: bool = True,
                   working_dir: str = ".") -> list[str]:
    """`ray job submit --address A --working-dir . --runtime-env-json {...} -- python -m
    pipelines.<job> ARGS`. Raises ValueError naming what is wrong."""
    names = job_names()
    if job not in names:
        raise ValueError(f"unknown job {job!r}: choose one of {', '.join(names)}")
    env = os.environ if env is None else env
    address = address or env.get("RAY_ADDRESS")
    if not address:
        raise ValueError("no cluster: set RAY_ADDRESS (e.g. http://127.0.0.1:8265, the "
                         "head's dashboard) or pass --address")
    runtime_env = {"env_vars": forwarded_env(env)}
    return [ray_cli(), "job", "submit", f"--address={address}", "--working-dir", working_dir,
            "--runtime-env-json", json.dumps(runtime_env), *([] if wait else ["--no-wait"]),
            "--", "python", "-m", f"pipelines.{job}", *args]


def submit_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the `ray` CLI: Ray 2.60 clusters want a token unless started
    with RAY_AUTH_MODE=disabled; the token of `ray start` lives in ~/.ray/auth_token."""
    out = dict(os.environ if env is None else env)
    if "RAY_AUTH_MODE" not in out and (Path.home() / ".ray" / "auth_token").exists():
        out["RAY_AUTH_MODE"] = "token"
    return out
