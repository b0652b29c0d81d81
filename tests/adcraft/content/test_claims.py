"""Claims: catalogue terms found in copy, whole words in spaced scripts, anywhere in
scripts that write no spaces (Chinese, Japanese)."""

from __future__ import annotations

import polars as pl

from adcraft.content.claims import FactVocabulary
from adcraft.data.schemas import conform


def _vocabulary(rows: list[tuple[str, list[tuple[str, str]]]]) -> FactVocabulary:
    return FactVocabulary.from_products(conform(pl.DataFrame([
        {"product_id": pid, "attributes": [{"name": n, "value": v} for n, v in facts]}
        for pid, facts in rows]), "products"))


def test_whole_words_in_spaced_scripts():
    vocabulary = _vocabulary([("a", [("colour", "red"), ("feature", "waterproof")])])
    assert vocabulary.find("A red, waterproof coat.") == {"red", "waterproof"}
    assert vocabulary.find("Reduced to clear; not quite waterproofed.") == set()


def test_chinese_terms_are_found_without_spaces():
    vocabulary = _vocabulary([
        ("denim", [("类型", "上衣"), ("材质", "牛仔布"), ("颜色", "白色")]),
        ("dress", [("类型", "裙"), ("颜色", "黑色"), ("材质", "针织")]),
    ])
    # two-character terms count (白色, 黑色); one character (裙) is too short to be a claim
    assert vocabulary.product_facts["dress"] == {"黑色", "针织"}
    copy = "简约的牛仔布外套，白色的衣身十分百搭。"
    claims = vocabulary.claims(copy, "denim")
    assert claims.terms == {"牛仔布", "白色"} and not claims.unsupported
    # the same sentence for the dress claims what the dress does not hold
    assert vocabulary.claims(copy, "dress").unsupported == {"牛仔布", "白色"}
    assert vocabulary.find("Black dress, 黑色连衣裙") == {"黑色"}
