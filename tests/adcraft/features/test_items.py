from __future__ import annotations

import polars as pl
import pytest

from adcraft.data.schemas import conform
from adcraft.features.items import PRIOR_STRENGTH, build_item_features


def test_counts_smoothed_rates_and_popularity(events, products, reviews):
    items = {r["product_id"]: r for r in
             build_item_features(events, products, reviews).iter_rows(named=True)}
    # views: jacket 1, parka 2, pan 2 (=5); clicks: jacket 1, pan 1 (=2); purchases: jacket 1
    shop_ctr, shop_cvr, m = 2 / 5, 1 / 2, PRIOR_STRENGTH
    assert items["jacket"]["ctr"] == pytest.approx((1 + m * shop_ctr) / (1 + m))
    assert items["parka"]["ctr"] == pytest.approx((0 + m * shop_ctr) / (2 + m))
    assert items["pan"]["cvr"] == pytest.approx((0 + m * shop_cvr) / (1 + m))
    assert items["jacket"]["popularity"] > items["pan"]["popularity"] > items["parka"]["popularity"]
    assert (items["jacket"]["views"], items["jacket"]["purchases"]) == (1, 1)


def test_review_summary(events, products, reviews):
    items = {r["product_id"]: r for r in
             build_item_features(events, products, reviews).iter_rows(named=True)}
    assert items["pan"]["n_reviews"] == 2
    assert items["pan"]["avg_rating"] == pytest.approx(3.0)
    assert items["pan"]["positive_share"] == pytest.approx(0.5)
    assert items["pan"]["praised"] == ["non-stick"]
    assert set(items["pan"]["criticised"]) == {"cast iron", "fit"}
    assert items["parka"]["n_reviews"] == 0 and items["parka"]["praised"] == []


def test_impression_rates(events, products):
    impressions = conform(pl.DataFrame({
        "impression_id": ["1", "2", "3", "4"],
        "shopper_id": ["a"] * 4,
        "product_id": ["jacket", "jacket", "pan", "pan"],
        "propensity": [0.5] * 4,
        "clicked": [True, True, False, False],
    }), "impressions")
    items = build_item_features(events, products, impressions=impressions)
    jacket = items.filter(pl.col("product_id") == "jacket").row(0, named=True)
    assert (jacket["impressions"], jacket["impression_clicks"]) == (2, 2)
    m = PRIOR_STRENGTH
    assert jacket["impression_ctr"] == pytest.approx((2 + m * 0.5) / (2 + m))
