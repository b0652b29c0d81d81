"""The synthetic shop: deterministic, scales, and its behaviour follows its tastes."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from adcraft.data.schemas import SCHEMAS
from adcraft.data.synthetic import build_shop, copy_variants
from adcraft.settings import ShopSettings

SMALL = ShopSettings(n_products=300, n_shoppers=400, n_events=60_000, n_impressions=20_000)


@pytest.fixture(scope="module")
def shop():
    return build_shop(SMALL, seed=3)


def test_tables_carry_the_standard_schemas(shop):
    for name, df in shop.tables().items():
        assert df.schema == SCHEMAS[name], name
        assert df.height > 0, name


def test_same_seed_same_shop_other_seed_other_shop(shop):
    again = build_shop(SMALL, seed=3)
    for name, df in shop.tables().items():
        assert df.equals(again.tables()[name]), name
    other = build_shop(SMALL, seed=4)
    assert not shop.events.equals(other.events)


def test_more_events_do_not_change_the_catalogue(shop):
    bigger = build_shop(SMALL.model_copy(update={"n_events": 90_000}), seed=3)
    assert bigger.products.equals(shop.products)
    assert bigger.shoppers.equals(shop.shoppers)


def test_event_count_and_funnel(shop):
    events = shop.events
    assert 0.97 * SMALL.n_events <= events.height <= SMALL.n_events
    counts = dict(events.group_by("event_type").len().iter_rows())
    assert counts["view"] > counts["click"] > counts["cart"] > counts["purchase"] > 0
    # every purchase was carted and clicked first, in the same session
    funnel = events.filter(pl.col("event_type").is_in(["click", "cart", "purchase"]))
    per_item = funnel.group_by("session_id", "product_id").agg(
        types=pl.col("event_type").cast(pl.String).unique()
    )
    bought = per_item.filter(pl.col("types").list.contains("purchase"))
    assert bought["types"].list.contains("cart").all()
    assert bought["types"].list.contains("click").all()
    searches = events.filter(pl.col("event_type") == "search")
    assert searches["product_id"].is_null().all() and searches["query"].is_not_null().all()


def test_one_million_events():
    shop = build_shop(ShopSettings(n_products=2_000, n_shoppers=20_000, n_events=1_000_000), 1)
    assert 990_000 <= shop.events.height <= 1_000_000


def test_shoppers_buy_more_of_what_they_like(shop):
    """Purchased products carry the buyer's liked facts more often than viewed ones."""
    model = shop.click_model
    events = shop.events.filter(pl.col("event_type").is_in(["view", "purchase"]))
    s, p = model.indices(events["shopper_id"].to_list(), events["product_id"].to_list())
    liked = model._count(model.population.liked[s], p)
    bought = (events["event_type"] == "purchase").to_numpy()
    assert liked[bought].mean() > 1.5 * liked[~bought].mean()


def test_reviews_follow_the_experience(shop):
    model = shop.click_model
    reviews = shop.reviews
    s, p = model.indices(reviews["shopper_id"].to_list(), reviews["product_id"].to_list())
    disliked = model._count(model.population.disliked[s], p) > 0
    ratings = reviews["rating"].to_numpy()
    assert ratings[disliked].mean() < ratings[~disliked].mean() - 0.5
    praising = reviews.filter(pl.col("text").str.contains("love it|big plus|glad about"))
    assert praising["rating"].mean() > reviews["rating"].mean()


def _shopper_who_likes(shop, present: bool):
    """A (shopper, product, liked term) where the product states (or lacks) the term."""
    model = shop.click_model
    cat = model.catalogue
    for s in range(model.population.size):
        for term in model.population.liked[s]:
            if term < 0:
                continue
            hits = np.flatnonzero(cat.has_term[:, term] == present)
            if len(hits):
                return s, int(hits[0]), model.terms[term]
    raise AssertionError("no such shopper")


def test_copy_naming_a_valued_true_fact_lifts_clicks(shop):
    model = shop.click_model
    s, p, term = _shopper_who_likes(shop, present=True)
    sid, pid = model.population.shoppers["shopper_id"][s], model.catalogue.products["product_id"][p]
    plain, valued = model.p_click([sid, sid], [pid, pid], ["Take a look today.",
                                                            f"{term.capitalize()}. Take a look."])
    assert valued > plain


def test_copy_claiming_a_missing_fact_lowers_clicks(shop):
    model = shop.click_model
    s, p, term = _shopper_who_likes(shop, present=False)
    sid, pid = model.population.shoppers["shopper_id"][s], model.catalogue.products["product_id"][p]
    plain, false = model.p_click([sid, sid], [pid, pid], ["Take a look today.",
                                                           f"Now {term}! Take a look."])
    assert false < plain
    assert model.unsupported_claims(p, model.claims(f"Now {term}!")) == [term]


def test_claims_read_prices_brands_and_longest_terms(shop):
    model = shop.click_model
    product = shop.products.row(0, named=True)
    p = 0
    right = model.claims(f"{product['brand']} for €{product['price']:.2f}, vegan leather")
    assert model.terms[next(iter(right.terms))] == "vegan leather"
    assert model.unsupported_claims(p, model.claims(f"Only €{product['price']:.2f}")) == []
    assert model.unsupported_claims(p, model.claims("Only €1.00")) == ["price 1"]


def test_logged_clicks_match_the_true_probabilities(shop):
    """The truth table is the truth: observed CTR sits inside its binomial error."""
    joined = shop.impressions.join(shop.impression_truth, on="impression_id")
    observed, expected = joined["clicked"].mean(), joined["p_click"].mean()
    sd = (joined["p_click"] * (1 - joined["p_click"])).sum() ** 0.5 / joined.height
    assert abs(observed - expected) < 4 * sd
    assert joined["converted"].sum() <= joined["clicked"].sum()


def test_propensities_are_those_of_a_uniform_policy(shop):
    imp = shop.impressions
    cat = shop.products.with_columns(leaf=pl.col("category_path").list.last())
    sizes = dict(cat.group_by("leaf").len().iter_rows())
    per_product = shop.copy.group_by("product_id").len().rename({"len": "variants"})
    check = imp.join(per_product, on="product_id").with_columns(
        expected=1.0 / (pl.col("campaign").replace_strict(sizes, return_dtype=pl.Float64)
                        * pl.col("variants"))
    )
    assert (check["propensity"] - check["expected"]).abs().max() < 1e-12


def test_copy_variants_are_grounded_except_the_decoy(shop):
    model = shop.click_model
    row = shop.products.row(5, named=True)
    variants = copy_variants(row)
    unsupported = [model.unsupported_claims(5, model.claims(text)) for _, text in variants]
    assert all(not u for u in unsupported[:-1])
    assert len(unsupported[-1]) == 1
