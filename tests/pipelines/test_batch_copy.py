"""The batch copy job on a small stack (tiny generator, real conversion model, real Ray
Data on the session's local Ray, the store on SQLite and PostgreSQL): every slot gets
gated proposals with lineage, a rerun resumes, and automatic approval is logged so."""

from __future__ import annotations

import mlflow

from adcraft.settings import Settings
from adcraft.store.copy import CopyStore, QueueFilter
from adcraft.store.db import store_engine
from pipelines import batch_copy


def test_batch_copy_fills_resumes_and_approves(ray_local, serving_stack, database_url):
    settings = Settings(**{**serving_stack, "database_url": database_url})
    args = ["--products", "6", "--segments", "Outdoor", "cold", "--candidates", "2",
            "--max-new-tokens", "8", "--batch-size", "4", "--concurrency", "2"]
    counts = batch_copy.run(settings, batch_copy.parse_args(args))
    assert counts["slots"] == 12 and counts["proposed"] >= 12
    store = CopyStore(store_engine(database_url))
    rows = store.queue(limit=200).items
    assert {(r["product_id"], r["segment"]) for r in rows if r["passed_gate"]} == {
        (p, s) for p in {r["product_id"] for r in rows} for s in ("Outdoor", "cold")}
    run_ids = {r["run_id"] for r in rows}
    assert len(run_ids) == 1
    run = mlflow.get_run(run_ids.pop())
    assert run.data.metrics["slots"] == 12 and run.data.params["kind"] == "ad_copy"
    passed = [r for r in rows if r["passed_gate"]]
    assert all(r["predicted_ctr"] is not None and 0 <= r["predicted_ctr"] <= 1 for r in passed)
    failed = [r for r in rows if not r["passed_gate"]]
    assert all(r["findings"] and r["source"] == "generator" for r in failed)
    generated = [r for r in rows if r["source"] == "generator"]
    assert all(r["generator_version"] == "adcraft-generator/1" for r in generated)
    # the same command again: nothing left to write
    again = batch_copy.run(settings, batch_copy.parse_args(args + ["--approve-passed"]))
    assert again["slots"] == 0 and again["proposed"] == 0
    assert again["auto_approved"] == len(passed)
    approved = store.queue(QueueFilter(status="approved"), limit=200).items
    assert store.reviews(approved[0]["id"])[0]["action"] == "auto_approve"


def test_sequential_and_templates_only(serving_stack, database_url):
    settings = Settings(**{**serving_stack, "database_url": database_url})
    counts = batch_copy.run(settings, batch_copy.parse_args(
        ["--products", "3", "--segments", "cold", "--templates-only", "--sequential",
         "--import-descriptions"]))
    assert counts["slots"] == 3 and counts["from_generator"] == 0
    assert counts["from_template"] >= 3 and counts["human"] >= 1
    store = CopyStore(store_engine(database_url))
    human = store.queue(QueueFilter(source="human")).items
    assert human and all(r["segment"] == "all" for r in human)
