"""Each retriever on cases small enough to reason about, then ranking quality on a
synthetic shop: the fused ranker must beat popularity."""

from __future__ import annotations

import polars as pl
import pytest

from adcraft.retrieval import (
    ContentRecall,
    CoOccurrenceRecall,
    FusedRanker,
    PopularityConfig,
    PopularityRecall,
    shopper_history,
)
from adcraft.retrieval.evaluate import evaluate_methods, standard_methods, synthetic_next_item

from .conftest import AS_OF, events


def _ids(frame: pl.DataFrame, shopper: str) -> list[str]:
    return frame.filter(pl.col("shopper_id") == shopper)["product_id"].to_list()


@pytest.fixture
def history():
    # s1..s3 like footwear, s4 cooks; s5 bought boots and nothing else yet
    return shopper_history(events([
        ("s1", "boots", "purchase", 3), ("s1", "socks", "purchase", 3),
        ("s2", "boots", "view", 2), ("s2", "socks", "cart", 2), ("s2", "trail", "view", 9),
        ("s3", "socks", "view", 1), ("s3", "trail", "purchase", 1),
        ("s4", "pan", "purchase", 1), ("s4", "pot", "view", 1),
        ("s5", "boots", "purchase", 1),
    ]), as_of=AS_OF)


def test_content_ranks_products_near_the_history_above_unrelated(catalogue_index, history):
    found = ContentRecall(catalogue_index).recommend(pl.Series(["s5"]), history, 5)
    ranked = _ids(found, "s5")
    assert "boots" not in ranked  # bought already
    assert set(ranked[:2]) == {"socks", "trail"}
    assert ranked.index("socks") < ranked.index("pan")
    assert found["score"].is_sorted(descending=True)


def test_collaborative_recommends_what_similar_shoppers_took(history):
    recall = CoOccurrenceRecall().fit(history)
    ranked = _ids(recall.recommend(pl.Series(["s5"]), history, 3), "s5")
    assert ranked[0] == "socks"  # with boots for s1 and s2
    assert "pan" not in ranked and "pot" not in ranked  # nobody shares them with boots


def test_popularity_by_segment_and_cold_start(catalogue, history):
    recall = PopularityRecall(catalogue, PopularityConfig(min_segment_shoppers=1)).fit(history)
    found = recall.recommend(pl.Series(["s4", "new"]), history, 3)
    assert _ids(found, "s4")[0] == "pot"  # Home shoppers' favourite not yet bought
    assert len(_ids(found, "new")) == 3  # no history: global popularity
    assert _ids(found, "new")[0] == "boots"  # the most (event- and recency-) weighted


def test_exclude_nothing_may_show_a_product_again(catalogue_index, history):
    again = ContentRecall(catalogue_index, exclude="nothing").recommend(
        pl.Series(["s5"]), history, 1)
    assert _ids(again, "s5") == ["boots"]


def test_fused_ranker_fills_cold_start_and_respects_k(catalogue, catalogue_index, history):
    segment = PopularityRecall(catalogue, PopularityConfig(min_segment_shoppers=1))
    fused = FusedRanker(ContentRecall(catalogue_index), CoOccurrenceRecall(), segment)
    found = fused.fit(history).recommend(pl.Series(["s5", "new"]), history, 4)
    assert found.group_by("shopper_id").len().sort("shopper_id")["len"].to_list() == [4, 4]
    assert "boots" not in _ids(found, "s5")
    assert _ids(found, "s5")[0] == "socks"  # content and collaborative agree


def test_fused_ranker_beats_popularity_on_the_synthetic_shop(ranking_shop, ranking_index):
    task = synthetic_next_item(ranking_shop)
    table = evaluate_methods(task, standard_methods(task, ranking_index), k=10)
    score = {r["method"]: r for r in table.iter_rows(named=True)}
    assert score["fused"]["shoppers"] > 400
    assert score["fused"]["hr_at_10"] > score["popularity"]["hr_at_10"] + 0.03
    assert score["fused"]["ndcg_at_10"] > score["popularity"]["ndcg_at_10"] + 0.02
    # content alone is weak here (tastes are categories, brands, prices), yet above chance
    assert score["content"]["hr_at_10"] > 3 * 10 / ranking_shop["products"].height
