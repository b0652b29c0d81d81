"""Amazon Reviews 2023 (McAuley Lab), in its raw published layout and in the per-shopper
layout of ``../shared/data/amazon_reviews_2023_users``.

A review implies a purchase, so each review also becomes a "purchase" event: that is the
only behaviour signal these files carry.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from adcraft.data.errors import DataError
from adcraft.data.io import check_fields, read_jsonl
from adcraft.data.schemas import SCHEMAS, conform

CURRENCY = "USD"

REVIEW_FIELDS = {
    "rating": float,
    "title": str,
    "text": str,
    "parent_asin": str,
    "user_id": str,
    "timestamp": int,
    # Published in every review but unused here: checked only when present.
    "asin": (str, None),
    "helpful_vote": (int, None),
    "verified_purchase": (bool, None),
}
META_FIELDS = {
    "parent_asin": str,
    "title": (str, None),
    "main_category": (str, None),
    "features": (list, None),
    "description": (list, None),
    "price": (float, str, None),
    "store": (str, None),
    "categories": (list, None),
    "details": (dict, None),
    "average_rating": (float, None),
    "rating_number": (int, None),
}
USER_FIELDS = {"user_id": str, "category": str, "history": list, "heldout": dict}
ITEM_FIELDS = {
    "parent_asin": str,
    "rating": float,
    "timestamp_ms": int,
    "review_excerpt": (str, None),
    "review_full": (str, None),
    "review_title": (str, None),
    "product": dict,
}
ITEM_PRODUCT_FIELDS = {
    "title": (str, None),
    "brand": (str, None),
    "price": (float, str, None),
    "main_category": (str, None),
}

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def parse_price(value: float | str | None) -> float | None:
    """A price from 19.99, "19.99", "$1,019.99"; None for "None", ranges, text or null:
    the dump mixes all of these and a wrong price in copy is worse than none."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = value.strip().removeprefix("$").replace(",", "").strip()
        if not _NUMBER.fullmatch(text):
            return None
        number = float(text)
    return number if math.isfinite(number) and number >= 0 else None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms_to_utc(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)  # exact, unlike float seconds


def _str_list(obj: dict, name: str, path: Path, line: int, prefix: str = "") -> list[str]:
    """The strings of a list field (absent or null: none), naming a bad element."""
    values = obj.get(name) or []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise DataError(path, f"expected str, got {type(value).__name__} {value!r:.40}",
                            line=line, field=f"{prefix}{name}[{i}]")
    return values


def _blank_to_none(text: str | None) -> str | None:
    return text if text and text.strip() else None


def _frame(rows: list[Any], table: str, source: Path, columns: list[str]) -> pl.DataFrame:
    """Rows of python values onto a table's schema (only `columns`; the rest null)."""
    schema = {name: SCHEMAS[table][name] for name in columns}
    return conform(pl.DataFrame(rows, schema=schema, orient="row"), table, str(source))


def _meta_product(obj: dict, path: Path, line: int) -> dict[str, Any]:
    categories = _str_list(obj, "categories", path, line)
    features = _str_list(obj, "features", path, line)
    description = [p for p in _str_list(obj, "description", path, line) if p.strip()]
    details = obj.get("details") or {}
    brand = obj.get("store") or (details.get("Brand") if isinstance(details.get("Brand"), str)
                                 else None)
    attributes = [
        {"name": str(key), "value": str(value)}
        for key, value in details.items()
        if value is not None and not isinstance(value, dict | list)
    ]
    attributes += [{"name": "feature", "value": f} for f in features if f.strip()]
    main = obj.get("main_category")
    return {
        "product_id": obj["parent_asin"],
        "title": _blank_to_none(obj.get("title")),
        "description": "\n".join(description) or None,
        "category_path": categories or ([main] if main else None),
        "brand": _blank_to_none(brand),
        "price": parse_price(obj.get("price")),
        "currency": CURRENCY,
        "attributes": attributes,
    }


PRODUCT_COLUMNS = ["product_id", "title", "description", "category_path", "brand", "price",
                   "currency", "attributes"]


def load_amazon_raw(
    reviews_path: str | Path, meta_path: str | Path | None = None
) -> dict[str, pl.DataFrame]:
    """Products, reviews, purchase events and shoppers from a category's review file and,
    optionally, its meta file (``.jsonl`` or ``.jsonl.gz``)."""
    reviews_path = Path(reviews_path)
    reviews, events, shoppers = [], [], {}
    for _, obj in read_jsonl(reviews_path, REVIEW_FIELDS):
        ts = _ms_to_utc(obj["timestamp"])
        reviews.append((obj["user_id"], obj["parent_asin"], float(obj["rating"]), obj["title"],
                        obj["text"], ts))
        events.append((obj["user_id"], obj["parent_asin"], "purchase", ts))
        shoppers.setdefault(obj["user_id"], None)

    products: dict[str, dict[str, Any]] = {}
    if meta_path is not None:
        meta_path = Path(meta_path)
        for line, obj in read_jsonl(meta_path, META_FIELDS):
            if obj["parent_asin"] in products:
                raise DataError(meta_path, f"duplicate product {obj['parent_asin']!r}",
                                line=line, field="parent_asin")
            products[obj["parent_asin"]] = _meta_product(obj, meta_path, line)
    for review in reviews:  # reviewed but absent from the meta file: known only by id
        products.setdefault(review[1], {"product_id": review[1]})

    source = meta_path or reviews_path
    return {
        "products": _frame([[p.get(c) for c in PRODUCT_COLUMNS] for p in products.values()],
                           "products", source, PRODUCT_COLUMNS),
        "shoppers": _frame([[s] for s in shoppers], "shoppers", reviews_path, ["shopper_id"]),
        "reviews": _frame(reviews, "reviews", reviews_path,
                          ["shopper_id", "product_id", "rating", "title", "text", "ts"]),
        "events": _frame(events, "events", reviews_path,
                         ["shopper_id", "product_id", "event_type", "ts"]),
    }


def _check_item(item: object, path: Path, line: int, prefix: str) -> dict:
    check_fields(item, ITEM_FIELDS, path, line, prefix=prefix)
    check_fields(item["product"], ITEM_PRODUCT_FIELDS, path, line, prefix=f"{prefix}product.")
    return item


def load_amazon_users(path: str | Path) -> dict[str, pl.DataFrame]:
    """Products, shoppers, reviews and purchase events of each line's history, plus
    ``heldout``: each line's next purchase, kept apart for next-item evaluation.

    A shopper may have one line per category (user ids repeat across lines): shoppers are
    deduplicated, ``segment`` is the category of their first line and ``traits`` list
    every category as ``{"name": "category", ...}``. Nested fields are named with 0-based
    indexes, e.g. ``history[2].parent_asin``.
    """
    path = Path(path)
    products: dict[str, list[Any]] = {}
    shoppers: dict[str, list[Any]] = {}
    reviews, events, heldout = [], [], []
    for line, obj in read_jsonl(path, USER_FIELDS):
        user, category = obj["user_id"], obj["category"]
        items = [(_check_item(item, path, line, f"history[{i}]."), False)
                 for i, item in enumerate(obj["history"])]
        items.append((_check_item(obj["heldout"], path, line, "heldout."), True))
        for item, is_heldout in items:
            pid, ts = item["parent_asin"], _ms_to_utc(item["timestamp_ms"])
            info = item["product"]
            products.setdefault(pid, [
                pid, _blank_to_none(info["title"]), _blank_to_none(info["brand"]),
                parse_price(info["price"]), CURRENCY,
                [info["main_category"]] if info["main_category"] else None,
            ])
            if is_heldout:
                heldout.append((user, pid, "purchase", ts))
                continue
            reviews.append((user, pid, float(item["rating"]), item["review_title"],
                            item["review_full"], ts))
            events.append((user, pid, "purchase", ts))
        shopper = shoppers.setdefault(user, [user, category, []])
        shopper[2].append({"name": "category", "value": category})

    event_columns = ["shopper_id", "product_id", "event_type", "ts"]
    return {
        "products": _frame(list(products.values()), "products", path,
                           ["product_id", "title", "brand", "price", "currency",
                            "category_path"]),
        "shoppers": _frame(list(shoppers.values()), "shoppers", path,
                           ["shopper_id", "segment", "traits"]),
        "reviews": _frame(reviews, "reviews", path,
                          ["shopper_id", "product_id", "rating", "title", "text", "ts"]),
        "events": _frame(events, "events", path, event_columns),
        "heldout": _frame(heldout, "events", path, event_columns),
    }
