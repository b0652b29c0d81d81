"""Next-item tasks (hold-outs that leak nothing), scoring, tuning, and the real Amazon
users' data."""

from __future__ import annotations

import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.retrieval import ProductIndex, embed_products
from adcraft.retrieval.config import FusionGrid
from adcraft.retrieval.evaluate import (
    amazon_next_item,
    evaluate_methods,
    hold_out_last_purchase,
    score_rankings,
    standard_methods,
    synthetic_next_item,
    tune_fusion,
)

from .conftest import events


def test_hold_out_drops_the_purchase_session_and_what_follows():
    log = events([
        ("a", "boots", "purchase", 10), ("a", "socks", "view", 2), ("a", "pan", "purchase", 1.9),
        ("a", "serum", "view", 0.5), ("b", "pot", "view", 1),
    ]).with_columns(session_id=pl.Series(["a1", "a2", "a2", "a3", "b1"]))
    history, heldout = hold_out_last_purchase(log)
    assert heldout.rows() == [("a", "pan")]
    # a's history stops at the start of session a2 (its view of socks gave pan away);
    # b bought nothing: all of b's history stays
    assert sorted(history.select("shopper_id", "product_id").rows()) == [
        ("a", "boots"), ("b", "pot")]
    with pytest.raises(DataError, match="no purchases"):
        hold_out_last_purchase(log.filter(pl.col("event_type") != "purchase"))


def test_synthetic_task_targets_are_never_in_the_history(ranking_shop):
    task = synthetic_next_item(ranking_shop)
    last = ranking_shop["events"].filter(pl.col("event_type") == "purchase").group_by(
        "shopper_id").agg(pl.col("ts").max())
    assert task.heldout.height == last.height
    assert task.events.join(last, on="shopper_id").filter(
        pl.col("ts") >= pl.col("ts_right")).is_empty()


def test_scores_match_hand_worked_values():
    recommended = pl.DataFrame({"shopper_id": ["a", "a", "b", "b"],
                                "product_id": ["x", "y", "z", "w"]})
    heldout = pl.DataFrame({"shopper_id": ["a", "b", "c"], "product_id": ["y", "q", "x"]})
    scores = score_rankings(recommended, heldout, k=2)
    assert scores["hr_at_2"] == pytest.approx(1 / 3)  # c got nothing: a miss, not skipped
    assert scores["ndcg_at_2"] == pytest.approx((1 / 1.5849625) / 3, rel=1e-6)


def test_tuning_picks_weights_from_the_grid(ranking_shop, ranking_index):
    task = synthetic_next_item(ranking_shop)
    fused = standard_methods(task, ranking_index)["fused"]
    grid = FusionGrid(content=[1.0], collaborative=[0.0, 1.0], popularity=[0.0, 1.0])
    best, tries = tune_fusion(task, fused, grid)
    assert tries.height == 4
    assert tries["ndcg_at_10"].is_sorted(descending=True)
    assert (best.collaborative, best.popularity) == (tries["collaborative"][0],
                                                     tries["popularity"][0])


def test_amazon_users_content_beats_popularity(shared_data, tmp_path, embedder):
    # the validation file alone (70 real shoppers, 343 products) keeps this fast
    (tmp_path / "validation.jsonl").symlink_to(
        shared_data / "amazon_reviews_2023_users" / "validation.jsonl")
    task = amazon_next_item(tmp_path)
    assert task.products.height == 343 and task.heldout["shopper_id"].n_unique() == 46
    index = ProductIndex.build(embed_products(task.products, embedder))
    methods = standard_methods(task, index)
    table = evaluate_methods(task, {m: methods[m] for m in ("popularity", "content", "fused")})
    score = {r["method"]: r for r in table.iter_rows(named=True)}
    assert score["content"]["hr_at_10"] > 0.5 > score["popularity"]["hr_at_10"] + 0.3
    assert score["fused"]["ndcg_at_10"] > score["popularity"]["ndcg_at_10"] + 0.1


def test_missing_amazon_files_are_named(tmp_path):
    with pytest.raises(DataError, match="no training.jsonl or validation.jsonl"):
        amazon_next_item(tmp_path)
