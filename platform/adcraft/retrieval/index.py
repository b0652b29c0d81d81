"""The nearest-neighbour index over product vectors (faiss), and its life in MLflow.

Exact search (``Flat``) for catalogues below `IndexConfig.exact_below` products; above,
an inverted-file index (``IVF<lists>,Flat``, 4*sqrt(n) lists: ~4,000 for 1M products,
k-means trained on a sample) that visits `nprobe` lists per query. Every index kind used
here keeps the full vectors, so a product's vector can be read back for interest vectors.
On disk: ``index.faiss``, ``product_ids.parquet`` (row i = faiss id i), ``meta.json``.
In MLflow: a registered model per dataset (`index_model`), gated and served by alias
like the models, so a bad index is refused and a good one can be rolled back to.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
import mlflow
import numpy as np
import polars as pl
from tqdm.auto import tqdm

from adcraft.eval.gate import GateDecision
from adcraft.promotion import SCORE_PREFIX, register_and_gate
from adcraft.registry import CHAMPION, Registry
from adcraft.retrieval.config import IndexConfig
from adcraft.retrieval.embeddings import ProductEmbeddings
from adcraft.specs import INDEX

log = logging.getLogger(__name__)

ARTIFACT_DIR = "product_index"  # the run's artefact folder
KIND_TAG, KIND = "adcraft.artifact", "product-index"  # the tag that finds index runs
DATASET_TAG = "dataset"
FILES = ("index.faiss", "product_ids.parquet", "meta.json")


def choose_factory(n: int, config: IndexConfig) -> str:
    if config.factory:
        return config.factory
    if n < config.exact_below:
        return "Flat"
    return f"IVF{int(4 * math.sqrt(n))},Flat"


class ProductIndex:
    """Products by id in a faiss index searched by inner product (cosine for unit
    vectors)."""

    def __init__(self, index: faiss.Index, product_ids: pl.Series, meta: dict[str, Any]):
        if index.ntotal != len(product_ids):
            raise ValueError(f"the index holds {index.ntotal} vectors but {len(product_ids)} "
                             "product ids were given")
        self.index, self.product_ids, self.meta = index, product_ids.rename("product_id"), meta
        self._positions = pl.DataFrame({"product_id": self.product_ids}).with_row_index("pos")

    @classmethod
    def build(cls, embeddings: ProductEmbeddings, config: IndexConfig | None = None,
              **meta: Any) -> ProductIndex:
        config = config or IndexConfig()
        n, dim = embeddings.vectors.shape
        if n == 0:
            raise ValueError("no products to index: the catalogue is empty")
        factory = choose_factory(n, config)
        vectors = np.ascontiguousarray(embeddings.vectors, dtype=np.float32)
        started = time.perf_counter()
        index = faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT)
        if not index.is_trained:
            rng = np.random.default_rng(0)
            sample = vectors[rng.choice(n, min(n, config.train_sample), replace=False)]
            log.info("training %s on %s vectors", factory, f"{len(sample):,}")
            index.train(sample)
        with tqdm(total=n, desc="indexing products", unit="vec", disable=n < 200_000) as bar:
            for start in range(0, n, config.add_chunk):
                index.add(vectors[start:start + config.add_chunk])
                bar.update(min(config.add_chunk, n - start))
        seconds = time.perf_counter() - started
        log.info("built %s over %s products (dim %d) in %.1f s", factory, f"{n:,}", dim, seconds)
        info = {"factory": factory, "n_products": n, "dim": dim, "nprobe": config.nprobe,
                "build_s": round(seconds, 3), **meta}
        built = cls(index, embeddings.product_ids, info)
        built._prepare()
        return built

    def _prepare(self) -> None:
        ivf = faiss.try_extract_index_ivf(self.index)
        if ivf is not None:
            ivf.nprobe = int(self.meta.get("nprobe", 32))
            ivf.make_direct_map()  # so vectors can be read back by id

    @property
    def size(self) -> int:
        return self.index.ntotal

    @property
    def dim(self) -> int:
        return self.index.d

    def positions(self, product_ids: pl.Series) -> np.ndarray:
        """faiss row of each product, -1 where the product is not in the index."""
        frame = pl.DataFrame({"product_id": product_ids.cast(pl.String)})
        return (frame.join(self._positions, on="product_id", how="left", maintain_order="left")
                .get_column("pos").fill_null(-1).cast(pl.Int64).to_numpy())

    def vectors(self, product_ids: pl.Series) -> np.ndarray:
        """The stored vector of each product; a row of NaN for an unknown one."""
        pos = self.positions(product_ids)
        out = np.full((len(pos), self.dim), np.nan, dtype=np.float32)
        known = pos >= 0
        if known.any():
            out[known] = self.index.reconstruct_batch(pos[known])
        return out

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows), each (n_queries, k); rows of -1 where fewer than k exist."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if queries.ndim != 2 or queries.shape[1] != self.dim:
            raise ValueError(f"queries must be (n, {self.dim}) vectors, got {queries.shape}: "
                             "embed them with the model that built the index "
                             f"({self.meta.get('embedder', 'unknown')})")
        return self.index.search(queries, min(k, self.size))

    def neighbours(self, queries: np.ndarray, k: int) -> pl.DataFrame:
        """(query, product_id, score, rank): the k nearest products of each query row."""
        scores, rows = self.search(queries, k)
        n, width = rows.shape
        frame = pl.DataFrame({
            "query": np.repeat(np.arange(n), width),
            "row": rows.ravel().astype(np.int64),
            "score": scores.ravel(),
            "rank": np.tile(np.arange(1, width + 1), n),
        }).filter(pl.col("row") >= 0)
        return frame.select("query", product_id=self.product_ids.gather(frame["row"]),
                            score="score", rank="rank")

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(folder / "index.faiss"))
        pl.DataFrame({"product_id": self.product_ids}).write_parquet(
            folder / "product_ids.parquet")
        (folder / "meta.json").write_text(json.dumps(self.meta, indent=1, default=str))
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ProductIndex:
        folder = Path(folder)
        missing = [name for name in FILES if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{folder} is not a saved product index: missing "
                                    f"{', '.join(missing)}")
        meta = json.loads((folder / "meta.json").read_text())
        ids = pl.read_parquet(folder / "product_ids.parquet").get_column("product_id")
        loaded = cls(faiss.read_index(str(folder / "index.faiss")), ids, meta)
        loaded._prepare()
        return loaded


def log_index(index: ProductIndex, dataset: str) -> None:
    """Save the index into the active MLflow run's `product_index/` artefacts, tagged."""
    with tempfile.TemporaryDirectory() as tmp:
        mlflow.log_artifacts(str(index.save(tmp)), ARTIFACT_DIR)
    mlflow.set_tags({KIND_TAG: KIND, DATASET_TAG: dataset})


def index_model(dataset: str) -> str:
    """The registered name of `dataset`'s product index: "adcraft-index-synthetic"."""
    return f"{INDEX}-{dataset}"


RECALL_SAMPLE = 256  # query products the recall is measured on


def index_scores(index: ProductIndex, catalogue: pl.Series,
                 sample: int = RECALL_SAMPLE) -> dict[str, float]:
    """What the index's gate reads: `coverage`, the share of the catalogue's products it
    holds (an index of yesterday's or a cut catalogue holds fewer), and `recall_at_10`:
    with a sample of its own vectors as queries, the share of the results that score
    at least the exact 10th neighbour's inner product (an approximate index misses some;
    ties do not count against it)."""
    products = catalogue.cast(pl.String).unique()
    coverage = float((index.positions(products) >= 0).mean()) if len(products) else 0.0
    n, k = index.size, min(10, index.size)
    rows = np.random.default_rng(0).choice(n, min(n, sample), replace=False)
    everything = index.index.reconstruct_n(0, n)
    queries = everything[rows]
    found, _ = index.search(queries, k)
    recall = []
    for start in range(0, len(queries), 32):  # (32, n) inner products at a time
        sims = queries[start:start + 32] @ everything.T
        kth = -np.partition(-sims, k - 1, axis=1)[:, k - 1]
        recall.append((found[start:start + 32] >= kth[:, None] - 1e-5).mean(axis=1))
    return {"coverage": coverage, "recall_at_10": float(np.concatenate(recall).mean())}


def register_index(registry: Registry, index: ProductIndex, dataset: str,
                   catalogue: pl.Series, force: bool = False) -> tuple[int, GateDecision]:
    """In the active MLflow run: log `index`, score it on the catalogue and register it
    as a version of `index_model(dataset)` through its gate (`adcraft.specs`), against
    the champion index scored on the same catalogue; `champion` moves only if it passes
    (or `force`). Serving loads the champion; `pipelines.promote` rolls back."""
    name = index_model(dataset)
    scores = index_scores(index, catalogue)
    champion_version = registry.alias_version(name, CHAMPION)
    champion_scores = None
    if champion_version is not None:
        champion_scores = index_scores(load_index(dataset, registry)[0], catalogue)
    log_index(index, dataset)
    mlflow.log_metrics({f"{SCORE_PREFIX}{k}": v for k, v in scores.items()})
    run_id = mlflow.active_run().info.run_id
    return register_and_gate(
        registry, name, f"runs:/{run_id}/{ARTIFACT_DIR}", scores, champion_scores,
        champion_version, f"{index.size:,} products of {dataset}, {index.meta['factory']}",
        force)


def load_index(dataset: str = "synthetic", registry: Registry | None = None,
               alias: str = CHAMPION, dst: str | Path | None = None
               ) -> tuple[ProductIndex, int]:
    """The index of `dataset` that holds `alias` (registered by `register_index`, from
    `pipelines.build_index`), and its version."""
    registry = registry or Registry()
    name = index_model(dataset)
    version = registry.alias_version(name, alias)
    if version is None:
        raise LookupError(f"no {name}@{alias} in MLflow at {registry.uri}: run "
                          f"`python -m pipelines.build_index {dataset}`")
    folder = mlflow.artifacts.download_artifacts(
        artifact_uri=f"models:/{name}/{version}", dst_path=str(dst) if dst else None,
        tracking_uri=registry.uri)
    log.info("loaded %s v%s (@%s)", name, version, alias)
    return ProductIndex.load(folder), version
