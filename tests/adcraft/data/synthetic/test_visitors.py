"""Synthetic visitors on the real Myntra catalogue: their hidden tastes come back out
of the ordinary profile build."""

from __future__ import annotations

import polars as pl
import pytest

from adcraft.data.catalogue import MYNTRA, load_catalogue
from adcraft.data.synthetic.visitors import simulate_visitors
from adcraft.features.profiles import build_profiles


@pytest.fixture(scope="module")
def myntra(shared_data):
    return load_catalogue(shared_data / "myntra" / "myntra_products_catalog.csv",
                          MYNTRA)["products"]


def test_visitors_are_deterministic_and_profiles_recover_their_tastes(myntra):
    visitors = simulate_visitors(myntra, n_shoppers=120, seed=3)
    again = simulate_visitors(myntra, n_shoppers=120, seed=3)
    assert visitors.events.equals(again.events) and visitors.reviews.equals(again.reviews)
    assert set(visitors.events["product_id"]) <= set(myntra["product_id"])
    profiles = build_profiles(visitors.events, myntra, visitors.reviews)
    joined = profiles.join(visitors.tastes, on="shopper_id")
    found = joined.select(
        hit=pl.col("liked_attributes").list.set_intersection(pl.col("liked")).list.len().sum(),
        said=pl.col("liked_attributes").list.len().sum(),
        with_likes=(pl.col("liked_attributes").list.len() > 0).mean(),
        top_category=(pl.col("categories").list.first().struct.field("name")
                      == pl.col("favourite_category")).mean(),
    ).row(0, named=True)
    assert found["hit"] / found["said"] > 0.9  # what profiles call liked is liked
    assert found["with_likes"] > 0.5
    assert found["top_category"] > 0.8


def test_a_catalogue_without_common_facts_is_refused(myntra):
    bare = myntra.head(50).with_columns(attributes=pl.lit(None, myntra["attributes"].dtype))
    with pytest.raises(ValueError, match="nothing for shoppers to like"):
        simulate_visitors(bare, n_shoppers=5)
