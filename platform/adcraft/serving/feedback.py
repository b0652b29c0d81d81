"""What feedback changes while serving: the bandit over copy variants, each shopper's
recent activity (which the ranker reads), and which requests feedback may refer to.
All of it is replayed from the event log in the store, so replicas on every node
converge and a restart loses nothing that was acknowledged."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from adcraft.serving.bandit import ThompsonBandit
from adcraft.serving.eventlog import EventLog, now
from adcraft.serving.schemas import ArmState, FeedbackBody

INTEREST_EVENTS = frozenset({"click", "cart", "purchase"})  # what the ranker learns from


class UnknownReference(ValueError):
    """A reference to nothing known (request, item, variant, product): names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class Served:
    shopper_id: str
    segment: str
    items: dict[str, str | None]  # product id -> variant id shown (None: no copy)


def served_record(request_id: str, shopper_id: str, segment: str, copy_kind: str | None,
                  items: list[dict[str, Any]]) -> dict[str, Any]:
    """The event log's record of one answer: what was shown to whom (the bandit's trial)."""
    return {"kind": "served", "request_id": request_id, "ts": now().isoformat(),
            "shopper_id": shopper_id, "segment": segment, "copy_kind": copy_kind,
            "items": items}


class FeedbackState:
    def __init__(self, events: EventLog | Engine | str, remembered_requests: int = 100_000,
                 recent_events: int = 50, seed: int | None = None,
                 bandit_arms: int = 200_000):
        """`events`: the event log, or the store (an engine or database URL) holding it."""
        self.log = events if isinstance(events, EventLog) else EventLog(events)
        self.bandit = ThompsonBandit(seed, remembered_requests, bandit_arms)
        # shopper -> recent events; as many shoppers as requests remembered, the one
        # heard from longest ago forgotten first (anonymous ids are one per request)
        self.recent: OrderedDict[str, deque[dict[str, Any]]] = OrderedDict()
        self.served: OrderedDict[str, Served] = OrderedDict()
        self.remembered, self.recent_events = remembered_requests, recent_events
        self._lock = threading.Lock()
        self.replayed = 0.0  # time.monotonic() of the last replay
        self.refresh()

    # ---- replay
    def refresh(self) -> None:
        """Apply what any replica appended since the last call."""
        with self._lock:
            self.replayed = time.monotonic()
            for record in self.log.tail():
                self._apply(record)

    def _apply(self, r: dict[str, Any]) -> None:
        if r.get("kind") == "served":
            self.served[r["request_id"]] = Served(
                r["shopper_id"], r["segment"],
                {i["product_id"]: i.get("variant_id") for i in r["items"]})
            for item in r["items"]:  # being served is the trial
                if item.get("variant_id"):
                    self.bandit.serve(r["segment"], item["variant_id"], r["request_id"],
                                      item["product_id"])
            while len(self.served) > self.remembered:
                self.served.popitem(last=False)
        elif r.get("kind") == "feedback":
            if r.get("variant_id"):
                self.bandit.update(r["segment"], r["variant_id"], r["event"], r["request_id"],
                                   r["product_id"])
            if r["event"] in INTEREST_EVENTS:
                self.recent.setdefault(r["shopper_id"], deque(maxlen=self.recent_events)).append(
                    {"product_id": r["product_id"], "event_type": r["event"], "ts": r["ts"]})
                self.recent.move_to_end(r["shopper_id"])
                while len(self.recent) > self.remembered:
                    self.recent.popitem(last=False)

    # ---- writes
    def record_served(self, request_id: str, shopper_id: str, segment: str, copy_kind: str | None,
                      items: list[dict[str, Any]]) -> None:
        self.record_served_many([served_record(request_id, shopper_id, segment, copy_kind,
                                               items)])

    def record_served_many(self, records: list[dict[str, Any]], replay_after_s: float = 0.0
                           ) -> None:
        """Served records (`served_record`) of several requests in one commit, then the
        log replayed (state only ever comes from the log) unless it was within
        `replay_after_s`: feedback replays before it looks a request up, so only the
        bandit's trial counts wait for the next replay."""
        self.log.append_many(records, durable=False)
        if time.monotonic() - self.replayed >= replay_after_s:
            self.refresh()

    def record_feedback(self, body: FeedbackBody) -> ArmState | None:
        """Check the feedback against what was served, make it durable, then apply it."""
        self.refresh()  # the request may have been served by another replica
        served = self.served.get(body.request_id)
        if served is None:
            raise UnknownReference("request_id", "unknown or expired request id")
        if body.item not in served.items:
            raise UnknownReference("item", "this item was not in that response")
        shown = served.items[body.item]
        if body.variant is not None and body.variant != shown:
            raise UnknownReference("variant", "this variant was not shown for that item")
        record = {"kind": "feedback", "request_id": body.request_id, "ts": now().isoformat(),
                  "shopper_id": served.shopper_id, "segment": served.segment,
                  "product_id": body.item, "variant_id": shown, "event": body.event}
        self.log.append(record, durable=True)
        self.refresh()
        return self.bandit.state(served.segment, shown) if shown else None

    # ---- reads
    def recent_activity(self, shopper_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.recent.get(shopper_id, ()))

    def choose(self, segment: str, variants: list[str]) -> tuple[int, float]:
        """(index of the variant to show, the probability of that choice)."""
        with self._lock:
            return self.bandit.choose(segment, variants)

    def close(self) -> None:
        self.log.close()


class ServedWriter:
    """Served records of concurrent requests committed together. Each request waits for
    the commit that holds its record, so feedback may refer to it as soon as the answer
    is out; while one commit runs (off the event loop), the records that arrive queue
    for the next, so under load a commit and a replay serve many requests."""

    def __init__(self, state: FeedbackState, replay_after_s: float = 0.05):
        self.state, self.replay_after_s = state, replay_after_s
        self.pending: list[tuple[dict[str, Any], asyncio.Future]] = []
        self.writing: asyncio.Task | None = None

    async def write(self, record: dict[str, Any]) -> None:
        done = asyncio.get_running_loop().create_future()
        self.pending.append((record, done))
        if self.writing is None:
            self.writing = asyncio.ensure_future(self._drain())
        await done

    async def _drain(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    await asyncio.to_thread(self.state.record_served_many,
                                            [r for r, _ in batch], self.replay_after_s)
                except Exception as exc:  # noqa: BLE001 - each waiting request hears it
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                else:
                    for _, done in batch:
                        if not done.done():
                            done.set_result(None)
        finally:
            self.writing = None
