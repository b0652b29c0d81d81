"""The array ranker and the polars `FusedRanker` give the same ranking, shopper by
shopper: stored history, cold start, recent feedback, a search vector, both scalings."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from adcraft.retrieval import (
    ContentRecall,
    CoOccurrenceRecall,
    FusedRanker,
    PopularityRecall,
    RetrievalConfig,
    shopper_history,
)
from adcraft.retrieval.arrays import ArrayRanker
from adcraft.retrieval.config import FusionConfig

from .conftest import AS_OF, days_ago


def _fused(shop, index, fusion: FusionConfig) -> tuple[FusedRanker, pl.DataFrame]:
    c = RetrievalConfig()
    events = shop["events"].select("shopper_id", "product_id", "event_type", "ts")
    fused = FusedRanker(ContentRecall(index, c.exclude), CoOccurrenceRecall(c.collaborative,
                        c.exclude), PopularityRecall(shop["products"], c.popularity,
                                                     exclude=c.exclude), fusion)
    return fused.fit(shopper_history(events)), events


def _frames(fused, events, shopper, k, recent=(), query=None):
    mine = events.filter(pl.col("shopper_id") == shopper)
    if recent:
        mine = pl.concat([mine, pl.DataFrame(
            [{"shopper_id": shopper, "product_id": r["product_id"],
              "event_type": r["event_type"], "ts": r["when"]} for r in recent],
            schema_overrides={"ts": pl.Datetime("us", "UTC")}).cast(mine.schema)])
    history = shopper_history(mine, as_of=AS_OF)
    ids = pl.Series("shopper_id", [shopper])
    candidates = fused.candidates(ids, history)
    if query is not None:
        found = fused.sources["content"].index.neighbours(query[None], fused.config.candidates)
        candidates["content"] = found.select(shopper_id=pl.lit(shopper), product_id="product_id",
                                             score=pl.col("score").cast(pl.Float64))
    top = fused.fuse(candidates, ids, k)
    return top["product_id"].to_list(), top["score"].to_list()


@pytest.mark.parametrize("scaling", ["rank", "minmax"])
def test_both_paths_rank_alike(ranking_shop, ranking_index, scaling):
    fused, events = _fused(ranking_shop, ranking_index, FusionConfig(scaling=scaling))
    arrays = ArrayRanker.of(fused, events)
    shoppers = events["shopper_id"].unique().sort().head(40).to_list() + ["nobody-yet"]
    products = ranking_shop["products"]["product_id"].to_list()
    query = ranking_index.vectors(pl.Series([products[3]]))[0]
    for i, shopper in enumerate(shoppers):
        recent = [{"product_id": products[(7 * i + j) % len(products)], "event_type": kind,
                   "when": days_ago(0.1 * j)} for j, kind in enumerate(["view", "purchase"])]
        for extra, q in (((), None), (recent, None), ((), query)):
            want_ids, want_scores = _frames(fused, events, shopper, 10, extra, q)
            got_ids, got_scores, cold = arrays.rank(
                shopper, 10, [{**r, "ts": r["when"].isoformat()} for r in extra], AS_OF, q)
            assert got_ids == want_ids, (shopper, extra, q is not None)
            np.testing.assert_allclose(got_scores, want_scores, rtol=1e-9, atol=1e-12)
            assert cold == (shopper == "nobody-yet" and not extra)
