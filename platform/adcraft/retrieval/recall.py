"""Candidate recall and fused ranking. Every retriever has the same two methods:

    fit(history) -> self                       learn from (shopper, product, w, share) rows
    recommend(shopper_ids, history, k) -> frame  (shopper_id, product_id, score), best first

`history` is `shopper_history(events)`: what each shopper engaged with, recency-weighted.
A shopper with no history gets popularity (cold start); `exclude` says what a shopper
is never proposed again: what they bought (default), anything they engaged with, nothing.
"""

from __future__ import annotations

from typing import Protocol, Self

import numpy as np
import polars as pl

from adcraft.retrieval.config import (
    CollaborativeConfig,
    Exclude,
    FusionConfig,
    PopularityConfig,
)
from adcraft.retrieval.embeddings import interest_vectors
from adcraft.retrieval.history import product_categories, top_category_segments
from adcraft.retrieval.index import ProductIndex

RESULT_SCHEMA = {"shopper_id": pl.String, "product_id": pl.String, "score": pl.Float64}


class Recall(Protocol):
    name: str

    def fit(self, history: pl.DataFrame) -> Self: ...

    def recommend(self, shopper_ids: pl.Series, history: pl.DataFrame, k: int
                  ) -> pl.DataFrame: ...


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=RESULT_SCHEMA)


def _of(shopper_ids: pl.Series, history: pl.DataFrame) -> pl.DataFrame:
    return history.filter(pl.col("shopper_id").is_in(shopper_ids.cast(pl.String).implode()))


def excluded(history: pl.DataFrame, exclude: Exclude) -> pl.DataFrame:
    """(shopper_id, product_id) pairs never to recommend."""
    if exclude == "nothing":
        history = history.clear()
    elif exclude == "purchased":
        history = history.filter("purchased")
    elif exclude != "engaged":
        raise ValueError(f"exclude must be purchased, engaged or nothing, got {exclude!r}")
    return history.select("shopper_id", "product_id")


def top_k(candidates: pl.DataFrame, history: pl.DataFrame, k: int, exclude: Exclude
          ) -> pl.DataFrame:
    """The k best candidates per shopper (ties by product id), less the `exclude`d."""
    candidates = candidates.join(excluded(history, exclude), on=["shopper_id", "product_id"],
                                 how="anti")
    return (
        candidates.select(pl.col("shopper_id").cast(pl.String),
                          pl.col("product_id").cast(pl.String),
                          pl.col("score").cast(pl.Float64))
        .sort(["shopper_id", "score", "product_id"], descending=[False, True, False])
        .group_by("shopper_id", maintain_order=True)
        .head(k)
    )


def _excluded_most(history: pl.DataFrame, exclude: Exclude) -> int:
    """The most products excluded for any one shopper in `history`: how many more
    candidates to fetch so that k remain."""
    pairs = excluded(history, exclude)
    return int(pairs.group_by("shopper_id").len().get_column("len").max() or 0)


class PopularityRecall:
    """The most engaged-with products, overall or in the shopper's segment (their top
    category, e.g. 'Outdoor'); a shopper with no segment, or a small one, gets the
    global list, and segment lists are topped up from it."""

    def __init__(self, products: pl.DataFrame, config: PopularityConfig | None = None,
                 segmented: bool = True, exclude: Exclude = "purchased"):
        self.config = config or PopularityConfig()
        self.name = "segment_popularity" if segmented else "popularity"
        self.segmented, self.exclude = segmented, exclude
        self.categories = product_categories(products, self.config.segment_depth)

    def _score(self) -> pl.Expr:
        return pl.col("w").sum() if self.config.recency else pl.len().cast(pl.Float64)

    def fit(self, history: pl.DataFrame) -> Self:
        self.popular = (history.group_by("product_id").agg(score=self._score())
                        .sort(["score", "product_id"], descending=[True, False]))
        if self.popular.is_empty():  # a shop with no behaviour yet
            self.popular = self.cold_shelf()
        segments = top_category_segments(history, self.categories)
        big = (segments.group_by("segment").len()
               .filter(pl.col("len") >= self.config.min_segment_shoppers).get_column("segment"))
        self.by_segment = (
            history.join(segments.filter(pl.col("segment").is_in(big.implode())),
                         on="shopper_id")
            .group_by("segment", "product_id").agg(score=self._score())
            .sort(["segment", "score", "product_id"], descending=[False, True, False])
        )
        return self

    def segments(self, history: pl.DataFrame) -> pl.DataFrame:
        return top_category_segments(history, self.categories)

    def cold_shelf(self, n: int = 1_000) -> pl.DataFrame:
        """What a shop nobody has engaged with yet shows: its catalogue taken a category
        at a time in turn (the first product of each category, then the second, ...), so
        the first screen spans the shop; scores fall with the place."""
        return (self.categories.with_row_index("at")
                .with_columns(turn=pl.col("at").rank("ordinal").over("category"))
                .sort("turn", "at").head(n)
                .select("product_id", score=1.0 / (1.0 + pl.int_range(pl.len()))))

    def recommend(self, shopper_ids: pl.Series, history: pl.DataFrame, k: int
                  ) -> pl.DataFrame:
        history = _of(shopper_ids, history)
        depth = k + _excluded_most(history, self.exclude)
        shoppers = pl.DataFrame({"shopper_id": shopper_ids.cast(pl.String).unique()})
        top = self.popular.head(depth)
        # global list scaled into [0, 1); a segment's list into [1, 2]: segment first
        overall = shoppers.join(
            top.with_columns(score=pl.col("score") / (pl.col("score").max() * 1.0001)),
            how="cross")
        parts = [overall]
        if self.segmented:
            segment_lists = (
                self.by_segment.group_by("segment", maintain_order=True).head(depth)
                .with_columns(score=1 + pl.col("score") / pl.col("score").max().over("segment"))
            )
            parts.append(self.segments(history).join(segment_lists, on="segment")
                         .select("shopper_id", "product_id", "score"))
        candidates = (pl.concat([p.select("shopper_id", "product_id", "score") for p in parts])
                      .group_by("shopper_id", "product_id").agg(pl.col("score").max()))
        return top_k(candidates, history, k, self.exclude)


class CoOccurrenceRecall:
    """Item-to-item collaborative filtering: products are similar when the same shoppers
    engage with both (cosine of their shopper sets); a shopper's candidates are the
    neighbours of their products, weighted by each product's share of their history."""

    name = "collaborative"

    def __init__(self, config: CollaborativeConfig | None = None, exclude: Exclude = "purchased"):
        self.config, self.exclude = config or CollaborativeConfig(), exclude

    def fit(self, history: pl.DataFrame) -> Self:
        c = self.config
        strongest = (
            history.sort(["shopper_id", "w", "product_id"], descending=[False, True, False])
            .group_by("shopper_id", maintain_order=True).head(c.max_history)
            .select("shopper_id", pl.col("product_id").cast(pl.Categorical))
        )
        counts = strongest.group_by("product_id").len("n")
        pairs = (
            strongest.lazy()
            .join(strongest.lazy(), on="shopper_id", suffix="_b")
            .filter(pl.col("product_id") != pl.col("product_id_b"))
            .group_by("product_id", "product_id_b").len("n_ab")
            .filter(pl.col("n_ab") >= c.min_count)
            .join(counts.lazy(), on="product_id")
            .join(counts.lazy().rename({"product_id": "product_id_b", "n": "n_b"}),
                  on="product_id_b")
            .select(pl.col("product_id").cast(pl.String),
                    neighbour=pl.col("product_id_b").cast(pl.String),
                    sim=pl.col("n_ab") / (pl.col("n") * pl.col("n_b")).cast(pl.Float64).sqrt())
            .sort(["product_id", "sim", "neighbour"], descending=[False, True, False])
            .group_by("product_id", maintain_order=True).head(c.neighbours)
        )
        self.similar = pairs.collect()
        return self

    def recommend(self, shopper_ids: pl.Series, history: pl.DataFrame, k: int
                  ) -> pl.DataFrame:
        history = _of(shopper_ids, history)
        candidates = (
            history.join(self.similar, on="product_id")
            .group_by("shopper_id", "neighbour")
            .agg(score=(pl.col("share") * pl.col("sim")).sum())
            .rename({"neighbour": "product_id"})
        )
        return top_k(candidates, history, k, self.exclude)


class ContentRecall:
    """The products nearest to the shopper's interest vector in the product index."""

    name = "content"

    def __init__(self, index: ProductIndex, exclude: Exclude = "purchased", max_seen: int = 200):
        self.index, self.exclude, self.max_seen = index, exclude, max_seen

    def fit(self, history: pl.DataFrame) -> Self:
        return self  # the index is the model

    def interest_vectors(self, history: pl.DataFrame) -> tuple[pl.Series, np.ndarray]:
        return interest_vectors(history, self.index.vectors)

    def recommend(self, shopper_ids: pl.Series, history: pl.DataFrame, k: int
                  ) -> pl.DataFrame:
        history = _of(shopper_ids, history)
        shoppers, vectors = self.interest_vectors(history)
        usable = np.linalg.norm(vectors, axis=1) > 0 if len(shoppers) else np.zeros(0, bool)
        if not usable.any():
            return _empty()
        shoppers, vectors = shoppers.filter(pl.Series(usable)), vectors[usable]
        extra = min(_excluded_most(history, self.exclude), self.max_seen)
        found = self.index.neighbours(vectors, k + extra)
        candidates = found.select(shopper_id=shoppers.gather(found["query"]),
                                  product_id="product_id", score="score")
        return top_k(candidates, history, k, self.exclude)


class FusedRanker:
    """Content, collaborative and popularity candidates, each source's ranks (or scores)
    weighted (`FusionConfig`) and summed. Shoppers left with fewer than k (cold start:
    all of them) are topped up from the popularity source."""

    name = "fused"

    def __init__(self, content: ContentRecall, collaborative: CoOccurrenceRecall,
                 popularity: PopularityRecall, config: FusionConfig | None = None):
        self.config = config or FusionConfig()
        self.sources = {"content": content, "collaborative": collaborative,
                        "popularity": popularity}

    def _scaled(self) -> pl.Expr:
        """A source's score per candidate, comparable across sources (rows are in rank
        order per shopper, as every source returns them)."""
        if self.config.scaling == "rank":
            rank = pl.int_range(1, pl.len() + 1).over("shopper_id")
            return 1.0 / (self.config.rank_offset + rank)
        low, high = (pl.col("score").min().over("shopper_id"),
                     pl.col("score").max().over("shopper_id"))
        return pl.when(high > low).then((pl.col("score") - low) / (high - low)).otherwise(1.0)

    def fit(self, history: pl.DataFrame) -> Self:
        for source in self.sources.values():
            source.fit(history)
        return self

    def candidates(self, shopper_ids: pl.Series, history: pl.DataFrame
                   ) -> dict[str, pl.DataFrame]:
        """Each source's candidates (`config.candidates` per shopper), by source name:
        computed once, they can be fused under many weightings (see `fuse`)."""
        return {name: source.recommend(shopper_ids, history, self.config.candidates)
                for name, source in self.sources.items()}

    def fuse(self, candidates: dict[str, pl.DataFrame], shopper_ids: pl.Series, k: int,
             config: FusionConfig | None = None) -> pl.DataFrame:
        """The top k per shopper of the weighted candidates; popularity tops up."""
        c = config or self.config
        parts = [found.with_columns(score=getattr(c, name) * self._scaled())
                 for name, found in candidates.items() if getattr(c, name) > 0]
        fused = (pl.concat(parts).group_by("shopper_id", "product_id").agg(pl.col("score").sum())
                 if parts else _empty())
        ranked = top_k(fused, fused.clear(), k, exclude="nothing")  # sources excluded already
        fill = (candidates["popularity"].group_by("shopper_id", maintain_order=True).head(k)
                .join(ranked, on=["shopper_id", "product_id"], how="anti")
                .with_columns(score=pl.col("score") - 10.0))  # below every fused score
        return top_k(pl.concat([ranked, fill]), fused.clear(), k, exclude="nothing")

    def recommend(self, shopper_ids: pl.Series, history: pl.DataFrame, k: int
                  ) -> pl.DataFrame:
        return self.fuse(self.candidates(shopper_ids, history), shopper_ids, k)
