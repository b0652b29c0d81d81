"""Two Ray nodes on this machine (`ray start --head` and a second `ray start --address`,
each with one `ingress` resource), one Ingress replica on each, the store on the
machine's PostgreSQL (SQLite where there is none): feedback acknowledged by one replica
moves the bandit that the other serves, and `kill -9` of a replica loses no
acknowledged event. Token auth stays on (Ray 2.60's default): every process reads the
token `ray start --head` leaves in ~/.ray."""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
import requests

from adcraft.serving.eventlog import read_feedback
from tests.conftest import API_KEY

KEY = {"x-api-key": API_KEY}
DRIVER = """
import json, sys, time
import ray
from serve_apps import local
overrides, address, port = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
deadline = time.monotonic() + 120
while True:  # a loaded machine starts the head's GCS late
    try:
        ray.init(address=address, log_to_driver=False)
        break
    except ConnectionError:
        if time.monotonic() > deadline:
            raise
        time.sleep(2)
while sum(n["Alive"] for n in ray.nodes()) < 2:
    if time.monotonic() > deadline:
        sys.exit("the second node never joined")
    time.sleep(0.5)
url = local.start(overrides, port=port, proxy_location="HeadOnly", deployments={
    "Ingress": {"num_replicas": 2,
                "ray_actor_options": {"num_cpus": 0.25, "resources": {"ingress": 1}}}})
print("URL " + url, flush=True)
sys.stdin.readline()
"""


def _free() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _node(*args: str, env: dict) -> subprocess.Popen:
    ports = ["--dashboard-agent-listen-port", str(_free()), "--metrics-export-port",
             str(_free()), "--runtime-env-agent-port", str(_free()),
             "--dashboard-agent-grpc-port", str(_free())]
    return subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "ray"), "start",
                             "--block", "--disable-usage-stats", *ports, *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _wait_for_port(port: int, head: subprocess.Popen, timeout_s: float = 120.0) -> bool:
    """Until the head's GCS listens (no fixed sleep: a loaded machine is slower); False
    when the head exits or never listens."""
    deadline = time.monotonic() + timeout_s
    while head.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return True
        except OSError:
            time.sleep(1)
    return False


STARTS = 3  # a loaded machine can lose a raylet at start (its agents report late)


def _start(serving_stack, shared_store_url, env) -> tuple[int, list, str]:
    """One try at the two nodes and the app: (port, processes, the app's URL or '')."""
    port = _free()
    head = _node("--head", "--port", str(port), "--num-cpus", "3", "--resources",
                 '{"ingress": 1}', "--include-dashboard", "false", env=env)
    procs = [head]
    if not _wait_for_port(port, head):
        return port, procs, ""
    procs.append(_node("--address", f"127.0.0.1:{port}", "--num-cpus", "1", "--resources",
                       '{"ingress": 1}', env=env))
    overrides = {**serving_stack, "database_url": shared_store_url,
                 "serving": {**serving_stack["serving"], "generator_timeout_s": 30.0}}
    driver = subprocess.Popen([sys.executable, "-c", DRIVER, json.dumps(overrides),
                               f"127.0.0.1:{port}", str(_free())], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    procs.insert(0, driver)
    ready = selectors.DefaultSelector()
    ready.register(driver.stdout, selectors.EVENT_READ)
    line = driver.stdout.readline() if ready.select(timeout=300) else ""
    return port, procs, line.split()[1] if line.startswith("URL ") else ""


def _stop(port: int, procs: list) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM) if proc is not procs[0] else proc.kill()
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    # `ray start --head` leaves its address for `ray.init()` to find: not any more
    current = Path("/tmp/ray/ray_current_cluster")
    if current.is_file() and current.read_text().strip().endswith(f":{port}"):
        current.unlink()


@pytest.fixture
def two_nodes(serving_stack, shared_store_url, tmp_path):
    env = {**os.environ, "RAY_AUTH_MODE": "token",
           # the head's proxy routes to both replicas, not only to the one on its node
           "RAY_SERVE_PROXY_PREFER_LOCAL_NODE_ROUTING": "0"}
    env.pop("RAY_ADDRESS", None)
    for attempt in range(1, STARTS + 1):
        port, procs, url = _start(serving_stack, shared_store_url, env)
        if url:
            break
        _stop(port, procs)
        warnings.warn(f"two Ray nodes did not come up (try {attempt} of {STARTS})",
                      stacklevel=2)
    assert url, f"the app did not start on two nodes in {STARTS} tries"
    try:
        yield url
    finally:
        _stop(port, procs)


def _post(url: str, path: str, body: dict) -> requests.Response:
    return requests.post(f"{url}{path}", headers=KEY, json=body, timeout=60)


def test_two_replicas_on_two_nodes_share_one_bandit_and_lose_nothing(two_nodes,
                                                                     shared_store_url):
    url = two_nodes
    replicas: dict[str, dict] = {}
    for i in range(60):  # until both replicas have answered
        r = _post(url, "/v1/recommendations", {"shopper_id": f"S{1 + i % 50:06d}", "k": 1,
                                               "channel": "email", "variants": 1})
        assert r.status_code == 200, r.text
        replicas.setdefault(r.headers["x-adcraft-replica"], r.json())
        if len(replicas) == 2:
            break
    assert len(replicas) == 2, f"one replica answered everything: {list(replicas)}"
    nodes = {name.split(":")[0] for name in replicas}
    assert len(nodes) == 2, f"both replicas on one node: {list(replicas)}"
    served = next(iter(replicas.values()))
    item = served["items"][0]
    feedback = {"request_id": served["request_id"], "item": item["product_id"],
                "variant": item["copy"]["variant_id"]}
    click = _post(url, "/v1/feedback", {**feedback, "event": "click"})
    assert click.status_code == 200 and click.json()["arm"]["successes"] == 1
    acked_by = click.headers["x-adcraft-replica"]
    before = 0  # impressions acknowledged before the kill
    for _ in range(60):  # the other replica answers for the same arm: it saw the click
        other = _post(url, "/v1/feedback", {**feedback, "event": "impression"})
        assert other.status_code == 200
        before += 1
        if other.headers["x-adcraft-replica"] != acked_by:
            break
    assert other.headers["x-adcraft-replica"] != acked_by
    # the same arm as the replica that took the click: its success, and as many trials
    # (the served records: more than one where the warm-up served the arm twice)
    trials = click.json()["arm"]["trials"]
    assert trials >= 1
    assert (other.json()["arm"]["successes"], other.json()["arm"]["trials"]) == (1, trials)

    # kill -9 one replica while feedback flows: every acknowledged event is in the store
    victim = int(acked_by.split(":")[1])
    acks: list[str] = []
    stop = threading.Event()

    def flow():
        while not stop.is_set():
            try:
                r = _post(url, "/v1/feedback", {**feedback, "event": "impression"})
            except requests.RequestException:
                continue
            if r.status_code == 200:
                acks.append(r.headers["x-adcraft-replica"])

    thread = threading.Thread(target=flow)
    thread.start()
    time.sleep(2)
    os.kill(victim, signal.SIGKILL)
    time.sleep(4)
    stop.set()
    thread.join()
    logged = read_feedback(shared_store_url)
    impressions = logged.filter(logged["event_type"] == "impression").height
    assert acks and impressions >= len(acks) + before
    assert any(a != acked_by for a in acks[len(acks) // 2:])  # the survivor kept answering
