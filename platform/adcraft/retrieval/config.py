"""Every knob of retrieval and ranking, with its default, in one place.

Each config is a pydantic model: pass one to override a few values
(``FusionConfig(popularity=0.3)``), or ``RetrievalConfig.model_validate_json(...)`` to
read a whole set from a file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# What a shopper is never shown again: products they bought, any they engaged with, or
# none (re-showing a product viewed last week is often exactly right).
Exclude = Literal["purchased", "engaged", "nothing"]


class EmbeddingConfig(BaseModel):
    """How product texts become vectors (the MiniLM embedder by default)."""

    batch_size: int = Field(128, gt=0, description="texts per forward pass")
    chunk_size: int = Field(4096, gt=0, description="texts per progress step (bounds memory)")
    max_description_chars: int = Field(
        300, ge=0, description="description characters kept; MiniLM reads ~256 tokens anyway")


class IndexConfig(BaseModel):
    """The faiss index over product vectors (inner product of unit vectors = cosine)."""

    factory: str | None = Field(
        None, description="a faiss index_factory string that keeps full vectors ('Flat', "
                          "'IVF4096,Flat', 'HNSW32,Flat'); None: exact below exact_below "
                          "items, else IVF with 4*sqrt(n) lists")
    exact_below: int = Field(100_000, gt=0, description="catalogues smaller than this: exact")
    nprobe: int = Field(32, gt=0, description="IVF lists visited per query (recall vs speed)")
    train_sample: int = Field(160_000, gt=0, description="vectors the IVF k-means trains on "
                                                         "(faiss asks 39 per list: 4,000 lists)")
    add_chunk: int = Field(100_000, gt=0, description="vectors added per progress step")


class CollaborativeConfig(BaseModel):
    """Item-to-item co-occurrence: shoppers who engaged with A also engaged with B."""

    max_history: int = Field(30, gt=0, description="a shopper's strongest products counted "
                                                   "(bounds the pairs: max_history^2 each)")
    neighbours: int = Field(50, gt=0, description="similar products kept per product")
    min_count: int = Field(1, gt=0, description="shoppers a pair needs in common")


class PopularityConfig(BaseModel):
    """What new (cold) and every other shopper fall back on."""

    recency: bool = Field(True, description="weigh events by recency (trending) or count all "
                                            "equally (all-time)")
    segment_depth: int = Field(1, gt=0, description="category levels naming a segment "
                                                    "(1: 'Outdoor', 2: 'Outdoor > Jackets')")
    min_segment_shoppers: int = Field(5, gt=0, description="smaller segments use global "
                                                           "popularity")


class FusionConfig(BaseModel):
    """The fused ranker: per shopper, each source's candidates get a score from their
    rank (1 / (rank_offset + rank), reciprocal rank fusion) or from their score scaled to
    [0, 1] (`scaling="minmax"`), times the source's weight, summed. A weight of 0 switches
    a source off."""

    scaling: Literal["rank", "minmax"] = Field("rank", description="what is summed")
    rank_offset: float = Field(10.0, gt=0, description="reciprocal rank fusion's k: larger "
                                                       "flattens the gap between ranks")

    content: float = Field(1.0, ge=0, description="weight of content recall (interest vector)")
    collaborative: float = Field(1.0, ge=0, description="weight of co-occurrence recall")
    popularity: float = Field(0.5, ge=0, description="weight of segment popularity")
    candidates: int = Field(200, gt=0, description="candidates each source proposes")


class FusionGrid(BaseModel):
    """Weights tried when fusion is tuned on a validation split (every combination)."""

    content: list[float] = [0.5, 1.0]
    collaborative: list[float] = [0.5, 1.0]
    popularity: list[float] = [0.0, 0.25, 0.5, 1.0]


class RetrievalConfig(BaseModel):
    embedding: EmbeddingConfig = EmbeddingConfig()
    index: IndexConfig = IndexConfig()
    collaborative: CollaborativeConfig = CollaborativeConfig()
    popularity: PopularityConfig = PopularityConfig()
    fusion: FusionConfig = FusionConfig()
    grid: FusionGrid = FusionGrid()
    exclude: Exclude = Field("purchased", description="products never recommended again to "
                                                      "the shopper who had them")
