"""What a copy request asks for: which shopper, which product, what kind of copy.

The product travels as `ProductFacts`, the catalogue's own facts and nothing else, so
the prompt, the guardrails and the scores all read the same source of truth. The
shopper travels as a `ShopperProfile`, which holds no personal data by construction.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from adcraft.content.claims import normalise
from adcraft.data.schemas import facts_dict
from adcraft.features.profiles import ShopperProfile


class CopyKind(StrEnum):
    """The copy a shop writes; the same names as the `copy` table's `kind` column."""

    ad_copy = "ad_copy"
    description = "description"
    recommendation_reason = "recommendation_reason"
    email_subject = "email_subject"


# Longest copy each slot shows in full, in characters.
MAX_CHARS: dict[CopyKind, int] = {
    CopyKind.email_subject: 60,  # inbox previews cut longer subjects
    CopyKind.ad_copy: 160,  # one ad unit, two short sentences
    CopyKind.recommendation_reason: 200,  # a line under a recommended product
    CopyKind.description: 600,  # a product page paragraph
}
DEFAULT_TONE = "friendly"
DEFAULT_LOCALE = "en-GB"
DEFAULT_VARIANTS = 4


class ProductFacts(BaseModel):
    """A product as the catalogue states it: the only things copy may claim."""

    product_id: str = Field(min_length=1)
    title: str = ""
    brand: str | None = None
    price: float | None = Field(None, ge=0, strict=True)  # strict: `true` is not a price
    currency: str | None = None
    category_path: list[str] = []
    facts: dict[str, list[str]] = Field(
        default_factory=dict, description="fact name -> values, e.g. feature -> [waterproof]"
    )
    description: str = ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ProductFacts:
        """From one row of the `products` table (`products.row(i, named=True)`)."""
        return cls(
            product_id=row["product_id"],
            title=row.get("title") or "",
            brand=row.get("brand"),
            price=row.get("price"),
            currency=row.get("currency"),
            category_path=list(row.get("category_path") or []),
            facts=facts_dict(row.get("attributes")),
            description=row.get("description") or "",
        )

    def fact_values(self) -> list[str]:
        """Every fact value, in order, once each."""
        return list(dict.fromkeys(v for values in self.facts.values() for v in values))

    def terms(self) -> frozenset[str]:
        """Fact values and brand, normalised as `FactVocabulary` holds them."""
        return frozenset(normalise(v) for v in [*self.fact_values(), *filter(None, [self.brand])])


class CopyRequest(BaseModel):
    """One request for copy variants; `max_chars` defaults to the kind's slot size."""

    profile: ShopperProfile
    product: ProductFacts
    kind: CopyKind = CopyKind.ad_copy
    # tone goes into the instruction text: one to three plain words, never free text
    tone: str = Field(DEFAULT_TONE, max_length=40,
                      pattern=r"^[A-Za-z][A-Za-z'-]*(?:,? [A-Za-z][A-Za-z'-]*){0,2}$")
    max_chars: int | None = Field(None, ge=10, le=5000)
    locale: str = Field(DEFAULT_LOCALE, pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    n_variants: int = Field(DEFAULT_VARIANTS, ge=1, le=16)

    @model_validator(mode="after")
    def _kind_defaults(self) -> CopyRequest:
        if self.max_chars is None:
            self.max_chars = MAX_CHARS[self.kind]
        return self

    @property
    def limit(self) -> int:
        """`max_chars`, always set once validated."""
        return self.max_chars or MAX_CHARS[self.kind]
