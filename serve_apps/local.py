"""Run the adcraft application on this machine (or on the Ray cluster at RAY_ADDRESS),
as `adcraft serve` and the demo do:

    url = start(overrides, port=8000)   # Ray started if none is running; Serve on host:port
    ...
    stop()                               # the application, Serve, and Ray if we started it
"""

from __future__ import annotations

import logging
import os
import socket
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


def start(overrides: dict[str, Any], host: str = "127.0.0.1", port: int = 8000,
          num_cpus: int | None = None) -> str:
    """Deploy the application; returns its base URL. Uses the running Ray if any, else
    RAY_ADDRESS, else starts a local one (token auth as Ray 2.60 sets it up)."""
    global _started_ray
    import ray
    from ray import serve

    from serve_apps.app import AppArgs, build

    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or "local"
        ray.init(address=address, num_cpus=num_cpus if address == "local" else None,
                 log_to_driver=False, configure_logging=False)
        _started_ray = True
    serve.start(http_options={"host": host, "port": port})
    log.info("deploying the adcraft application (5 deployments) on %s:%s", host, port)
    serve.run(build(AppArgs(settings=overrides)), name="adcraft", route_prefix="/")
    return f"http://{host}:{port}"


def stop() -> None:
    global _started_ray
    import ray
    from ray import serve

    serve.shutdown()
    if _started_ray:
        ray.shutdown()
        _started_ray = False
