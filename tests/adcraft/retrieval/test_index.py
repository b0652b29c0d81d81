"""The faiss product index: search, vectors read back, the round trip through disk, and
its life in a real MLflow store (sqlite, in the test's home): registered through its
gate, served by alias, refused when worse, rolled back with `promote`."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from adcraft.promotion import promote
from adcraft.registry import CHAMPION, Registry
from adcraft.retrieval import (
    IndexConfig,
    ProductEmbeddings,
    ProductIndex,
    index_model,
    index_scores,
    load_index,
    register_index,
)
from adcraft.retrieval.index import choose_factory


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


def _register(registry: Registry, embeddings: ProductEmbeddings, catalogue: pl.Series,
              force: bool = False, config: IndexConfig | None = None):
    with registry.run("build-index-test"):
        return register_index(registry, ProductIndex.build(embeddings, config), "shop",
                              catalogue, force=force)


def test_an_index_is_registered_gated_served_by_alias_and_rolled_back(home):
    registry = Registry()
    full = _random_embeddings(120, seed=2)
    catalogue = full.product_ids
    version, decision = _register(registry, full, catalogue)
    assert (version, decision.promote, decision.reason) == (1, True, "no champion yet")
    assert decision.candidate == {"coverage": 1.0, "recall_at_10": 1.0}
    loaded, served = load_index("shop", registry)
    assert served == 1 and loaded.size == 120
    expected = ProductIndex.build(full).neighbours(full.vectors[:10], 5)
    assert loaded.neighbours(full.vectors[:10], 5).equals(expected)

    # an index of part of the catalogue (a smoke run's --limit) is refused: the champion
    # stays, and is what serving loads
    cut = ProductEmbeddings(full.product_ids[:90], full.vectors[:90])
    version, decision = _register(registry, cut, catalogue)
    assert version == 2 and not decision.promote and "coverage" in decision.reason
    assert decision.candidate["coverage"] == 0.75
    assert registry.alias_version(index_model("shop"), CHAMPION) == 1
    assert load_index("shop", registry)[0].size == 120

    # forced, it is champion (logged so); promote with --force rolls back to version 1
    version, decision = _register(registry, cut, catalogue, force=True)
    assert version == 3 and decision.promote and decision.forced
    assert load_index("shop", registry)[1] == 3
    back = promote(registry, index_model("shop"), version=1, force=True)
    assert back.new_champion == 1 and load_index("shop", registry)[0].size == 120
    with pytest.raises(LookupError, match="no adcraft-index-other@champion"):
        load_index("other", registry)


def test_recall_sees_an_approximate_index_miss_neighbours():
    embeddings = _random_embeddings(2_000, dim=16)
    exact = index_scores(ProductIndex.build(embeddings), embeddings.product_ids)
    ivf = ProductIndex.build(embeddings, IndexConfig(factory="IVF64,Flat", nprobe=1))
    approximate = index_scores(ivf, embeddings.product_ids)
    assert exact["recall_at_10"] == 1.0 and approximate["recall_at_10"] < 0.9
    assert approximate["coverage"] == 1.0


def test_a_folder_without_an_index_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing index.faiss"):
        ProductIndex.load(tmp_path)
