"""The review of copy before shoppers see it: the copy store's queue and actions with
the shop's facts at hand, so an edit is judged again by the one gate (`CopyGate`)
against the product it describes. `serving.review_api` is its HTTP face; a marketer's
console is built on that."""

from __future__ import annotations

from typing import Any

from adcraft.content.gate import CopyGate
from adcraft.content.request import CopyKind, CopyRequest
from adcraft.features.profiles import ShopperProfile
from adcraft.serving.bandit import variant_id
from adcraft.serving.feedback import UnknownReference
from adcraft.shopview import ShopView
from adcraft.store.copy import CopyStore, Page, QueueFilter

NO_SHOPPER = ShopperProfile(shopper_id="review", cold_start=True)


class ReviewService:
    def __init__(self, store: CopyStore, shop: ShopView):
        self.store, self.shop = store, shop

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
