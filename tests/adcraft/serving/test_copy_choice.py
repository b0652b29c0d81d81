"""What a shopper is shown for an item: the guardrails, then the selection, then the
bandit's pick; template copy when nothing generated can be shown."""

from __future__ import annotations

from adcraft.content.request import CopyRequest
from adcraft.serving.copy_choice import REJECTED, UNAVAILABLE, choose_copy
from adcraft.settings import CopySelection

FIRST = lambda ids: (0, 1.0)  # noqa: E731 - the bandit's place: always the first variant


def test_personal_variants_first_repeats_once_at_most_k(vocabulary, jacket, likes_waterproof):
    request = CopyRequest(profile=likes_waterproof, product=jacket, n_variants=2)
    generated = ["Northpeak merino wool jacket, made for you.",
                 "Waterproof Northpeak merino wool, just for you.",
                 "Waterproof Northpeak merino wool, just for you.",
                 "Meet a waterproof, hooded Northpeak jacket.",
                 "Waterproof and hooded, from Northpeak, for rainy walks."]
    chosen, shown = choose_copy(request, generated, vocabulary, FIRST)
    assert [c.text for c in shown] == [generated[1], generated[3]]
    assert chosen == shown[0] and not chosen.degraded and chosen.source == "generator"
    assert "waterproof" in chosen.facts
    _, plain = choose_copy(request, generated, vocabulary, FIRST,
                           CopySelection(personal_first=False))
    assert [c.text for c in plain] == generated[:2]


def test_template_copy_when_nothing_generated_can_be_shown(vocabulary, jacket,
                                                          likes_waterproof):
    request = CopyRequest(profile=likes_waterproof, product=jacket, n_variants=2)
    chosen, _ = choose_copy(request, ["The best jacket in the world, guaranteed."],
                            vocabulary, FIRST)
    assert chosen.source == "template" and chosen.fallback == REJECTED
    assert not chosen.degraded
    failed, _ = choose_copy(request, None, vocabulary, FIRST)
    assert failed.source == "template" and failed.fallback == UNAVAILABLE and failed.degraded
