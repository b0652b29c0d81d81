"""Likes and dislikes per category and product, counted on paper and on real reviews."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from adcraft.data.schemas import conform, empty
from adcraft.features.insights import (
    EXAMPLE_CHARS,
    TABLE_COLUMNS,
    format_insights,
    review_insights,
)

LONG = ("The battery is great and " + "it lasts for days on end while I walk and " * 5
        + "then some.")


def shop_products() -> pl.DataFrame:
    return conform(pl.DataFrame([
        {"product_id": "watch", "title": "Trail watch", "category_path": ["Electronics", "Wear"],
         "attributes": [{"name": "part", "value": "strap"}, {"name": "colour", "value": "black"},
                        {"name": "gender", "value": "Men"}]},
        {"product_id": "speaker", "title": "Pocket speaker",
         "category_path": ["Electronics", "Audio"], "attributes": []},
        {"product_id": "mug", "title": "Mug", "category_path": None, "attributes": None},
    ]), "products")


def shop_reviews() -> pl.DataFrame:
    rows = [
        ("a", "watch", 5.0, "The battery is great. The strap broke, flimsy! Love the black.", 3),
        ("b", "watch", 2.0, "The STRAP is flimsy and cheap. Not for men.", 2),
        ("c", "speaker", 4.0, "Battery life is terrible.<br />Sound is superb.", 1),
        ("d", "mug", 5.0, "Nice colour.  The color   is lovely, the COLOUR too.", 4),
        ("e", "mug", 3.0, "It arrived on Tuesday.", 5),
    ]
    return conform(pl.DataFrame({
        "shopper_id": [r[0] for r in rows], "product_id": [r[1] for r in rows],
        "rating": [r[2] for r in rows], "title": [""] * len(rows),
        "text": [r[3] for r in rows],
        "ts": [datetime(2026, 10, r[4], tzinfo=UTC) for r in rows],
    }), "reviews")


def _rows(table: pl.DataFrame, level: str, key: str) -> dict[tuple[str, str], tuple[int, str]]:
    column = "category" if level == "category" else "product_id"
    rows = table.filter((pl.col("level") == level) & (pl.col(column) == key))
    return {(r["aspect"], r["polarity"]): (r["sentences"], r["example"])
            for r in rows.iter_rows(named=True)}


def test_counts_polarity_and_examples_per_category_and_product():
    table = review_insights(shop_products(), shop_reviews())
    assert table.columns == TABLE_COLUMNS
    assert _rows(table, "category", "Electronics") == {
        ("battery", "like"): (1, "The battery is great."),
        ("black", "like"): (1, "Love the black."),
        ("strap", "dislike"): (2, "The STRAP is flimsy and cheap."),
        # <br /> ends a sentence: the battery is disliked, the sound liked
        ("battery", "dislike"): (1, "Battery life is terrible."),
        ("sound", "like"): (1, "Sound is superb."),
    }
    # the strap's example is from the 2-star review: a complaint in a 5-star one is
    # more often a misread, though "broke, flimsy" says it more strongly
    # no category_path: "uncategorised"; "color" is counted as "colour", once a sentence;
    # "Nice colour." has too few words to be the example while a longer one says it
    assert _rows(table, "category", "uncategorised") == {
        ("colour", "like"): (2, "The color is lovely, the COLOUR too.")}
    assert _rows(table, "product", "watch") == {
        ("battery", "like"): (1, "The battery is great."),
        ("black", "like"): (1, "Love the black."),
        ("strap", "dislike"): (2, "The STRAP is flimsy and cheap."),
    }
    reviews = dict(table.filter(pl.col("level") == "category")
                   .select("category", "reviews").unique().iter_rows())
    assert reviews == {"Electronics": 3, "uncategorised": 2}
    # most reviewed first, then the most said
    assert table["level"][0] == "category" and table["category"][0] == "Electronics"
    assert table.filter(pl.col("level") == "product")["product_id"][0] == "watch"
    assert "men" not in table["aspect"].to_list()  # a fact value, not an aspect


def test_a_long_example_is_cut_at_a_word():
    reviews = shop_reviews().head(1).with_columns(text=pl.lit(LONG))
    example = _rows(review_insights(shop_products(), reviews), "product", "watch")[
        ("battery", "like")][1]
    assert len(LONG) > EXAMPLE_CHARS and len(example) <= EXAMPLE_CHARS
    assert example.endswith("…") and LONG.startswith(example[:-1])


def test_the_report_reads_top_categories_and_products():
    table = review_insights(shop_products(), shop_reviews())
    assert format_insights(table, n_reviews=5, top=1, products=1, aspects=1) == "\n".join([
        "What shoppers like and dislike, read from 5 reviews: the 1 most reviewed of 2 "
        "categories,",
        "each aspect with how many sentences say so and one of them.",
        "",
        "Electronics: 3 reviews",
        '  liked     battery    1  "The battery is great."',
        '  disliked  strap      2  "The STRAP is flimsy and cheap."',
        "", "",
        "Most reviewed products (top 1)",
        "",
        "Trail watch (watch, Electronics): 2 reviews",
        '  liked     battery    1  "The battery is great."',
        '  disliked  strap      2  "The STRAP is flimsy and cheap."',
    ])
    text = format_insights(table, n_reviews=5)
    assert "uncategorised: 2 reviews" in text and "Pocket speaker (speaker, Electronics): " \
        "1 review\n" in text
    assert "  disliked  (none named)" in text  # the mug: nothing disliked


def test_no_reviews_is_said_not_crashed_on():
    table = review_insights(shop_products(), empty("reviews"))
    assert table.is_empty() and table.columns == TABLE_COLUMNS
    assert format_insights(table, n_reviews=0).startswith("No reviews in this dataset")
    quiet = review_insights(shop_products(), shop_reviews().tail(1))  # "arrived on Tuesday"
    assert quiet.is_empty() and "no sentence in them names an aspect" in format_insights(
        quiet, n_reviews=1)


def _plain(text: str) -> str:
    return " ".join(text.split())


def test_real_amazon_reviews(shared_data):
    from adcraft.data.amazon import load_amazon_users

    path = shared_data / "amazon_reviews_2023_users" / "training.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the real-review test reads Amazon Reviews 2023 users")
    tables = load_amazon_users(path)
    products, reviews = tables["products"], tables["reviews"]
    table = review_insights(products, reviews)
    categories = table.filter(pl.col("level") == "category")
    both = categories.group_by("category").agg(pl.col("polarity").n_unique())
    assert both.filter(pl.col("polarity") == 2).height >= 10  # liked and disliked aspects
    assert (table["sentences"] > 0).all() and table["example"].str.len_chars().min() > 0
    assert (table["example"].str.len_chars() <= 160).all()
    # each sentence counts once in its category and once in its product
    by_level = dict(table.group_by("level").agg(pl.col("sentences").sum()).iter_rows())
    assert by_level["category"] == by_level["product"] > 500
    # the most reviewed category, counted without the aspect reader
    top = products.select("product_id", c=pl.col("category_path").list.first())
    most = reviews.join(top, on="product_id")["c"].value_counts(sort=True).row(0)
    assert (categories["category"][0], categories["reviews"][0]) == most
    # every example is what a shopper of that product wrote
    texts = dict(reviews.group_by("product_id").agg(pl.col("text")).iter_rows())
    for row in table.filter(pl.col("level") == "product").iter_rows(named=True):
        said = row["example"].removesuffix("…")
        assert any(said in _plain(t) for t in texts[row["product_id"]]), row
    liked = categories.filter(pl.col("polarity") == "like")["aspect"].to_list()
    assert {"price", "quality", "size"} <= set(liked)
    text = format_insights(table, reviews.height)
    assert f"{most[0]}: {most[1]:,} reviews" in text and "disliked" in text
