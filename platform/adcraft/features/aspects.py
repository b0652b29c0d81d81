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


def _ngrams(sentences: pl.DataFrame, n: int, first_words: pl.DataFrame | None = None
            ) -> pl.DataFrame:
    """(sentence_id, aspect): every run of 1..n consecutive words of each sentence,
    space-joined. The words are exploded to one row each (in sentence order); the run
    of k + 1 words at a row is the word and the next k rows' words, where the word k
    rows on still belongs to the same sentence. With `first_words` (a `word` column),
    only the runs that start with one of them."""
    ahead = (
        sentences.lazy()
        .select("sentence_id", word=pl.col("sentence").str.extract_all(_WORD))
        .explode("word")
        .drop_nulls("word")
        .with_columns(
            *[pl.col("word").shift(-k).alias(f"word{k}") for k in range(1, n)],
            *[(pl.col("sentence_id").shift(-k) == pl.col("sentence_id")).alias(f"same{k}")
              for k in range(1, n)],
        )
    )
    if first_words is not None:  # after the shifts: row order no longer matters
        ahead = ahead.join(first_words.lazy(), on="word", how="semi")
    ahead = ahead.collect()
    runs = [ahead.lazy().select("sentence_id", aspect="word")]
    for k in range(1, n):
        run = pl.concat_str(["word", *[f"word{j}" for j in range(1, k + 1)]], separator=" ")
        runs.append(ahead.lazy().filter(pl.col(f"same{k}")).select("sentence_id", aspect=run))
    return pl.concat(runs).collect()


def _inside(part: str, whole: str) -> pl.Expr:
    """`part` is a run of whole words of `whole` (both space-joined words)."""
    padded = pl.concat_str([pl.lit(" "), pl.col(whole), pl.lit(" ")])
    return padded.str.contains(pl.concat_str([pl.lit(" "), pl.col(part), pl.lit(" ")]),
                               literal=True)


def review_aspects(
    reviews: pl.DataFrame | pl.LazyFrame, products: pl.DataFrame | pl.LazyFrame
) -> pl.LazyFrame:
    """(shopper_id, product_id, ts, aspect, polarity) for each aspect a review sentence
    states with a clear polarity. Matching is by whole words: sentence n-grams are
    joined to the product's aspects, so "red" never matches "covered".

    Computed here, in eager steps (each step's result is read more than once, which one
    lazy plan would recompute); returned lazy, for the caller to collect or join on."""
    candidates = (
        aspect_candidates(products.lazy())
        .with_columns(aspect=pl.col("aspect").str.extract_all(_WORD).list.join(" "))
        .collect()
    )
    first_words = candidates.select(word=pl.col("aspect").str.extract(r"^(\S+)")).unique()
    sentences = review_sentences(reviews.lazy()).filter(pl.col("polarity") != 0).collect()
    found = (
        _ngrams(sentences, MAX_ASPECT_WORDS, first_words).lazy()
        .join(sentences.lazy().select("sentence_id", "shopper_id", "product_id", "ts",
                                      "polarity"), on="sentence_id")
        .join(candidates.lazy(), on=["product_id", "aspect"])
        .unique(["sentence_id", "aspect"])
        .collect()
    )
    # Keep the longest reading: "relaxed fit" also contains the generic aspect "fit"
    # (as whole words: "red" is not inside "covered").
    pairs = found.lazy().select("sentence_id", "aspect")
    shadowed = (
        pairs.join(pairs.rename({"aspect": "other"}), on="sentence_id")
        .filter((pl.col("other") != pl.col("aspect")) & _inside("aspect", "other"))
        .select("sentence_id", "aspect")
        .unique()
    )
    return found.lazy().join(shadowed, on=["sentence_id", "aspect"], how="anti").select(
        "shopper_id", "product_id", "ts", "aspect", "polarity"
    )
