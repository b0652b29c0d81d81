"""The review API and serving from the copy store, in process with the real models of a
small stack, on SQLite and PostgreSQL: roles, the queue, approve/edit/retire, and
approved copy shown (with the bandit's propensity) without generating anything."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from adcraft.content.request import CopyKind, CopyRequest
from adcraft.content.templates import template_variants
from adcraft.serving.api import create_api
from adcraft.serving.approved import ApprovedCopy
from adcraft.serving.bandit import variant_id
from adcraft.serving.eventlog import read_records
from adcraft.serving.feedback import FeedbackState
from adcraft.serving.review import NO_SHOPPER, ReviewService
from adcraft.serving.service import LocalBackends, RecommendationService
from adcraft.settings import ApiKey
from adcraft.store.copy import ALL_SEGMENTS, CopyStore, Proposal, QueueFilter
from adcraft.store.db import store_engine
from tests.adcraft.serving.conftest import FailingBackends

SERVING, MARKETER, ADMIN = ({"x-api-key": k} for k in ("serve-key-1", "market-key-1",
                                                         "admin-key-1"))
KEYS = [ApiKey(key="serve-key-1"), ApiKey(key="market-key-1", role="marketer", name="alice"),
        ApiKey(key="admin-key-1", role="admin", name="root")]


def _app(parts, database_url, backends=FailingBackends, **serving):
    settings, shop, models = parts
    config = settings.serving.model_copy(update={"api_keys": KEYS, "approved_refresh_s": 0.01,
                                                 **serving})
    engine = store_engine(database_url)
    store = CopyStore(engine)
    service = RecommendationService(shop, backends(*models), FeedbackState(engine, seed=0),
                                    config, ApprovedCopy(store, shop.vocabulary, 0.01),
                                    ReviewService(store, shop))
    return TestClient(create_api(service, config)), store, service


@pytest.fixture
def app(parts, database_url):
    """(client, store, service): the generator always fails, so any copy that is not
    template copy came from the store."""
    return _app(parts, database_url)


def test_without_live_generation_nothing_is_generated(parts, database_url):
    client, _, _ = _app(parts, database_url, live_generation=False)
    copy = client.post("/v1/copy", headers=SERVING, json={"product_id": "P000001"}).json()
    assert copy["copy"]["source"] == "template" and not copy["degraded"]
    assert copy["model_versions"] == {"generator": "unavailable"}
    body = client.post("/v1/recommendations", headers=SERVING, json={
        "shopper_id": "S000001", "k": 2}).json()
    assert not body["degraded"] and "generator" not in body["model_versions"]
    assert all(i["copy"]["source"] == "template" for i in body["items"])


def _propose(service, store, product_id: str, texts: list[str]) -> None:
    review = service.review
    rows = []
    for text in texts:
        ok, findings = review.judge(product_id, "ad_copy", "en-GB", text)
        rows.append(Proposal(variant_id(product_id, "ad_copy", text), product_id, ALL_SEGMENTS,
                             "ad_copy", "en-GB", text, "template", ok, findings))
    store.propose(rows)


def _good_copy(service, product_id: str) -> list[str]:
    product = service.shop.facts(product_id)
    texts = template_variants(CopyRequest(profile=NO_SHOPPER, product=product,
                                          kind=CopyKind.ad_copy, n_variants=3))
    assert texts, "the synthetic shop's templates write copy for its products"
    return texts


def test_roles(app):
    client, _, _ = app
    assert client.get("/v1/review/variants", headers=SERVING).status_code == 403
    assert client.post("/admin/reload", headers=SERVING, json={}).status_code == 403
    assert client.get("/v1/review/variants", headers=MARKETER).status_code == 200
    r = client.post("/admin/reload", headers=MARKETER, json={})
    assert r.status_code == 403 and "needs admin" in r.json()["detail"]
    assert client.get("/v1/review/variants", headers=ADMIN).status_code == 200
    assert client.post("/admin/reload", headers=ADMIN, json={}).status_code == 409  # in process
    assert client.get("/v1/review/variants").status_code == 401
    body = {"shopper_id": "S000001", "k": 1, "with_copy": False}
    for key in (SERVING, MARKETER, ADMIN):
        assert client.post("/v1/recommendations", headers=key, json=body).status_code == 200


def test_review_then_serve_from_the_store(app):
    client, store, service = app
    product = service.shop.products["product_id"][0]
    good = _good_copy(service, product)[0]
    bad = f"{good} Clinically proven to cure colds."
    _propose(service, store, product, [good, bad])
    page = client.get("/v1/review/variants", headers=MARKETER,
                      params={"passed_gate": False, "limit": 1}).json()
    assert page["total"] == 1 and page["next_after"] is None
    flagged = page["items"][0]
    assert flagged["text"] == bad and flagged["status"] == "proposed"
    finding = next(f for f in flagged["findings"] if f["defect"] == "compliance")
    assert bad[finding["start"]:finding["end"]] == finding["phrase"]
    only = client.get("/v1/review/variants", headers=MARKETER, params={"finding": "compliance"})
    assert [v["id"] for v in only.json()["items"]] == [flagged["id"]]
    # what failed the gate cannot be approved; an edit is judged again
    refused = client.post(f"/v1/review/variants/{flagged['id']}/approve", headers=MARKETER)
    assert refused.status_code == 409 and "failed the gate" in refused.json()["detail"]
    edited = client.post(f"/v1/review/variants/{flagged['id']}/edit", headers=MARKETER,
                         json={"text": good + " Order today.", "note": "no medical claims"})
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["status"], edited.json()["source"]) == ("approved", "edited")
    # nothing approved for it yet but the edit: the store's copy is served, not generated
    shown = client.post("/v1/copy", headers=SERVING, json={"product_id": product}).json()
    assert shown["copy"]["reviewed"] and shown["copy"]["text"] == good + " Order today."
    assert not shown["degraded"] and 0 < shown["copy"]["propensity"] <= 1
    assert client.post("/v1/review/bulk-approve", headers=MARKETER,
                       json={"filters": {"product_id": product}}).json() == {"approved": 1}
    texts = {client.post("/v1/copy", headers=SERVING, json={"product_id": product}
                         ).json()["copy"]["text"] for _ in range(12)}
    assert texts == {good, good + " Order today."}  # the bandit shows both
    detail = client.get(f"/v1/review/variants/{flagged['id']}", headers=MARKETER).json()
    assert [(r["action"], r["reviewer"]) for r in detail["reviews"]] == [("edit", "alice")]
    # retired copy is no longer shown
    approved_good = next(v for v in client.get("/v1/review/variants", headers=MARKETER, params={
        "status": "approved", "source": "template"}).json()["items"])
    assert client.post(f"/v1/review/variants/{approved_good['id']}/retire", headers=ADMIN,
                       json={"note": "season over"}).json()["status"] == "retired"
    texts = {client.post("/v1/copy", headers=SERVING, json={"product_id": product}
                         ).json()["copy"]["text"] for _ in range(5)}
    assert texts == {good + " Order today."}


def test_recommendations_show_approved_copy_and_feedback_moves_its_arm(app):
    client, store, service = app
    ranked = client.post("/v1/recommendations", headers=SERVING, json={
        "shopper_id": "S000001", "k": 3, "with_copy": False}).json()["items"]
    for item in ranked:
        _propose(service, store, item["product_id"], _good_copy(service, item["product_id"]))
    assert store.bulk_approve(QueueFilter(), "test", automatic=True) >= 3
    body = client.post("/v1/recommendations", headers=SERVING, json={
        "shopper_id": "S000001", "k": 3, "copy_kind": "ad_copy"}).json()
    assert [i["product_id"] for i in body["items"]] == [i["product_id"] for i in ranked]
    assert not body["degraded"] and "generator" not in body["model_versions"]
    assert all(item["copy"]["reviewed"] for item in body["items"])
    item = body["items"][0]
    arm = client.post("/v1/feedback", headers=SERVING, json={
        "request_id": body["request_id"], "item": item["product_id"],
        "variant": item["copy"]["variant_id"], "event": "click"}).json()["arm"]
    assert (arm["trials"], arm["successes"]) == (1, 1)


def test_an_unknown_variant_is_404(app):
    client, _, _ = app
    r = client.post("/v1/review/variants/999999/approve", headers=MARKETER)
    assert r.status_code == 404 and r.json()["field"] == "path.copy_id"
    r = client.get("/v1/review/variants", headers=MARKETER, params={"status": "pending"})
    assert r.status_code == 422 and r.json()["field"].endswith("status")


def test_a_marketer_previews_live_copy_with_the_gates_verdicts(parts, database_url):
    """Live generation is off for shoppers, yet a marketer's preview generates now: each
    candidate with its verdict, into the queue only when asked, and nothing served."""
    client, store, service = _app(parts, database_url, backends=LocalBackends,
                                  live_generation=False)
    ask = {"product_id": "P000002", "segment": "cold", "kind": "ad_copy", "candidates": 3}
    assert client.post("/v1/review/preview", headers=SERVING, json=ask).status_code == 403
    r = client.post("/v1/review/preview", headers=MARKETER, json=ask)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["variants"]) == 3 and body["generator_version"] != "unavailable"
    for v in body["variants"]:  # the tiny model writes noise: the verdict says why
        assert v["passed_gate"] or v["findings"] and all(f["why"] for f in v["findings"])
    mine = QueueFilter(product_id="P000002", segment="cold")
    assert store.queue(mine, limit=10).total == 0
    assert read_records(service.feedback.log.engine) == [], "a preview is not an impression"
    r = client.post("/v1/review/preview", headers=MARKETER, json={**ask, "propose": True})
    proposed = store.queue(mine, limit=10)
    assert proposed.total == len({v["text"] for v in r.json()["variants"]})
    assert all(row["source"] == "generator" and row["status"] == "proposed"
               for row in proposed.items)
    for wrong, field in (({"segment": "no-such-segment"}, "body.segment"),
                         ({"product_id": "P999999"}, "body.product_id")):
        r = client.post("/v1/review/preview", headers=MARKETER, json={**ask, **wrong})
        assert r.status_code == 404 and r.json()["field"] == field, r.text
    assert client.post("/v1/review/preview", headers=MARKETER,
                       json={**ask, "propose": 1}).status_code == 422


def test_a_preview_without_a_generator_is_503(app):
    client, _, _ = app
    r = client.post("/v1/review/preview", headers=MARKETER, json={"product_id": "P000002"})
    assert r.status_code == 503 and "generator" in r.text
