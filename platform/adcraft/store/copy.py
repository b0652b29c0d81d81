"""The copy store: every variant a shopper may be shown, with where it came from, what
the gate found, and who approved it. Status moves proposed -> approved | rejected,
approved -> retired (or rejected); every move is a row of `reviews` (who, when, before,
after). Only copy that passed the gate can be approved: nothing reaches a shopper
around the one gate. Serving reads the approved rows (`approved`, `watermark`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from adcraft.store.tables import copy_variants, reviews

ALL_SEGMENTS = "all"  # a variant for every segment (human copy, catalogue text)
# what each action may start from, and where it leads
MOVES = {"approve": (("proposed", "rejected"), "approved"),
         "auto_approve": (("proposed",), "approved"),
         "reject": (("proposed", "approved"), "rejected"),
         "retire": (("approved",), "retired")}


class UnknownCopy(LookupError):
    """No copy variant has that id."""


class InvalidTransition(ValueError):
    """The action does not apply to the variant as it stands (a 409)."""


@dataclass(frozen=True)
class Proposal:
    """One variant to propose, as a batch job or an import writes it."""

    variant_id: str
    product_id: str
    segment: str
    kind: str
    locale: str
    text: str
    source: str
    passed_gate: bool
    findings: list[dict[str, Any]]
    category: str | None = None
    predicted_ctr: float | None = None
    generator_version: str | None = None
    run_id: str | None = None


@dataclass(frozen=True)
class QueueFilter:
    """What a marketer narrows the queue to; None: any."""

    product_id: str | None = None
    category: str | None = None
    segment: str | None = None
    kind: str | None = None
    locale: str | None = None
    status: str | None = None
    source: str | None = None
    passed_gate: bool | None = None
    finding: str | None = None  # a check or defect name among the findings

    def where(self) -> list:
        c, out = copy_variants.c, []
        for name in ("product_id", "category", "segment", "kind", "locale", "status",
                     "source", "passed_gate"):
            value = getattr(self, name)
            if value is not None:
                out.append(c[name] == value)
        if self.finding:  # the findings as JSON text, as SQLAlchemy wrote them
            text = func.cast(c.findings, copy_variants.c.text.type)
            out.append(or_(text.like(f'%"check": "{self.finding}"%'),
                           text.like(f'%"defect": "{self.finding}"%')))
        return out


@dataclass
class Page:
    items: list[dict[str, Any]]
    total: int
    next_after: int | None  # pass as `after` for the next page; None: this was the last
    filters: QueueFilter = field(default_factory=QueueFilter)


def now() -> datetime:
    return datetime.now(UTC)


def _row(row) -> dict[str, Any]:
    out = dict(row._mapping)
    for key in ("created_at", "updated_at"):  # SQLite hands datetimes back naive
        if out.get(key) is not None and out[key].tzinfo is None:
            out[key] = out[key].replace(tzinfo=UTC)
    return out


class CopyStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    # ---- writing proposals
    def propose(self, proposals: Iterable[Proposal]) -> int:
        """Insert the proposals not already in the store (same product, segment, kind,
        locale and text); returns how many were new. Reruns are no-ops."""
        rows = [{**p.__dict__, "status": "proposed", "created_at": now(),
                 "updated_at": now()} for p in proposals]
        if not rows:
            return 0
        keys = {(r["product_id"], r["segment"], r["kind"], r["locale"], r["variant_id"])
                for r in rows}
        with self.engine.begin() as conn:
            have = self._existing(conn, {k[0] for k in keys})
            fresh = {}
            for r in rows:
                key = (r["product_id"], r["segment"], r["kind"], r["locale"], r["variant_id"])
                if key not in have:
                    fresh.setdefault(key, r)
            if fresh:
                conn.execute(insert(copy_variants), list(fresh.values()))
        return len(fresh)

    @staticmethod
    def _existing(conn, product_ids: set[str]) -> set[tuple]:
        c = copy_variants.c
        found = set()
        ids = sorted(product_ids)
        for start in range(0, len(ids), 500):
            query = select(c.product_id, c.segment, c.kind, c.locale, c.variant_id).where(
                c.product_id.in_(ids[start:start + 500]))
            found |= {tuple(r) for r in conn.execute(query)}
        return found

    def slots_done(self, kind: str, locale: str) -> set[tuple[str, str]]:
        """(product, segment) pairs that already hold variants of this kind and locale:
        what a resumed batch job skips."""
        c = copy_variants.c
        with self.engine.connect() as conn:
            return {tuple(r) for r in conn.execute(
                select(c.product_id, c.segment).where(c.kind == kind, c.locale == locale)
                .distinct())}

    # ---- reading
    def get(self, copy_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(copy_variants).where(
                copy_variants.c.id == copy_id)).first()
        if row is None:
            raise UnknownCopy(f"no copy variant {copy_id}")
        return _row(row)

    def queue(self, filters: QueueFilter = QueueFilter(), limit: int = 50,
              after: int | None = None) -> Page:
        """One page of variants matching `filters`, oldest first, `limit` at most."""
        where = filters.where()
        c = copy_variants.c
        query = select(copy_variants).where(*where)
        if after is not None:
            query = query.where(c.id > after)
        with self.engine.connect() as conn:
            rows = [_row(r) for r in conn.execute(query.order_by(c.id).limit(limit + 1))]
            total = conn.execute(select(func.count()).select_from(copy_variants)
                                 .where(*where)).scalar_one()
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(rows, total, rows[-1]["id"] if more else None, filters)

    def reviews(self, copy_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(select(reviews).where(
                reviews.c.copy_id == copy_id).order_by(reviews.c.id))]

    def approved(self) -> list[dict[str, Any]]:
        """Every approved variant (serving keeps them in memory)."""
        c = copy_variants.c
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(select(
                c.id, c.variant_id, c.product_id, c.segment, c.kind, c.locale, c.text,
                c.source, c.predicted_ctr).where(c.status == "approved").order_by(c.id))]

    def watermark(self) -> tuple[Any, int]:
        """Changes whenever any variant changes: (newest update, number of variants)."""
        c = copy_variants.c
        with self.engine.connect() as conn:
            return tuple(conn.execute(select(func.max(c.updated_at), func.count(c.id))).one())

    # ---- review actions
    def act(self, copy_id: int, action: str, reviewer: str, note: str | None = None
            ) -> dict[str, Any]:
        """approve, auto_approve, reject or retire one variant."""
        if action not in MOVES:
            raise ValueError(f"unknown action {action!r}; one of {sorted(MOVES)}")
        with self.engine.begin() as conn:
            row = self._locked(conn, copy_id)
            starts, to = MOVES[action]
            if row["status"] not in starts:
                raise InvalidTransition(f"cannot {action.replace('_', ' ')} copy that is "
                                        f"{row['status']} (only {' or '.join(starts)})")
            if to == "approved" and not row["passed_gate"]:
                raise InvalidTransition("copy that failed the gate cannot be approved: "
                                        "edit it until it passes")
            return self._move(conn, row, action, reviewer, to, row["text"], note)

    def bulk_approve(self, filters: QueueFilter, reviewer: str, automatic: bool = False,
                     limit: int = 10_000) -> int:
        """Approve up to `limit` proposed variants that match `filters` and passed the
        gate; returns how many. `automatic`: no person read them (logged so)."""
        query = QueueFilter(**{**filters.__dict__, "status": "proposed", "passed_gate": True})
        action = "auto_approve" if automatic else "approve"
        done, after = 0, None
        while done < limit:
            page = self.queue(query, min(500, limit - done), after)
            with self.engine.begin() as conn:
                for row in page.items:
                    self._move(conn, row, action, reviewer, "approved", row["text"], None)
            done += len(page.items)
            if page.next_after is None:
                break
            after = page.next_after
        return done

    def edit(self, copy_id: int, text: str, reviewer: str,
             judge: Callable[[str], tuple[bool, list[dict[str, Any]]]],
             variant_id: Callable[[str], str], note: str | None = None) -> dict[str, Any]:
        """A person's new text for a variant, judged by the gate again: approved when it
        passes (its author is the reviewer), back to proposed with the findings when not."""
        passed, findings = judge(text)
        with self.engine.begin() as conn:
            row = self._locked(conn, copy_id)
            if row["status"] == "retired":
                raise InvalidTransition("retired copy cannot be edited; propose new copy")
            to = "approved" if passed else "proposed"
            changes = {"text": text, "variant_id": variant_id(text), "source": "edited",
                       "passed_gate": passed, "findings": findings}
            try:
                with conn.begin_nested():
                    return self._move(conn, row, "edit", reviewer, to, text, note, changes)
            except IntegrityError as exc:
                raise InvalidTransition("this product's slot already holds that text") from exc

    @staticmethod
    def _locked(conn, copy_id: int) -> dict[str, Any]:
        row = conn.execute(select(copy_variants).where(copy_variants.c.id == copy_id)
                           .with_for_update()).first()
        if row is None:
            raise UnknownCopy(f"no copy variant {copy_id}")
        return _row(row)

    @staticmethod
    def _move(conn, row: dict[str, Any], action: str, reviewer: str, to: str, text: str,
              note: str | None, changes: dict[str, Any] | None = None) -> dict[str, Any]:
        at = now()
        values = {**(changes or {}), "status": to, "updated_at": at}
        conn.execute(update(copy_variants).where(copy_variants.c.id == row["id"])
                     .values(**values))
        conn.execute(insert(reviews).values(
            copy_id=row["id"], reviewer=reviewer, at=at, action=action,
            before_status=row["status"], after_status=to, before_text=row["text"],
            after_text=text, note=note))
        return {**row, **values}


def slot_key(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return (row["product_id"], row["segment"], row["kind"], row["locale"])


def by_slot(rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str, str, str], list[dict]]:
    out: dict[tuple[str, str, str, str], list[dict]] = {}
    for row in rows:
        out.setdefault(slot_key(row), []).append(row)
    return out


__all__ = ["ALL_SEGMENTS", "CopyStore", "InvalidTransition", "Page", "Proposal",
           "QueueFilter", "UnknownCopy", "by_slot"]
