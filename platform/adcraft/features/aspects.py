"""Which product attributes a reviewer liked or disliked, read from review text.

A sentence's polarity is the sum of its words' valence in VADER's sentiment lexicon
(7,500 words rated by people, -4 to +4; the vaderSentiment wheel's data file, read as a
table) plus a few words shops' reviews complain or praise with that it lacks
("flimsy", "returned"), a word after a negation counting against ("did not like" is
negative, VADER's rule); where no word carries valence the review's star rating
decides. An aspect is any of the reviewed product's own fact values, or a generic
aspect (fit, battery, price...) that real reviews talk about."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

# what shops' reviews say that VADER's lexicon does not rate
SHOP_WORDS = {"plus": 1.5, "sturdy": 1.8, "soft": 1.0, "works": 1.0, "letdown": -2.0,
              "minus": -1.5, "flimsy": -2.0, "cheap": -1.0, "returned": -1.5,
              "returning": -1.5, "overpriced": -2.0, "over-priced": -2.0, "refund": -1.5,
              "defective": -2.5, "cheaply": -1.5, "breaks": -1.5, "unusable": -2.5,
              "junk": -2.5}
NEGATIONS = ("not", "never", "no", "don't", "didn't", "doesn't", "isn't", "wasn't", "won't",
             "nor", "without", "cannot", "can't", "couldn't", "wouldn't", "aren't", "hardly")
NEGATION_REACH = 3  # words after a negation that it turns (VADER's window)
NEGATED_WEIGHT = -0.74  # VADER's: "not good" is less bad than "bad" is
BUT_WEIGHTS = (0.5, 1.5)  # VADER's: "cute but over-priced" means the part after "but"
GENERIC_ASPECTS = (
    "fit", "size", "sizing", "comfort", "quality", "price", "value", "colour", "color",
    "material", "fabric", "battery", "sound", "smell", "scent", "packaging", "delivery",
    "durability", "texture", "design",
)
MAX_ASPECT_CHARS = 40  # longer fact values are feature bullets, not aspects
MAX_ASPECT_WORDS = 4
_WORD = r"[\w][\w'-]*"


@cache
def sentiment_lexicon() -> pl.DataFrame:
    """(word, valence): VADER's lexicon with `SHOP_WORDS`, one row per word."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    vader = pl.read_csv(path, separator="\t", has_header=False, quote_char=None,
                        new_columns=["word", "valence", "sd", "ratings"],
                        schema_overrides={"word": pl.String, "valence": pl.Float64})
    shop = pl.DataFrame({"word": list(SHOP_WORDS), "valence": list(SHOP_WORDS.values())})
    return pl.concat([vader.select("word", "valence"), shop]).unique("word", keep="last")


def sentence_scores(sentences: pl.LazyFrame) -> pl.LazyFrame:
    """`sentences` (`sentence_id`, lower-cased `sentence`) with `score`: the sum of its
    words' valence, each of the NEGATION_REACH words after a negation weighted
    NEGATED_WEIGHT, and in a sentence with "but" the words before it BUT_WEIGHTS[0] and
    after it BUT_WEIGHTS[1]; 0.0 where no word has a valence."""
    words = (
        sentences.select("sentence_id", word=pl.col("sentence").str.replace_all("’", "'")
                         .str.extract_all(_WORD))
        .explode("word")
        .drop_nulls("word")
        .with_columns(neg=pl.col("word").is_in(NEGATIONS) | pl.col("word").str.ends_with("n't"),
                      but=(pl.col("word") == "but").cast(pl.Int32))
        .with_columns(
            negated=pl.any_horizontal(
                [pl.col("neg").shift(k).over("sentence_id").fill_null(False)
                 for k in range(1, NEGATION_REACH + 1)]),
            after_but=pl.col("but").cum_sum().over("sentence_id") > 0,
            has_but=pl.col("but").sum().over("sentence_id") > 0)
    )
    before, after = BUT_WEIGHTS
    weight = (pl.when(pl.col("negated")).then(NEGATED_WEIGHT).otherwise(1.0)
              * pl.when(pl.col("after_but")).then(after)
              .when(pl.col("has_but")).then(before).otherwise(1.0))
    scored = (
        words.join(sentiment_lexicon().lazy(), on="word")
        .group_by("sentence_id")
        .agg(score=(pl.col("valence") * weight).sum())
    )
    return sentences.join(scored, on="sentence_id", how="left").with_columns(
        pl.col("score").fill_null(0.0))


def split_sentences(reviews: pl.LazyFrame) -> pl.LazyFrame:
    """One row per lower-cased sentence of each review's `text`, with a `sentence_id`."""
    return (
        reviews.with_columns(
            sentence=pl.col("text")
            .fill_null("")
            .str.to_lowercase()
            .str.replace_all(r"([.!?;])\s+", "$1\n")
            .str.split("\n")
        )
        .explode("sentence")
        .with_columns(sentence_id=pl.int_range(pl.len(), dtype=pl.UInt32))
    )


def review_sentences(reviews: pl.LazyFrame) -> pl.LazyFrame:
    """One row per sentence, lower-cased, with its polarity (+1, -1 or 0)."""
    rating_polarity = (
        pl.when(pl.col("rating") >= 4).then(1).when(pl.col("rating") <= 2).then(-1).otherwise(0)
    )
    sentences = split_sentences(
        reviews.select("shopper_id", "product_id", "rating", "ts", "text"))
    return (
        sentence_scores(sentences)
        .with_columns(
            polarity=pl.when(pl.col("score") > 0).then(1)
            .when(pl.col("score") < 0).then(-1)
            .otherwise(rating_polarity)
        )
        .sort("sentence_id")
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
