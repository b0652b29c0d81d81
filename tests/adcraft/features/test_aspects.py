from __future__ import annotations

import polars as pl

from adcraft.features.aspects import review_aspects, review_sentences


def _aspects(reviews, products) -> set[tuple[str, str, int]]:
    out = review_aspects(reviews.lazy(), products.lazy()).collect()
    return set(out.select("shopper_id", "aspect", "polarity").iter_rows())


def test_polarity_negation_and_rating_fallback(reviews):
    sentences = review_sentences(reviews.lazy()).collect()
    by_text = dict(zip(sentences["sentence"], sentences["polarity"]))
    assert by_text["waterproof and i love the red."] == 1
    assert by_text["i did not like the cast iron, far too heavy."] == -1
    assert by_text["the fit of the lid is poor."] == -1
    # no sentiment word: the 5-star rating decides
    assert by_text["covered in compliments."] == 1


def test_aspects_are_the_products_own_facts_and_generic_ones(reviews, products):
    found = _aspects(reviews, products)
    assert found == {
        ("a", "waterproof", 1),
        ("a", "red", 1),
        ("a", "cast iron", -1),
        ("b", "non-stick", 1),
        ("b", "fit", -1),
    }


def test_whole_words_only_and_longest_reading(products):
    reviews = pl.DataFrame({
        "shopper_id": ["c", "c"], "product_id": ["jacket", "parka"], "rating": [1.0, 5.0],
        "title": ["", ""], "text": ["Covered in mud, it bored me.", "Merino wool: love it."],
        "ts": [None, None],
    }).cast({"ts": pl.Datetime("us", "UTC")})
    # "red" hides in "covered" and "bored": not an aspect; "merino wool" wins over "wool"
    assert _aspects(reviews, products) == {("c", "merino wool", 1)}


def test_polarity_reads_a_real_lexicon_negation_and_but():
    from adcraft.features.aspects import sentence_scores, sentiment_lexicon

    assert sentiment_lexicon().filter(pl.col("word") == "superb")["valence"][0] > 2
    texts = ["superb stitching", "it wasn’t worth it", "cute but over-priced",
             "not bad at all", "the zip is flimsy", "arrived on tuesday"]
    scored = sentence_scores(pl.LazyFrame({"sentence_id": range(len(texts)),
                                           "sentence": texts})).collect()
    score = dict(zip(scored["sentence"], scored["score"]))
    assert score["superb stitching"] > 0 and score["it wasn’t worth it"] < 0
    assert score["cute but over-priced"] < 0  # what follows "but" weighs more
    assert score["not bad at all"] > 0 and score["the zip is flimsy"] < 0
    assert score["arrived on tuesday"] == 0.0
