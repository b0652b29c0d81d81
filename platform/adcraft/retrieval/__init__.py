"""Candidate retrieval and ranking, importable without Ray: product embeddings (MiniLM),
a faiss index kept in MLflow, content / collaborative / popularity recall behind one
interface, a fused ranker, and offline next-item evaluation (HR@K, NDCG@K)."""

from adcraft.retrieval.config import (
    CollaborativeConfig,
    EmbeddingConfig,
    FusionConfig,
    IndexConfig,
    PopularityConfig,
    RetrievalConfig,
)
from adcraft.retrieval.embeddings import (
    ProductEmbeddings,
    embed_products,
    fill_profile_embeddings,
    interest_vectors,
    load_embedder,
    with_interest_vectors,
)
from adcraft.retrieval.history import shopper_history
from adcraft.retrieval.index import (
    ProductIndex,
    index_model,
    index_scores,
    load_index,
    log_index,
    register_index,
)
from adcraft.retrieval.recall import (
    ContentRecall,
    CoOccurrenceRecall,
    FusedRanker,
    PopularityRecall,
    Recall,
)

__all__ = [
    "CoOccurrenceRecall",
    "CollaborativeConfig",
    "ContentRecall",
    "EmbeddingConfig",
    "FusedRanker",
    "FusionConfig",
    "IndexConfig",
    "PopularityConfig",
    "PopularityRecall",
    "ProductEmbeddings",
    "ProductIndex",
    "Recall",
    "RetrievalConfig",
    "embed_products",
    "fill_profile_embeddings",
    "interest_vectors",
    "load_embedder",
    "index_model",
    "index_scores",
    "load_index",
    "register_index",
    "log_index",
    "shopper_history",
    "with_interest_vectors",
]
