"""The serving event log: one JSON object per line, appended by every Ingress replica.

Two kinds of record:
  {"kind": "served", "request_id", "ts", "shopper_id", "segment", "copy_kind",
   "items": [{"product_id", "position", "variant_id", "copy_text", "source"}]}
  {"kind": "feedback", "request_id", "ts", "shopper_id", "segment", "product_id",
   "variant_id", "event"}

Feedback is acknowledged only after its line is written, flushed and fsynced, so an
acknowledged event survives `kill -9` and power loss. What was served is written without
fsync (losing the last few on a crash costs nothing that was promised). Each record is
one `write` on a file opened with O_APPEND, so replicas on one host never interleave.
A reader tails the file by byte offset and skips a torn last line.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from adcraft.data.schemas import SCHEMAS, EventType

log = logging.getLogger(__name__)

FEEDBACK_SCHEMA = pl.Schema({
    "shopper_id": pl.String, "product_id": pl.String,
    "event_type": pl.Enum(["impression", "click", "cart", "purchase"]),
    "ts": pl.Datetime("us", "UTC"), "session_id": pl.String, "query": pl.String,
    "variant_id": pl.String, "segment": pl.String,
})


def now() -> datetime:
    return datetime.now(UTC)


class EventLog:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        self._lock = threading.Lock()
        self._offset = 0  # bytes read so far by `tail`
        size = os.fstat(self._fd).st_size
        if size:  # a crash may have left half a line: end it so the next record parses
            with open(self.path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    os.write(self._fd, b"\n")

    def append(self, record: dict[str, Any], durable: bool) -> None:
        line = (json.dumps(record, separators=(",", ":"), default=str) + "\n").encode()
        with self._lock:
            os.write(self._fd, line)
            if durable:
                os.fsync(self._fd)

    def tail(self) -> list[dict[str, Any]]:
        """Records appended (by anyone) since the last call; the first call reads all."""
        with self._lock, open(self.path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
            end = data.rfind(b"\n") + 1  # a line still being written waits for next time
            self._offset += end
        return parse_lines(data[:end], self.path)

    def close(self) -> None:
        os.close(self._fd)


def parse_lines(data: bytes, source: Path | str = "<log>") -> list[dict[str, Any]]:
    out = []
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            log.warning("%s: skipped an unreadable line (%d bytes, a torn write?)", source,
                        len(line))
    return out


def read_records(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    return parse_lines(path.read_bytes(), path) if path.is_file() else []


def read_feedback(path: str | Path) -> pl.DataFrame:
    """The acknowledged feedback as a frame in the `events` layout (`session_id` holds
    the request id) plus `variant_id` and `segment`; `event_type` also has
    "impression". Training pipelines read this; `feedback_events` gives the plain
    events table."""
    rows = [{"shopper_id": r["shopper_id"], "product_id": r["product_id"],
             "event_type": r["event"], "ts": r["ts"], "session_id": r["request_id"],
             "query": None, "variant_id": r.get("variant_id"), "segment": r.get("segment")}
            for r in read_records(path) if r.get("kind") == "feedback"]
    if not rows:
        return pl.DataFrame(schema=FEEDBACK_SCHEMA)
    frame = pl.DataFrame(rows, schema_overrides={"ts": pl.String, "event_type": pl.String})
    return frame.with_columns(
        ts=pl.col("ts").str.to_datetime(time_zone="UTC", time_unit="us"),
    ).cast(dict(FEEDBACK_SCHEMA)).select(FEEDBACK_SCHEMA.names())


def feedback_events(feedback: pl.DataFrame) -> pl.DataFrame:
    """Clicks, carts and purchases as rows of the `events` table (impressions are not
    interest: they have no event type there)."""
    return (feedback.filter(pl.col("event_type") != "impression")
            .with_columns(pl.col("event_type").cast(pl.String).cast(EventType))
            .select(SCHEMAS["events"].names()))


def served_impressions(path: str | Path) -> pl.DataFrame:
    """Every item shown with copy, labelled by the feedback that followed: rows of the
    `impressions` table (`policy` "thompson"; propensity unknown, left at 1)."""
    records = read_records(path)
    shown = [{"impression_id": f"{r['request_id']}:{i['product_id']}", "ts": r["ts"],
              "shopper_id": r["shopper_id"], "product_id": i["product_id"],
              "copy_variant_id": i.get("variant_id"), "copy_text": i.get("copy_text"),
              "position": i["position"]}
             for r in records if r.get("kind") == "served" for i in r["items"]]
    schema = SCHEMAS["impressions"]
    if not shown:
        return pl.DataFrame(schema=schema)
    outcome = {}
    for r in records:
        if r.get("kind") == "feedback" and r["event"] != "impression":
            key = f"{r['request_id']}:{r['product_id']}"
            was = outcome.get(key, (False, False))
            outcome[key] = (True, was[1] or r["event"] == "purchase")
    frame = pl.DataFrame(shown, schema_overrides={"ts": pl.String})
    return frame.with_columns(
        ts=pl.col("ts").str.to_datetime(time_zone="UTC", time_unit="us"),
        clicked=pl.col("impression_id").map_elements(
            lambda k: outcome.get(k, (False, False))[0], return_dtype=pl.Boolean),
        converted=pl.col("impression_id").map_elements(
            lambda k: outcome.get(k, (False, False))[1], return_dtype=pl.Boolean),
        propensity=pl.lit(1.0), policy=pl.lit("thompson"), campaign=pl.lit(None, pl.String),
    ).cast({k: v for k, v in schema.items()}).select(schema.names())
