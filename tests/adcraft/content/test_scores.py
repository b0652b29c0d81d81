from __future__ import annotations

import math

import polars as pl
import pytest

from adcraft.content.scores import (
    distinct_n,
    grounding_rate,
    personalisation_rate,
    predicted_ctr,
)
from adcraft.data.schemas import facts_dict
from adcraft.data.synthetic import build_shop
from adcraft.data.synthetic.vocab import CATEGORIES
from adcraft.features.items import build_item_features
from adcraft.features.profiles import build_profiles
from adcraft.models.conversion import ConversionConfig, ConversionModel
from adcraft.models.conversion_data import conversion_data
from adcraft.settings import ShopSettings


def test_distinct_2_by_hand():
    # bigrams: (a b) (b c) | (a b) (b d): 3 unique of 4
    assert distinct_n(["a b c", "A b d"]) == 0.75
    # waterproof merino, merino wool, wool jacket | the same two, wool coat: 4 of 6
    assert distinct_n(["Waterproof merino wool jacket", "Waterproof merino wool coat"]) == 4 / 6
    assert distinct_n(["same words", "same words"]) == 0.5
    assert distinct_n(["one"]) == 0.0 and distinct_n([]) == 0.0
    assert distinct_n(["a b c", "a b d"], n=1) == 4 / 6


def test_grounding_rate_by_hand(vocabulary, jacket):
    variants = ["Waterproof merino wool jacket", "Now insulated", "Only €49.99", "Only €9.99"]
    assert grounding_rate(variants, jacket, vocabulary) == 0.5
    assert grounding_rate(variants[:1], jacket, vocabulary) == 1.0
    assert grounding_rate(variants[1:2], jacket, vocabulary) == 0.0
    assert math.isnan(grounding_rate([], jacket, vocabulary))


def test_personalisation_rate_by_hand(vocabulary, jacket, likes_waterproof):
    variants = [
        "Waterproof and hooded.",  # liked and true: counts
        "Now insulated.",  # liked, but the jacket is not insulated: does not count
        "Red and hooded.",  # true, but not liked
        "Stay dry, it is waterproof.",  # counts
    ]
    assert personalisation_rate(variants, jacket, vocabulary, likes_waterproof) == 0.5
    assert personalisation_rate(variants[1:3], jacket, vocabulary, likes_waterproof) == 0.0


@pytest.fixture(scope="module")
def fitted():
    """A small conversion model on a synthetic shop whose click model rewards copy
    naming a true fact the shopper likes and punishes unsupported claims."""
    shop = build_shop(ShopSettings(n_products=80, n_shoppers=300, n_events=12_000,
                                   n_impressions=8_000), seed=2)
    data = conversion_data(shop.tables())
    s = data.splits
    config = ConversionConfig(num_boost_round=150, max_depth=4, eta=0.1)
    model = ConversionModel(data.spec, config).fit(s["train"], s["valid"])
    profiles = build_profiles(shop.events, shop.products, shop.reviews)
    items = build_item_features(shop.events, shop.products, shop.reviews)
    return shop, model, profiles, items


def liked_and_unsupported_copy(shop, profiles, n: int = 10) -> pl.DataFrame:
    """For n (shopper, product) pairs where the product has a fact the shopper likes:
    copy naming that fact, and copy claiming a feature the product lacks."""
    rows = []
    products = shop.products.to_dicts()
    for profile in profiles.filter(pl.col("liked_attributes").list.len() > 0).iter_rows(
            named=True):
        for product in products:
            facts = facts_dict(product["attributes"])
            held = {v for values in facts.values() for v in values}
            liked = [a for a in profile["liked_attributes"] if a in held]
            spec = next(c for c in CATEGORIES if c.path == tuple(product["category_path"]))
            missing = [f for f in spec.features if f not in held]
            if liked and missing:
                rows.append({"shopper_id": profile["shopper_id"],
                             "product_id": product["product_id"],
                             "liked": f"{liked[0].capitalize()}, and made to last. Shop now.",
                             "unsupported": f"{missing[0].capitalize()} and ready for anything."})
                break
        if len(rows) == n:
            break
    return pl.DataFrame(rows)


def test_predicted_ctr_prefers_a_true_liked_fact_to_an_unsupported_claim(fitted):
    shop, model, profiles, items = fitted
    pairs = liked_and_unsupported_copy(shop, profiles)
    assert pairs.height == 10

    def ctr(column: str) -> pl.Series:
        return predicted_ctr(model, pairs.rename({column: "copy_text"}), shop.products,
                             profiles, items, shop.shoppers)

    liked, unsupported = ctr("liked"), ctr("unsupported")
    assert liked.len() == unsupported.len() == 10
    assert liked.is_between(0, 1).all() and unsupported.is_between(0, 1).all()
    assert liked.mean() > unsupported.mean() + 0.05
    assert (liked > unsupported).mean() >= 0.8


def test_predicted_ctr_keeps_the_order_it_was_given(fitted):
    shop, model, profiles, items = fitted
    pairs = liked_and_unsupported_copy(shop, profiles, n=5).rename({"liked": "copy_text"})
    forward = predicted_ctr(model, pairs, shop.products, profiles, items, shop.shoppers)
    backward = predicted_ctr(model, pairs.reverse(), shop.products, profiles, items,
                             shop.shoppers)
    assert forward.to_list() == backward.reverse().to_list()
    assert predicted_ctr(model, pairs.head(0), shop.products).len() == 0
