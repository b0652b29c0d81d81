"""Item features: how popular a product is, how well it turns views into clicks and
clicks into purchases (smoothed towards the shop's average so a product seen twice
is not a 50% CTR), and what its reviews praise and criticise."""

from __future__ import annotations

import polars as pl

from adcraft.features.aspects import review_aspects

PRIOR_STRENGTH = 20.0  # pseudo-observations of the shop average behind every rate
TOP_ASPECTS = 3


def _smoothed(hits: str, trials: str, prior: pl.Expr) -> pl.Expr:
    return (pl.col(hits) + PRIOR_STRENGTH * prior) / (pl.col(trials) + PRIOR_STRENGTH)


def _shop_rate(hits: str, trials: str) -> pl.Expr:
    """The shop's overall rate; null where it logs no trials (a log with no clicks)."""
    total = pl.col(trials).sum()
    return pl.when(total > 0).then(pl.col(hits).sum() / total)


def build_item_features(
    events: pl.DataFrame | pl.LazyFrame,
    products: pl.DataFrame | pl.LazyFrame,
    reviews: pl.DataFrame | pl.LazyFrame | None = None,
    impressions: pl.DataFrame | pl.LazyFrame | None = None,
    aspects: pl.DataFrame | pl.LazyFrame | None = None,
) -> pl.DataFrame:
    """One row per catalogue product (products with no activity get the shop priors).
    `aspects`: `review_aspects(reviews, products)` where the caller already has it
    (computed here from `reviews` when not given)."""
    products = products.lazy()
    counts = (
        events.lazy()
        .drop_nulls("product_id")
        .group_by("product_id")
        .agg(
            *[(pl.col("event_type") == t).sum().cast(pl.Int64).alias(f"{t}s")
              for t in ("view", "click", "cart", "purchase")]
        )
    )
    items = (
        products.select("product_id")
        .join(counts, on="product_id", how="left")
        .with_columns(pl.col("views", "clicks", "carts", "purchases").fill_null(0))
        .with_columns(
            ctr=_smoothed("clicks", "views", _shop_rate("clicks", "views")),
            cvr=_smoothed("purchases", "clicks", _shop_rate("purchases", "clicks")),
            # share of products with less weighted engagement: 0 (least) .. 1 (most)
            popularity=(pl.col("views") + 2 * pl.col("clicks") + 4 * pl.col("carts")
                        + 6 * pl.col("purchases")).rank("average") / pl.len(),
        )
        .with_columns(pl.col("ctr", "cvr").fill_nan(None))
    )
    if impressions is not None:
        shown = impressions.lazy().group_by("product_id").agg(
            impressions=pl.len().cast(pl.Int64),
            impression_clicks=pl.col("clicked").sum().cast(pl.Int64),
        )
        items = (
            items.join(shown, on="product_id", how="left")
            .with_columns(pl.col("impressions", "impression_clicks").fill_null(0))
            .with_columns(impression_ctr=_smoothed(
                "impression_clicks", "impressions",
                pl.col("impression_clicks").sum() / pl.col("impressions").sum(),
            ))
        )
    if reviews is not None:
        if aspects is None:
            aspects = review_aspects(reviews, products)
        items = items.join(_review_summary(reviews.lazy(), aspects.lazy()), on="product_id",
                           how="left")
        items = items.with_columns(
            pl.col("n_reviews").fill_null(0),
            pl.col("praised", "criticised").fill_null([]),
        )
    return items.sort("product_id").collect()


def _review_summary(reviews: pl.LazyFrame, aspects: pl.LazyFrame) -> pl.LazyFrame:
    stars = reviews.group_by("product_id").agg(
        n_reviews=pl.len().cast(pl.Int64),
        avg_rating=pl.col("rating").mean(),
        positive_share=(pl.col("rating") >= 4).mean(),
    )
    # small, and read twice below: computed once
    by_aspect = (
        aspects.group_by("product_id", "aspect")
        .agg(up=(pl.col("polarity") > 0).sum(), down=(pl.col("polarity") < 0).sum())
        .collect()
        .lazy()
    )

    def top(column: str, out: str) -> pl.LazyFrame:
        return (
            by_aspect.filter(pl.col(column) > 0)
            .sort(["product_id", column, "aspect"], descending=[False, True, False])
            .group_by("product_id", maintain_order=True)
            .agg(pl.col("aspect").head(TOP_ASPECTS).alias(out))
        )

    return (
        stars.join(top("up", "praised"), on="product_id", how="left")
        .join(top("down", "criticised"), on="product_id", how="left")
    )
