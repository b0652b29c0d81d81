from __future__ import annotations

import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.data.schemas import SCHEMAS, conform, empty, facts_dict


def test_conform_fills_optional_columns_and_orders_them():
    df = conform(pl.DataFrame({"price": [1], "product_id": ["p"]}), "products")
    assert df.schema == SCHEMAS["products"]
    assert df["price"].to_list() == [1.0] and df["title"].to_list() == [None]


def test_conform_refuses_what_would_lose_meaning():
    with pytest.raises(DataError, match="missing required column"):
        conform(pl.DataFrame({"title": ["t"]}), "products", "cat.csv")
    with pytest.raises(DataError, match=r"row 2: field 'shopper_id': is empty"):
        conform(pl.DataFrame({"shopper_id": ["a", None], "event_type": ["view"] * 2,
                              "ts": [0, 0]}).cast({"ts": pl.Datetime("us", "UTC")}), "events")
    with pytest.raises(DataError, match="field 'event_type'"):
        conform(pl.DataFrame({"shopper_id": ["a"], "event_type": ["teleport"], "ts": [0]})
                .cast({"ts": pl.Datetime("us", "UTC")}), "events")
    with pytest.raises(DataError, match="unknown column"):
        conform(pl.DataFrame({"product_id": ["p"], "colour": ["red"]}), "products")


def test_empty_tables_and_facts():
    assert empty("reviews").height == 0 and empty("reviews").schema == SCHEMAS["reviews"]
    facts = [{"name": "style", "value": "retro"}, {"name": "style", "value": "boho"}]
    assert facts_dict(facts) == {"style": ["retro", "boho"]}
