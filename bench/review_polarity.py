"""Review polarity against star ratings, on real reviews (Amazon Reviews 2023, the
shoppers of `../shared/data/amazon_reviews_2023_users`, training and validation):

  R1  each review's polarity from its title and text alone (no star rating), by the
      lexicon adcraft reads reviews with (`adcraft.features.aspects`: VADER's lexicon
      as a table, plus shop words, negation as VADER turns it) and, beside it, by the
      44-word lexicon it used before; against the stars (4-5 positive, 1-2 negative,
      3 neutral): agreement on the reviews with a clear rating, the share each lexicon
      reads no polarity in, and the confusion table (goal: higher agreement than the
      old lexicon's)

    python -m bench.review_polarity
    python -m bench.review_polarity --data ../shared/data/amazon_reviews_2023_users
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from adcraft.data.amazon import load_amazon_users
from adcraft.features.aspects import sentence_scores, split_sentences

# The lexicon of `adcraft.features.aspects` until 2026-12 (its synthetic reviews' words):
# positive and negative words counted, "not" within two words turning a positive one.
OLD_POSITIVE = (
    "love", "loved", "loves", "like", "liked", "great", "excellent", "perfect", "perfectly",
    "plus", "glad", "happy", "nice", "good", "comfortable", "recommend", "awesome", "amazing",
    "beautiful", "well made", "sturdy", "soft", "works",
)
OLD_NEGATIVE = (
    "letdown", "disappointing", "disappointed", "poor", "bad", "hate", "hated", "terrible",
    "awful", "minus", "broke", "broken", "flimsy", "cheap", "uncomfortable", "returned",
    "overpriced", "waste", "worst", "itchy", "not for me",
)
OLD_NEGATIONS = ("not", "never", "no", "don't", "didn't", "doesn't", "isn't", "wasn't", "won't")


def _words(words: tuple[str, ...]) -> str:
    return r"\b(?:" + "|".join(w.replace(" ", r"\s+") for w in words) + r")\b"


def old_scores(sentences: pl.LazyFrame) -> pl.LazyFrame:
    pos, neg = _words(OLD_POSITIVE), _words(OLD_NEGATIVE)
    negated = _words(OLD_NEGATIONS) + r"(?:\s+\w+){0,2}\s+" + pos
    count = pl.col("sentence").str.count_matches
    return sentences.with_columns(score=(count(pos).cast(pl.Int32) - 2 * count(negated).cast(
        pl.Int32) - count(neg).cast(pl.Int32)).cast(pl.Float64))


def reviews_of(folder: Path) -> pl.DataFrame:
    parts = [load_amazon_users(folder / name)["reviews"] for name in
             ("training.jsonl", "validation.jsonl") if (folder / name).is_file()]
    if not parts:
        raise SystemExit(f"no training.jsonl or validation.jsonl under {folder}")
    reviews = pl.concat(parts).with_row_index("review")
    return reviews.with_columns(text=pl.concat_str([pl.col("title").fill_null(""),
                                                    pl.col("text").fill_null("")],
                                                   separator=". "))


def polarity(reviews: pl.DataFrame, scorer) -> pl.DataFrame:
    """(review, predicted -1/0/+1): the sign of the sum of its sentences' scores."""
    sentences = split_sentences(reviews.lazy().select("review", "text"))
    return (scorer(sentences).group_by("review").agg(pl.col("score").sum())
            .select("review", predicted=pl.col("score").sign().cast(pl.Int8)).collect())


def report(name: str, reviews: pl.DataFrame, predicted: pl.DataFrame) -> float:
    stars = pl.when(pl.col("rating") >= 4).then(1).when(pl.col("rating") <= 2).then(-1) \
        .otherwise(0).cast(pl.Int8)
    joined = reviews.select("review", stars=stars).join(predicted, on="review")
    clear = joined.filter(pl.col("stars") != 0)
    agreement = (clear["stars"] == clear["predicted"]).mean()
    silent = (joined["predicted"] == 0).mean()
    recall = {side: (part["predicted"] == side).mean() for side in (-1, 1)
              for part in [clear.filter(pl.col("stars") == side)]}
    print(f"   {name:<34} agreement {agreement:.3f} on {clear.height:,} reviews with a clear "
          f"rating (negative ones read negative {recall[-1]:.3f}, positive positive "
          f"{recall[1]:.3f}, balanced {(recall[-1] + recall[1]) / 2:.3f}); reads no "
          f"polarity in {silent:.1%} of all {joined.height:,}")
    table = joined.group_by("stars", "predicted").len().pivot(
        "predicted", index="stars", values="len").fill_null(0).sort("stars")
    order = [c for c in ("-1", "0", "1") if c in table.columns]
    lines = str(table.select("stars", *order)).splitlines()
    print("      rows: stars (-1 1-2, 0 3, 1 4-5); columns: predicted")
    for line in lines:
        print("      " + line)
    return agreement


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path,
                   default=Path("../shared/data/amazon_reviews_2023_users"),
                   help="a folder of Amazon Reviews 2023 per-shopper JSONL files")
    args = p.parse_args(argv)
    if not args.data.is_dir():
        raise SystemExit(f"{args.data} not found: this bench needs ../shared/data")
    reviews = reviews_of(args.data)
    print(f"R1 review polarity from the text alone vs star ratings, {reviews.height:,} real "
          f"Amazon reviews ({args.data})")
    clear = reviews.filter((pl.col("rating") >= 4) | (pl.col("rating") <= 2))
    print(f"   (saying 'positive' of every review agrees on "
          f"{(clear['rating'] >= 4).mean():.3f}: read the balanced figure too)")
    new = report("VADER lexicon + shop words", reviews, polarity(reviews, sentence_scores))
    old = report("the old 44-word lexicon", reviews, polarity(reviews, old_scores))
    print(f"   agreement {new:.3f} vs {old:.3f} ({'higher' if new > old else 'NOT higher'}, "
          "goal: higher)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
