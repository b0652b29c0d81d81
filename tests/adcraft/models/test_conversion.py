from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from adcraft.eval import auc, expected_calibration_error
from adcraft.models.conversion import ConversionConfig, ConversionModel

CONFIG = ConversionConfig(num_boost_round=120, max_depth=5, eta=0.1)


@pytest.fixture(scope="module")
def model(shop_data):
    _, data = shop_data
    s = data.splits
    return ConversionModel(data.spec, CONFIG).fit(s["train"], s["valid"]).calibrate(s["calib"])


def test_learns_clicks_and_conversions_well_above_chance(shop_data, model):
    shop, data = shop_data
    test = data.splits["test"]
    p = model.predict(test)
    assert auc(test["clicked"], p["p_click"]) > 0.65
    assert auc(test["converted"], p["p_convert"]) > 0.65
    # and it is no oracle: the shop's true click probabilities rank better still
    truth = test.join(shop.impression_truth, on="impression_id")["p_click"]
    assert auc(test["clicked"], truth) > auc(test["clicked"], p["p_click"])


def test_copy_and_taste_features_matter(model):
    important = list(model.feature_importance())[:10]
    assert "liked_overlap" in important or "copy_mentions_liked" in important


def test_calibration_on_held_out_slice(shop_data, model):
    test = shop_data[1].splits["test"]
    calibrated = model.predict(test)["p_click"]
    assert expected_calibration_error(test["clicked"], calibrated) < 0.03
    assert calibrated.min() >= 0 and calibrated.max() <= 1


def test_save_and_load_predict_the_same(shop_data, model, tmp_path):
    test = shop_data[1].splits["test"]
    again = ConversionModel.load(model.save(tmp_path / "m"))
    assert again.predict(test).equals(model.predict(test))


def test_unseen_categories_and_missing_features_do_not_crash(shop_data, model):
    rows = shop_data[1].splits["test"].head(50)
    strange = rows.with_columns(brand=pl.lit("Brand-new Brand"), campaign=pl.lit("New Campaign"))
    p = model.predict(strange.drop("ctr", "liked_overlap", "attr_colour"))
    assert p.height == 50 and np.isfinite(p["p_click"].to_numpy()).all()


def test_bad_training_sets_say_what_is_wrong(shop_data):
    _, data = shop_data
    train = data.splits["train"]
    with pytest.raises(ValueError, match="training set is empty"):
        ConversionModel(data.spec).fit(train.head(0))
    with pytest.raises(ValueError, match="no label column"):
        ConversionModel(data.spec).fit(train.drop("clicked", "converted"))
    with pytest.raises(ValueError, match="single class"):
        ConversionModel(data.spec).fit(train.filter(~pl.col("clicked")))
