"""The event log: an acknowledged feedback line survives kill -9 of its writer, a torn
line is skipped, and training reads the log as `events` and `impressions` tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import polars as pl

from adcraft.data.schemas import SCHEMAS
from adcraft.serving.eventlog import (
    EventLog,
    feedback_events,
    read_feedback,
    read_records,
    served_impressions,
)

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


def test_acknowledged_events_survive_kill_9(tmp_path):
    path = tmp_path / "events.jsonl"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                              text=True)
    acked = [writer.stdout.readline().split()[1] for _ in range(50)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    logged = {r["request_id"] for r in read_records(path)}
    assert set(acked) <= logged


def test_a_torn_line_is_skipped_and_closed(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_bytes(b'{"kind": "served", "request_id": "a"}\n{"kind": "feedb')
    log = EventLog(path)  # ends the torn line so the next record parses
    log.append({"kind": "served", "request_id": "b"}, durable=True)
    assert [r["request_id"] for r in log.tail()] == ["a", "b"]
    assert log.tail() == []  # only what is new


def _served(log: EventLog, request_id: str) -> None:
    log.append({"kind": "served", "request_id": request_id, "ts": "2026-11-01T10:00:00+00:00",
                "shopper_id": "S1", "segment": "Outdoor", "copy_kind": "ad_copy",
                "items": [{"product_id": p, "position": i, "variant_id": f"v-{p}",
                           "copy_text": f"Copy for {p}", "source": "template"}
                          for i, p in enumerate(["P1", "P2"], start=1)]}, durable=False)


def _feedback(log: EventLog, request_id: str, product_id: str, event: str) -> None:
    log.append({"kind": "feedback", "request_id": request_id, "ts": "2026-11-01T10:01:00+00:00",
                "shopper_id": "S1", "segment": "Outdoor", "product_id": product_id,
                "variant_id": f"v-{product_id}", "event": event}, durable=True)


def test_training_reads_the_log_as_events_and_impressions(tmp_path):
    path = tmp_path / "events.jsonl"
    assert read_feedback(path).height == 0 and served_impressions(path).height == 0
    log = EventLog(path)
    _served(log, "r1")
    for event in ("impression", "click", "purchase"):
        _feedback(log, "r1", "P1", event)
    _feedback(log, "r1", "P2", "impression")
    feedback = read_feedback(path)
    assert feedback.height == 4 and feedback["session_id"].unique().to_list() == ["r1"]
    assert feedback.schema["ts"] == pl.Datetime("us", "UTC")
    events = feedback_events(feedback)
    assert events.schema == SCHEMAS["events"]
    assert events["event_type"].cast(pl.String).to_list() == ["click", "purchase"]
    shown = served_impressions(path)
    assert shown.schema == SCHEMAS["impressions"]
    assert shown.select("product_id", "clicked", "converted").rows() == [
        ("P1", True, True), ("P2", False, False)]
