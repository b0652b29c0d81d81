"""Taobao UserBehavior (Tianchi): a real click log with views, carts, wishlists and buys.

The file has no header and only ids (no titles or prices), so it feeds behaviour models,
not copy. Ids are kept as their raw digit strings.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from adcraft.data.errors import DataError
from adcraft.data.io import read_csv_columns, text_line
from adcraft.data.schemas import conform

COLUMNS = ["user_id", "item_id", "category_id", "behavior", "unix_ts"]
BEHAVIOURS = {"pv": "view", "cart": "cart", "fav": "wishlist", "buy": "purchase"}


def load_taobao(path: str | Path) -> dict[str, pl.DataFrame]:
    """Events, products (id and category only) and shoppers from UserBehavior.csv."""
    path = Path(path)
    types = {"user_id": pl.String, "item_id": pl.String, "category_id": pl.String,
             "behavior": pl.String, "unix_ts": pl.Int64}
    raw = read_csv_columns(path, types, has_header=False, new_columns=COLUMNS)
    for name in COLUMNS:  # a short row reads as nulls: every field is needed
        empty = raw.get_column(name).is_null()
        if empty.any():
            row = int(empty.arg_true()[0])
            raise DataError(path, "empty or missing", row=row + 1,
                            line=text_line(raw, row, header_lines=0), field=name)
    event_type = raw.get_column("behavior").replace_strict(
        BEHAVIOURS, default=None, return_dtype=pl.String
    )
    unknown = event_type.is_null()
    if unknown.any():
        row = int(unknown.arg_true()[0])
        raise DataError(
            path,
            f"unknown behaviour {raw['behavior'][row]!r} (expected one of {list(BEHAVIOURS)})",
            row=row + 1,
            line=text_line(raw, row, header_lines=0),
            field="behavior",
        )
    source = str(path)
    events = raw.select(
        pl.col("user_id").alias("shopper_id"),
        pl.col("item_id").alias("product_id"),
        event_type.alias("event_type"),
        pl.from_epoch("unix_ts", time_unit="s").dt.replace_time_zone("UTC").alias("ts"),
    )
    # An item keeps the first category it is logged with (the log is one category per item).
    products = raw.select(
        pl.col("item_id").alias("product_id"),
        pl.concat_list("category_id").alias("category_path"),
    ).unique("product_id", keep="first", maintain_order=True)
    shoppers = raw.select(pl.col("user_id").alias("shopper_id")).unique(maintain_order=True)
    return {
        "events": conform(events, "events", source),
        "products": conform(products, "products", source),
        "shoppers": conform(shoppers, "shoppers", source),
    }
