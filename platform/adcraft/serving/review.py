"""The review of copy before shoppers see it: the copy store's queue and actions with
the shop's facts at hand, so an edit is judged again by the one gate (`CopyGate`)
against the product it describes. `serving.review_api` is its HTTP face; a marketer's
console is built on that."""

from __future__ import annotations

import threading
from typing import Any

from adcraft.content.batch import segment_personas
from adcraft.content.gate import CopyGate, Verdict
from adcraft.content.request import CopyKind, CopyRequest
from adcraft.features.profiles import ShopperProfile
from adcraft.serving.bandit import variant_id
from adcraft.serving.feedback import UnknownReference
from adcraft.shopview import ShopView
from adcraft.store.copy import CopyStore, Page, Proposal, QueueFilter

NO_SHOPPER = ShopperProfile(shopper_id="review", cold_start=True)


class ReviewService:
    def __init__(self, store: CopyStore, shop: ShopView):
        self.store, self.shop = store, shop
        self._personas: dict[str, ShopperProfile] | None = None
        self._lock = threading.Lock()

    def persona(self, segment: str) -> ShopperProfile:
        """The shopper a segment's copy is written for, as the batch job writes it (the
        segments' personas are read from the profiles once, on the first preview)."""
        with self._lock:
            if self._personas is None:
                self._personas = segment_personas(self.shop)
        if segment not in self._personas:
            raise UnknownReference("segment", f"unknown segment; the shop's segments are "
                                              f"{', '.join(sorted(self._personas))}")
        return self._personas[segment]

    def preview_request(self, product_id: str, segment: str, kind: str, locale: str
                        ) -> CopyRequest:
        if not self.shop.has_product(product_id):
            raise UnknownReference("product_id", "unknown product")
        return CopyRequest(profile=self.persona(segment), product=self.shop.facts(product_id),
                           kind=CopyKind(kind), locale=locale)

    def preview(self, request: CopyRequest, segment: str, texts: list[str],
                generator_version: str | None, propose: bool) -> list[dict[str, Any]]:
        """Each live candidate with the gate's verdict (on the text as generated, and
        the repaired text where a repair passes); `propose`: into the review queue too,
        as generator copy, passed or not."""
        product = request.product
        gate = CopyGate.for_request(request, self.shop.vocabulary)
        out, rows = [], []
        for checked in gate.filter(texts, product, request.profile):
            text = checked.text if checked.kept else (checked.original or checked.text)
            findings = [] if checked.kept else Verdict(text, False, checked.first).findings_json()
            out.append({"text": text, "passed_gate": checked.kept, "findings": findings,
                        "repaired": checked.repaired})
            rows.append(Proposal(
                variant_id=variant_id(product.product_id, request.kind.value, text),
                product_id=product.product_id, segment=segment, kind=request.kind.value,
                locale=request.locale, text=text, source="generator",
                passed_gate=checked.kept, findings=findings,
                category=" > ".join(product.category_path) or None,
                generator_version=generator_version))
        if propose:
            self.store.propose(rows)
        return out

    def judge(self, product_id: str, kind: str, locale: str, text: str
              ) -> tuple[bool, list[dict[str, Any]]]:
        """The gate's verdict on `text` as copy of this kind for this product."""
        if not self.shop.has_product(product_id):
            raise UnknownReference("product_id", "the variant's product is no longer in "
                                                 "the catalogue")
        product = self.shop.facts(product_id)
        request = CopyRequest(profile=NO_SHOPPER, product=product, kind=CopyKind(kind),
                              locale=locale)
        verdict = CopyGate.for_request(request, self.shop.vocabulary).judge(text, product)
        return verdict.ok, verdict.findings_json()

    def queue(self, filters: QueueFilter, limit: int, after: int | None) -> Page:
        return self.store.queue(filters, limit, after)

    def variant(self, copy_id: int) -> dict[str, Any]:
        return {**self.store.get(copy_id), "reviews": self.store.reviews(copy_id)}

    def act(self, copy_id: int, action: str, reviewer: str, note: str | None) -> dict:
        return self.store.act(copy_id, action, reviewer, note)

    def edit(self, copy_id: int, text: str, reviewer: str, note: str | None) -> dict:
        row = self.store.get(copy_id)
        return self.store.edit(
            copy_id, text, reviewer,
            judge=lambda t: self.judge(row["product_id"], row["kind"], row["locale"], t),
            variant_id=lambda t: variant_id(row["product_id"], row["kind"], t), note=note)

    def bulk_approve(self, filters: QueueFilter, reviewer: str, limit: int) -> int:
        return self.store.bulk_approve(filters, reviewer, limit=limit)
