"""What retrieval reads about shoppers: per (shopper, product) how much their events say
about interest (the same event weights and recency decay as the profiles), and the
segment each shopper belongs to (their top category)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from adcraft.data.errors import DataError
from adcraft.features.profiles import interest_weight

HISTORY_COLUMNS = ("shopper_id", "product_id", "event_type", "ts")


def shopper_history(events: pl.DataFrame | pl.LazyFrame, as_of: datetime | None = None
                    ) -> pl.DataFrame:
    """One row per (shopper, product) they engaged with: `w`, the recency-weighted event
    weight, `share`, w as a share of the shopper's total, `purchased` and `last_ts`. Searches and
    events of no weight (e.g. unknown types) are dropped. `as_of` (default: the last
    event) anchors the decay."""
    events = events.lazy()
    missing = [c for c in HISTORY_COLUMNS if c not in events.collect_schema().names()]
    if missing:
        raise DataError("events", "missing: retrieval reads shopper_id, product_id, "
                                  "event_type and ts", field=missing[0])
    if as_of is None:  # now, for a shop with no events yet
        as_of = events.select(pl.col("ts").max()).collect().item() or datetime.now(UTC)
    dtype = events.collect_schema()["event_type"]
    return (
        events.drop_nulls("product_id")
        .select("shopper_id", "product_id", "ts", w=interest_weight(dtype, as_of),
                purchase=pl.col("event_type") == "purchase")
        .filter(pl.col("w") > 0)
        .group_by("shopper_id", "product_id")
        .agg(pl.col("w").sum(), purchased=pl.col("purchase").any(), last_ts=pl.col("ts").max())
        .with_columns(share=pl.col("w") / pl.col("w").sum().over("shopper_id"))
        .sort("shopper_id", "product_id")
        .collect()
    )


def product_categories(products: pl.DataFrame, depth: int = 1) -> pl.DataFrame:
    """(product_id, category): the first `depth` levels of the category path joined
    with ' > '; null where a product has no category."""
    if "category_path" not in products.columns:
        return products.select("product_id", category=pl.lit(None, pl.String))
    return products.select(
        "product_id",
        category=pl.col("category_path").list.head(depth).list.join(" > ")
        .replace("", None),
    )


def top_category_segments(history: pl.DataFrame, categories: pl.DataFrame) -> pl.DataFrame:
    """(shopper_id, segment): the category with the largest share of each shopper's
    history (ties by name); shoppers whose products have no category get none."""
    return (
        history.join(categories, on="product_id", how="inner")
        .drop_nulls("category")
        .group_by("shopper_id", "category")
        .agg(pl.col("share").sum())
        .sort(["shopper_id", "share", "category"], descending=[False, True, False])
        .group_by("shopper_id", maintain_order=True)
        .agg(segment=pl.col("category").first())
    )
