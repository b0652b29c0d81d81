"""The serving event log: the `serving_events` table of the store (`adcraft.store`),
appended by every Ingress replica on every node, read back by all of them.

Two kinds of record (the `record` column; `kind`, `request_id` and `ts` are columns):
  {"kind": "served", "request_id", "ts", "shopper_id", "segment", "copy_kind",
   "items": [{"product_id", "position", "variant_id", "copy_text", "source",
              "propensity"}]}
  {"kind": "feedback", "request_id", "ts", "shopper_id", "segment", "product_id",
   "variant_id", "event"}

An append is one committed transaction, so feedback is acknowledged only after its row
is committed (SQLite: WAL with FULL sync; PostgreSQL: its commit), and survives `kill
-9` of the replica and power loss; a served record is committed without the sync. A
reader tails the table by id. On PostgreSQL ids are handed out before commit, so a row
may appear below the newest id a reader has seen: the ids it skipped are looked for
again for `GAP_WAIT_S`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine, insert, or_, select

from adcraft.data.schemas import SCHEMAS, EventType
from adcraft.store.db import store_engine
from adcraft.store.tables import serving_events

log = logging.getLogger(__name__)
GAP_WAIT_S = 30.0  # how long an id skipped by a reader may still turn up (a late commit)
MAX_GAPS = 10_000

FEEDBACK_SCHEMA = pl.Schema({
    "shopper_id": pl.String, "product_id": pl.String,
    "event_type": pl.Enum(["impression", "click", "cart", "purchase"]),
    "ts": pl.Datetime("us", "UTC"), "session_id": pl.String, "query": pl.String,
    "variant_id": pl.String, "segment": pl.String,
})


def now() -> datetime:
    return datetime.now(UTC)


def _engine(source: Engine | str) -> Engine:
    return source if isinstance(source, Engine) else store_engine(source)


class EventLog:
    def __init__(self, source: Engine | str):
        """`source`: an engine, or a database URL (migrated on first use)."""
        self.engine = _engine(source)
        self._lock = threading.Lock()
        self._last = 0  # the newest id read by `tail`
        self._gaps: dict[int, float] = {}  # ids below it not seen yet -> when first missed

    @property
    def name(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def append(self, record: dict[str, Any], durable: bool = True) -> None:
        """Commit one record. `durable`: it survives power loss too (SQLite syncs the
        WAL at this commit); otherwise a crash of the process still loses nothing, a
        power cut may lose the last few (served records: nothing was promised)."""
        self.append_many([record], durable)

    def append_many(self, records: list[dict[str, Any]], durable: bool = True) -> None:
        """Commit `records` in one transaction, in order (a group commit): all or none."""
        if not records:
            return
        rows = [{"kind": r["kind"], "request_id": r["request_id"],
                 "ts": datetime.fromisoformat(r["ts"]) if "ts" in r else now(), "record": r}
                for r in records]
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":  # per commit; no transaction is open yet
                conn.exec_driver_sql(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            conn.execute(insert(serving_events), rows)
            conn.commit()

    def tail(self) -> list[dict[str, Any]]:
        """Records committed (by anyone) since the last call; the first call reads all."""
        t = serving_events.c
        with self._lock:
            since = t.id > self._last
            where = or_(since, t.id.in_(list(self._gaps))) if self._gaps else since
            with self.engine.connect() as conn:
                rows = conn.execute(select(t.id, t.record).where(where).order_by(t.id)).all()
            out, clock = [], time.monotonic()
            for row_id, record in rows:
                if self._gaps.pop(row_id, None) is None and row_id > self._last:
                    if self._last and row_id - self._last - 1 <= MAX_GAPS:
                        self._gaps.update(dict.fromkeys(range(self._last + 1, row_id), clock))
                    self._last = row_id
                out.append(record)
            self._gaps = {i: t0 for i, t0 in self._gaps.items() if clock - t0 < GAP_WAIT_S}
        return out

    def close(self) -> None:
        """Nothing to release: the engine is the process's (`store.db.store_engine`)."""


def read_records(source: Engine | str) -> list[dict[str, Any]]:
    with _engine(source).connect() as conn:
        return [r for (r,) in conn.execute(select(serving_events.c.record)
                                           .order_by(serving_events.c.id))]


def read_feedback(source: Engine | str) -> pl.DataFrame:
    """The acknowledged feedback as a frame in the `events` layout (`session_id` holds
    the request id) plus `variant_id` and `segment`; `event_type` also has
    "impression". Training pipelines read this; `feedback_events` gives the plain
    events table."""
    rows = [{"shopper_id": r["shopper_id"], "product_id": r["product_id"],
             "event_type": r["event"], "ts": r["ts"], "session_id": r["request_id"],
             "query": None, "variant_id": r.get("variant_id"), "segment": r.get("segment")}
            for r in read_records(source) if r.get("kind") == "feedback"]
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


def served_impressions(source: Engine | str) -> pl.DataFrame:
    """Every item shown with copy, labelled by the feedback that followed: rows of the
    `impressions` table (`policy` "thompson", `propensity` the logged probability that
    the bandit chose the variant shown; 1 where none was logged)."""
    records = read_records(source)
    shown = [{"impression_id": f"{r['request_id']}:{i['product_id']}", "ts": r["ts"],
              "shopper_id": r["shopper_id"], "product_id": i["product_id"],
              "copy_variant_id": i.get("variant_id"), "copy_text": i.get("copy_text"),
              "position": i["position"], "propensity": i.get("propensity") or 1.0}
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
        policy=pl.lit("thompson"), campaign=pl.lit(None, pl.String),
    ).cast({k: v for k, v in schema.items()}).select(schema.names())
