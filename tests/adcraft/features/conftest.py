"""Tiny hand-made tables whose features can be worked out on paper."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from adcraft.data.schemas import conform

AS_OF = datetime(2026, 10, 31, tzinfo=UTC)


def days_ago(d: float) -> datetime:
    return AS_OF - timedelta(days=d)


@pytest.fixture
def products() -> pl.DataFrame:
    def facts(**kw):
        return [{"name": k, "value": v} for k, v in kw.items()]

    return conform(pl.DataFrame([
        {"product_id": "jacket", "title": "Rain jacket", "category_path": ["Outdoor", "Jackets"],
         "brand": "Northpeak", "price": 100.0, "currency": "EUR",
         "attributes": facts(feature="waterproof", colour="red")},
        {"product_id": "parka", "title": "Parka", "category_path": ["Outdoor", "Jackets"],
         "brand": "Fjellstad", "price": 300.0, "currency": "EUR",
         "attributes": facts(feature="insulated", material="merino wool")},
        {"product_id": "pan", "title": "Pan", "category_path": ["Home", "Cookware"],
         "brand": "Hearthly", "price": 40.0, "currency": "EUR",
         "attributes": facts(feature="non-stick", material="cast iron")},
    ]), "products")


@pytest.fixture
def events() -> pl.DataFrame:
    rows = [
        # shopper a: a view and a purchase of the jacket today, a pan view 30 days ago
        ("a", "jacket", "view", days_ago(0)),
        ("a", "jacket", "click", days_ago(0)),
        ("a", "jacket", "purchase", days_ago(0)),
        ("a", "pan", "view", days_ago(30)),
        ("a", None, "search", days_ago(1)),
        ("a", None, "search", days_ago(2)),
        ("a", None, "search", days_ago(3)),
        # shopper b: two views of the parka, one of the pan
        ("b", "parka", "view", days_ago(0)),
        ("b", "parka", "view", days_ago(0)),
        ("b", "pan", "view", days_ago(0)),
        ("b", "pan", "click", days_ago(0)),
    ]
    queries = {4: "rain jacket", 5: "red jacket", 6: "rain jacket"}
    return conform(pl.DataFrame({
        "shopper_id": [r[0] for r in rows],
        "product_id": [r[1] for r in rows],
        "event_type": [r[2] for r in rows],
        "ts": [r[3] for r in rows],
        "query": [queries.get(i) for i in range(len(rows))],
    }), "events")


@pytest.fixture
def reviews() -> pl.DataFrame:
    return conform(pl.DataFrame({
        "shopper_id": ["a", "a", "b"],
        "product_id": ["jacket", "pan", "pan"],
        "rating": [5.0, 2.0, 4.0],
        "title": ["Great", "Meh", "Fine"],
        "text": [
            "Waterproof and I love the red. Covered in compliments.",
            "I did not like the cast iron, far too heavy.",
            "The non-stick coating is great. The fit of the lid is poor.",
        ],
        "ts": [days_ago(0), days_ago(30), days_ago(0)],
    }), "reviews")
