"""The copy store on SQLite and PostgreSQL: proposals are idempotent, the queue filters
and pages, only copy that passed the gate is approved, every move is reviewed."""

from __future__ import annotations

import pytest

from adcraft.store.copy import CopyStore, InvalidTransition, Proposal, QueueFilter, UnknownCopy
from adcraft.store.db import store_engine

FAILED = [{"check": "open_claims", "defect": "unsupported_claim", "severity": "block",
           "phrase": "waterproof", "why": "not in the product's text", "start": 10, "end": 20}]


def _proposal(product="P1", segment="Outdoor", text="Warm merino jacket.", passed=True,
              kind="ad_copy", source="generator") -> Proposal:
    return Proposal(variant_id=f"v-{abs(hash((product, kind, text))) % 10**12}",
                    product_id=product, segment=segment, kind=kind, locale="en-GB", text=text,
                    source=source, passed_gate=passed, findings=[] if passed else FAILED,
                    category="Jackets", predicted_ctr=0.12, generator_version="3",
                    run_id="run-1")


@pytest.fixture
def store(database_url) -> CopyStore:
    return CopyStore(store_engine(database_url))


def test_proposals_are_written_once(store):
    batch = [_proposal(), _proposal(text="Light jacket."), _proposal(segment="all")]
    assert store.propose(batch) == 3
    assert store.propose(batch + [_proposal(product="P2")]) == 1  # a rerun skips what is done
    assert store.slots_done("ad_copy", "en-GB") == {("P1", "Outdoor"), ("P1", "all"),
                                                    ("P2", "Outdoor")}
    row = store.queue().items[0]
    assert row["status"] == "proposed" and row["created_at"].tzinfo is not None
    assert (row["predicted_ctr"], row["generator_version"], row["run_id"]) == (0.12, "3", "run-1")


def test_the_queue_filters_and_pages(store):
    store.propose([_proposal(product=f"P{i}", passed=i % 3 != 0) for i in range(10)])
    page = store.queue(QueueFilter(passed_gate=True), limit=4)
    assert page.total == 6 and len(page.items) == 4 and page.next_after is not None
    rest = store.queue(QueueFilter(passed_gate=True), limit=4, after=page.next_after)
    assert len(rest.items) == 2 and rest.next_after is None
    ids = [r["id"] for r in page.items + rest.items]
    assert ids == sorted(ids) and len(set(ids)) == 6
    failed = store.queue(QueueFilter(finding="unsupported_claim"))
    assert failed.total == 4 and all(not r["passed_gate"] for r in failed.items)
    assert failed.items[0]["findings"][0]["phrase"] == "waterproof"
    assert store.queue(QueueFilter(finding="open_claims")).total == 4
    assert store.queue(QueueFilter(finding="pii")).total == 0
    assert store.queue(QueueFilter(product_id="P1", category="Jackets")).total == 1


def test_moves_are_checked_and_reviewed(store):
    store.propose([_proposal(), _proposal(text="Waterproof jacket.", passed=False)])
    good, bad = store.queue().items
    with pytest.raises(InvalidTransition, match="failed the gate"):
        store.act(bad["id"], "approve", "alice")
    with pytest.raises(InvalidTransition, match="retire"):
        store.act(good["id"], "retire", "alice")  # only approved copy is retired
    before = store.watermark()
    assert store.act(good["id"], "approve", "alice")["status"] == "approved"
    assert store.watermark() != before
    assert [r["text"] for r in store.approved()] == [good["text"]]
    store.act(good["id"], "retire", "bob", note="season over")
    assert store.approved() == []
    trail = store.reviews(good["id"])
    assert [(r["action"], r["reviewer"], r["before_status"], r["after_status"])
            for r in trail] == [("approve", "alice", "proposed", "approved"),
                                ("retire", "bob", "approved", "retired")]
    assert trail[1]["note"] == "season over"
    with pytest.raises(UnknownCopy):
        store.act(10**9, "approve", "alice")


def test_an_edit_is_judged_again(store):
    store.propose([_proposal(text="Waterproof jacket.", passed=False)])
    row = store.queue().items[0]

    def judge(text):
        return ("waterproof" not in text.lower()), ([] if "waterproof" not in text.lower()
                                                    else FAILED)

    still = store.edit(row["id"], "Very waterproof jacket.", "alice", judge, lambda t: "v-x")
    assert (still["status"], still["passed_gate"], still["source"]) == ("proposed", False,
                                                                        "edited")
    fixed = store.edit(row["id"], "Warm merino jacket.", "alice", judge, lambda t: "v-y")
    assert (fixed["status"], fixed["passed_gate"], fixed["variant_id"]) == ("approved", True,
                                                                           "v-y")
    trail = store.reviews(row["id"])
    assert [(r["before_text"], r["after_text"]) for r in trail] == [
        ("Waterproof jacket.", "Very waterproof jacket."),
        ("Very waterproof jacket.", "Warm merino jacket.")]


def test_bulk_approve_takes_only_what_passed(store):
    store.propose([_proposal(product=f"P{i}", passed=i % 2 == 0) for i in range(7)])
    assert store.bulk_approve(QueueFilter(), "demo", automatic=True) == 4
    assert len(store.approved()) == 4
    assert store.bulk_approve(QueueFilter(), "demo") == 0
    row = store.queue(QueueFilter(status="approved")).items[0]
    assert store.reviews(row["id"])[0]["action"] == "auto_approve"
