"""The faiss product index: search, vectors read back, and the round trip through disk
and a real MLflow store (sqlite, in the test's home)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from adcraft.registry import Registry
from adcraft.retrieval import IndexConfig, ProductEmbeddings, ProductIndex, load_latest_index
from adcraft.retrieval.index import choose_factory, log_index


def _random_embeddings(n: int, dim: int = 32, seed: int = 0) -> ProductEmbeddings:
    vectors = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return ProductEmbeddings(pl.Series([f"P{i:04d}" for i in range(n)]), vectors)


def test_nearest_neighbours_are_the_similar_products(catalogue_index):
    boots = catalogue_index.vectors(pl.Series(["boots"]))
    found = catalogue_index.neighbours(boots, 3)
    assert found["product_id"][0] == "boots"
    assert set(found["product_id"][1:]) <= {"socks", "trail"}  # footwear, not pans
    assert found["rank"].to_list() == [1, 2, 3]


def test_unknown_products_and_wrong_width_are_reported(catalogue_index):
    assert catalogue_index.positions(pl.Series(["pan", "nope"])).tolist()[1] == -1
    assert np.isnan(catalogue_index.vectors(pl.Series(["nope"]))).all()
    with pytest.raises(ValueError, match=r"queries must be \(n, 384\)"):
        catalogue_index.search(np.zeros((1, 10), dtype=np.float32), 3)


def test_factory_by_size():
    assert choose_factory(5_000, IndexConfig()) == "Flat"
    assert choose_factory(1_000_000, IndexConfig()) == "IVF4000,Flat"
    assert choose_factory(10, IndexConfig(factory="HNSW32,Flat")) == "HNSW32,Flat"


def test_ivf_index_finds_each_product_and_reads_vectors_back(tmp_path):
    embeddings = _random_embeddings(400)
    index = ProductIndex.build(embeddings, IndexConfig(factory="IVF8,Flat", nprobe=8))
    scores, rows = index.search(embeddings.vectors[:50], 1)
    assert rows[:, 0].tolist() == list(range(50))  # all 8 lists probed: exact
    np.testing.assert_allclose(index.vectors(embeddings.product_ids[:5]),
                               embeddings.vectors[:5], atol=1e-6)
    again = ProductIndex.load(index.save(tmp_path / "ivf"))
    assert again.meta["factory"] == "IVF8,Flat"
    np.testing.assert_array_equal(again.search(embeddings.vectors[:50], 5)[1],
                                  index.search(embeddings.vectors[:50], 5)[1])


def test_index_round_trips_through_mlflow(home):
    registry = Registry()
    old, new = _random_embeddings(100, seed=1), _random_embeddings(120, seed=2)
    for embeddings in (old, new):
        with registry.run("build-index-test"):
            log_index(ProductIndex.build(embeddings), "shop")
    loaded = load_latest_index("shop", registry)
    assert loaded.size == 120  # the newest run wins
    expected = ProductIndex.build(new).neighbours(new.vectors[:10], 5)
    assert loaded.neighbours(new.vectors[:10], 5).equals(expected)
    with pytest.raises(LookupError, match="no product index for dataset 'other'"):
        load_latest_index("other", registry)


def test_a_folder_without_an_index_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing index.faiss"):
        ProductIndex.load(tmp_path)
