"""The Serve application for real on 127.0.0.1: five deployments on the session's Ray,
tiny models from MLflow. The whole path over HTTP, durable feedback that moves the
bandit, bad-input statuses, a killed generator replica (degraded, then recovered), and a
model reload that drops no request."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests
import yaml

from adcraft.registry import Registry
from adcraft.serving.eventlog import read_feedback
from adcraft.serving.stack import register_conversion
from adcraft.settings import Settings
from tests.conftest import ADMIN_KEY, API_KEY

KEY = {"x-api-key": API_KEY}
CONFIG = Path(__file__).resolve().parents[2] / "serve_apps" / "config.yaml"


@pytest.fixture(scope="module")
def served(ray_local, serving_stack, tmp_path_factory):
    from serve_apps import local

    store = tmp_path_factory.mktemp("serve-store") / "adcraft.db"
    overrides = {**serving_stack, "database_url": f"sqlite:///{store}",
                 "serving": {**serving_stack["serving"], "generator_timeout_s": 10.0,
                             "follow_alias_s": 2.0}}
    yield local.start(overrides, port=local.free_port()), overrides
    local.stop()


def _recommend(url: str, **body) -> requests.Response:
    return requests.post(f"{url}/v1/recommendations", headers=KEY, timeout=60,
                         json={"shopper_id": "S000001", "k": 2, **body})


def test_the_whole_path_and_durable_feedback(served):
    url, overrides = served
    assert requests.get(f"{url}/healthz", timeout=10).json()["status"] == "ok"
    r = _recommend(url, channel="email")
    body = r.json()
    assert r.status_code == 200 and r.headers["x-request-id"] == body["request_id"]
    assert not body["degraded"] and len(body["items"]) == 2
    assert body["model_versions"]["generator"] == "adcraft-generator/1"
    item = body["items"][0]
    assert item["copy"]["kind"] == "email_subject" and item["p_convert"] is not None
    anonymous = requests.post(f"{url}/v1/recommendations", headers=KEY, timeout=60, json={
        "context": {"query": "warm wool socks"}, "k": 2, "with_copy": False}).json()
    assert anonymous["cold_start"] and "embedder" in anonymous["model_versions"]
    # acknowledged feedback is committed to the store, and it moved the bandit
    arms = []
    for event in ("impression", "click"):
        ack = requests.post(f"{url}/v1/feedback", headers=KEY, timeout=30, json={
            "request_id": body["request_id"], "item": item["product_id"],
            "variant": item["copy"]["variant_id"], "event": event})
        assert ack.status_code == 200
        arms.append(ack.json()["arm"])
    assert arms[1]["successes"] == 1 and arms[1]["mean"] > arms[0]["mean"]
    logged = read_feedback(overrides["database_url"])
    assert logged["event_type"].cast(str).to_list() == ["impression", "click"]
    assert logged["variant_id"].unique().to_list() == [item["copy"]["variant_id"]]
    copy = requests.post(f"{url}/v1/copy", headers=KEY, timeout=60, json={
        "product_id": item["product_id"], "kind": "ad_copy"}).json()
    assert copy["copy"]["variant_id"].startswith("v-") and not copy["degraded"]


@pytest.mark.parametrize(("headers", "data", "status"), [
    ({}, b'{"shopper_id": "S1"}', 401),
    ({**KEY}, b'{"shopper_id": "S1", "k": 999}', 422),
    ({**KEY}, b'{"shopper_id": "' + b"x" * 70_000 + b'"}', 413),
    ({**KEY}, b'{"shopper_id": "nobody-we-know", "k": 1, "with_copy": false}', 200),
])
def test_statuses_over_http(served, headers, data, status):
    r = requests.post(f"{served[0]}/v1/recommendations", data=data, timeout=60,
                      headers={**headers, "content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["request_id"] == r.headers["x-request-id"]


def _nice_of(role: str) -> set[int]:
    """The nice value of every thread of this machine's `ServeReplica:adcraft:<role>`
    processes: Linux keeps one a thread."""
    import os

    from serve_apps.local import serve_processes

    values = set()
    for name, pid, _ in serve_processes():
        if name == f"adcraft:{role}":
            for tid in os.listdir(f"/proc/{pid}/task"):
                try:  # field 19 of a thread's stat: its nice value
                    stat = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1]
                except OSError:  # a thread that ended meanwhile
                    continue
                values.add(int(stat.split()[16]))
    return values


def test_model_replicas_yield_the_cpu_to_the_ingress(served):
    """Under overload the Ingress and the proxy answer 503 at once only if a busy model
    replica does not take their CPU: every thread of a model replica runs
    `model_replica_nice` lower than the Ingress's (at most 19, the kernel's floor). Ray
    itself already runs a worker's Python threads at nice 15 and its gRPC threads at 0."""
    step = Settings().serving.model_replica_nice
    ingress = _nice_of("Ingress")
    assert ingress and step > 0, ingress
    want = {min(value + step, 19) for value in ingress}
    assert want.isdisjoint(ingress - {19})
    for role in ("Ranker", "ConversionModel", "Embedder", "Generator"):
        assert _nice_of(role) == want, role


def _generator_replicas() -> list[tuple[str, str]]:
    import ray

    return [(a["name"], a["namespace"]) for a in ray.util.list_named_actors(True)
            if "#Generator#" in a["name"]]


def test_a_killed_generator_degrades_then_recovers(served):
    """The generator's champion alias is taken away before its replicas are killed, so
    no replacement can load a model until it is back: the answers in between must be
    degraded whatever Serve does (a restart alone came back too fast to be seen)."""
    import ray

    url, overrides = served
    registry = Registry(Settings(**overrides))
    name = Settings(**overrides).serving.generator_model
    version = registry.alias_version(name)
    registry.client.delete_registered_model_alias(name, "champion")
    try:
        for replica, namespace in _generator_replicas():
            ray.kill(ray.get_actor(replica, namespace=namespace), no_restart=True)
        body = _recommend(url).json()
        assert body["degraded"] and body["model_versions"]["generator"] == "unavailable"
        assert all(i["copy"]["degraded"] and i["copy"]["text"] for i in body["items"])
    finally:
        registry.set_alias(name, "champion", version)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # Serve's next replica loads the champion again
        body = _recommend(url).json()
        if not body["degraded"]:
            break
        time.sleep(2)
    assert not body["degraded"] and body["model_versions"]["generator"] == "adcraft-generator/1"


def test_a_reload_drops_no_request(served):
    url, overrides = served
    settings = Settings(**overrides)
    version = register_conversion(settings, _tables(settings), rounds=10, force=True)
    assert Registry(settings).alias_version("adcraft-conversion") == version > 1
    statuses, stop = [], threading.Event()

    def traffic():
        while not stop.is_set():
            statuses.append(_recommend(url, with_copy=False).status_code)

    thread = threading.Thread(target=traffic)
    thread.start()
    try:
        r = requests.post(f"{url}/admin/reload", headers={"x-api-key": ADMIN_KEY},
                          json={"component": "conversion"},
                          timeout=120)
    finally:
        time.sleep(0.5)
        stop.set()
        thread.join()
    assert r.status_code == 200
    assert r.json()["reloaded"] == {"conversion": f"adcraft-conversion/{version}"}
    assert statuses and set(statuses) == {200}
    assert _recommend(url, with_copy=False).json()["model_versions"]["conversion"].endswith(
        f"/{version}")


def test_replicas_follow_a_moved_alias_without_being_told(served):
    url, overrides = served
    settings = Settings(**overrides)
    # a forced registration moves champion, as a promotion from anywhere would
    version = register_conversion(settings, _tables(settings), rounds=10, force=True)
    assert _serves(url, "conversion", f"adcraft-conversion/{version}")


def test_the_ranker_serves_the_index_alias_and_a_rollback(served):
    from adcraft.promotion import promote
    from adcraft.retrieval import index_model, load_index, register_index

    url, overrides = served
    settings = Settings(**overrides)
    registry, name = Registry(settings), index_model("synthetic")
    first = registry.alias_version(name)
    index, _ = load_index("synthetic", registry)
    with registry.run("build-index-test"):  # the same index again: its gate passes
        version, decision = register_index(registry, index, "synthetic",
                                           _tables(settings)["products"]["product_id"])
    assert decision.promote and version == first + 1
    assert _serves(url, "ranker", f"{name}/{version}")
    promote(registry, name, version=first, force=True)  # roll back
    assert _serves(url, "ranker", f"{name}/{first}")


def _serves(url: str, component: str, wanted: str, within_s: float = 60) -> bool:
    """`component` answers with the version `wanted` within `within_s`. While a replica
    that follows its alias swaps a model on a busy machine a request may be shed: a 503
    with Retry-After, the service's documented answer, is waited out; any other failure
    fails the test."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        r = _recommend(url, with_copy=False)
        if r.status_code == 503 and r.headers.get("Retry-After"):
            time.sleep(float(r.headers["Retry-After"]))
            continue
        assert r.status_code == 200, (r.status_code, r.headers, r.text)
        if r.json()["model_versions"][component] == wanted:
            return True
        time.sleep(1)
    return False


def _tables(settings: Settings) -> dict:
    from adcraft.data.io import read_tables
    from adcraft.data.sources import dataset_dir

    return read_tables(dataset_dir("synthetic", settings) / "tables")


def test_the_config_is_one_serve_accepts():
    from ray.serve.schema import ServeDeploySchema

    config = ServeDeploySchema.model_validate(yaml.safe_load(CONFIG.read_text()))
    app = config.applications[0]
    assert app.import_path == "serve_apps.app:build"
    assert {d.name for d in app.deployments} == {"Embedder", "Ranker", "ConversionModel",
                                                  "Generator", "Ingress"}
    assert all(d.autoscaling_config for d in app.deployments)


def test_build_applies_the_configs_options_the_only_place_they_live(tmp_path):
    from serve_apps.app import AppArgs, build, deployment_options

    app = build(AppArgs(settings={"home": str(tmp_path), "serving": {"replica_threads": 2}}))
    ingress = app._bound_deployment
    options = deployment_options(CONFIG)
    assert ingress.max_queued_requests == options["Ingress"]["max_queued_requests"] > 0
    assert ingress.backpressure_config.retry_after_s == 1  # a full queue says when to retry
    models = {a._bound_deployment.name: a._bound_deployment for a in ingress.init_args[:4]}
    assert set(models) == {"Embedder", "Ranker", "ConversionModel", "Generator"}
    for name, deployment in models.items():
        assert deployment.max_ongoing_requests == options[name]["max_ongoing_requests"]
        assert deployment.max_queued_requests == options[name]["max_queued_requests"] > 0
        env = deployment.ray_actor_options.get("runtime_env", {}).get("env_vars")
        # torch's replicas get the threads; a search or a small predict keeps Ray's one
        assert env == ({"OMP_NUM_THREADS": "2"} if name in ("Embedder", "Generator") else None)
