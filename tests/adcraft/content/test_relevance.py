from __future__ import annotations

import pytest

from adcraft.content.relevance import OnTask, product_words


@pytest.mark.parametrize("copy", [
    "Waterproof merino wool, ready for the trail.",  # facts
    "The Northpeak jacket keeps you dry.",  # brand and a title word
    "Meet the new outdoor jacket.",  # category words
])
def test_copy_about_the_product_passes(copy, jacket):
    assert OnTask().check(copy, jacket) == []


@pytest.mark.parametrize("copy", [
    "I'm happy to help you craft your ad! What type of product is it?",
    "Sure! Here is a jacket ad: waterproof and warm.",
    "Here's your copy: Northpeak, made for rain.",
    "Northpeak rain gear for [Customer Name].",
    "Great things are coming. Don't miss out!",  # names nothing of the product
])
def test_chatter_and_generic_copy_are_blocked(copy, jacket):
    findings = OnTask().check(copy, jacket)
    assert findings and all(f.severity == "block" for f in findings)


def test_product_words_leave_out_short_and_common_words(jacket):
    words = product_words(jacket)
    assert {"northpeak", "jacket", "waterproof", "merino wool", "outdoor"} <= words
    assert "with" not in words and "red" in words  # a fact, however short
