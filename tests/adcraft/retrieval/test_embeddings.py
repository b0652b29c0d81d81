"""Product texts, the real MiniLM embedder, and shoppers' interest vectors."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.features.profiles import ShopperProfile, build_profiles
from adcraft.models.defaults import EMBEDDING_DIM
from adcraft.retrieval import (
    fill_profile_embeddings,
    interest_vectors,
    shopper_history,
)
from adcraft.retrieval.embeddings import product_texts

from .conftest import AS_OF, events


def test_product_text_reads_title_category_brand(catalogue):
    text = product_texts(catalogue)[0]
    assert text == "Waterproof leather hiking boots. Footwear > Boots. Trailmaster"


def test_duplicate_or_missing_ids_are_named(catalogue):
    with pytest.raises(DataError, match="product_id.*duplicate product 'boots'"):
        product_texts(pl.concat([catalogue, catalogue.head(1)]))
    with pytest.raises(DataError, match="product_id"):
        product_texts(catalogue.drop("product_id"))


def test_vectors_are_unit_length_and_similar_texts_are_close(catalogue_index):
    vectors = catalogue_index.vectors(pl.Series(["boots", "socks", "serum"]))
    assert vectors.shape == (3, EMBEDDING_DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    boots, socks, serum = vectors
    assert boots @ socks > boots @ serum + 0.1


def test_interest_vector_follows_recent_weighted_history(catalogue_index):
    # an old purchase of a pan, recent views and a cart of boots: boots dominate
    history = shopper_history(events([
        ("s1", "pan", "purchase", 200), ("s1", "boots", "view", 2), ("s1", "boots", "cart", 1),
        ("s2", "serum", "purchase", 3),
    ]), as_of=AS_OF)
    shoppers, vectors = interest_vectors(history, catalogue_index.vectors)
    assert shoppers.to_list() == ["s1", "s2"]
    s1 = vectors[0]
    boots, pan = catalogue_index.vectors(pl.Series(["boots", "pan"]))
    assert s1 @ boots > 0.9 and s1 @ boots > s1 @ pan + 0.3
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_unknown_products_are_skipped_not_fatal(catalogue_index):
    history = shopper_history(events([("s1", "gone", "view", 1), ("s2", "gone", "view", 1),
                                      ("s2", "pan", "view", 1)]), as_of=AS_OF)
    shoppers, vectors = interest_vectors(history, catalogue_index.vectors)
    by_id = dict(zip(shoppers.to_list(), vectors))
    assert not by_id["s1"].any()  # nothing known about s1: a zero row
    np.testing.assert_allclose(by_id["s2"], catalogue_index.vectors(pl.Series(["pan"]))[0],
                               atol=1e-5)


def test_profiles_get_their_embedding(catalogue, catalogue_index):
    log = events([("s1", "boots", "purchase", 5), ("s2", "pan", "view", 1)])
    profiles = fill_profile_embeddings(build_profiles(log, catalogue, as_of=AS_OF), log,
                                       catalogue_index.vectors)
    profile = ShopperProfile.model_validate(profiles.row(0, named=True))
    assert profile.shopper_id == "s1" and len(profile.embedding) == EMBEDDING_DIM
    boots = catalogue_index.vectors(pl.Series(["boots"]))[0]
    assert np.dot(profile.embedding, boots) == pytest.approx(1.0, abs=1e-5)
