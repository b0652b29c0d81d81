"""The event log in the store (SQLite and PostgreSQL): an acknowledged feedback row
survives kill -9 of its writer, a late commit is still read, and training reads the log
as `events` and `impressions` tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime

import polars as pl
import pytest
from sqlalchemy import insert

from adcraft.data.schemas import SCHEMAS
from adcraft.serving.eventlog import (
    EventLog,
    feedback_events,
    read_feedback,
    read_records,
    served_impressions,
)
from adcraft.store.db import store_engine
from adcraft.store.tables import serving_events

WRITER = """
import sys
from adcraft.serving.eventlog import EventLog
log = EventLog(sys.argv[1])
i = 0
while True:
    log.append({"kind": "feedback", "request_id": f"r{i}", "ts": "2026-11-01T00:00:00+00:00",
                "shopper_id": "S1", "segment": "cold", "product_id": "P1",
                "variant_id": "v-1", "event": "click"}, durable=True)
    print(f"ack r{i}", flush=True)
    i += 1
"""


def test_acknowledged_events_survive_kill_9(database_url):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, database_url],
                              stdout=subprocess.PIPE, text=True)
    acked = [writer.stdout.readline().split()[1] for _ in range(50)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    logged = {r["request_id"] for r in read_records(database_url)}
    assert set(acked) <= logged


def _row(request_id: str) -> dict:
    return {"kind": "served", "request_id": request_id, "ts": datetime.now(UTC),
            "record": {"kind": "served", "request_id": request_id}}


def test_a_row_committed_late_below_the_newest_is_still_read(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time: its ids are committed in order")
    engine = store_engine(database_url)
    log = EventLog(engine)
    log.append({"kind": "served", "request_id": "a"})
    assert [r["request_id"] for r in log.tail()] == ["a"]
    slow = engine.connect()
    slow_tx = slow.begin()
    slow.execute(insert(serving_events).values(**_row("b")))  # takes its id, not committed
    log.append({"kind": "served", "request_id": "c"})
    seen = [r["request_id"] for r in log.tail()]
    slow_tx.commit()
    slow.close()
    seen += [r["request_id"] for r in log.tail()]
    assert sorted(seen) == ["b", "c"]
    assert log.tail() == []


def _served(log: EventLog, request_id: str) -> None:
    log.append({"kind": "served", "request_id": request_id, "ts": "2026-11-01T10:00:00+00:00",
                "shopper_id": "S1", "segment": "Outdoor", "copy_kind": "ad_copy",
                "items": [{"product_id": p, "position": i, "variant_id": f"v-{p}",
                           "copy_text": f"Copy for {p}", "source": "template",
                           "propensity": 0.25 * i}
                          for i, p in enumerate(["P1", "P2"], start=1)]}, durable=False)


def _feedback(log: EventLog, request_id: str, product_id: str, event: str) -> None:
    log.append({"kind": "feedback", "request_id": request_id, "ts": "2026-11-01T10:01:00+00:00",
                "shopper_id": "S1", "segment": "Outdoor", "product_id": product_id,
                "variant_id": f"v-{product_id}", "event": event}, durable=True)


def test_training_reads_the_log_as_events_and_impressions(database_url):
    assert read_feedback(database_url).height == 0
    assert served_impressions(database_url).height == 0
    log = EventLog(database_url)
    _served(log, "r1")
    for event in ("impression", "click", "purchase"):
        _feedback(log, "r1", "P1", event)
    _feedback(log, "r1", "P2", "impression")
    feedback = read_feedback(database_url)
    assert feedback.height == 4 and feedback["session_id"].unique().to_list() == ["r1"]
    assert feedback.schema["ts"] == pl.Datetime("us", "UTC")
    events = feedback_events(feedback)
    assert events.schema == SCHEMAS["events"]
    assert events["event_type"].cast(pl.String).to_list() == ["click", "purchase"]
    shown = served_impressions(database_url)
    assert shown.schema == SCHEMAS["impressions"]
    assert shown.select("product_id", "clicked", "converted", "propensity").rows() == [
        ("P1", True, True, 0.25), ("P2", False, False, 0.5)]
