"""Explicit polars schemas for every table, and `conform` to bring a frame onto one.

Facts about a product (and traits of a shopper) are a list of ``{name, value}``
pairs: real catalogues carry arbitrary keys, sometimes repeated (a dress with two
styles), which neither a fixed struct nor a JSON string would hold well.
"""

from __future__ import annotations

import polars as pl

from adcraft.data.errors import DataError

EVENT_TYPES = ["view", "click", "cart", "purchase", "search", "wishlist"]
COPY_KINDS = ["ad_copy", "description", "recommendation_reason", "email_subject"]

EventType = pl.Enum(EVENT_TYPES)
CopyKind = pl.Enum(COPY_KINDS)
Timestamp = pl.Datetime("us", "UTC")
Facts = pl.List(pl.Struct({"name": pl.String, "value": pl.String}))

SCHEMAS: dict[str, pl.Schema] = {
    "products": pl.Schema(
        {
            "product_id": pl.String,
            "title": pl.String,
            "description": pl.String,
            "category_path": pl.List(pl.String),
            "brand": pl.String,
            "price": pl.Float64,
            "currency": pl.String,
            "attributes": Facts,
        }
    ),
    "shoppers": pl.Schema(
        {
            "shopper_id": pl.String,
            "name": pl.String,  # personal data: never in prompts, copy or logs
            "email": pl.String,  # personal data
            "locale": pl.String,
            "preferred_channel": pl.String,
            "segment": pl.String,
            "traits": Facts,
        }
    ),
    "events": pl.Schema(
        {
            "shopper_id": pl.String,
            "product_id": pl.String,  # null for a search
            "event_type": EventType,
            "ts": Timestamp,
            "session_id": pl.String,
            "query": pl.String,  # the search text, for searches
        }
    ),
    "reviews": pl.Schema(
        {
            "shopper_id": pl.String,
            "product_id": pl.String,
            "rating": pl.Float64,
            "title": pl.String,
            "text": pl.String,
            "ts": Timestamp,
        }
    ),
    "impressions": pl.Schema(
        {
            "impression_id": pl.String,
            "ts": Timestamp,
            "shopper_id": pl.String,
            "product_id": pl.String,
            "copy_variant_id": pl.String,
            "copy_text": pl.String,
            "position": pl.Int32,
            "propensity": pl.Float64,  # P(logging policy showed this item/copy here)
            "clicked": pl.Boolean,
            "converted": pl.Boolean,  # null where the log does not record it
            "policy": pl.String,  # logging policy, e.g. "random", "bts"
            "campaign": pl.String,
        }
    ),
    "copy": pl.Schema(
        {
            "variant_id": pl.String,
            "product_id": pl.String,
            "kind": CopyKind,
            "locale": pl.String,
            "text": pl.String,
            "source": pl.String,  # "human", "historical", a model version
            "ctr": pl.Float64,  # observed click rate, where known
        }
    ),
}

# Columns that may never be null; the rest are optional in real data.
REQUIRED: dict[str, tuple[str, ...]] = {
    "products": ("product_id",),
    "shoppers": ("shopper_id",),
    "events": ("shopper_id", "event_type", "ts"),
    "reviews": ("shopper_id", "product_id", "rating"),
    "impressions": ("impression_id", "shopper_id", "product_id", "propensity", "clicked"),
    "copy": ("product_id", "kind", "text"),
}


def empty(table: str) -> pl.DataFrame:
    """A frame with no rows and the table's schema."""
    return pl.DataFrame(schema=SCHEMAS[table])


def conform(df: pl.DataFrame, table: str, source: str = "<memory>") -> pl.DataFrame:
    """Cast `df` onto the table's schema: fill absent optional columns with nulls,
    order columns, and refuse nulls in required columns (naming the first bad row)."""
    schema = SCHEMAS[table]
    unknown = set(df.columns) - set(schema)
    if unknown:
        raise DataError(source, f"unknown column(s) for table '{table}': {sorted(unknown)}")
    columns = []
    for name, dtype in schema.items():
        if name not in df.columns:
            if name in REQUIRED[table]:
                raise DataError(source, f"missing required column of '{table}'", field=name)
            columns.append(pl.lit(None, dtype=dtype).alias(name))
            continue
        try:
            columns.append(df.get_column(name).cast(dtype, strict=True))
        except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
            raise DataError(source, f"cannot be read as {dtype}: {exc}", field=name) from exc
    out = df.select(columns) if df.width else pl.DataFrame(schema=schema)
    for name in REQUIRED[table]:
        nulls = out.get_column(name).is_null()
        if nulls.any():
            row = int(nulls.arg_true()[0]) + 1
            raise DataError(source, "is empty but required", row=row, field=name)
    return out


def facts_dict(facts: list[dict] | None) -> dict[str, list[str]]:
    """``[{name, value}, ...]`` to ``{name: [values]}`` (names may repeat)."""
    out: dict[str, list[str]] = {}
    for fact in facts or []:
        out.setdefault(fact["name"], []).append(fact["value"])
    return out
