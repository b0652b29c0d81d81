from __future__ import annotations

import polars as pl
import pytest

from adcraft.data.schemas import conform
from adcraft.features.profiles import build_profiles
from adcraft.features.training import build_training_rows, time_split
from tests.adcraft.features.conftest import AS_OF, days_ago


@pytest.fixture
def impressions():
    return conform(pl.DataFrame({
        "impression_id": ["i1", "i2", "i3", "i4"],
        "ts": [days_ago(3), days_ago(2), days_ago(1), days_ago(0)],
        "shopper_id": ["a", "a", "b", "stranger"],
        "product_id": ["jacket", "jacket", "pan", "parka"],
        "copy_text": ["Waterproof and red.", "Insulated, by Fjellstad!", None, "Merino wool."],
        "position": [1, 2, 3, 1],
        "propensity": [0.5] * 4,
        "clicked": [True, False, False, True],
    }), "impressions")


def test_time_split_keeps_time_order():
    frame = pl.DataFrame({"ts": [5, 1, 4, 2, 3, 6, 8, 7, 9, 10]})
    parts = time_split(frame, {"train": 0.6, "valid": 0.2, "test": 0.2})
    assert parts["train"]["ts"].to_list() == [1, 2, 3, 4, 5, 6]
    assert parts["test"]["ts"].to_list() == [9, 10]
    with pytest.raises(ValueError, match="sum to 1"):
        time_split(frame, {"train": 0.6, "test": 0.6})


def test_rows_read_copy_against_facts_and_profile(impressions, events, products, reviews):
    profiles = build_profiles(events, products, reviews, as_of=AS_OF)
    rows, spec = build_training_rows(impressions, products, profiles)
    by_id = {r["impression_id"]: r for r in rows.iter_rows(named=True)}
    # a likes waterproof and red (from reviews); the jacket is both: grounded and liked
    assert by_id["i1"]["copy_grounded"] == 2 and by_id["i1"]["copy_unsupported"] == 0
    assert by_id["i1"]["copy_mentions_liked"] == 2 and by_id["i1"]["liked_overlap"] == 2
    # "insulated" and "fjellstad" belong to the parka, not the jacket
    assert by_id["i2"]["copy_unsupported"] == 2 and by_id["i2"]["copy_grounded"] == 0
    # no copy logged: copy features unknown, not zero
    assert by_id["i3"]["copy_claims"] is None
    # unknown shopper: profile features unknown; interest in a profiled shopper is a share
    assert by_id["i4"]["category_interest"] is None
    assert 0 < by_id["i1"]["category_interest"] <= 1
    assert set(spec.columns) <= set(rows.columns)
    assert {"attr_colour", "product_id"} <= set(spec.categorical)


def test_a_catalogue_is_read_once_and_a_changed_one_again(impressions, products):
    first, _ = build_training_rows(impressions, products)
    again, _ = build_training_rows(impressions, products)  # the same table: its parts kept
    assert again.equals(first)
    # the parka's facts changed: a new table, read anew ("insulated" is now the jacket's)
    rows = products.to_dicts()
    parka = next(r["attributes"] for r in rows if r["product_id"] == "parka")
    for r in rows:
        r["attributes"] += parka if r["product_id"] == "jacket" else []
    moved = pl.DataFrame(rows, schema=products.schema)
    rows, _ = build_training_rows(impressions, moved)
    by_id = {r["impression_id"]: r for r in rows.iter_rows(named=True)}
    assert by_id["i2"]["copy_unsupported"] == 1 and by_id["i2"]["copy_grounded"] == 1
