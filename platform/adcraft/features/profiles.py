"""Shopper profiles: what a shopper is into, in a form a marketer, a prompt and a
model can all use. Built from events, the catalogue and reviews with lazy polars."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from pydantic import BaseModel, Field

from adcraft.features.aspects import review_aspects

# How much each event says about interest, before recency decay.
EVENT_WEIGHTS = {"view": 1.0, "click": 2.0, "wishlist": 3.0, "cart": 4.0, "purchase": 6.0}
HALF_LIFE_DAYS = 30.0  # an event a month old counts half
TOP_K = 5  # interests, brands and attributes kept per shopper
RECENT_QUERIES = 5
BUDGET_BELOW, PREMIUM_ABOVE = 0.85, 1.15  # shopper's median price / category median


class Interest(BaseModel):
    name: str
    weight: float = Field(description="share of the shopper's recency-weighted activity")


class PriceBand(BaseModel):
    label: str = Field(description="budget, mid-range or premium, relative to each category")
    low: float
    median: float
    high: float
    currency: str | None = None


class ShopperProfile(BaseModel):
    """Readable and serialisable; holds no personal data (no name, no email)."""

    shopper_id: str
    categories: list[Interest] = []
    brands: list[Interest] = []
    price_band: PriceBand | None = None
    liked_attributes: list[str] = []
    disliked_attributes: list[str] = []
    recent_queries: list[str] = []
    n_events: int = 0
    n_purchases: int = 0
    last_seen: datetime | None = None
    cold_start: bool = False
    embedding: list[float] | None = Field(
        None, description="interest vector; filled by the embedder (a later stage)"
    )

    @classmethod
    def cold(cls, shopper_id: str, popular_categories: list[Interest] | None = None):
        """A shopper we know nothing about: the shop's popular categories stand in."""
        return cls(shopper_id=shopper_id, categories=popular_categories or [], cold_start=True)

    def describe(self) -> str:
        """A short readable summary for a marketer or a prompt."""
        if self.cold_start:
            head = f"Shopper {self.shopper_id}: new, no history yet"
            popular = ", ".join(i.name for i in self.categories)
            return head + (f"; popular across the shop: {popular}" if popular else "")
        lines = [f"Shopper {self.shopper_id}: {self.n_events} events, "
                 f"{self.n_purchases} purchases"
                 + (f", last seen {self.last_seen:%Y-%m-%d}" if self.last_seen else "")]
        if self.categories:
            lines.append("Into: " + ", ".join(f"{i.name} ({i.weight:.0%})"
                                             for i in self.categories))
        if self.brands:
            lines.append("Brands: " + ", ".join(f"{i.name} ({i.weight:.0%})" for i in self.brands))
        if self.price_band:
            b = self.price_band
            cur = f"{b.currency} " if b.currency else ""
            lines.append(f"Price: {b.label} ({cur}{b.low:,.0f}-{b.high:,.0f}, "
                         f"median {b.median:,.0f})")
        if self.liked_attributes:
            lines.append("Likes: " + ", ".join(self.liked_attributes))
        if self.disliked_attributes:
            lines.append("Dislikes: " + ", ".join(self.disliked_attributes))
        if self.recent_queries:
            lines.append("Recently searched: " + ", ".join(f'"{q}"' for q in self.recent_queries))
        return "\n".join(lines)


def _top(frame: pl.LazyFrame, key: str, out: str) -> pl.LazyFrame:
    """Per shopper, the TOP_K values of `key` by share of weight, as [{name, weight}]."""
    return (
        frame.drop_nulls(key)
        .group_by("shopper_id", key)
        .agg(w=pl.col("w").sum())
        .with_columns(weight=pl.col("w") / pl.col("w").sum().over("shopper_id"))
        .sort(["shopper_id", "weight", key], descending=[False, True, False])
        .group_by("shopper_id", maintain_order=True)
        .head(TOP_K)
        .group_by("shopper_id")
        .agg(pl.struct(name=pl.col(key), weight=pl.col("weight")).alias(out))
    )


def build_profiles(
    events: pl.DataFrame | pl.LazyFrame,
    products: pl.DataFrame | pl.LazyFrame,
    reviews: pl.DataFrame | pl.LazyFrame | None = None,
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """One row per shopper with events: interests, brands, price band, liked and
    disliked attributes, recent queries. `as_of` (default: the last event) anchors decay."""
    events, products = events.lazy(), products.lazy()
    if as_of is None:
        as_of = events.select(pl.col("ts").max()).collect().item()
    catalogue = products.select(
        "product_id",
        "brand",
        "price",
        "currency",
        category=pl.col("category_path").list.join(" > "),
    ).with_columns(
        relative_price=pl.col("price") / pl.col("price").median().over("category"),
    )
    age_days = (pl.lit(as_of) - pl.col("ts")).dt.total_seconds() / 86400.0
    weighted = (
        events.filter(pl.col("event_type") != "search")
        .join(catalogue, on="product_id", how="left")
        .with_columns(
            w=pl.col("event_type").cast(pl.String).replace_strict(EVENT_WEIGHTS, default=0.0)
            * (0.5 ** (age_days.clip(lower_bound=0) / HALF_LIFE_DAYS))
        )
    )
    counts = events.group_by("shopper_id").agg(
        n_events=pl.len().cast(pl.Int64),
        n_purchases=(pl.col("event_type") == "purchase").sum().cast(pl.Int64),
        last_seen=pl.col("ts").max(),
    )
    # Prices of what the shopper engaged with beyond a view; views alone if that is all.
    beyond_view = pl.col("event_type") != "view"
    engaged = weighted.drop_nulls("price").filter(
        beyond_view | (beyond_view.sum().over("shopper_id") == 0)
    )
    price = engaged.group_by("shopper_id").agg(
        low=pl.col("price").quantile(0.25),
        median=pl.col("price").median(),
        high=pl.col("price").quantile(0.75),
        relative=pl.col("relative_price").median(),
        currency=pl.col("currency").drop_nulls().mode().first(),
    ).select(
        "shopper_id",
        price_band=pl.struct(
            label=pl.when(pl.col("relative") < BUDGET_BELOW).then(pl.lit("budget"))
            .when(pl.col("relative") > PREMIUM_ABOVE).then(pl.lit("premium"))
            .otherwise(pl.lit("mid-range")),
            low="low", median="median", high="high", currency="currency",
        ),
    )
    queries = (
        events.filter(pl.col("event_type") == "search").drop_nulls("query")
        .sort("ts", descending=True)
        .unique(["shopper_id", "query"], keep="first", maintain_order=True)
        .group_by("shopper_id", maintain_order=True)
        .agg(recent_queries=pl.col("query").head(RECENT_QUERIES))
    )
    profiles = (
        counts.join(_top(weighted, "category", "categories"), on="shopper_id", how="left")
        .join(_top(weighted, "brand", "brands"), on="shopper_id", how="left")
        .join(price, on="shopper_id", how="left")
        .join(queries, on="shopper_id", how="left")
    )
    if reviews is not None:
        profiles = profiles.join(_attribute_tastes(reviews.lazy(), products, as_of),
                                 on="shopper_id", how="left")
    else:
        profiles = profiles.with_columns(liked_attributes=pl.lit(None, pl.List(pl.String)),
                                         disliked_attributes=pl.lit(None, pl.List(pl.String)))
    return (
        profiles.with_columns(
            pl.col("recent_queries", "liked_attributes", "disliked_attributes").fill_null([]),
            cold_start=pl.lit(False),
            embedding=pl.lit(None, pl.List(pl.Float32)),
        )
        .sort("shopper_id")
        .collect()
    )


def _attribute_tastes(reviews: pl.LazyFrame, products: pl.LazyFrame, as_of) -> pl.LazyFrame:
    """Per shopper: attributes with a net positive (liked) or negative (disliked)
    recency-weighted polarity across their reviews."""
    age_days = (pl.lit(as_of) - pl.col("ts")).dt.total_seconds().fill_null(0) / 86400.0
    net = (
        review_aspects(reviews, products)
        .with_columns(w=pl.col("polarity") * 0.5 ** (age_days.clip(lower_bound=0) / HALF_LIFE_DAYS))
        .group_by("shopper_id", "aspect")
        .agg(net=pl.col("w").sum())
        .filter(pl.col("net") != 0)
        .sort(["shopper_id", "net", "aspect"], descending=[False, True, False])
    )
    return net.group_by("shopper_id", maintain_order=True).agg(
        liked_attributes=pl.col("aspect").filter(pl.col("net") > 0).head(TOP_K),
        disliked_attributes=pl.col("aspect").filter(pl.col("net") < 0).reverse().head(TOP_K),
    )


def profiles_by_id(frame: pl.DataFrame) -> dict[str, ShopperProfile]:
    return {row["shopper_id"]: ShopperProfile.model_validate(row) for row in frame.to_dicts()}


def popular_categories(frame: pl.DataFrame, k: int = 3) -> list[Interest]:
    """The categories most shoppers are into: the cold-start stand-in."""
    top = (
        frame.select(pl.col("categories").list.first().struct.field("name").alias("name"))
        .drop_nulls()
        .group_by("name").len()
        .sort(["len", "name"], descending=[True, False])
        .head(k)
        .with_columns(weight=pl.col("len") / pl.col("len").sum())
    )
    return [Interest(name=r["name"], weight=r["weight"]) for r in top.to_dicts()]


def profile_for(frame: pl.DataFrame, shopper_id: str) -> ShopperProfile:
    """The shopper's profile, or a cold-start profile if they have no history."""
    row = frame.filter(pl.col("shopper_id") == shopper_id)
    if row.height:
        return ShopperProfile.model_validate(row.row(0, named=True))
    return ShopperProfile.cold(shopper_id, popular_categories(frame))
