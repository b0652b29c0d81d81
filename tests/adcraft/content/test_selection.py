"""Which generated candidates a shopper may see: no repeats, personal ones first."""

from __future__ import annotations

from adcraft.content.request import CopyRequest
from adcraft.content.selection import names_a_like, pick, similarity, word_pairs
from adcraft.settings import CopySelection


def test_repeats_are_one_variant():
    texts = ["Northpeak jacket, waterproof and warm.", "Northpeak jacket, waterproof and warm.",
             "Northpeak jacket: waterproof and warm!", "Stay dry on every hike this winter."]
    # exact and punctuation-only repeats go; different copy stays
    assert pick(texts, [False] * 4, 4) == [0, 3]
    assert similarity(word_pairs(texts[0]), word_pairs(texts[2])) == 1.0
    assert similarity(word_pairs(texts[0]), word_pairs(texts[3])) == 0.0
    # a looser rule keeps near repeats that a stricter one drops
    near = ["Meet the Northpeak jacket for 49.99.",
            "Meet the Northpeak jacket for 49.99, yours today."]  # 6 of 8 pairs shared
    assert pick(near, [False, False], 4) == [0, 1]
    assert pick(near, [False, False], 4, CopySelection(max_similarity=0.5)) == [0]


def test_personal_candidates_first_and_at_most_k():
    texts = ["A jacket for any day.", "Waterproof, as you like it.", "Hooded and light.",
             "Stays waterproof all winter.", "Yours for 49.99."]
    personal = [False, True, False, True, False]
    assert pick(texts, personal, 4) == [1, 3]  # only the personal ones, when there are some
    assert pick(texts, personal, 1) == [1]
    assert pick(texts, personal, 4, CopySelection(personal_first=False)) == [0, 1, 2, 3]
    assert pick(texts, [False] * 5, 2) == [0, 1]  # none personal: the generator's order
    assert pick([], [], 3) == []


def test_names_a_like_only_for_likes_the_product_holds(jacket, likes_waterproof):
    request = CopyRequest(profile=likes_waterproof, product=jacket)
    assert names_a_like(request, "Waterproof merino for wet days.")
    # the shopper likes "insulated" too, but this jacket is not: saying so is no like of it
    assert not names_a_like(request, "Insulated and hooded.")


def test_candidates_per_variant():
    assert CopySelection().candidates(4) == 8
    assert CopySelection(candidates_per_variant=1.5).candidates(3) == 5
    assert CopySelection(candidates_per_variant=1).candidates(2) == 2
