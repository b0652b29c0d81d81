"""Amazon Reviews 2023: the raw published layout (small files written here, in that exact
layout) and the per-shopper layout of ../shared/data (read in full)."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from adcraft.data.amazon import load_amazon_raw, load_amazon_users, parse_price
from adcraft.data.errors import DataError
from adcraft.data.schemas import SCHEMAS

REVIEWS = [
    {"rating": 5.0, "title": "Such a lovely scent", "text": "Smells great.<br />Lasts all day.",
     "images": [], "asin": "B00YQ6X8EO", "parent_asin": "B00YQ6X8EO",
     "user_id": "AGKHLEW2SOWHNMFQIJGBECAF7INQ", "timestamp": 1588687728923, "helpful_vote": 0,
     "verified_purchase": True},
    {"rating": 4, "title": "Works", "text": "Fine.", "images": [], "asin": "B081TJ8YS3",
     "parent_asin": "B081TJ8YS3", "user_id": "AGKHLEW2SOWHNMFQIJGBECAF7INQ",
     "timestamp": 1588615855070, "helpful_vote": 1, "verified_purchase": True},
    {"rating": 1.0, "title": "No", "text": "Broke.", "images": [{"small_image_url": "x"}],
     "asin": "B0MISSING1", "parent_asin": "B0MISSING", "user_id": "AFQLNQNQYFWQZPJQZS6V3NZU4QBQ",
     "timestamp": 1589665266052, "helpful_vote": 0, "verified_purchase": False},
]
META = [
    {"main_category": "All Beauty", "title": "Howard LC0008 Leather Conditioner, 8-Ounce",
     "average_rating": 4.8, "rating_number": 10, "features": ["Softens leather", "8 oz"],
     "description": ["Restores leather.", "", "Made in USA."], "price": "$19.99", "images": [],
     "videos": [], "store": "Howard Products", "categories": [],
     "details": {"Package Dimensions": "7.1 x 5.5 x 3 inches", "UPC": 617390882781,
                 "Best Sellers Rank": {"Beauty": 1}, "Discontinued": None},
     "parent_asin": "B00YQ6X8EO", "bought_together": None},
    {"main_category": None, "title": "Yes to Tomatoes Detoxifying Charcoal Cleanser",
     "average_rating": 4.5, "rating_number": 3, "features": [], "description": [],
     "price": "None", "images": [], "videos": [], "store": None,
     "categories": ["Beauty & Personal Care", "Skin Care", "Face"],
     "details": {"Brand": "Yes To"}, "parent_asin": "B081TJ8YS3", "bought_together": None},
]


def write_jsonl(path: Path, rows: list[object], raw_lines: dict[int, str] | None = None) -> Path:
    """Rows as JSON lines; `raw_lines` replaces given 1-based lines with raw text."""
    lines = [json.dumps(r) for r in rows]
    for number, text in (raw_lines or {}).items():
        lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def raw_files(tmp_path: Path) -> tuple[Path, Path]:
    return write_jsonl(tmp_path / "reviews.jsonl", REVIEWS), write_jsonl(
        tmp_path / "meta.jsonl", META
    )


def test_raw_layout_tables(raw_files: tuple[Path, Path]) -> None:
    tables = load_amazon_raw(*raw_files)
    assert {name: df.schema for name, df in tables.items()} == {
        name: SCHEMAS[name] for name in ("products", "shoppers", "reviews", "events")
    }
    products = {p["product_id"]: p for p in tables["products"].to_dicts()}
    assert list(products) == ["B00YQ6X8EO", "B081TJ8YS3", "B0MISSING"]
    howard = products["B00YQ6X8EO"]
    assert howard["price"] == 19.99 and howard["currency"] == "USD"
    assert howard["brand"] == "Howard Products"
    assert howard["description"] == "Restores leather.\nMade in USA."
    assert howard["category_path"] == ["All Beauty"]  # no categories: the main category
    assert howard["attributes"] == [
        {"name": "Package Dimensions", "value": "7.1 x 5.5 x 3 inches"},
        {"name": "UPC", "value": "617390882781"},
        {"name": "feature", "value": "Softens leather"},
        {"name": "feature", "value": "8 oz"},
    ]
    yes_to = products["B081TJ8YS3"]
    assert yes_to["price"] is None and yes_to["brand"] == "Yes To"
    assert yes_to["category_path"] == ["Beauty & Personal Care", "Skin Care", "Face"]
    assert yes_to["description"] is None
    missing = products["B0MISSING"]  # reviewed, absent from meta: only its id
    assert missing["title"] is None and missing["currency"] is None

    reviews = tables["reviews"]
    assert reviews.height == 3
    assert reviews.row(0) == (
        "AGKHLEW2SOWHNMFQIJGBECAF7INQ", "B00YQ6X8EO", 5.0, "Such a lovely scent",
        "Smells great.<br />Lasts all day.", datetime(2020, 5, 5, 14, 8, 48, 923000, tzinfo=UTC),
    )
    events = tables["events"]
    assert events["event_type"].to_list() == ["purchase"] * 3
    assert events["ts"].to_list() == reviews["ts"].to_list()
    assert events["session_id"].null_count() == 3
    assert tables["shoppers"]["shopper_id"].to_list() == [
        "AGKHLEW2SOWHNMFQIJGBECAF7INQ", "AFQLNQNQYFWQZPJQZS6V3NZU4QBQ"
    ]


def test_raw_layout_reads_gzip_and_needs_no_meta(
    raw_files: tuple[Path, Path], tmp_path: Path
) -> None:
    reviews, meta = raw_files
    gz = tmp_path / "reviews.jsonl.gz"
    gz.write_bytes(gzip.compress(reviews.read_bytes()))
    plain, packed = load_amazon_raw(reviews, meta), load_amazon_raw(gz, meta)
    assert all(plain[name].equals(packed[name]) for name in plain)
    alone = load_amazon_raw(reviews)
    assert alone["products"]["product_id"].to_list() == ["B00YQ6X8EO", "B081TJ8YS3", "B0MISSING"]
    assert alone["products"]["title"].null_count() == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [(19.99, 19.99), (7, 7.0), ("19.99", 19.99), ("$19.99", 19.99), ("$1,299.00", 1299.0),
     ("None", None), (None, None), ("", None), ("$10.99 - $15.99", None), ("free", None),
     (float("nan"), None)],
)
def test_parse_price(value: float | str | None, expected: float | None) -> None:
    assert parse_price(value) == expected


def test_raw_layout_bad_json_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "reviews.jsonl", REVIEWS, {2: '{"rating": 5.0, "title": '})
    with pytest.raises(DataError, match=r"reviews\.jsonl:2: not valid JSON") as err:
        load_amazon_raw(path)
    assert err.value.line == 2


def test_raw_layout_missing_field(tmp_path: Path) -> None:
    rows = [dict(r) for r in REVIEWS]
    del rows[2]["user_id"]
    path = write_jsonl(tmp_path / "reviews.jsonl", rows)
    with pytest.raises(DataError, match=r"reviews\.jsonl:3: field 'user_id': missing") as err:
        load_amazon_raw(path)
    assert (err.value.line, err.value.field) == (3, "user_id")


def test_raw_layout_wrong_type(tmp_path: Path) -> None:
    rows = [dict(r) for r in REVIEWS]
    rows[2]["rating"] = "5"
    path = write_jsonl(tmp_path / "reviews.jsonl", rows)
    with pytest.raises(DataError, match=r"reviews\.jsonl:3: field 'rating': expected float"):
        load_amazon_raw(path)


def test_raw_meta_bad_list_element_and_duplicate(
    raw_files: tuple[Path, Path], tmp_path: Path
) -> None:
    reviews, _ = raw_files
    bad = [dict(m) for m in META]
    bad[1]["features"] = ["ok", {"nested": 1}]
    path = write_jsonl(tmp_path / "meta.jsonl", bad)
    with pytest.raises(DataError, match=r"meta\.jsonl:2: field 'features\[1\]': expected str"):
        load_amazon_raw(reviews, path)
    path = write_jsonl(tmp_path / "meta.jsonl", [META[0], META[1], META[0]])
    with pytest.raises(DataError, match=r"meta\.jsonl:3: field 'parent_asin': duplicate"):
        load_amazon_raw(reviews, path)


def test_users_training(shared_data: Path) -> None:
    tables = load_amazon_users(shared_data / "amazon_reviews_2023_users" / "training.jsonl")
    assert {name: df.schema for name, df in tables.items()} == {
        "products": SCHEMAS["products"], "shoppers": SCHEMAS["shoppers"],
        "reviews": SCHEMAS["reviews"], "events": SCHEMAS["events"], "heldout": SCHEMAS["events"],
    }
    assert {name: df.height for name, df in tables.items()} == {
        "products": 2807, "shoppers": 316, "reviews": 2392, "events": 2392, "heldout": 598,
    }
    first = tables["reviews"].row(0, named=True)
    assert first["shopper_id"] == "AE3KLVXGZPANXE5XLXYKHTVAZ3FQ"
    assert (first["product_id"], first["rating"]) == ("B095RWJJB8", 4.0)
    assert first["title"] == "Pretty but overpriced"
    assert first["ts"] == datetime(2021, 7, 30, 21, 17, 10, 425000, tzinfo=UTC)
    assert tables["heldout"].row(0)[:3] == ("AE3KLVXGZPANXE5XLXYKHTVAZ3FQ", "B08Z7FQGW3",
                                            "purchase")
    assert set(tables["events"]["event_type"].unique()) == {"purchase"}

    products = tables["products"]
    assert products["product_id"].is_unique().all()
    bow = products.filter(pl.col("product_id") == "B095RWJJB8").row(0, named=True)
    assert bow["title"].startswith("Summer Crystal Hair Clip")
    assert bow["category_path"] == ["All Beauty"] and bow["price"] is None
    assert products.filter(pl.col("product_id") == "B09G3KBK7Y")["price"].item() == 22.9
    assert products["brand"].null_count() == 2807  # the dump carries no brands
    assert products["price"].null_count() == 794

    # One line per shopper and category: shoppers repeat, their categories become traits.
    shoppers = tables["shoppers"]
    busiest = shoppers.filter(pl.col("shopper_id") == "AFZUK3MTBIBEDQOPAK3OATUOUKLA")
    assert busiest["segment"].item() == "Toys_and_Games"
    assert len(busiest["traits"].item()) == 16


def test_users_validation(shared_data: Path) -> None:
    tables = load_amazon_users(shared_data / "amazon_reviews_2023_users" / "validation.jsonl")
    assert {name: df.height for name, df in tables.items()} == {
        "products": 343, "shoppers": 46, "reviews": 280, "events": 280, "heldout": 70,
    }
    first = tables["reviews"].row(0, named=True)
    assert first["shopper_id"] == "AHMG3ALUBE3FEBHODTBHP5J24YDA"
    assert first["title"] == "Perfect For Baby Fine Hair (Even Adults)"
    assert first["text"].startswith("I have baby fine hair.")
    assert tables["heldout"]["product_id"][0] == "B09G22586Y"
    assert all(df.schema == SCHEMAS["events" if n == "heldout" else n]
               for n, df in tables.items())


USER_LINE = {
    "user_id": "U1", "category": "All_Beauty",
    "history": [
        {"parent_asin": f"B{i}", "rating": 4.0, "timestamp_ms": 1627679830425 + i,
         "review_excerpt": "ok", "review_full": "ok", "review_title": "t",
         "product": {"title": "p", "brand": None, "price": "12.50", "main_category": None}}
        for i in range(3)
    ],
    "heldout": {"parent_asin": "B9", "rating": 5.0, "timestamp_ms": 1627679840000,
                "review_excerpt": "", "review_full": "", "review_title": "",
                "product": {"title": None, "brand": None, "price": None,
                            "main_category": "All Beauty"}},
}


def test_users_string_price_and_nested_errors(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "users.jsonl", [USER_LINE])
    tables = load_amazon_users(good)
    assert tables["products"]["price"].to_list() == [12.5, 12.5, 12.5, None]
    assert tables["heldout"].height == 1 and tables["reviews"].height == 3

    broken = json.loads(json.dumps(USER_LINE))
    del broken["history"][2]["parent_asin"]
    path = write_jsonl(tmp_path / "users.jsonl", [USER_LINE, broken])
    with pytest.raises(
        DataError, match=r"users\.jsonl:2: field 'history\[2\]\.parent_asin': missing"
    ) as err:
        load_amazon_users(path)
    assert (err.value.line, err.value.field) == (2, "history[2].parent_asin")

    broken = json.loads(json.dumps(USER_LINE))
    broken["heldout"]["product"]["price"] = [1]
    path = write_jsonl(tmp_path / "users.jsonl", [broken])
    with pytest.raises(DataError, match=r":1: field 'heldout\.product\.price': expected float"):
        load_amazon_users(path)


def test_not_utf8_and_broken_gzip(tmp_path: Path) -> None:
    path = tmp_path / "reviews.jsonl"
    path.write_bytes(json.dumps(REVIEWS[0]).encode() + b"\n\xff\xfe\n")
    with pytest.raises(DataError, match=r"reviews\.jsonl:2: not UTF-8 text"):
        load_amazon_raw(path)
    gz = tmp_path / "reviews.jsonl.gz"
    gz.write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match=r"reviews\.jsonl\.gz:1: cannot be read"):
        load_amazon_raw(gz)
