"""From a dataset's tables to the conversion model's time-split training rows, with
point-in-time features: profiles and item features are built only from behaviour
before the validation window opens, so no row learns from its own future."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from adcraft.data.schemas import conform, empty
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
    """Rows for the logged `impressions` (optionally one campaign / logging policy); a
    shop that logs behaviour but no impressions learns from its views
    (`impressions_from_events`)."""
    impressions = tables.get("impressions")
    if impressions is None or impressions.height == 0:
        impressions = impressions_from_events(tables.get("events"))
    if impressions.height == 0:
        raise ValueError("the dataset has no impressions, nor views in its events, to learn "
                         "conversion from")
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


ENGAGED = ("click", "cart", "purchase", "wishlist")


def impressions_from_events(events: pl.DataFrame | None, window: timedelta = timedelta(days=1)
                            ) -> pl.DataFrame:
    """Impressions read off an event log with no impression log: each product view is
    one, `clicked` if the shopper clicked, carted, wished for or bought that product
    within `window` after it, `converted` if they bought it. Nobody logged a policy, so
    the propensity is 1.0 and the policy "organic": fine to learn p(engage | view) from,
    not for off-policy evaluation."""
    if events is None or events.height == 0:
        return empty("impressions")
    views = (events.filter((pl.col("event_type") == "view") & pl.col("product_id").is_not_null())
             .select("shopper_id", "product_id", "ts").with_row_index("view"))
    later = events.filter(pl.col("event_type").cast(pl.String).is_in(ENGAGED)).select(
        "shopper_id", "product_id", later="ts", bought=pl.col("event_type") == "purchase")
    outcome = (views.join(later, on=["shopper_id", "product_id"])
               .filter((pl.col("later") > pl.col("ts"))
                       & (pl.col("later") <= pl.col("ts") + window))
               .group_by("view").agg(clicked=pl.lit(True), converted=pl.col("bought").any()))
    rows = views.join(outcome, on="view", how="left").select(
        impression_id=pl.format("view-{}", "view"), ts="ts", shopper_id="shopper_id",
        product_id="product_id", position=pl.lit(0, dtype=pl.Int32),
        propensity=pl.lit(1.0), clicked=pl.col("clicked").fill_null(False),
        converted=pl.col("converted").fill_null(False), policy=pl.lit("organic"))
    return conform(rows, "impressions", "events")


def held_out_scores(model: ConversionModel, test: pl.DataFrame) -> dict[str, float]:
    """What the gate compares (`adcraft.specs`): the click report on held-out rows, and
    the conversion report where the rows say who converted."""
    p = model.predict(test)
    scores = classification_report(test["clicked"], p["p_click"])
    if "p_convert" in p.columns and test["converted"].null_count() < test.height:
        conv = classification_report(test["converted"], p["p_convert"])
        scores |= {f"convert_{k}": v for k, v in conv.items()}
    return scores
