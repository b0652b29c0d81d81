"""A pipeline submitted as a Ray Job to a real `ray start --head` cluster, the way it runs
on any cluster: `ray job submit --working-dir . -- python -m pipelines.tune_conversion`."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from adcraft.registry import CHAMPION, Registry
from tests.conftest import REPO

RAY = str(Path(sys.executable).with_name("ray"))
ADCRAFT = str(Path(sys.executable).with_name("adcraft"))


def _children(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return proc.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT_FLAGS = ("port", "dashboard-port", "dashboard-agent-listen-port", "dashboard-agent-grpc-port",
              "runtime-env-agent-port", "metrics-export-port", "ray-client-server-port",
              "node-manager-port", "object-manager-port")


@pytest.fixture
def ray_head(home):
    """A head node with its own temp dir and its own ports (Ray's defaults would clash
    with the session's in-process Ray), stopped by killing only its own processes:
    `ray stop` would stop every Ray on the machine."""
    temp = tempfile.mkdtemp(prefix="rayhead-", dir="/tmp")  # short: Unix socket paths
    ports = {flag: _free_port() for flag in PORT_FLAGS}
    # as from an activated venv: the job's `python` must be the project's
    env = {**os.environ, "RAY_AUTH_MODE": "token",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("RAY_ADDRESS", None)
    # mlflow.set_tracking_uri exports MLFLOW_TRACKING_URI: an earlier test's store must
    # not leak into the cluster (the job would register into it)
    env.pop("MLFLOW_TRACKING_URI", None)
    subprocess.run(
        [RAY, "start", "--head", "--num-cpus=2", f"--temp-dir={temp}",
         "--dashboard-host=127.0.0.1", "--disable-usage-stats",
         *[f"--{flag}={port}" for flag, port in ports.items()]],
        env=env, check=True, capture_output=True, timeout=120,
    )
    yield f"http://127.0.0.1:{ports['dashboard-port']}", env
    marks = [temp, *(str(p) for p in ports.values())]
    roots = [p for p in psutil.process_iter(["cmdline"])
             if p.pid != os.getpid()
             and any(m in part for part in (p.info["cmdline"] or []) for m in marks)]
    # agents rename themselves ("ray::DashboardAgent"): take the raylet's whole tree
    mine = list({p.pid: p for root in roots for p in (root, *_children(root))}.values())
    for proc in mine:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(mine, timeout=30)
    shutil.rmtree(temp, ignore_errors=True)


def test_tuning_runs_as_a_ray_job(ray_head, home):
    """Through the front door: `adcraft submit`, which forwards ADCRAFT_* (the test's
    home and small shop) to the job."""
    address, env = ray_head
    command = [ADCRAFT, "submit", f"--address={address}", "--no-wait", "tune_conversion",
               "--", "--trials", "2", "--max-rounds", "20"]
    for _ in range(30):  # the head's job agent takes a few seconds to come up
        submit = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                                timeout=120)
        if "No available agent" not in submit.stderr:
            break
        time.sleep(2)
    assert submit.returncode == 0, submit.stderr
    job_id = next(word.strip("'") for word in submit.stdout.split()
                  if word.strip("'").startswith("raysubmit_"))


    def ray_job(*args: str) -> str:
        done = subprocess.run([RAY, "job", *args, f"--address={address}"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr  # the CLI reports status on stderr

    deadline = time.monotonic() + 900  # a loaded 2-core machine: the job alone takes minutes
    while time.monotonic() < deadline:
        status = ray_job("status", job_id)
        if any(f"' {word}" in status for word in ("succeeded", "failed", "stopped")):
            break
        time.sleep(3)
    logs = ray_job("logs", job_id)
    assert "' succeeded" in status, logs[-3000:]
    assert "promoted to champion" in logs
    assert Registry().alias_version("adcraft-conversion", CHAMPION) == 1
