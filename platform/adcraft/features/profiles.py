"""Shopper profiles: what a shopper is into, in a form a marketer, a prompt and a
model can all use. Built from events, the catalogue and reviews with lazy polars."""

from __future__ import annotations

from datetime import UTC, datetime

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
    weight: float = Field(description="share of the shopper's recency-weighted activity",
                          strict=True)


class PriceBand(BaseModel):
    label: str = Field(description="budget, mid-range or premium, relative to each category")
    low: float = Field(strict=True)
    median: float = Field(strict=True)
    high: float = Field(strict=True)
    currency: str | None = None


COLD_SEGMENT = "cold"
MAX_SEGMENT_CHARS = 40


def segment_of(profile: ShopperProfile, context_category: str | None = None) -> str:
    """The one segment rule (bandit arms, served records, both endpoints): a known
    shopper's top interest's top-level category ("Outdoor"); a shopper we know nothing
    about is "cold", or "cold:<category>" when the request says what they browse."""
    if profile.cold_start or not profile.categories:
        return f"{COLD_SEGMENT}:{context_category[:MAX_SEGMENT_CHARS]}" if (
            context_category) else COLD_SEGMENT
    return profile.categories[0].name.split(" > ")[0]


class ShopperProfile(BaseModel):
    """Readable and serialisable; holds no personal data (no name, no email)."""

    shopper_id: str
    categories: list[Interest] = []
    brands: list[Interest] = []
    price_band: PriceBand | None = None
    liked_attributes: list[str] = []
    disliked_attributes: list[str] = []
    recent_queries: list[str] = []
    n_events: int = Field(0, strict=True)  # strict: a JSON `true` is not a count
    n_purchases: int = Field(0, strict=True)
    last_seen: datetime | None = None
    cold_start: bool = Field(False, strict=True)
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


TIE_DIGITS = 12  # weights equal to this many decimals are ties, broken by name


def _tie(weight: pl.Expr) -> pl.Expr:
    """A weight for ranking: float sums vary in the last bit with the order they are
    added in, so exact ties (a brand seen in one session) are rounded to stay ties."""
    return weight.round(TIE_DIGITS)


def _event_weight(dtype: pl.DataType) -> pl.Expr:
    """EVENT_WEIGHTS of `event_type` (0 for others): for the Enum, looked up by its
    physical code, which is cheaper than matching the names."""
    if isinstance(dtype, pl.Enum):
        weights = pl.Series([EVENT_WEIGHTS.get(c, 0.0) for c in dtype.categories],
                            dtype=pl.Float64)
        return pl.lit(weights).gather(pl.col("event_type").to_physical()).fill_null(0.0)
    return pl.col("event_type").cast(pl.String).replace_strict(
        EVENT_WEIGHTS, default=0.0, return_dtype=pl.Float64)


def interest_weight(event_type: pl.DataType, as_of: datetime) -> pl.Expr:
    """What each event says about interest: EVENT_WEIGHTS of its type, halved every
    HALF_LIFE_DAYS before `as_of`. `event_type`: the dtype of the events' column."""
    age_days = (pl.lit(as_of) - pl.col("ts")).dt.total_seconds() / 86400.0
    return _event_weight(event_type) * (0.5 ** (age_days.clip(lower_bound=0) / HALF_LIFE_DAYS))


def _coded(frame: pl.DataFrame, column: str) -> tuple[pl.Expr, pl.Series]:
    """`column` as a dense UInt32 code in name order (so sorting codes sorts names), and
    the names, indexed by code."""
    names = frame.get_column(column).drop_nulls().unique().sort()
    codes = pl.Series(range(len(names)), dtype=pl.UInt32)
    code = pl.col(column).replace_strict(names, codes, default=None, return_dtype=pl.UInt32)
    return code, names


def _named(code: str, names: pl.Series) -> pl.Expr:
    codes = pl.Series(range(len(names)), dtype=pl.UInt32)
    return pl.col(code).replace_strict(codes, names, default=None, return_dtype=pl.String)


def _top(groups: pl.LazyFrame, key: str, names: pl.Series, out: str, max_sk: int
         ) -> pl.LazyFrame:
    """Per shopper key `sk`, the TOP_K values of the coded `key` by share of weight,
    as [{name, weight}]; equal shares in name order. `groups` holds partial weight
    sums `w` per (sk, product class)."""
    shares = (
        groups.drop_nulls(key)
        .group_by("sk", key)
        .agg(w=pl.col("w").sum())
        .with_columns(weight=pl.col("w") / pl.col("w").sum().over("sk"))
    )
    # One u64 sort key (sk, share descending, code) where it fits: much faster to
    # sort than the three columns. Shares are in [0, 1]: 40 bits hold 12 decimals.
    share_bits, code_bits = 40, max(len(names), 1).bit_length()
    if max_sk.bit_length() + share_bits + code_bits <= 64:
        rounded = (_tie(pl.col("weight")) * 10**TIE_DIGITS).round().fill_nan(2**share_bits - 1)
        order = (
            pl.col("sk").cast(pl.UInt64) * 2 ** (share_bits + code_bits)
            + (2**share_bits - 1 - rounded.cast(pl.UInt64)) * 2**code_bits
            + pl.col(key)
        )
        ranked = shares.sort(order)
    else:
        ranked = shares.sort(["sk", _tie(pl.col("weight")), key], descending=[False, True, False])
    return (
        ranked.group_by("sk", maintain_order=True)
        .head(TOP_K)
        .with_columns(_named(key, names))
        .group_by("sk", maintain_order=True)
        .agg(pl.struct(name=pl.col(key), weight=pl.col("weight")).alias(out))
    )


def _catalogue(products: pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """Per product: price, price relative to its category's median and a class code;
    per class: its category, brand and currency codes; and the names of the codes.
    Codes follow name order, so sorting by code sorts by name."""
    catalogue = products.select(
        "product_id",
        "brand",
        "price",
        "currency",
        category=pl.col("category_path").list.join(" > "),
    ).with_columns(
        relative_price=pl.col("price") / pl.col("price").median().over("category"),
    ).collect()
    coded = {c: _coded(catalogue, c) for c in ("category", "brand", "currency")}
    catalogue = catalogue.select("product_id", "price", "relative_price",
                                 **{c: code for c, (code, _) in coded.items()})
    keys = ["category", "brand", "currency"]
    classes = catalogue.select(keys).unique().with_row_index("cls")
    # one more class, of no category, brand or currency: events without a known product
    no_product = pl.DataFrame({"cls": [classes.height]}, schema={"cls": pl.UInt32})
    classes = pl.concat([classes, no_product], how="diagonal")
    catalogue = catalogue.join(classes, on=keys, how="left", nulls_equal=True).select(
        "product_id", "price", "relative_price", "cls"
    )
    return catalogue, classes, {c: names for c, (_, names) in coded.items()}


def build_profiles(
    events: pl.DataFrame | pl.LazyFrame,
    products: pl.DataFrame | pl.LazyFrame,
    reviews: pl.DataFrame | pl.LazyFrame | None = None,
    as_of: datetime | None = None,
    aspects: pl.DataFrame | pl.LazyFrame | None = None,
) -> pl.DataFrame:
    """One row per shopper with events: interests, brands, price band, liked and
    disliked attributes, recent queries. `as_of` (default: the last event) anchors decay.
    `aspects`: `review_aspects(reviews, products)` where the caller already has it
    (computed here from `reviews` when not given)."""
    events, products = events.lazy(), products.lazy()
    if as_of is None:  # now, for a shop with no events yet
        as_of = events.select(pl.col("ts").max()).collect().item() or datetime.now(UTC)
    # Integer keys from here on: grouping and joining 10M events on strings is what
    # costs. The shopper as a categorical code `sk`; `key` = (sk, product class).
    catalogue, classes, names = _catalogue(products)
    no_product = classes.height - 1
    weighted = (
        events.select("event_type", "ts", "product_id",
                      shopper=pl.col("shopper_id").cast(pl.Categorical))
        .join(catalogue.lazy(), on="product_id", how="left")
        .select(
            "shopper", "event_type", "ts", "price", "relative_price",
            sk=pl.col("shopper").to_physical(),
            key=pl.col("shopper").to_physical().cast(pl.UInt64) * 2**32
            + pl.col("cls").fill_null(no_product),
            # searches have no product: no weight, category, brand or price
            w=interest_weight(events.collect_schema()["event_type"], as_of),
            # prices of what the shopper engaged with beyond a view; views if that is all
            beyond_view=pl.col("price").is_not_null() & (pl.col("event_type") != "view"),
        )
        .collect()
    )
    # Per (shopper, product class): the weights behind the category and brand interests.
    groups = (
        weighted.lazy()
        .group_by("key")
        .agg(pl.col("w").sum())
        .with_columns(sk=(pl.col("key") // 2**32).cast(pl.UInt32),
                      cls=(pl.col("key") % 2**32).cast(pl.UInt32))
        .join(classes.lazy(), on="cls", how="left")
        .collect()
        .lazy()
    )
    counts = weighted.lazy().group_by("sk").agg(
        shopper_id=pl.col("shopper").first().cast(pl.String),
        n_events=pl.len().cast(pl.Int64),
        n_purchases=(pl.col("event_type") == "purchase").sum().cast(pl.Int64),
        last_seen=pl.col("ts").max(),
        views_only=~pl.col("beyond_view").any(),
    ).collect()
    views_only = counts.filter("views_only").get_column("sk").implode()
    max_sk = counts.get_column("sk").max() or 0
    engaged = pl.col("beyond_view") | (pl.col("price").is_not_null()
                                       & pl.col("sk").is_in(views_only))
    currency = (pl.col("key") % 2**32).cast(pl.UInt32).replace_strict(
        classes.get_column("cls"), classes.get_column("currency"), default=None)
    price = (
        weighted.lazy()
        .filter(engaged)
        .with_columns(currency=currency)
        .group_by("sk")
        .agg(
            low=pl.col("price").quantile(0.25),
            median=pl.col("price").median(),
            high=pl.col("price").quantile(0.75),
            relative=pl.col("relative_price").median(),
            # the most frequent; equally frequent ones by name
            currency=pl.col("currency").drop_nulls().mode().min(),
        )
        .select(
            "sk",
            price_band=pl.struct(
                label=pl.when(pl.col("relative") < BUDGET_BELOW).then(pl.lit("budget"))
                .when(pl.col("relative") > PREMIUM_ABOVE).then(pl.lit("premium"))
                .otherwise(pl.lit("mid-range")),
                low="low", median="median", high="high",
                currency=_named("currency", names["currency"]),
            ),
        )
    )
    searches = events.filter(pl.col("event_type") == "search").drop_nulls("query")
    queries = (
        searches.select("shopper_id", "query", "ts")
        .collect()
        .sort(["ts", "query"], descending=[True, False])  # eager: faster for this sort
        .lazy()
        .unique(["shopper_id", "query"], keep="first", maintain_order=True)
        .group_by("shopper_id", maintain_order=True)
        .agg(recent_queries=pl.col("query").head(RECENT_QUERIES))
    )
    profiles = (
        counts.lazy()
        .join(_top(groups, "category", names["category"], "categories", max_sk), on="sk",
              how="left")
        .join(_top(groups, "brand", names["brand"], "brands", max_sk), on="sk", how="left")
        .join(price, on="sk", how="left")
        .join(queries, on="shopper_id", how="left")
    )
    if reviews is not None:
        if aspects is None:
            aspects = review_aspects(reviews, products)
        profiles = profiles.join(_attribute_tastes(aspects.lazy(), as_of),
                                 on="shopper_id", how="left")
    else:
        profiles = profiles.with_columns(liked_attributes=pl.lit(None, pl.List(pl.String)),
                                         disliked_attributes=pl.lit(None, pl.List(pl.String)))
    return (
        profiles.select(
            "shopper_id", "n_events", "n_purchases", "last_seen",
            # a shop with no brands (or categories) names none: [], not null
            pl.col("categories", "brands").fill_null([]), "price_band",
            pl.col("recent_queries", "liked_attributes", "disliked_attributes").fill_null([]),
            cold_start=pl.lit(False),
            embedding=pl.lit(None, pl.List(pl.Float32)),
        )
        .sort("shopper_id")
        .collect()
    )


def _attribute_tastes(aspects: pl.LazyFrame, as_of) -> pl.LazyFrame:
    """Per shopper: attributes with a net positive (liked) or negative (disliked)
    recency-weighted polarity across their reviews, strongest first, then by name."""
    age_days = (pl.lit(as_of) - pl.col("ts")).dt.total_seconds().fill_null(0) / 86400.0
    net = (
        aspects
        .with_columns(w=pl.col("polarity") * 0.5 ** (age_days.clip(lower_bound=0) / HALF_LIFE_DAYS))
        .group_by("shopper_id", "aspect")
        .agg(net=pl.col("w").sum())
        .filter(pl.col("net") != 0)
        .sort(["shopper_id", _tie(pl.col("net").abs()), "aspect"],
              descending=[False, True, False])
    )
    return net.group_by("shopper_id", maintain_order=True).agg(
        liked_attributes=pl.col("aspect").filter(pl.col("net") > 0).head(TOP_K),
        disliked_attributes=pl.col("aspect").filter(pl.col("net") < 0).head(TOP_K),
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
