"""Scores for a set of copy variants: is it true, is it personal, is it varied, and
how likely is it to be clicked. The first three need no model, so every generation
run can log them; `predicted_ctr` asks the conversion model."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from adcraft.content.claims import FactVocabulary, mentions
from adcraft.content.guardrails import Grounding, product_terms
from adcraft.content.request import ProductFacts
from adcraft.content.selection import word_ngrams
from adcraft.features.profiles import ShopperProfile
from adcraft.models.conversion import ConversionModel, predict_shown

CLAIM_DEFECTS = ("unsupported_claim", "wrong_number", "wrong_brand_or_name")


def grounding_rate(variants: Sequence[str], facts: ProductFacts,
                   vocabulary: FactVocabulary, locale: str = "en-GB") -> float:
    """Share of variants whose every claim `CopyGate` can verify from the product's own
    data, before any repair (NaN for no variants: an empty batch is neither grounded
    nor not)."""
    from adcraft.content.gate import CopyGate, defect_of

    if not variants:
        return math.nan
    gate = CopyGate(vocabulary, locale=locale, max_chars=100_000)
    return sum(not any(defect_of(f) in CLAIM_DEFECTS for f in gate.judge(v, facts).findings)
               for v in variants) / len(variants)


def vocabulary_grounding_rate(variants: Sequence[str], facts: ProductFacts,
                              vocabulary: FactVocabulary) -> float:
    """The old figure: share of variants whose catalogue-vocabulary terms and numbers
    the product holds. It cannot see a claim outside the vocabulary (a person, another
    brand, an invented feature): never report it as grounding."""
    if not variants:
        return math.nan
    grounding = Grounding(vocabulary)
    return sum(not grounding.check(v, facts) for v in variants) / len(variants)


def personalisation_rate(variants: Sequence[str], facts: ProductFacts,
                         vocabulary: FactVocabulary, profile: ShopperProfile) -> float:
    """Share of variants that state, truthfully, something the shopper likes: a
    grounded claim among `profile.liked_attributes` (NaN for no variants)."""
    if not variants:
        return math.nan
    held = product_terms(vocabulary, facts)
    personal = sum(mentions(vocabulary.find(v) & held, profile.liked_attributes) > 0
                   for v in variants)
    return personal / len(variants)


def distinct_n(texts: Sequence[str], n: int = 2) -> float:
    """Unique word n-grams over all n-grams across the texts (lower-cased; n-grams do
    not cross texts). 1.0: no repetition; near 0: the variants say the same thing."""
    grams = [g for text in texts for g in word_ngrams(text, n)]
    return len(set(grams)) / len(grams) if grams else 0.0


def predicted_ctr(
    model: ConversionModel,
    copies: pl.DataFrame,
    products: pl.DataFrame,
    profiles: pl.DataFrame | None = None,
    item_features: pl.DataFrame | None = None,
    shoppers: pl.DataFrame | None = None,
) -> pl.Series:
    """The model's p(click) for each row of `copies` (shopper_id, product_id, copy_text;
    optional campaign), shown in position 1, in the order given.

    Needs the tables the model was trained with: `products` (the catalogue), and where
    it learnt from them the profiles frame of `build_profiles`, the item features of
    `build_item_features` and the shoppers table; a missing one leaves those features
    empty, which the model treats as unknown, not as an error."""
    if copies.height == 0:
        return pl.Series("p_click", [], pl.Float64)
    campaigns = copies["campaign"].to_list() if "campaign" in copies.columns else None
    return predict_shown(model, copies["shopper_id"].to_list(), copies["product_id"].to_list(),
                         copies["copy_text"].to_list(), products, profiles, item_features,
                         shoppers, campaigns)["p_click"]
