"""Which product attributes a reviewer liked or disliked, read from review text.

A sentence's polarity comes from a small sentiment lexicon with negation ("did not
like" is negative); where the lexicon finds nothing the review's star rating decides.
An aspect is any of the reviewed product's own fact values, or a generic aspect
(fit, battery, price...) that real reviews talk about."""

from __future__ import annotations

import polars as pl

POSITIVE = (
    "love", "loved", "loves", "like", "liked", "great", "excellent", "perfect", "perfectly",
    "plus", "glad", "happy", "nice", "good", "comfortable", "recommend", "awesome", "amazing",
    "beautiful", "well made", "sturdy", "soft", "works",
)
NEGATIVE = (
    "letdown", "disappointing", "disappointed", "poor", "bad", "hate", "hated", "terrible",
    "awful", "minus", "broke", "broken", "flimsy", "cheap", "uncomfortable", "returned",
    "overpriced", "waste", "worst", "itchy", "not for me",
)
NEGATIONS = ("not", "never", "no", "don't", "didn't", "doesn't", "isn't", "wasn't", "won't")
GENERIC_ASPECTS = (
    "fit", "size", "sizing", "comfort", "quality", "price", "value", "colour", "color",
    "material", "fabric", "battery", "sound", "smell", "scent", "packaging", "delivery",
    "durability", "texture", "design",
)
MAX_ASPECT_CHARS = 40  # longer fact values are feature bullets, not aspects
MAX_ASPECT_WORDS = 4
_WORD = r"[\w][\w'-]*"


def _words(words: tuple[str, ...]) -> str:
    return r"\b(?:" + "|".join(w.replace(" ", r"\s+") for w in words) + r")\b"


_POS = _words(POSITIVE)
_NEG = _words(NEGATIVE)
_NEGATED_POS = _words(NEGATIONS) + r"(?:\s+\w+){0,2}\s+" + _POS


def review_sentences(reviews: pl.LazyFrame) -> pl.LazyFrame:
    """One row per sentence, lower-cased, with its polarity (+1, -1 or 0)."""
    rating_polarity = (
        pl.when(pl.col("rating") >= 4).then(1).when(pl.col("rating") <= 2).then(-1).otherwise(0)
    )
    return (
        reviews.select("shopper_id", "product_id", "rating", "ts", "text")
        .with_columns(
            sentence=pl.col("text")
            .fill_null("")
            .str.to_lowercase()
            .str.replace_all(r"([.!?;])\s+", "$1\n")
            .str.split("\n")
        )
        .explode("sentence")
        .with_columns(
            # counts are unsigned: cast before subtracting
            pos=pl.col("sentence").str.count_matches(_POS).cast(pl.Int32),
            neg=pl.col("sentence").str.count_matches(_NEG).cast(pl.Int32),
            negated=pl.col("sentence").str.count_matches(_NEGATED_POS).cast(pl.Int32),
        )
        .with_columns(score=pl.col("pos") - 2 * pl.col("negated") - pl.col("neg"))
        .with_columns(
            polarity=pl.when(pl.col("score") > 0).then(1)
            .when(pl.col("score") < 0).then(-1)
            .otherwise(rating_polarity)
        )
        .with_columns(sentence_id=pl.int_range(pl.len(), dtype=pl.UInt32))
        .select("shopper_id", "product_id", "ts", "sentence_id", "sentence", "polarity")
    )


def aspect_candidates(products: pl.LazyFrame) -> pl.LazyFrame:
    """(product_id, aspect): each product's own short fact values plus generic aspects."""
    own = (
        products.select("product_id", "attributes")
        .explode("attributes")
        .select("product_id", aspect=pl.col("attributes").struct.field("value").str.to_lowercase())
        .drop_nulls()
        .filter(
            pl.col("aspect").str.len_chars().is_between(3, MAX_ASPECT_CHARS)
            & (pl.col("aspect").str.count_matches(_WORD) <= MAX_ASPECT_WORDS)
            & ~pl.col("aspect").str.contains(r"^[\d.,\s]+$")
        )
    )
    generic = products.select("product_id").join(
        pl.LazyFrame({"aspect": list(GENERIC_ASPECTS)}), how="cross"
    )
    return pl.concat([own, generic]).unique()


def _ngrams(words: pl.Expr, n: int) -> pl.Expr:
    """All runs of 1..n consecutive words of a list column, space-joined."""
    grams = [words]
    for k in range(1, n):
        shifted = [pl.element().shift(-j) for j in range(k + 1)]
        grams.append(words.list.eval(pl.concat_str(shifted, separator=" ")).list.drop_nulls())
    return pl.concat_list(grams)


def review_aspects(reviews: pl.LazyFrame, products: pl.LazyFrame) -> pl.LazyFrame:
    """(shopper_id, product_id, ts, aspect, polarity) for each aspect a review sentence
    states with a clear polarity. Matching is by whole words: sentence n-grams are
    joined to the product's aspects, so "red" never matches "covered"."""
    candidates = aspect_candidates(products).with_columns(
        aspect=pl.col("aspect").str.extract_all(_WORD).list.join(" ")
    )
    found = (
        review_sentences(reviews)
        .filter(pl.col("polarity") != 0)
        .with_columns(aspect=_ngrams(pl.col("sentence").str.extract_all(_WORD), MAX_ASPECT_WORDS))
        .explode("aspect")
        .join(candidates, on=["product_id", "aspect"])
        .unique(["sentence_id", "aspect"])
    )
    # Keep the longest reading: "relaxed fit" also contains the generic aspect "fit".
    longer = found.select("sentence_id", other="aspect")
    shadowed = (
        found.join(longer, on="sentence_id")
        .filter(
            (pl.col("other") != pl.col("aspect"))
            & pl.col("other").str.contains(pl.col("aspect"), literal=True)
        )
        .select("sentence_id", "aspect")
        .unique()
    )
    return found.join(shadowed, on=["sentence_id", "aspect"], how="anti").select(
        "shopper_id", "product_id", "ts", "aspect", "polarity"
    )
