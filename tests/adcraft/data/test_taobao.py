"""Taobao UserBehavior: the real slice in ../shared/data, and malformed copies of it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.data.schemas import SCHEMAS
from adcraft.data.taobao import load_taobao

ROWS = "1,2268318,2520377,pv,1511544070\n1,2333346,2520771,cart,1511561733\n"


def test_real_file(shared_data: Path) -> None:
    tables = load_taobao(shared_data / "taobao_user_behavior" / "UserBehavior.csv")
    assert {name: df.schema for name, df in tables.items()} == {
        name: SCHEMAS[name] for name in ("events", "products", "shoppers")
    }
    events = tables["events"]
    assert events.height == 4321
    counts = dict(events["event_type"].value_counts().iter_rows())
    assert counts == {"view": 3926, "cart": 190, "wishlist": 128, "purchase": 77}
    assert events.row(0) == (
        "1", "2268318", "view", datetime(2017, 11, 24, 17, 21, 10, tzinfo=UTC), None, None
    )
    first_buy = events.filter(pl.col("event_type") == "purchase").row(0)
    assert first_buy[:3] == ("100", "1603476", "purchase")
    assert tables["shoppers"].height == 43
    products = tables["products"]
    assert products.height == 3276 and products["product_id"].is_unique().all()
    assert products.filter(pl.col("product_id") == "2268318")["category_path"].item().to_list() \
        == ["2520377"]
    # One stray event months before the slice's week (2017-11-25..12-03, China time).
    assert events["ts"].min() == datetime(2017, 9, 11, 8, 16, 39, tzinfo=UTC)
    assert events["ts"].max() < datetime(2017, 12, 3, 16, tzinfo=UTC)


def test_unknown_behaviour(tmp_path: Path) -> None:
    path = tmp_path / "UserBehavior.csv"
    path.write_text(ROWS + "2,1,9,like,1511561733\n")
    with pytest.raises(DataError, match=r"UserBehavior\.csv:3, row 3: field 'behavior': unknown"
                       ) as err:
        load_taobao(path)
    assert (err.value.line, err.value.row, err.value.field) == (3, 3, "behavior")


def test_bad_timestamp_and_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "UserBehavior.csv"
    path.write_text(ROWS + "2,1,9,buy,yesterday\n")
    with pytest.raises(DataError, match=r":3, row 3: field 'unix_ts': expected Int64"):
        load_taobao(path)
    path.write_text(ROWS + "2,1,9,buy\n")
    with pytest.raises(DataError, match=r":3, row 3: field 'unix_ts': empty or missing"):
        load_taobao(path)
    path.write_text("1,2268318,2520377,pv\n")
    with pytest.raises(DataError, match=r"UserBehavior\.csv: not a readable CSV"):
        load_taobao(path)
