"""Run the adcraft application on this machine (or on the Ray cluster at RAY_ADDRESS),
as `adcraft serve` and the demo do:

    url = start(overrides, port=8000)   # Ray started if none is running; Serve on host:port
    ...
    stop()                               # the application, Serve, and Ray if we started it
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import socket
import time
from typing import Any

log = logging.getLogger("serve_apps")
_started_ray = False


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


CPU_GENERATOR_TIMEOUT_S = 120.0  # a CPU writes a few variants in tens of seconds


def generator_timeout(configured: float) -> float:
    """Seconds the generator gets before template copy stands in. Serving on this
    machine without a GPU, at least CPU_GENERATOR_TIMEOUT_S: the default (8 s) suits GPU
    replicas and would make every answer degraded here."""
    import torch

    if os.environ.get("RAY_ADDRESS") or torch.cuda.is_available():
        return configured
    return max(configured, CPU_GENERATOR_TIMEOUT_S)


def local_threads(overrides: dict[str, Any]) -> dict[str, Any]:
    """Serving on this machine (no RAY_ADDRESS), the model replicas use every core, as
    the same models do in process: Ray gives a 0.25-CPU replica a single thread. A
    `replica_threads` already set is kept."""
    serving = overrides.get("serving", {})
    if os.environ.get("RAY_ADDRESS") or serving.get("replica_threads"):
        return overrides
    return {**overrides, "serving": {**serving, "replica_threads": os.cpu_count() or 1}}


def start(overrides: dict[str, Any], host: str = "127.0.0.1", port: int = 8000,
          num_cpus: int | None = None, deployments: dict[str, dict] | None = None,
          proxy_location: str = "EveryNode") -> str:
    """Deploy the application; returns its base URL. Uses the running Ray if any, else
    RAY_ADDRESS, else starts a local one (token auth as Ray 2.60 sets it up).
    `deployments`: options over config.yaml's (`AppArgs.deployments`); `proxy_location`
    "HeadOnly" where several nodes share this machine (one port, one proxy)."""
    global _started_ray
    import ray
    from ray import serve

    from serve_apps.app import AppArgs, build

    overrides = local_threads(overrides)
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or "local"
        ray.init(address=address, num_cpus=num_cpus if address == "local" else None,
                 log_to_driver=False, configure_logging=False)
        _started_ray = True
    serve.start(http_options={"host": host, "port": port}, proxy_location=proxy_location)
    log.info("deploying the adcraft application (5 deployments) on %s:%s", host, port)
    serve.run(build(AppArgs(settings=overrides, deployments=deployments or {})),
              name="adcraft", route_prefix="/")
    return f"http://{host}:{port}"


def wait_until_stopped() -> None:
    """Block until Ctrl-C or SIGTERM (process managers stop with it; a background shell
    job ignores SIGINT)."""

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)


def stop() -> None:
    global _started_ray
    import ray
    from ray import serve

    serve.shutdown()
    if _started_ray:
        ray.shutdown()
        _started_ray = False


def serve_processes() -> list[tuple[str, int, list[str]]]:
    """(role, pid, the fields of /proc/<pid>/stat after the name) of every Serve process on
    this machine: role "<app>:<deployment>" for a replica, "ProxyActor" for a proxy."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            args = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode()
            stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        role = next((m[1] for m in [re.search(r"ServeReplica:(\w+:\w+)", args)] if m), None)
        role = role or ("ProxyActor" if "ProxyActor" in args else None)
        if role:
            out.append((role, int(pid), stat))
    return out
