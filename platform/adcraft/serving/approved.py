"""Approved copy, as serving reads it: every approved variant of the copy store held in
memory by (product, segment, kind, locale), reloaded when the store changes (checked
at most every `refresh_s`), so a request costs a dictionary lookup, not a query. A
variant approved for segment "all" serves every segment that has none of its own."""

from __future__ import annotations

import logging
import threading
import time

from adcraft.content.claims import FactVocabulary
from adcraft.content.request import CopyKind
from adcraft.serving.schemas import CopyOut
from adcraft.store.copy import ALL_SEGMENTS, CopyStore, by_slot

log = logging.getLogger(__name__)


class ApprovedCopy:
    def __init__(self, store: CopyStore, vocabulary: FactVocabulary | None = None,
                 refresh_s: float = 2.0):
        self.store, self.vocabulary, self.refresh_s = store, vocabulary, refresh_s
        self._slots: dict[tuple[str, str, str, str], list[CopyOut]] = {}
        self._mark, self._checked = None, float("-inf")
        self._lock = threading.Lock()
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._checked < self.refresh_s:
            return
        with self._lock:
            self._checked = time.monotonic()
            mark = self.store.watermark()
            if mark == self._mark and not force:
                return
            rows = self.store.approved()
            self._slots = {key: [self._copy_out(r) for r in group]
                           for key, group in by_slot(rows).items()}
            self._mark = mark
        log.info("approved copy: %d variants in %d slots", len(rows), len(self._slots))

    def variants(self, product_id: str, segment: str, kind: str, locale: str) -> list[CopyOut]:
        """The approved variants for this slot: the segment's own, else those for all."""
        self.refresh()
        slots = self._slots
        return (slots.get((product_id, segment, kind, locale))
                or slots.get((product_id, ALL_SEGMENTS, kind, locale)) or [])

    def __len__(self) -> int:
        return sum(len(v) for v in self._slots.values())

    def _copy_out(self, row: dict) -> CopyOut:
        facts = (sorted(self.vocabulary.claims(row["text"], row["product_id"]).grounded)
                 if self.vocabulary is not None else [])
        return CopyOut(text=row["text"], variant_id=row["variant_id"],
                       kind=CopyKind(row["kind"]), source=row["source"], degraded=False,
                       facts=facts, reviewed=True)
