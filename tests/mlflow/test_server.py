"""The MLflow tracking server as `make mlflow` starts it (mlflow/server.sh), for real: by
default it serves the project's own local store under ADCRAFT_HOME, so runs logged before
it started are visible, and it proxies artefacts into that home, so that clients on other
nodes need no access to the disk."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import mlflow
import pytest

from adcraft.registry import CHAMPION, Registry
from adcraft.settings import Settings
from tests.conftest import REPO

SCRIPT = REPO / "mlflow" / "server.sh"
MODEL = "adcraft-conversion"
EXPORTED = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
SERVER_ENV = (*EXPORTED, "MLFLOW_BACKEND_STORE_URI", "MLFLOW_ARTIFACTS_DESTINATION",
              "MLFLOW_HOST", "MLFLOW_WORKERS", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION")


class Doubler(mlflow.pyfunc.PythonModel):
    """The smallest model worth registering."""

    def predict(self, context, model_input: list[int], params=None) -> list[int]:
        return [2 * x for x in model_input]


@dataclass
class Server:
    uri: str
    home: Path
    local_run_id: str  # logged to the local store before the server started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _own_mlflow_env():
    """mlflow.set_tracking_uri and set_registry_uri export MLFLOW_TRACKING_URI and
    MLFLOW_REGISTRY_URI (for subprocesses): start without them, and leave them to later
    tests as they were."""
    before = {key: os.environ.pop(key, None) for key in EXPORTED}
    try:
        yield
    finally:
        for key, value in before.items():
            os.environ.pop(key, None)
            if value is not None:
                os.environ[key] = value


def _healthy(uri: str) -> bool:
    try:
        with urllib.request.urlopen(f"{uri}/health", timeout=2) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    with _own_mlflow_env():
        yield from _serve(tmp_path_factory.mktemp("mlflow-home"))


def _serve(home: Path) -> Iterator[Server]:
    # a run in the default local store, as adcraft logs with no server
    local = Registry(Settings(home=home, mlflow_tracking_uri=None))
    with local.run("before-the-server", experiment="adcraft-local") as run:
        mlflow.log_metric("auc", 0.5)
    port = _free_port()
    # as from an activated venv, the way `make mlflow` runs it
    env = {**os.environ, "ADCRAFT_HOME": str(home), "MLFLOW_PORT": str(port),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for key in SERVER_ENV:
        env.pop(key, None)
    log = home / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["bash", str(SCRIPT)], cwd=home, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # ~12 s when the machine is quiet
        while not _healthy(uri):
            assert proc.poll() is None, f"server exited: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no /health: {log.read_text()[-3000:]}"
            time.sleep(0.5)
        yield Server(uri, home, run.info.run_id)
    finally:
        # its own session: the group is the server, uvicorn and nothing else
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def test_the_mlflow_folder_does_not_shadow_mlflow():
    assert not (REPO / "mlflow" / "__init__.py").exists()
    assert Path(mlflow.__file__).parents[1].name == "site-packages"
    assert os.access(SCRIPT, os.X_OK)


def test_it_serves_the_local_store_of_adcraft_home(server):
    client = Registry(Settings(home=server.home), uri=server.uri).client
    before = client.get_run(server.local_run_id)
    assert before.data.metrics == {"auc": 0.5}
    assert client.get_experiment(before.info.experiment_id).name == "adcraft-local"
    assert (server.home / "mlflow" / "mlflow.db").is_file()


def test_log_register_alias_and_read_back(server):
    registry = Registry(Settings(home=server.home), uri=server.uri)
    with registry.run("through-the-server") as run:  # experiment `adcraft`, made by the server
        mlflow.log_metric("auc", 0.75)
        mlflow.log_text("proxied", "notes/readme.txt")
        info = mlflow.pyfunc.log_model(name="model", python_model=Doubler(), pip_requirements=[])
    run_id = run.info.run_id
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
    version = registry.register(info.model_uri, MODEL)
    registry.set_alias(MODEL, CHAMPION, version)

    assert registry.client.get_run(run_id).data.metrics == {"auc": 0.75}
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/notes/readme.txt") == "proxied"
    assert registry.versions(MODEL) == [version] == [1]
    assert registry.alias_version(MODEL, CHAMPION) == 1
    assert registry.load(MODEL, CHAMPION).predict([1, 2]) == [2, 4]

    # everything landed in the tmp home: artefacts (proxied) and the sqlite database
    artifacts = server.home / "mlflow" / "artifacts"
    assert [p.read_text() for p in artifacts.rglob("readme.txt")] == ["proxied"]
    assert list(artifacts.rglob("MLmodel"))
    with contextlib.closing(sqlite3.connect(server.home / "mlflow" / "mlflow.db")) as db:
        aliases = db.execute("SELECT name, alias, version FROM registered_model_aliases").fetchall()
    assert aliases == [(MODEL, CHAMPION, 1)]
