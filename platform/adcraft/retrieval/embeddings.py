"""Products and shoppers as vectors: a product's text through the embedder (MiniLM by
default), and a shopper's interest vector as the recency-weighted mean of the vectors of
the products in their history."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from scipy import sparse
from tqdm.auto import tqdm

from adcraft.data.errors import DataError
from adcraft.retrieval.config import EmbeddingConfig
from adcraft.retrieval.history import shopper_history
from adcraft.settings import get_settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)


@dataclass
class ProductEmbeddings:
    """One unit-length float32 row per product, in the order of `product_ids`."""

    product_ids: pl.Series
    vectors: np.ndarray

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.product_ids):
            raise ValueError(f"vectors must be ({len(self.product_ids)}, dim), one row per "
                             f"product, got {self.vectors.shape}")

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])


def product_texts(products: pl.DataFrame, config: EmbeddingConfig | None = None) -> pl.Series:
    """What the embedder reads per product: title, category path, brand and the start of
    the description, e.g. "Northpeak Waterproof Jacket. Outdoor > Jackets. Northpeak. ..."."""
    config = config or EmbeddingConfig()
    if "product_id" not in products.columns:
        raise DataError("products", "missing: a product table needs ids", field="product_id")
    if products.get_column("product_id").null_count():
        raise DataError("products", "is empty but required", field="product_id")
    duplicated = products.get_column("product_id").is_duplicated()
    if duplicated.any():
        first = products.get_column("product_id").filter(duplicated)[0]
        raise DataError("products", f"duplicate product {first!r}", field="product_id")
    parts = []
    for name in ("title", "category_path", "brand", "description"):
        if name not in products.columns:
            continue
        column = pl.col(name)
        if name == "category_path":
            column = column.list.join(" > ")
        if name == "description":
            column = column.str.slice(0, config.max_description_chars)
        parts.append(column.str.strip_chars())
    if not parts:
        raise DataError("products", "no text to embed: needs a title, category_path, brand "
                                    "or description column", field="title")
    texts = products.select(
        pl.concat_str(parts, separator=". ", ignore_nulls=True).fill_null("").alias("text"))
    empty = int((texts.get_column("text") == "").sum())
    if empty:
        log.warning("%d of %d products have no title, category, brand or description: "
                    "their vectors say nothing", empty, products.height)
    return texts.get_column("text")


def load_embedder(model_dir: str | Path | None = None) -> SentenceTransformer:
    """The sentence-transformers model in `model_dir` (default: the settings' embedder),
    from local files only."""
    from sentence_transformers import SentenceTransformer

    folder = Path(model_dir or get_settings().embedder_model_dir)
    if not (folder / "modules.json").is_file():
        raise FileNotFoundError(f"no sentence-transformers model at {folder}: run "
                                "`python -m pipelines.fetch` or set ADCRAFT_EMBEDDER_MODEL_DIR")
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def embed_texts(model: SentenceTransformer, texts: list[str],
                config: EmbeddingConfig | None = None, desc: str = "embedding") -> np.ndarray:
    """Unit-length float32 vectors, one per text, in chunks behind a progress bar."""
    config = config or EmbeddingConfig()
    dim = model.get_embedding_dimension()
    out = np.empty((len(texts), dim), dtype=np.float32)
    with tqdm(total=len(texts), desc=desc, unit="text", disable=len(texts) < 2_000) as bar:
        for start in range(0, len(texts), config.chunk_size):
            chunk = texts[start:start + config.chunk_size]
            out[start:start + len(chunk)] = model.encode(
                chunk, batch_size=config.batch_size, convert_to_numpy=True,
                normalize_embeddings=True, show_progress_bar=False)
            bar.update(len(chunk))
    return out


def embed_products(products: pl.DataFrame, model: SentenceTransformer | None = None,
                   config: EmbeddingConfig | None = None) -> ProductEmbeddings:
    """Every product of the catalogue as a vector (batched, with progress)."""
    texts = product_texts(products, config).to_list()
    model = model or load_embedder()
    started = time.perf_counter()
    vectors = embed_texts(model, texts, config, desc="embedding products")
    seconds = time.perf_counter() - started
    log.info("embedded %s products in %.1f s (%.0f / s), dim %d", f"{len(texts):,}", seconds,
             len(texts) / max(seconds, 1e-9), vectors.shape[1])
    return ProductEmbeddings(products.get_column("product_id"), vectors)


def interest_vectors(
    history: pl.DataFrame, lookup: Callable[[pl.Series], np.ndarray]
) -> tuple[pl.Series, np.ndarray]:
    """Each shopper's interest vector: the mean of their products' vectors weighted by
    `share` (recency- and event-weighted, see `shopper_history`), scaled to unit length.

    `lookup(product_ids)` gives the vectors of products (rows of NaN, or a KeyError, for
    unknown ones: such products are skipped). Returns (shopper_ids, float32 matrix);
    shoppers whose products are all unknown get a zero row.
    """
    if history.is_empty():
        return pl.Series("shopper_id", [], pl.String), np.zeros((0, 0), dtype=np.float32)
    shoppers = history.get_column("shopper_id").unique(maintain_order=True)
    products = history.get_column("product_id").unique(maintain_order=True)
    vectors = lookup(products)
    known = ~np.isnan(vectors).any(axis=1)
    coded = history.select(
        row=pl.col("shopper_id").replace_strict(shoppers, range(len(shoppers)),
                                                return_dtype=pl.Int64),
        col=pl.col("product_id").replace_strict(products, range(len(products)),
                                                return_dtype=pl.Int64),
        share=pl.col("share"),
    )
    weights = sparse.csr_matrix(
        (coded["share"].to_numpy(), (coded["row"].to_numpy(), coded["col"].to_numpy())),
        shape=(len(shoppers), len(products)))
    summed = weights @ np.where(known[:, None], vectors, 0.0).astype(np.float64)
    norms = np.linalg.norm(summed, axis=1, keepdims=True)
    return shoppers, (summed / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def with_interest_vectors(profiles: pl.DataFrame, shopper_ids: pl.Series,
                          vectors: np.ndarray) -> pl.DataFrame:
    """`profiles` (from `build_profiles`) with `embedding` filled where a vector is known
    (others keep null): the field `ShopperProfile.embedding` reads."""
    if "shopper_id" not in profiles.columns or "embedding" not in profiles.columns:
        raise DataError("profiles", "needs shopper_id and embedding columns (build_profiles)",
                        field="embedding")
    known = np.flatnonzero(np.abs(vectors).sum(axis=1) > 0) if vectors.size else []
    if len(known) == 0:
        return profiles
    found = pl.DataFrame({
        "shopper_id": shopper_ids.cast(pl.String).gather(known),
        "_vector": pl.Series(vectors[known].astype(np.float32)).cast(pl.List(pl.Float32)),
    })
    return (
        profiles.join(found, on="shopper_id", how="left")
        .with_columns(embedding=pl.coalesce("_vector", pl.col("embedding")
                                            .cast(pl.List(pl.Float32))))
        .drop("_vector")
    )


def fill_profile_embeddings(profiles: pl.DataFrame, events: pl.DataFrame,
                            lookup: Callable[[pl.Series], np.ndarray]) -> pl.DataFrame:
    """`profiles` with each shopper's interest vector from their recency-weighted event
    history; `lookup` gives product vectors (e.g. `ProductIndex.vectors`)."""
    return with_interest_vectors(profiles, *interest_vectors(shopper_history(events), lookup))
