"""The fused ranker for one request, over arrays: what `FusedRanker` computes with polars
frames (the training and batch path), computed for one shopper with numpy lookups.

`ArrayRanker.of(fused, events)` reads a fitted `FusedRanker` once: products as integer
codes (with their order by id, which breaks ties as the frames do), each shopper's
events as arrays, the popularity lists overall and per segment, the co-occurrence
neighbours of each product. A request then computes the shopper's recency-weighted
history (`retrieval.history.shopper_history`), the three sources' candidates, and one
fusion, with no frame built; recent feedback events join the stored ones as arrays.
`tests/adcraft/retrieval/test_arrays.py` holds both paths to the same ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from adcraft.features.profiles import EVENT_WEIGHTS, HALF_LIFE_DAYS
from adcraft.retrieval.recall import FusedRanker

FILL_BELOW = 10.0  # popularity top-ups rank below every fused score (as `FusedRanker.fuse`)


@dataclass
class History:
    """One shopper's history: product codes, recency-weighted `w`, `share`, `purchased`."""

    products: np.ndarray
    w: np.ndarray
    share: np.ndarray
    purchased: np.ndarray

    @property
    def empty(self) -> bool:
        return len(self.products) == 0


class ArrayRanker:
    """`FusedRanker.recommend` for one shopper at a time, over arrays."""

    def __init__(self, fused: FusedRanker, events: pl.DataFrame):
        content, collab, pop = (fused.sources[n] for n in ("content", "collaborative",
                                                            "popularity"))
        self.fused, self.config, self.index = fused, fused.config, content.index
        self.exclude = {"content": content.exclude, "collaborative": collab.exclude,
                        "popularity": pop.exclude}
        self.max_seen, self.segmented = content.max_seen, pop.segmented
        indexed = content.index.product_ids.cast(pl.String).to_list()
        others = pl.concat([events.get_column("product_id").cast(pl.String).drop_nulls(),
                            pop.popular.get_column("product_id").cast(pl.String),
                            collab.similar.get_column("neighbour")]).unique().sort().to_list()
        known = set(indexed)
        self.ids = np.array(indexed + [p for p in others if p not in known], dtype=object)
        self.code = {p: i for i, p in enumerate(self.ids)}
        self.by_id = np.empty(len(self.ids), np.int64)  # rank of each product in id order
        self.by_id[np.argsort(self.ids.astype(str), kind="stable")] = np.arange(len(self.ids))
        self.n_indexed = len(indexed)
        vectors = content.index.vectors(pl.Series(indexed, dtype=pl.String))
        self.known_vector = ~np.isnan(vectors).any(axis=1)
        self.vectors = np.where(self.known_vector[:, None], vectors, 0.0).astype(np.float64)
        self._events(events)
        self._popularity(pop)
        self._similar(collab.similar)

    @classmethod
    def of(cls, fused: FusedRanker, events: pl.DataFrame) -> ArrayRanker:
        return cls(fused, events)

    def codes(self, ids) -> np.ndarray:
        return np.array([self.code.get(str(p), -1) for p in ids], dtype=np.int64)

    def _events(self, events: pl.DataFrame) -> None:
        frame = events.select(
            "shopper_id", code=pl.col("product_id").cast(pl.String).replace_strict(
                self.code, default=-1, return_dtype=pl.Int64),
            weight=pl.col("event_type").cast(pl.String).replace_strict(
                EVENT_WEIGHTS, default=0.0, return_dtype=pl.Float64),
            us=pl.col("ts").dt.timestamp("us"),
            purchase=pl.col("event_type").cast(pl.String) == "purchase")
        self.events = {key[0]: tuple(part.get_column(c).to_numpy() for c in (
            "code", "weight", "us", "purchase"))
            for key, part in frame.partition_by("shopper_id", as_dict=True).items()}

    def _popularity(self, pop) -> None:
        self.popular = (self.codes(pop.popular["product_id"]), pop.popular["score"].to_numpy())
        self.segments: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for key, part in pop.by_segment.partition_by("segment", as_dict=True,
                                                     maintain_order=True).items():
            self.segments[key[0]] = (self.codes(part["product_id"]), part["score"].to_numpy())
        cats = dict(pop.categories.drop_nulls("category").iter_rows())
        self.category_names = sorted(set(cats.values()))
        at = {c: i for i, c in enumerate(self.category_names)}
        self.category = np.array([at.get(cats.get(p), -1) for p in self.ids], np.int64)

    def _similar(self, similar: pl.DataFrame) -> None:
        self.neighbours: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for key, part in similar.partition_by("product_id", as_dict=True,
                                              maintain_order=True).items():
            code = self.code.get(key[0], -1)
            if code >= 0:
                self.neighbours[code] = (self.codes(part["neighbour"]), part["sim"].to_numpy())

    def history(self, shopper_id: str, recent: list[dict[str, Any]], as_of: datetime
                ) -> History:
        """`shopper_history` of the stored events plus `recent`, as of `as_of`."""
        code, weight, us, purchase = self.events.get(shopper_id, (np.zeros(0, np.int64),) * 4)
        if recent:
            code = np.concatenate([code, self.codes([r["product_id"] for r in recent])])
            weight = np.concatenate([weight, [EVENT_WEIGHTS.get(str(r["event_type"]), 0.0)
                                              for r in recent]])
            us = np.concatenate([us, [int(datetime.fromisoformat(
                str(r["ts"]).replace("Z", "+00:00")).timestamp() * 1_000_000) for r in recent]])
            purchase = np.concatenate([purchase, [str(r["event_type"]) == "purchase"
                                                  for r in recent]])
        now = int(as_of.timestamp() * 1_000_000)
        age_days = np.clip((now - us.astype(np.int64)) // 1_000_000, 0, None) / 86400.0
        w = weight.astype(np.float64) * 0.5 ** (age_days / HALF_LIFE_DAYS)
        keep = (w > 0) & (code >= 0)
        products, inverse = np.unique(code[keep], return_inverse=True)
        summed = np.bincount(inverse, w[keep], minlength=len(products))
        bought = np.bincount(inverse, purchase[keep].astype(float), minlength=len(products)) > 0
        share = summed / summed.sum() if len(products) else summed
        return History(products, summed, share, bought)

    def _excluded(self, source: str, h: History) -> np.ndarray:
        mode = self.exclude[source]
        return (h.products[h.purchased] if mode == "purchased" else h.products
                if mode == "engaged" else np.zeros(0, np.int64))

    def _top(self, codes: np.ndarray, scores: np.ndarray, k: int,
             excluded: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The k best (score, then id order), less `excluded`: `recall.top_k`."""
        if excluded is not None and len(excluded):
            keep = ~np.isin(codes, excluded)
            codes, scores = codes[keep], scores[keep]
        order = np.lexsort((self.by_id[codes], -scores))[:k]
        return codes[order], scores[order]

    def content(self, h: History, n: int, query: np.ndarray | None = None):
        if query is not None:  # a search: its neighbours as found, nothing excluded
            scores, rows = self.index.search(np.asarray([query], np.float32), n)
            keep = rows[0] >= 0
            return rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float64)
        mine = h.products[h.products < self.n_indexed]
        share = h.share[h.products < self.n_indexed]
        summed = share[self.known_vector[mine]] @ self.vectors[mine[self.known_vector[mine]]]
        norm = np.linalg.norm(summed)
        if not len(mine) or norm == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        excluded = self._excluded("content", h)
        extra = min(len(excluded), self.max_seen)
        scores, rows = self.index.search((summed / norm).astype(np.float32)[None], n + extra)
        keep = rows[0] >= 0
        return self._top(rows[0][keep].astype(np.int64), scores[0][keep].astype(np.float64),
                         n, excluded)

    def collaborative(self, h: History, n: int):
        found = [(self.neighbours[p], s) for p, s in zip(h.products, h.share)
                 if p in self.neighbours]
        if not found:
            return np.zeros(0, np.int64), np.zeros(0)
        codes = np.concatenate([nb for (nb, _), _ in found])
        weights = np.concatenate([sim * s for (_, sim), s in found])
        keep = codes >= 0
        unique, inverse = np.unique(codes[keep], return_inverse=True)
        return self._top(unique, np.bincount(inverse, weights[keep]), n,
                         self._excluded("collaborative", h))

    def _segment(self, h: History) -> str | None:
        cats = self.category[h.products] if len(h.products) else np.zeros(0, np.int64)
        has = cats >= 0
        if not has.any():
            return None
        totals = np.bincount(cats[has], h.share[has], minlength=len(self.category_names))
        present = np.bincount(cats[has], minlength=len(self.category_names)) > 0
        best = max(np.flatnonzero(present), key=lambda c: (totals[c], -c))
        return self.category_names[best]

    def popularity(self, h: History, n: int):
        excluded = self._excluded("popularity", h)
        depth = n + len(excluded)
        codes, scores = self.popular[0][:depth], self.popular[1][:depth]
        parts = [(codes, scores / (scores.max() * 1.0001) if len(scores) else scores)]
        segment = self._segment(h) if self.segmented else None
        if segment in self.segments:
            s_codes, s_scores = self.segments[segment]
            top = s_scores.max()
            parts.append((s_codes[:depth], 1 + s_scores[:depth] / top))
        codes = np.concatenate([c for c, _ in parts])
        scores = np.concatenate([s for _, s in parts])
        unique, inverse = np.unique(codes, return_inverse=True)
        best = np.full(len(unique), -np.inf)
        np.maximum.at(best, inverse, scores)
        return self._top(unique, best, n, excluded)

    def _scaled(self, scores: np.ndarray) -> np.ndarray:
        c = self.config
        if c.scaling == "rank":
            return 1.0 / (c.rank_offset + np.arange(1, len(scores) + 1))
        low, high = scores.min(), scores.max()
        return (scores - low) / (high - low) if high > low else np.ones(len(scores))

    def rank(self, shopper_id: str, k: int, recent: list[dict[str, Any]], as_of: datetime,
             query: np.ndarray | None = None) -> tuple[list[str], list[float], bool]:
        """(product ids, fused scores, cold start) of the k best for one shopper."""
        h = self.history(shopper_id, recent, as_of)
        n, c = self.config.candidates, self.config
        found = {"content": self.content(h, n, query), "collaborative": self.collaborative(h, n),
                 "popularity": self.popularity(h, n)}
        parts = [(codes, getattr(c, name) * self._scaled(scores))
                 for name, (codes, scores) in found.items() if getattr(c, name) > 0 and len(codes)]
        if parts:
            codes = np.concatenate([p for p, _ in parts])
            unique, inverse = np.unique(codes, return_inverse=True)
            ranked = self._top(unique, np.bincount(inverse, np.concatenate([s for _, s in parts])),
                               k)
        else:
            ranked = (np.zeros(0, np.int64), np.zeros(0))
        pop_codes, pop_scores = found["popularity"]
        fill = ~np.isin(pop_codes[:k], ranked[0])
        codes = np.concatenate([ranked[0], pop_codes[:k][fill]])
        scores = np.concatenate([ranked[1], pop_scores[:k][fill] - FILL_BELOW])
        top_codes, top_scores = self._top(codes, scores, k)
        return [str(p) for p in self.ids[top_codes]], top_scores.tolist(), h.empty
