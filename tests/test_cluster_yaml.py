"""cluster.yaml through Ray's own cluster-launcher checks, the ones `ray up` runs before it
asks the cloud for anything (ray.autoscaler._private.commands._bootstrap_config: defaults
filled in, setup commands merged, Docker checked, then the JSON schema ray-schema.json and
Ray's own rules), then what adcraft needs of the cluster. No cloud account needed."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import ray
import yaml
from ray.autoscaler._private.util import prepare_config, validate_config

from tests.conftest import REPO

CONFIG = REPO / "cluster.yaml"
ENV_FILE = "~/adcraft.env"
COMMAND_LISTS = ("setup_commands", "head_setup_commands", "worker_setup_commands",
                 "head_start_ray_commands", "worker_start_ray_commands")


def launcher_config(raw: dict) -> dict:
    """The config as `ray up` prepares and validates it; raises what `ray up` would."""
    config = prepare_config(copy.deepcopy(raw))
    validate_config(config)
    return config


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(CONFIG.read_text())  # as `ray up` reads it


@pytest.fixture(scope="module")
def config(raw) -> dict:
    return launcher_config(raw)


def _index(commands: list[str], pattern: str) -> int:
    found = [i for i, command in enumerate(commands) if re.search(pattern, command)]
    assert len(found) == 1, f"{pattern!r} should match one command of {commands}"
    return found[0]


def test_ray_accepts_the_cluster_config(config):
    assert config["provider"]["type"] == "aws"
    assert config["provider"]["region"] == "us-west-2"
    # the nodes run the Ray and Python of this project: the cluster must match the client
    version = f"{ray.__version__}-py{sys.version_info.major}{sys.version_info.minor}"
    assert config["docker"]["head_image"] == f"rayproject/ray:{version}-cpu"
    assert config["docker"]["worker_image"] == f"rayproject/ray:{version}-gpu"


def test_a_cpu_head_and_an_autoscaling_gpu_worker_group(config):
    types = config["available_node_types"]
    head_type = config["head_node_type"]
    assert types[head_type]["resources"].get("GPU", 0) == 0
    assert types[head_type]["max_workers"] == 0  # the head is one node, never scaled
    head_start = next(c for c in config["head_start_ray_commands"] if "ray start" in c)
    assert "--num-gpus=0" in head_start
    assert f"--num-cpus={types[head_type]['resources']['CPU']}" in head_start

    gpu_groups = {name: node for name, node in types.items()
                  if name != head_type and node["resources"].get("GPU", 0) >= 1}
    assert gpu_groups
    for node in gpu_groups.values():
        assert 0 <= node["min_workers"] < node["max_workers"] <= config["max_workers"]


def test_every_node_installs_the_pinned_torch_then_the_project(config):
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    torch_pin = next(d for d in dependencies if re.match(r"torch\b", d))
    assert torch_pin == "torch==2.13.0"
    assert config["file_mounts"]["~/adcraft"] == "."  # the working tree, synced by `ray up`
    for key in ("head_setup_commands", "worker_setup_commands"):  # after Ray's merge
        commands = config[key]
        torch = _index(commands, rf"\bpip install\b.*\s{re.escape(torch_pin)}(\s|$)")
        project = _index(commands, r"\bpip install\b.*\s-e ~/adcraft(\s|$)")
        assert torch < project, key


def _run_as_ray_does(command: str, home: Path, head_ip: str | None) -> str:
    """Run a setup command in a throwaway HOME, with RAY_HEAD_IP exported as the launcher
    exports it to workers' commands (util.with_head_node_ip), then read what a later
    command sees after `source ~/adcraft.env`."""
    home.mkdir()
    prefix = f"export RAY_HEAD_IP={head_ip}; " if head_ip else ""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    subprocess.run(["bash", "-c", prefix + command], env=env, check=True, timeout=30)
    shown = subprocess.run(
        ["bash", "-c", f"source {ENV_FILE} && echo $MLFLOW_TRACKING_URI $RAY_AUTH_MODE"],
        env=env, check=True, timeout=30, capture_output=True, text=True)
    return shown.stdout.strip()


def test_the_mlflow_tracking_uri_reaches_every_node(raw, config, tmp_path):
    # set in one command only, the one that writes the env file
    setting = [c for key in COMMAND_LISTS for c in raw.get(key, [])
               if "MLFLOW_TRACKING_URI" in c]
    assert len(setting) == 1
    for key in ("head_setup_commands", "worker_setup_commands"):
        assert setting[0] in config[key], key

    worker = _run_as_ray_does(setting[0], tmp_path / "worker", head_ip="10.0.3.7")
    assert worker == "http://10.0.3.7:5000 token"
    head_uri, mode = _run_as_ray_does(setting[0], tmp_path / "head", head_ip=None).split()
    assert re.fullmatch(r"http://[^/:\s]+:5000", head_uri) and mode == "token"

    # every `ray start` (so the raylet, its jobs and workers) reads the env file first
    for key in ("head_start_ray_commands", "worker_start_ray_commands"):
        start = next(c for c in config[key] if "ray start" in c)
        assert 0 <= start.find(f"source {ENV_FILE}") < start.index("ray start"), key
    # the head serves that port with the project's script, to the other nodes too
    server = next(c for c in config["head_start_ray_commands"] if "mlflow/server.sh" in c)
    assert "MLFLOW_HOST=0.0.0.0" in server and "MLFLOW_PORT=5000" in server
    assert (REPO / "mlflow" / "server.sh").is_file()
    # and the nodes share this machine's Ray token
    assert config["file_mounts"]["~/.ray/auth_token"] == "~/.ray/auth_token"


def _set(path: tuple[str, ...], value):
    def change(config: dict) -> None:
        for key in path[:-1]:
            config = config[key]
        config[path[-1]] = value
    return change


@pytest.mark.parametrize("change, error, match", [
    pytest.param(_set(("worker_nodess",), {}), jsonschema.ValidationError,
                 "'worker_nodess' was unexpected", id="unknown-key"),
    pytest.param(_set(("max_workers",), "four"), jsonschema.ValidationError,
                 "'four' is not of type 'integer'", id="wrong-type"),
    pytest.param(_set(("available_node_types", "gpu_a10g", "resources", "GPU"), "1"),
                 jsonschema.ValidationError, "'1' is not of type 'integer'",
                 id="gpu-count-a-string"),
    pytest.param(_set(("available_node_types", "gpu_a10g", "typo_workers"), 2),
                 jsonschema.ValidationError, "'typo_workers' was unexpected",
                 id="unknown-node-type-key"),
    pytest.param(_set(("head_node_type",), "no-such-type"), ValueError,
                 "must be one of `available_node_types`", id="unknown-head"),
    pytest.param(_set(("available_node_types", "gpu_a10g", "min_workers"), 5), ValueError,
                 "smaller than the sum of `min_workers`", id="min-workers-above-max"),
])
def test_ray_rejects_a_broken_config(raw, change, error, match):
    broken = copy.deepcopy(raw)
    change(broken)
    with pytest.raises(error, match=re.escape(match)):
        launcher_config(broken)
