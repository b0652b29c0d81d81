"""Best-of-n and copy evaluation against the synthetic shop's true click model."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import polars as pl
import pytest

from adcraft.content.bestofn import (
    ShopContext,
    best_of_n,
    held_out,
    history_by_product,
    human_examples,
    make_requests,
)
from adcraft.content.evaluation import evaluate_copy
from adcraft.content.prompts import liked_in_product
from adcraft.data.advertisegen import load_advertisegen
from adcraft.settings import get_settings

GARBAGE = "I'm happy to help you craft your ad! What is the product?"


@pytest.fixture(scope="module")
def ctx(small_shop):
    shop, profiles = small_shop
    return ShopContext(shop.products, profiles, shoppers=shop.shoppers,
                       click_model=shop.click_model)


@pytest.fixture(scope="module")
def requests(ctx):
    return make_requests(ctx, ctx.profiles["shopper_id"].to_list(),
                         ctx.products["product_id"].to_list(), 6, seed=1, personal_share=1.0)


def _personal(request) -> str:
    like = liked_in_product(request.profile, request.product)[0]
    return f"{like.capitalize()}: {request.product.title}."


def test_requests_hold_a_like_when_asked_and_splits_are_stable(requests):
    assert len(requests) == 6
    assert all(liked_in_product(r.profile, r.product) for r in requests)
    assert held_out("S0001", 0.2) == held_out("S0001", 0.2)
    assert 0.1 < sum(held_out(f"S{i}", 0.2) for i in range(1000)) / 1000 < 0.3


def test_best_of_n_keeps_the_best_copy_that_passes(ctx, requests):
    generated = [[GARBAGE, _personal(r), f"{r.product.title}, only €1.00!"] for r in requests]
    result = best_of_n(ctx, requests, generated, templates=False)
    table = result.candidates
    assert table.filter(pl.col("text") == GARBAGE)["kept"].to_list() == [False] * 6
    chosen = table.filter("chosen").sort("request")
    assert chosen.height == 6 == len(result.examples)
    assert chosen["score"].to_list() == table.filter("kept").group_by("request").agg(
        pl.col("score").max()).sort("request")["score"].to_list()
    assert chosen["personal"].all()  # the true click model rewards a true, valued claim
    assert result.examples[0]["messages"][1]["role"] == "user"
    assert result.summary()["chosen_from_generator"] == 6


def test_templates_stand_in_when_nothing_generated_passes(ctx, requests):
    result = best_of_n(ctx, requests, [[GARBAGE]] * len(requests))
    assert result.summary()["chosen_from_template"] == len(requests)
    assert result.summary()["generator_kept_rate"] == 0


def test_history_takes_each_products_best_copy_by_click_rate():
    copy = pl.DataFrame({"variant_id": ["a", "b", "c"], "product_id": ["P1", "P1", "P2"],
                         "text": ["meh", "great", "only"], "ctr": [None, None, 0.3]})
    shown = pl.DataFrame({"copy_variant_id": ["a"] * 30 + ["b"] * 30,
                          "clicked": [True] * 3 + [False] * 27 + [True] * 9 + [False] * 21,
                          "ts": [datetime(2026, 1, 1, tzinfo=UTC)] * 60})
    assert history_by_product(copy, shown) == {"P1": ["great"], "P2": ["only"]}
    assert history_by_product(copy, shown, min_impressions=31) == {"P2": ["only"]}


def test_evaluation_scores_what_shoppers_would_see(ctx, requests):
    requests = [r.model_copy(update={"n_variants": 2}) for r in requests]
    good, _ = evaluate_copy(ctx, requests, [
        [_personal(r), _personal(r), f"Now yours from {r.product.brand}, picked for you."]
        for r in requests])
    bad, shown = evaluate_copy(ctx, requests, [[GARBAGE, GARBAGE]] * len(requests))
    assert good["kept_rate"] == 1 and good["degraded_rate"] == 0
    assert good["grounding_rate"] == 1
    # the repeat is shown once; the personal copy goes first, the plain one is left out
    assert good["shown_variants"] == 1 and good["personalisation_rate"] == 1
    assert good["raw_personalisation_rate"] == pytest.approx(2 / 3)
    assert math.isnan(good["distinct_2"])  # one variant shown: nothing to compare
    assert bad["kept_rate"] == 0 and bad["degraded_rate"] == 1
    assert bad["grounding_rate"] == 1  # the template fallback is true by construction
    assert all(s["degraded"] and len(s["copy"]) == 1 for s in shown)
    assert good["predicted_ctr"] > 0
    # the generator's own copy is what predicted_ctr weighs: dropped variants earn nothing
    assert bad["predicted_ctr"] == 0 and math.isnan(bad["kept_predicted_ctr"])
    assert bad["shown_predicted_ctr"] > 0  # the template fallback is still worth a click
    # two slots asked for, one filled: the empty slot earns nothing
    assert good["predicted_ctr"] == pytest.approx(good["kept_predicted_ctr"] / 2)


def test_evaluation_distinct_2_over_the_variants_shown(ctx, requests):
    requests = [r.model_copy(update={"n_variants": 2}) for r in requests]
    scores, shown = evaluate_copy(ctx, requests, [
        [_personal(r), f"{_personal(r)} Yours today, from {r.product.title}."]
        for r in requests])
    assert scores["shown_variants"] == 2 and all(len(s["copy"]) == 2 for s in shown)
    assert 0 < scores["distinct_2"] < 1


def test_human_copy_in_the_advertisegen_layout_becomes_examples(tmp_path):
    path = tmp_path / "adgen.json"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in [
        {"content": "类型#上衣*材质#牛仔布*颜色#白色",
         "summary": "白色的牛仔布上衣，十分百搭。"},
        # claims a colour (白色, white) that only the other product holds: dropped
        {"content": "类型#裙*材质#针织*颜色#黑色", "summary": "针织连衣裙，白色显瘦。"},
    ]) + "\n", encoding="utf-8")
    examples = human_examples(load_advertisegen(path))
    assert [e["completion"] for e in examples] == ["白色的牛仔布上衣，十分百搭。"]
    assert examples[0]["source"] == "human"
    assert "Simplified Chinese" in examples[0]["messages"][1]["content"]  # zh-CN prompt


def test_real_advertisegen_copy_passes_the_gate_where_it_holds_to_its_attributes():
    path = get_settings().shared_data_dir / "advertisegen" / "dev.json"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared/data holds the real AdvertiseGen sample)")
    tables = load_advertisegen(path)
    head = {k: t.head(200) for k, t in tables.items()}
    kept = human_examples(head)
    # By reading (bench/data/copy_gate/mixed.jsonl), most AdvertiseGen summaries claim
    # more than their attributes hold (comfort, fit, occasions, body effects): the gate
    # keeps the sentences that do not, and drops the rest.
    assert 5 <= len(kept) <= 60
    assert all(len(e["completion"]) < 200 for e in kept)
