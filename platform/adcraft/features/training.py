"""Training rows for the conversion model: one per logged impression, shopper x product x
context x copy, labelled clicked / converted, and split by time (never at random: the
model is always judged on impressions that came after the ones it learnt from)."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import polars as pl

from adcraft.content.claims import FactVocabulary, mentions

LABELS = ("clicked", "converted")
SPLITS = {"train": 0.6, "valid": 0.15, "calib": 0.1, "test": 0.15}
MAX_CATEGORY_VALUES = 500  # an attribute with more distinct values is an id, not a feature

ITEM_COLUMNS = ("ctr", "cvr", "popularity", "avg_rating", "n_reviews")


@dataclass
class FeatureSpec:
    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]


def split_fractions(test_share: float | None = None) -> dict[str, float]:
    """SPLITS with the test window resized to `test_share`, the rest scaled to fit."""
    if test_share is None:
        return dict(SPLITS)
    if not 0 < test_share < 1:
        raise ValueError(f"test share must be between 0 and 1, got {test_share}")
    rest = {k: v for k, v in SPLITS.items() if k != "test"}
    scale = (1 - test_share) / sum(rest.values())
    return {**{k: v * scale for k, v in rest.items()}, "test": test_share}


def time_split(frame: pl.DataFrame, fractions: dict[str, float] | None = None,
               ts: str = "ts") -> dict[str, pl.DataFrame]:
    """Consecutive slices in time order, sized by `fractions` (which sum to 1)."""
    fractions = fractions or SPLITS
    if abs(sum(fractions.values()) - 1) > 1e-9:
        raise ValueError(f"split fractions must sum to 1, got {fractions}")
    ordered = frame.sort([ts, "impression_id"] if "impression_id" in frame.columns else ts)
    out, start, total = {}, 0, ordered.height
    names = list(fractions)
    for i, name in enumerate(names):
        stop = total if i == len(names) - 1 else start + round(fractions[name] * total)
        out[name] = ordered.slice(start, stop - start)
        start = stop
    return out


def _wide_facts(frame: pl.DataFrame, id_col: str, facts_col: str,
                prefix: str) -> tuple[pl.DataFrame, FeatureSpec]:
    """Single-valued, low-cardinality facts as one column each (``attr_colour``); facts
    whose values are all numbers become numeric columns."""
    spec = FeatureSpec()
    long = (
        frame.select(id_col, facts_col).explode(facts_col).drop_nulls(facts_col)
        .unnest(facts_col)
    )
    if long.height == 0:
        return frame.select(id_col), spec
    shape = long.group_by("name").agg(
        per_item=pl.len() / pl.col(id_col).n_unique(),
        distinct=pl.col("value").n_unique(),
        numeric=pl.col("value").cast(pl.Float64, strict=False).is_not_null().all(),
    )
    keep = shape.filter(
        (pl.col("per_item") == 1)
        & ((pl.col("distinct") <= MAX_CATEGORY_VALUES) | pl.col("numeric"))
    ).sort("name")
    column = {n: prefix + re.sub(r"\W+", "_", n) for n in keep["name"]}
    wide = (
        long.filter(pl.col("name").is_in(list(column)))
        .with_columns(name=pl.col("name").replace_strict(column))
        .pivot(on="name", index=id_col, values="value", aggregate_function="first")
    )
    for name, is_numeric in keep.select("name", "numeric").iter_rows():
        (spec.numeric if is_numeric else spec.categorical).append(column[name])
    wide = wide.with_columns(pl.col(spec.numeric).cast(pl.Float64))
    return frame.select(id_col).join(wide, on=id_col, how="left"), spec


def _by_identity(build):
    """`build(frame)` once per table object: scoring a few rows (serving, batch copy)
    passes the same catalogue every call, and reading 100,000 products' facts each time
    was most of the call. The few tables seen last are kept, with their results."""
    seen: OrderedDict[int, tuple[pl.DataFrame, object]] = OrderedDict()
    lock = threading.Lock()

    def cached(frame: pl.DataFrame):
        with lock:
            hit = seen.get(id(frame))
            if hit is not None and hit[0] is frame:
                return hit[1]
        value = build(frame)
        with lock:
            seen[id(frame)] = (frame, value)  # the frame held: its id is not reused
            while len(seen) > TABLES_KEPT:
                seen.popitem(last=False)
        return value

    return cached


TABLES_KEPT = 4


@_by_identity
def _catalogue_parts(products: pl.DataFrame):
    """What the rows take from the catalogue: its columns, its facts wide, and its
    fact vocabulary."""
    catalogue = products.select(
        "product_id", "brand", "price",
        category=pl.col("category_path").list.join(" > "),
        facts=pl.col("attributes").list.eval(
            pl.element().struct.field("value").str.to_lowercase()),
    )
    attrs, attr_spec = _wide_facts(products, "product_id", "attributes", "attr_")
    return catalogue, attrs, attr_spec, FactVocabulary.from_products(products)


@_by_identity
def _shopper_traits(shoppers: pl.DataFrame):
    return _wide_facts(shoppers, "shopper_id", "traits", "trait_")


def build_training_rows(
    impressions: pl.DataFrame,
    products: pl.DataFrame,
    profiles: pl.DataFrame | None = None,
    item_features: pl.DataFrame | None = None,
    shoppers: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, FeatureSpec]:
    """Feature rows for `impressions` plus the spec of which columns are features.
    Profiles and item features must come from data before the rows they describe."""
    if impressions.height == 0:
        raise ValueError("no impressions to build training rows from")
    spec = FeatureSpec(numeric=["position", "price", "log_price"],
                       categorical=["campaign", "category", "brand"])
    catalogue, attrs, attr_spec, vocabulary = _catalogue_parts(products)
    spec.numeric += attr_spec.numeric
    spec.categorical += attr_spec.categorical
    if products.height <= MAX_CATEGORY_VALUES:  # few items: each one's own appeal is learnable
        spec.categorical.append("product_id")
    rows = (
        impressions.select("impression_id", "ts", "shopper_id", "product_id", "copy_text",
                           "position", "campaign", *[c for c in LABELS])
        .join(catalogue, on="product_id", how="left")
        .join(attrs, on="product_id", how="left")
        .with_columns(log_price=pl.col("price").log1p())
    )
    if shoppers is not None:
        traits, trait_spec = _shopper_traits(shoppers)
        spec.numeric += trait_spec.numeric
        spec.categorical += trait_spec.categorical
        rows = rows.join(traits, on="shopper_id", how="left")
    if item_features is not None:
        present = [c for c in ITEM_COLUMNS if c in item_features.columns]
        rows = rows.join(item_features.select("product_id", *present), on="product_id",
                         how="left")
        spec.numeric += present
    rows = _shopper_match(rows, profiles, spec)
    rows = _copy_features(rows, vocabulary, spec)
    return rows.drop("facts", "liked", "disliked"), spec


def _shopper_match(rows: pl.DataFrame, profiles: pl.DataFrame | None,
                   spec: FeatureSpec) -> pl.DataFrame:
    """How well the product fits the shopper's profile (null where there is none)."""
    spec.numeric += ["category_interest", "brand_interest", "liked_overlap",
                     "disliked_overlap", "price_vs_band"]
    if profiles is None:
        return rows.with_columns(
            *[pl.lit(None, pl.Float64).alias(c) for c in spec.numeric[-5:]],
            liked=pl.lit([], pl.List(pl.String)), disliked=pl.lit([], pl.List(pl.String)),
        )

    def interest(column: str, key: str) -> pl.DataFrame:
        return (
            profiles.select("shopper_id", column).explode(column).drop_nulls(column)
            .unnest(column).rename({"name": key, "weight": f"{column}_w"})
        )

    known = profiles.select(
        "shopper_id",
        liked="liked_attributes",
        disliked="disliked_attributes",
        band_median=pl.col("price_band").struct.field("median"),
        has_profile=pl.lit(True),
    )
    rows = (
        rows.join(known, on="shopper_id", how="left")
        .join(interest("categories", "category"), on=["shopper_id", "category"], how="left")
        .join(interest("brands", "brand"), on=["shopper_id", "brand"], how="left")
    )
    profiled = pl.col("has_profile").fill_null(False)
    return rows.with_columns(
        category_interest=pl.when(profiled).then(pl.col("categories_w").fill_null(0.0)),
        brand_interest=pl.when(profiled).then(pl.col("brands_w").fill_null(0.0)),
        liked_overlap=pl.col("liked").list.set_intersection("facts").list.len().cast(pl.Float64),
        disliked_overlap=pl.col("disliked").list.set_intersection("facts").list.len()
        .cast(pl.Float64),
        price_vs_band=pl.col("price") / pl.col("band_median"),
        liked=pl.col("liked").fill_null([]),
        disliked=pl.col("disliked").fill_null([]),
    ).drop("categories_w", "brands_w", "band_median", "has_profile")


def _copy_features(rows: pl.DataFrame, vocabulary: FactVocabulary,
                   spec: FeatureSpec) -> pl.DataFrame:
    """Length of the copy, the facts it claims, whether they hold, and whether it names
    what this shopper likes or dislikes."""
    names = ["copy_claims", "copy_grounded", "copy_unsupported", "copy_mentions_liked",
             "copy_mentions_disliked"]
    values: dict[str, list[int]] = {n: [] for n in names}
    for text, product, liked, disliked in rows.select(
        "copy_text", "product_id", "liked", "disliked"
    ).iter_rows():
        claims = vocabulary.claims(text, product)
        values["copy_claims"].append(len(claims.terms))
        values["copy_grounded"].append(len(claims.grounded))
        values["copy_unsupported"].append(len(claims.unsupported))
        values["copy_mentions_liked"].append(mentions(claims.grounded, liked or []))
        values["copy_mentions_disliked"].append(mentions(claims.grounded, disliked or []))
    spec.numeric += ["copy_chars", "copy_words", *names]
    return rows.with_columns(
        *[pl.Series(n, v, dtype=pl.Int64) for n, v in values.items()],
        copy_chars=pl.col("copy_text").str.len_chars(),
        copy_words=pl.col("copy_text").str.count_matches(r"\S+"),
    ).with_columns(
        # no copy in the log at all (e.g. OBD): copy features are unknown, not zero
        *[pl.when(pl.col("copy_text").is_not_null()).then(pl.col(n)).alias(n) for n in names]
    )
