"""All features of a dataset from its tables, using whichever tables it has."""

from __future__ import annotations

import polars as pl

from adcraft.data.schemas import empty
from adcraft.features.aspects import review_aspects
from adcraft.features.items import build_item_features
from adcraft.features.profiles import build_profiles


def build_features(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """profiles (needs events and products) and item_features (needs products)."""
    if "products" not in tables:
        raise ValueError("a products table is needed to build features")
    products = tables["products"]
    events = tables.get("events")
    reviews = tables.get("reviews")
    out: dict[str, pl.DataFrame] = {}
    has_events = events is not None and events.height > 0
    if not has_events and "impressions" not in tables:
        # a catalogue with no behaviour yet: every shopper is cold, items rank by
        # content and reviews alone
        out["profiles"] = build_profiles(empty("events"), products)
        out["item_features"] = build_item_features(empty("events"), products, reviews)
        return out
    # What reviews say about product aspects feeds both tables: read it once.
    aspects = None if reviews is None else review_aspects(reviews, products).collect()
    if has_events:
        out["profiles"] = build_profiles(events, products, reviews, aspects=aspects)
        out["item_features"] = build_item_features(
            events, products, reviews, tables.get("impressions"), aspects=aspects
        )
    elif "impressions" in tables:
        # Logs without a behaviour stream (e.g. OBD): item rates from impressions alone.
        out["item_features"] = build_item_features(
            empty("events"), products, reviews, tables["impressions"], aspects=aspects
        )
    return out

