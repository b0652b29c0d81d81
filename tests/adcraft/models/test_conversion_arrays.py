"""The array scorer and `predict_shown` give the same probabilities on the same shop:
profiled and unknown shoppers, shoppers with traits, any products in any order."""

from __future__ import annotations

import numpy as np

from adcraft.features.items import build_item_features
from adcraft.features.profiles import build_profiles
from adcraft.models.conversion import ConversionConfig, ConversionModel, predict_shown
from adcraft.models.conversion_arrays import ArrayScorer


def test_both_paths_score_alike(shop_data):
    shop, data = shop_data
    s = data.splits
    model = ConversionModel(data.spec, ConversionConfig(num_boost_round=40)).fit(
        s["train"], s["valid"]).calibrate(s["calib"])
    tables = shop.tables()
    products, shoppers = tables["products"], tables.get("shoppers")
    profiles = build_profiles(tables["events"], products, tables.get("reviews"))
    items = build_item_features(tables["events"], products, tables.get("reviews"))
    scorer = ArrayScorer(model, products, profiles, items, shoppers)
    ids = products["product_id"].to_list()
    who = profiles["shopper_id"].head(25).to_list() + ["someone-new"]
    for i, shopper in enumerate(who):
        asked = [ids[(13 * i + 7 * j) % len(ids)] for j in range(10)]
        want = predict_shown(model, [shopper] * 10, asked, [None] * 10, products, profiles,
                             items, shoppers)
        got = scorer.predict(shopper, asked)
        for name in want.columns:
            np.testing.assert_allclose(got[name], want[name].to_numpy(), rtol=1e-6, atol=1e-7)
    assert scorer.known(ids[:3]) and not scorer.known(["not-a-product"])
