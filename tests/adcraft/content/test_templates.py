from __future__ import annotations

import pytest

from adcraft.content.gate import CopyGate
from adcraft.content.request import CopyKind, CopyRequest, ProductFacts
from adcraft.content.templates import template_variants
from adcraft.features.profiles import ShopperProfile


@pytest.mark.parametrize("kind", list(CopyKind))
@pytest.mark.parametrize("likes", [["waterproof"], []])
def test_every_template_passes_the_gate(kind, likes, jacket, vocabulary):
    request = CopyRequest(profile=ShopperProfile(shopper_id="S", liked_attributes=likes),
                          product=jacket, kind=kind, n_variants=8)
    variants = template_variants(request)
    assert variants and len(set(variants)) == len(variants)
    for text in variants:
        assert len(text) <= request.limit
        verdict = CopyGate.for_request(request, vocabulary).judge(text, jacket, request.profile)
        assert verdict.ok and not verdict.findings, (text, verdict.findings_json())


def test_personal_templates_come_first_and_never_invent_a_like(jacket, headphones):
    likes = ShopperProfile(shopper_id="S", liked_attributes=["waterproof"])
    first = template_variants(CopyRequest(profile=likes, product=jacket), 1)[0]
    assert "waterproof" in first.lower()
    # headphones are not waterproof: no template says they are
    assert not any("waterproof" in t.lower() for t in template_variants(
        CopyRequest(profile=likes, product=headphones, n_variants=8)))


def test_a_long_title_gives_way_to_a_short_name(jacket):
    long = jacket.model_copy(update={"title": "Northpeak " + "Extra " * 20 + "Jacket"})
    request = CopyRequest(profile=ShopperProfile(shopper_id="S"), product=long,
                          kind=CopyKind.email_subject, n_variants=4)
    assert all(len(t) <= 60 for t in template_variants(request))


def test_every_product_of_a_shop_gets_template_copy_that_passes_the_gate(small_shop):
    shop, _ = small_shop
    for row in shop.products.head(60).iter_rows(named=True):
        product = ProductFacts.from_row(row)
        for kind in CopyKind:
            request = CopyRequest(profile=ShopperProfile.cold("S"), product=product, kind=kind)
            texts = template_variants(request)
            gate = CopyGate.for_request(request)
            assert texts and all(gate.judge(t, product).ok for t in texts), (kind, texts)
