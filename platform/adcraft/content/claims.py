"""What a piece of copy claims about a product, read against the catalogue's own facts.

The vocabulary is every short fact value and brand in the catalogue, so it works for
any shop without a hand-made list; a claim is a vocabulary term in the copy (whole
words, longest match first; Chinese and Japanese write no spaces, so there a term is
found wherever it stands). A claim is grounded when the product's own facts hold it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

MAX_TERM_WORDS = 4  # longer fact values are sentences (feature bullets), not claims
MIN_TERM_CHARS = 3
MIN_CJK_TERM_CHARS = 2  # 白色 (white), 牛仔 (denim): two characters make a word
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana and CJK ideographs
_CJK_CHAR = re.compile(f"[{CJK}]")
# Brands and values that are everyday words ("AND", "ONLY", "Free"): as claims they
# would flag every sentence that uses the word.
STOP_TERMS = ["and", "only", "the", "for", "you", "your", "with", "all", "new", "one", "more",
              "free", "best", "here", "now", "just", "this", "that", "our", "not", "yes"]


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def term_regex(term: str) -> str:
    """A regex for `term` as a whole word: not inside a longer word, except at an end
    that is a CJK character (those scripts do not separate words)."""
    before = "" if _CJK_CHAR.match(term[:1]) else r"(?<![\w-])"
    after = "" if _CJK_CHAR.match(term[-1:]) else r"(?![\w-])"
    return f"{before}{re.escape(term)}{after}"


@dataclass(frozen=True)
class CopyClaims:
    terms: frozenset[str]  # fact values and brands the copy states
    grounded: frozenset[str]  # ... that the product's facts hold
    unsupported: frozenset[str]  # ... that they do not


class FactVocabulary:
    """Fact terms of a catalogue, and each product's own facts."""

    def __init__(self, product_facts: dict[str, frozenset[str]]):
        self.product_facts = product_facts
        terms = sorted({t for facts in product_facts.values() for t in facts},
                       key=len, reverse=True)
        self._pattern = re.compile(
            "(" + "|".join(term_regex(t) for t in terms) + ")") if terms else None

    @classmethod
    def from_products(cls, products: pl.DataFrame) -> FactVocabulary:
        facts = (
            products.select(
                "product_id",
                terms=pl.concat_list(
                    pl.col("attributes").list.eval(pl.element().struct.field("value")),
                    pl.concat_list(pl.col("brand")),
                ),
            )
            .explode("terms")
            .drop_nulls("terms")
            .with_columns(terms=pl.col("terms").str.to_lowercase().str.strip_chars())
            .filter(
                ((pl.col("terms").str.len_chars() >= MIN_TERM_CHARS)
                 | (pl.col("terms").str.contains(f"[{CJK}]")
                    & (pl.col("terms").str.len_chars() >= MIN_CJK_TERM_CHARS)))
                & (pl.col("terms").str.count_matches(r"\S+") <= MAX_TERM_WORDS)
                & ~pl.col("terms").str.contains(r"^[\d.,\s]+$")
                & ~pl.col("terms").is_in(STOP_TERMS)
            )
            .group_by("product_id")
            .agg(pl.col("terms").unique())
        )
        by_product = {pid: frozenset(terms) for pid, terms in facts.iter_rows()}
        for pid in products["product_id"]:
            by_product.setdefault(pid, frozenset())
        return cls(by_product)

    def find(self, text: str | None) -> frozenset[str]:
        """Vocabulary terms stated in `text`."""
        if not text or self._pattern is None:
            return frozenset()
        return frozenset(self._pattern.findall(normalise(text)))

    def claims(self, text: str | None, product_id: str) -> CopyClaims:
        terms = self.find(text)
        facts = self.product_facts.get(product_id, frozenset())
        return CopyClaims(terms, terms & facts, terms - facts)


def mentions(terms: Iterable[str], wanted: Iterable[str]) -> int:
    """How many of `wanted` (e.g. a profile's liked attributes) are among `terms`."""
    wanted = {normalise(w) for w in wanted}
    return len(wanted.intersection(terms))
