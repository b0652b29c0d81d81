"""Segment personas: one per segment of the one rule, carrying the likes its shoppers
share, led by its most active shopper; the cold segment knows nothing."""

from __future__ import annotations

from collections import Counter

from adcraft.content.batch import segment_personas
from adcraft.features.profiles import segment_of
from adcraft.shopview import ShopView


def test_personas_follow_the_segment_rule(small_shop):
    built, profiles = small_shop
    shop = ShopView(built.products, profiles)
    personas = segment_personas(shop)
    segments = Counter(segment_of(shop.profile(s)) for s in shop.profiles["shopper_id"])
    assert set(personas) == {s for s in segments if not s.startswith("cold")} | {"cold"}
    assert personas["cold"].cold_start and not personas["cold"].liked_attributes
    for segment, persona in personas.items():
        if segment == "cold":
            continue
        lead = shop.profile(persona.shopper_id)
        assert segment_of(lead) == segment == segment_of(persona)
        members = [shop.profile(s) for s in shop.profiles["shopper_id"]
                   if segment_of(shop.profile(s)) == segment]
        shared = Counter(a for p in members for a in p.liked_attributes)
        assert persona.liked_attributes == [a for a, _ in shared.most_common(5)]
