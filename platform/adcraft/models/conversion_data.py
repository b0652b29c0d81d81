"""From a dataset's tables to the conversion model's time-split training rows, with
point-in-time features: profiles and item features are built only from behaviour
before the validation window opens, so no row learns from its own future."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import polars as pl

from adcraft.eval.metrics import classification_report
from adcraft.features.items import build_item_features
from adcraft.features.profiles import build_profiles
from adcraft.features.training import SPLITS, FeatureSpec, build_training_rows, time_split
from adcraft.models.conversion import ConversionModel

log = logging.getLogger(__name__)


@dataclass
class ConversionData:
    splits: dict[str, pl.DataFrame]  # train, valid, calib, test
    spec: FeatureSpec
    cutoff: object  # the first moment of the validation window

    def describe(self) -> str:
        parts = [f"{k} {v.height:,} (CTR {v['clicked'].mean():.2%})" for k, v in
                 self.splits.items()]
        return ", ".join(parts)


def conversion_data(
    tables: dict[str, pl.DataFrame],
    campaign: str | None = None,
    policy: str | None = None,
    fractions: dict[str, float] | None = None,
) -> ConversionData:
    """Rows for the logged `impressions` (optionally one campaign / logging policy)."""
    if "impressions" not in tables or tables["impressions"].height == 0:
        raise ValueError("the dataset has no impressions to learn conversion from")
    impressions = tables["impressions"]
    if campaign:
        impressions = impressions.filter(pl.col("campaign") == campaign)
    if policy:
        impressions = impressions.filter(pl.col("policy") == policy)
    if impressions.height == 0:
        raise ValueError(f"no impressions for campaign={campaign!r} policy={policy!r}")
    fractions = fractions or SPLITS
    ordered = impressions.sort("ts", "impression_id")
    cutoff = ordered["ts"][round(fractions["train"] * ordered.height)]
    profiles = items = None
    events = tables.get("events")
    if events is not None and events.height:
        past = events.filter(pl.col("ts") < cutoff)
        reviews = tables.get("reviews")
        if reviews is not None:
            reviews = reviews.filter(pl.col("ts") < cutoff)
        profiles = build_profiles(past, tables["products"], reviews, as_of=cutoff)
        items = build_item_features(past, tables["products"], reviews)
        log.info("features as of %s: %s profiles from %s events", cutoff,
                 f"{profiles.height:,}", f"{past.height:,}")
    rows, spec = build_training_rows(ordered, tables["products"], profiles, items,
                                     tables.get("shoppers"))
    return ConversionData(time_split(rows, fractions), spec, cutoff)


def held_out_scores(model: ConversionModel, test: pl.DataFrame) -> dict[str, float]:
    """What the gate compares (`adcraft.specs`): the click report on held-out rows, and
    the conversion report where the rows say who converted."""
    p = model.predict(test)
    scores = classification_report(test["clicked"], p["p_click"])
    if "p_convert" in p.columns and test["converted"].null_count() < test.height:
        conv = classification_report(test["converted"], p["p_convert"])
        scores |= {f"convert_{k}": v for k, v in conv.items()}
    return scores
