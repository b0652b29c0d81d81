from __future__ import annotations

import json

import pytest

from adcraft.data.synthetic import build_shop
from adcraft.features.profiles import (
    EVENT_WEIGHTS,
    HALF_LIFE_DAYS,
    ShopperProfile,
    build_profiles,
    profile_for,
)
from adcraft.report import truth_check
from adcraft.settings import ShopSettings
from tests.adcraft.features.conftest import AS_OF


@pytest.fixture
def profiles(events, products, reviews):
    return build_profiles(events, products, reviews, as_of=AS_OF)


def test_recency_weighted_interests(profiles):
    a = profile_for(profiles, "a")
    jacket = EVENT_WEIGHTS["view"] + EVENT_WEIGHTS["click"] + EVENT_WEIGHTS["purchase"]
    pan = EVENT_WEIGHTS["view"] * 0.5 ** (30 / HALF_LIFE_DAYS)
    assert [i.name for i in a.categories] == ["Outdoor > Jackets", "Home > Cookware"]
    assert a.categories[0].weight == pytest.approx(jacket / (jacket + pan))
    assert a.brands[0].name == "Northpeak"
    assert (a.n_events, a.n_purchases) == (7, 1)


def test_price_band_relative_to_category(profiles):
    # b engaged (beyond views) only with the pan, the only cookware: median price ratio 1
    b = profile_for(profiles, "b")
    assert b.price_band.label == "mid-range"
    assert b.price_band.median == 40.0
    # a engaged with the jacket at 100 in a category whose median is 200: budget
    assert profile_for(profiles, "a").price_band.label == "budget"


def test_recent_queries_newest_first_without_repeats(profiles):
    assert profile_for(profiles, "a").recent_queries == ["rain jacket", "red jacket"]


def test_liked_and_disliked_attributes_from_reviews(profiles):
    a = profile_for(profiles, "a")
    assert set(a.liked_attributes) == {"waterproof", "red"}
    assert a.disliked_attributes == ["cast iron"]
    b = profile_for(profiles, "b")
    assert (b.liked_attributes, b.disliked_attributes) == (["non-stick"], ["fit"])


def test_cold_start_and_serialisation(profiles):
    new = profile_for(profiles, "nobody")
    assert new.cold_start and new.categories  # popular categories stand in
    assert "new, no history yet" in new.describe()
    a = profile_for(profiles, "a")
    again = ShopperProfile.model_validate(json.loads(a.model_dump_json()))
    assert again == a
    assert a.embedding is None  # filled by the embedder later


def test_readable_summary_without_personal_data():
    shop = build_shop(ShopSettings(n_products=200, n_shoppers=300, n_events=30_000,
                                   n_impressions=0), seed=2)
    profiles = build_profiles(shop.events, shop.products, shop.reviews)
    names = set(shop.shoppers["name"]) | set(shop.shoppers["email"])
    for row in profiles.head(50).iter_rows(named=True):
        text = ShopperProfile.model_validate(row).describe()
        assert "Into:" in text and "Price:" in text
        assert not any(n in text for n in names)


def test_profiles_recover_hidden_tastes():
    """On the synthetic shop, profiles find the true favourite category for most busy
    shoppers, and the attributes they report liked are truly liked."""
    shop = build_shop(ShopSettings(n_products=400, n_shoppers=600, n_events=150_000,
                                   n_impressions=0), seed=5)
    profiles = build_profiles(shop.events, shop.products, shop.reviews)
    busy = profiles.filter(profiles["n_events"] >= 100).join(shop.tastes, on="shopper_id")
    top_found = busy["categories"].list.first().struct.field("name")
    top_true = busy["category_weights"].list.first().struct.field("category")
    assert (top_found == top_true).mean() > 0.6
    report = truth_check(profiles, shop.tastes)
    liked_precision = float(report.split("precision ")[1].split("%")[0])
    assert liked_precision > 90
