"""The service in process, through its HTTP API, with the real models of a small stack
(no Ray): the whole path, cold start, every bad-input status, feedback, degradation."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from starlette.testclient import TestClient

from adcraft.serving.api import create_api
from adcraft.serving.feedback import FeedbackState
from adcraft.serving.service import LocalBackends, RecommendationService
from tests.adcraft.serving.conftest import FailingBackends
from tests.conftest import API_KEY

KEY = {"x-api-key": API_KEY}


def _client(parts, tmp_path, backends=LocalBackends, **serving) -> TestClient:
    settings, shop, models = parts
    config = settings.serving.model_copy(update=serving)
    service = RecommendationService(shop, backends(*models),
                                    FeedbackState(f"sqlite:///{tmp_path}/events.db", seed=0),
                                    config)
    return TestClient(create_api(service, config))


@pytest.fixture
def client(parts, tmp_path):
    return _client(parts, tmp_path)


def _shopper(parts) -> str:
    return parts[1].profiles["shopper_id"][0]


def test_the_whole_path(client, parts):
    shop = parts[1]
    r = client.post("/v1/recommendations", headers={**KEY, "x-request-id": "req-1"},
                    json={"shopper_id": _shopper(parts), "k": 3, "channel": "ads"})
    assert r.status_code == 200 and r.headers["x-request-id"] == "req-1"
    body = r.json()
    assert body["request_id"] == "req-1" and not body["cold_start"] and not body["degraded"]
    assert len(body["items"]) == 3
    assert set(body["model_versions"]) == {"ranker", "conversion", "generator"}
    assert body["model_versions"]["conversion"] == "adcraft-conversion/1"
    for item in body["items"]:
        assert 0 <= item["p_click"] <= 1 and 0 <= item["p_convert"] <= 1
        copy = item["copy"]
        assert copy["kind"] == "ad_copy" and copy["variant_id"].startswith("v-")
        assert not copy["degraded"] and len(copy["text"]) <= 160
        assert set(copy["facts"]) <= shop.facts(item["product_id"]).terms()


def test_unknown_and_anonymous_shoppers_are_cold_starts(client):
    r = client.post("/v1/recommendations", headers=KEY, json={"shopper_id": "never-seen",
                                                              "k": 2, "with_copy": False})
    assert r.status_code == 200 and r.json()["cold_start"] and len(r.json()["items"]) == 2
    r = client.post("/v1/recommendations", headers=KEY, json={
        "context": {"query": "waterproof jacket", "category": "Outdoor"}, "k": 2})
    body = r.json()
    assert r.status_code == 200 and body["segment"] == "cold:Outdoor"
    assert body["model_versions"]["embedder"] == "adcraft-embedder/1"  # from MLflow


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/v1/recommendations", {"shopper_id": "S1", "k": 0}, "body.k"),
    ("/v1/recommendations", {"shopper_id": "S1", "channel": "fax"}, "body.channel"),
    ("/v1/recommendations", {"shopper_id": "S1'; DROP TABLE x"}, "body.shopper_id"),
    ("/v1/recommendations", {"shopper_id": "S1", "admin": True}, "body.admin"),
    ("/v1/recommendations", {"k": 3}, "body"),
    ("/v1/recommendations", {"context": {"query": "x" * 500}}, "body.context.query"),
    ("/v1/copy", {"product_id": "P000001", "kind": "poem"}, "body.kind"),
    ("/v1/feedback", {"request_id": "r", "item": "P1", "event": "like"}, "body.event"),
    ("/v1/recommendations", {"shopper_id": "S1", "with_copy": 0}, "body.with_copy"),
])
def test_bad_input_is_a_422_naming_the_field(client, path, body, field):
    r = client.post(path, headers=KEY, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["request_id"] == r.headers["x-request-id"]
    assert "DROP" not in r.text  # the input is never echoed


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/v1/copy", {"product_id": "no-such-product"}, "body.product_id"),
    ("/v1/feedback", {"request_id": "unknown", "item": "P1", "event": "click"},
     "body.request_id"),
])
def test_a_reference_to_nothing_known_is_a_404_naming_the_field(client, path, body, field):
    r = client.post(path, headers=KEY, json=body)
    assert r.status_code == 404, r.text
    assert r.json()["field"] == field and r.json()["request_id"] == r.headers["x-request-id"]
    assert "DROP" not in r.text  # the input is never echoed


def test_malformed_json_is_a_422(client):
    r = client.post("/v1/recommendations", headers={**KEY, "content-type": "application/json"},
                    content=b'{"shopper_id": ')
    assert r.status_code == 422 and r.json()["field"].startswith("body")


def test_keys_and_size_limits(client):
    body = {"shopper_id": "S1", "k": 1, "with_copy": False}
    assert client.post("/v1/recommendations", json=body).status_code == 401
    assert client.post("/v1/recommendations", json=body,
                       headers={"x-api-key": "wrong"}).status_code == 401
    assert client.post("/v1/recommendations", json=body,
                       headers={"authorization": f"Bearer {API_KEY}"}).status_code == 200
    big = b'{"shopper_id": "' + b"x" * 70_000 + b'"}'
    assert client.post("/v1/recommendations", headers=KEY, content=big).status_code == 413
    # no declared length (chunked): counted as it arrives
    chunks = iter([b'{"shopper_id": "', b"x" * 40_000, b"x" * 40_000, b'"}'])
    r = client.post("/v1/recommendations", headers=KEY, content=chunks)
    assert r.status_code == 413 and r.json()["request_id"]
    assert client.get("/healthz").status_code == 200  # open, as are the docs
    assert client.get("/docs").status_code == 200
    assert "/v1/feedback" in client.get("/openapi.json").json()["paths"]


def test_dev_mode_needs_no_key(parts, tmp_path):
    dev = _client(parts, tmp_path, api_keys=[], dev_mode=True)
    assert dev.post("/v1/recommendations", json={"shopper_id": "S1", "k": 1,
                                                 "with_copy": False}).status_code == 200


def test_feedback_moves_the_bandit_and_the_ranking(client, parts):
    shopper = _shopper(parts)
    first = client.post("/v1/recommendations", headers=KEY,
                        json={"shopper_id": shopper, "k": 3}).json()
    item = first["items"][0]
    assert 0 < item["copy"]["propensity"] <= 1  # the bandit's choice, with its probability
    for event in ("impression", "click", "purchase"):
        r = client.post("/v1/feedback", headers=KEY, json={
            "request_id": first["request_id"], "item": item["product_id"],
            "variant": item["copy"]["variant_id"], "event": event})
        assert r.status_code == 200 and r.json()["accepted"]
    arm = r.json()["arm"]
    assert (arm["trials"], arm["successes"]) == (1, 1) and arm["mean"] > 0.5
    assert arm["segment"] == first["segment"]
    # what the shopper bought is not recommended again
    again = client.post("/v1/recommendations", headers=KEY,
                        json={"shopper_id": shopper, "k": 10, "with_copy": False}).json()
    assert item["product_id"] not in [i["product_id"] for i in again["items"]]


def test_both_endpoints_put_a_shopper_in_one_segment(client, parts):
    from adcraft.features.profiles import segment_of

    shopper = _shopper(parts)
    recommended = client.post("/v1/recommendations", headers=KEY, json={
        "shopper_id": shopper, "k": 1, "with_copy": False}).json()
    product = recommended["items"][0]["product_id"]
    copy = client.post("/v1/copy", headers=KEY, json={"shopper_id": shopper,
                                                      "product_id": product}).json()
    arm = client.post("/v1/feedback", headers=KEY, json={
        "request_id": copy["request_id"], "item": product,
        "variant": copy["copy"]["variant_id"], "event": "impression"}).json()["arm"]
    assert recommended["segment"] == arm["segment"] == segment_of(parts[1].profile(shopper))


def test_a_failing_generator_degrades_to_template_copy(parts, tmp_path):
    client = _client(parts, tmp_path, FailingBackends)
    r = client.post("/v1/recommendations", headers=KEY,
                    json={"shopper_id": _shopper(parts), "k": 2})
    body = r.json()
    assert r.status_code == 200 and body["degraded"]
    assert body["model_versions"]["generator"] == "unavailable"
    for item in body["items"]:
        assert item["copy"]["degraded"] and item["copy"]["source"] == "template"
        assert item["copy"]["fallback"] == "generator_unavailable"
    copy = client.post("/v1/copy", headers=KEY, json={"product_id": body["items"][0][
        "product_id"], "shopper_id": _shopper(parts)}).json()
    assert copy["degraded"] and copy["copy"]["degraded"] and copy["variants"]


def test_a_slow_generator_times_out_to_template_copy(parts, tmp_path):
    FailingBackends.delay_s = 5.0
    try:
        client = _client(parts, tmp_path, FailingBackends, generator_timeout_s=0.5)
        started = time.perf_counter()
        r = client.post("/v1/recommendations", headers=KEY,
                        json={"shopper_id": _shopper(parts), "k": 2})
        assert time.perf_counter() - started < 4
        assert r.status_code == 200 and r.json()["degraded"]
        assert all(i["copy"]["degraded"] for i in r.json()["items"])
    finally:
        FailingBackends.delay_s = None


def test_logs_hold_no_personal_data(client, parts, caplog):
    shopper = _shopper(parts)
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/recommendations", headers=KEY, json={"shopper_id": shopper, "k": 2})
        client.post("/v1/recommendations", headers=KEY, json={"shopper_id": "bad id!"})
    assert caplog.records and shopper not in caplog.text and "bad id" not in caplog.text
    assert "@" not in caplog.text


def test_overload_is_answered_503_at_once_not_queued(parts, tmp_path):
    import httpx

    settings, shop, models = parts
    config = settings.serving.model_copy(update={"max_in_flight": 1,
                                                 "generator_timeout_s": 30.0})
    backends = FailingBackends(*models)
    backends.delay_s = 1.5  # the first request holds the one place for 1.5 s
    service = RecommendationService(shop, backends,
                                    FeedbackState(f"sqlite:///{tmp_path}/e.db", seed=0), config)
    app = create_api(service, config)
    product = shop.products["product_id"][0]

    async def both():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://adcraft") as http:
            slow = asyncio.create_task(http.post("/v1/copy", headers=KEY, json={
                "shopper_id": _shopper(parts), "product_id": product, "kind": "ad_copy"}))
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            shed = await http.post("/v1/recommendations", headers=KEY,
                                   json={"shopper_id": _shopper(parts), "k": 3})
            waited = time.perf_counter() - started
            health = await http.get("/healthz")
            return await slow, shed, waited, health

    first, shed, waited, health = asyncio.run(both())
    assert first.status_code == 200
    assert shed.status_code == 503 and shed.headers["retry-after"] == "1"
    assert shed.json()["request_id"] and "overloaded" in shed.json()["detail"]
    assert waited < 0.1 and health.status_code == 200


class QueuedRanker(LocalBackends):
    """The real models, with the ranker's answer held back `wait_s` (a request queued
    behind a busy replica); `cancelled` counts calls given up on while waiting."""

    wait_s, cancelled = 0.0, 0

    async def rank(self, query):
        try:
            await asyncio.sleep(self.wait_s)
        except asyncio.CancelledError:
            QueuedRanker.cancelled += 1
            raise
        return await super().rank(query)


def test_a_request_past_its_deadline_is_answered_503_and_its_call_cancelled(parts, tmp_path):
    settings, shop, models = parts
    config = settings.serving.model_copy(update={"request_deadline_s": 0.3})
    backends = QueuedRanker(*models)
    service = RecommendationService(shop, backends,
                                    FeedbackState(f"sqlite:///{tmp_path}/e.db", seed=0), config)
    client = TestClient(create_api(service, config))
    body = {"shopper_id": _shopper(parts), "k": 3, "with_copy": False}
    backends.wait_s = 0.1  # within the deadline: answered
    assert client.post("/v1/recommendations", headers=KEY, json=body).status_code == 200
    backends.wait_s, QueuedRanker.cancelled = 5.0, 0
    started = time.perf_counter()
    r = client.post("/v1/recommendations", headers=KEY, json=body)
    waited = time.perf_counter() - started
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert "deadline" in r.json()["detail"] and r.json()["request_id"]
    assert 0.3 <= waited < 1.0 and QueuedRanker.cancelled == 1
