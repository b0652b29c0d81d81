"""What shoppers like and dislike, per category and per product, for merchants.

Each review is cut into sentences and every sentence goes through the one aspect
reader (`adcraft.features.aspects.review_aspects`) as a review of its own, so each
found aspect keeps the sentence it came from, in its original case, as an example.
A count is the number of sentences that name the aspect with that polarity."""

from __future__ import annotations

import polars as pl

from adcraft.features.aspects import review_aspects, sentence_scores

LIKE, DISLIKE = "like", "dislike"
UNCATEGORISED = "uncategorised"  # a product with no category_path
EXAMPLE_CHARS = 160  # an example longer than this is cut at a word, with "…"
MIN_EXAMPLE_WORDS = 4  # shorter sentences ("Love the color!") only when nothing else says it
TITLE_CHARS = 70  # product titles in the report
# the boundaries `aspects.split_sentences` cuts at, plus the <br /> of Amazon's review HTML
_SENTENCE_END = r"([.!?;])\s+"
_LINE_BREAK = r"(?i)<br\s*/?>"
# one name per aspect: the generic aspects spell some twice
SAME_ASPECT = {"color": "colour", "sizing": "size", "smell": "scent"}
# fact values that are no aspect a shopper could like ("Pattern: none", "Gender: men")
NOT_ASPECTS = frozenset("""
    a an and any all are as at be but by for from has have in is it its no none not of on one
    or other others the this that to too very was were with yes n/a na nil unknown various
    assorted standard regular normal basic new men women man woman unisex boys girls kids
    adult adults pack set item product
""".split()) | {"one size", "not applicable", "see description"}

TABLE_COLUMNS = ["level", "category", "product_id", "title", "reviews", "aspect", "polarity",
                 "sentences", "example"]


def review_sentences_as_written(reviews: pl.DataFrame) -> pl.DataFrame:
    """One row per sentence of each review's text, as the shopper wrote it (whitespace
    collapsed), with a `sentence_key` and the review's product_id, rating and ts."""
    return (
        reviews.select(
            "product_id", "rating", "ts",
            sentence=pl.col("text").fill_null("").str.replace_all(_LINE_BREAK, "\n")
            .str.replace_all(_SENTENCE_END, "$1\n").str.split("\n"))
        .explode("sentence")
        .with_columns(pl.col("sentence").str.replace_all(r"\s+", " ").str.strip_chars())
        .filter(pl.col("sentence") != "")
        .with_row_index("sentence_key")
    )


def aspect_sentences(products: pl.DataFrame, reviews: pl.DataFrame) -> pl.DataFrame:
    """(sentence_key, product_id, aspect, polarity, sentence, rating, ts, score): each aspect a
    review sentence names with a clear polarity (+1/-1), once per sentence, junk and
    second spellings folded (`NOT_ASPECTS`, `SAME_ASPECT`); `score` is the sentence's
    lexicon score (0.0 where the star rating decided its polarity)."""
    sentences = review_sentences_as_written(reviews)
    as_reviews = sentences.select(shopper_id=pl.col("sentence_key").cast(pl.String),
                                  product_id="product_id", rating="rating", ts="ts",
                                  text="sentence")
    found = review_aspects(as_reviews, products).collect()
    scores = sentence_scores(sentences.lazy().select(
        sentence_id="sentence_key", sentence=pl.col("sentence").str.to_lowercase())).collect()
    return (
        found.select(sentence_key=pl.col("shopper_id").cast(pl.UInt32),
                     aspect=pl.col("aspect").replace(SAME_ASPECT), polarity="polarity")
        .filter(~pl.col("aspect").is_in(list(NOT_ASPECTS)))
        .unique(["sentence_key", "aspect", "polarity"])
        .join(sentences.select("sentence_key", "product_id", "sentence", "rating", "ts"),
              on="sentence_key")
        .join(scores.select(sentence_key="sentence_id", score="score"), on="sentence_key")
    )


def product_categories(products: pl.DataFrame) -> pl.DataFrame:
    """(product_id, title, category): the top level of each product's category_path."""
    top = pl.col("category_path").list.first().str.strip_chars()
    return products.select(
        "product_id", "title",
        category=pl.when(top.is_null() | (top == "")).then(pl.lit(UNCATEGORISED)).otherwise(top))


def _trimmed(sentence: pl.Expr) -> pl.Expr:
    cut = sentence.str.slice(0, EXAMPLE_CHARS - 1).str.replace(r"\s+\S*$", "")
    return (pl.when(sentence.str.len_chars() > EXAMPLE_CHARS)
            .then(pl.concat_str([cut.str.strip_chars_end(" ,;:-"), pl.lit("…")]))
            .otherwise(sentence))


def review_insights(products: pl.DataFrame, reviews: pl.DataFrame) -> pl.DataFrame:
    """`TABLE_COLUMNS`: per (category, aspect, polarity) rows of level "category", and per
    (product, aspect, polarity) rows of level "product": `sentences` naming the aspect
    liked ("like") or disliked ("dislike"), one `example` sentence (as written, at most
    EXAMPLE_CHARS), and `reviews`, how many reviews the category or product has.
    Categories are the top level of category_path (null: "uncategorised"). Sorted by
    level, most reviewed first, then by count. Empty where no review names an aspect."""
    categories = product_categories(products)
    review_counts = reviews.select("product_id").join(categories, on="product_id", how="left")
    review_counts = review_counts.with_columns(pl.col("category").fill_null(UNCATEGORISED))
    per_category = review_counts.group_by("category").agg(reviews=pl.len())
    per_product = review_counts.group_by("product_id").agg(reviews=pl.len())

    mentions = aspect_sentences(products, reviews).join(categories, on="product_id",
                                                        how="left")
    # the example: a sentence that fits, says something, in a review whose stars agree
    # (a "disliked" line in a 5-star review is more often a misread negation), and says
    # it most plainly: the most valence per word, lest the longest sentence win
    words = pl.col("sentence").str.count_matches(r"\w+")
    stars = pl.when(pl.col("rating") >= 4).then(1).when(pl.col("rating") <= 2).then(-1)
    mentions = mentions.with_columns(
        _long=pl.col("sentence").str.len_chars() > EXAMPLE_CHARS,
        _short=words < MIN_EXAMPLE_WORDS,
        _disagrees=stars.otherwise(0) == -pl.col("polarity"),
        _strength=pl.col("score") * pl.col("polarity") / words.clip(1).sqrt(),
        polarity=pl.when(pl.col("polarity") > 0).then(pl.lit(LIKE)).otherwise(pl.lit(DISLIKE)),
    ).sort(["_long", "_short", "_disagrees", "_strength", "ts", "sentence_key"],
           descending=[False, False, False, True, True, False], nulls_last=True)

    def counted(keys: list[str]) -> pl.DataFrame:
        return mentions.group_by([*keys, "aspect", "polarity"], maintain_order=True).agg(
            sentences=pl.len(), example=_trimmed(pl.col("sentence").first()))

    by_category = (counted(["category"]).join(per_category, on="category")
                   .with_columns(level=pl.lit("category"), product_id=pl.lit(None, pl.String),
                                 title=pl.lit(None, pl.String)))
    by_product = (counted(["product_id", "category", "title"])
                  .join(per_product, on="product_id").with_columns(level=pl.lit("product")))
    table = pl.concat([by_category.select(TABLE_COLUMNS), by_product.select(TABLE_COLUMNS)])
    return table.with_columns(pl.col("reviews", "sentences").cast(pl.Int64)).sort(
        ["level", "reviews", "category", "product_id", "polarity", "sentences", "aspect"],
        descending=[False, True, False, False, True, True, False], nulls_last=True)


def _reviews(n: int) -> str:
    return f"{n:,} review" + ("" if n == 1 else "s")


def _short_title(title: str | None, product_id: str) -> str:
    if not title:
        return product_id
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1].rstrip(" ,-") + "…"


def _sides(rows: pl.DataFrame, aspects: int, width: int) -> list[str]:
    """The liked, then the disliked aspects of one category or product, `aspects` each."""
    lines = []
    for polarity, label in ((LIKE, "liked"), (DISLIKE, "disliked")):
        side = rows.filter(pl.col("polarity") == polarity).head(aspects)
        if side.is_empty():
            lines.append(f"  {label:<9} (none named)")
        for i, row in enumerate(side.iter_rows(named=True)):
            head = label if i == 0 else ""
            lines.append(f"  {head:<9} {row['aspect']:<{width}} {row['sentences']:>4}  "
                         f"\"{row['example']}\"")
    return lines


def format_insights(table: pl.DataFrame, n_reviews: int, top: int = 5, products: int = 5,
                    aspects: int = 3) -> str:
    """The report a merchant reads: for the `top` most reviewed categories their most
    liked and disliked aspects (`aspects` each, with counts and an example), then the
    same for the `products` most reviewed products."""
    if n_reviews == 0:
        return ("No reviews in this dataset: insights read what shoppers write in reviews, "
                "so there is nothing to report. Ingest a source with reviews (amazon, "
                "amazon-users, synthetic).")
    if table.is_empty():
        return (f"{_reviews(n_reviews)}, but no sentence in them names an aspect (a product "
                "fact such as its material, or fit, size, quality, price...) with a clear "
                "liking or dislike.")
    categories = table.filter(pl.col("level") == "category")
    ranked = (categories.group_by("category", maintain_order=True).agg(pl.col("reviews").first())
              .head(top))
    shown = table.filter(pl.col("level") == "product")
    top_products = (shown.group_by("product_id", maintain_order=True)
                    .agg(pl.col("reviews", "title", "category").first()).head(products))
    width = min(max(table["aspect"].str.len_chars().max(), 6), 24)
    n_categories = categories["category"].n_unique()
    lines = [f"What shoppers like and dislike, read from {_reviews(n_reviews)}: the "
             f"{ranked.height} most reviewed of {n_categories} categories,",
             "each aspect with how many sentences say so and one of them."]
    for category, reviews in ranked.iter_rows():
        lines += ["", f"{category}: {_reviews(reviews)}"]
        lines += _sides(categories.filter(pl.col("category") == category), aspects, width)
    if top_products.height:
        lines += ["", "", f"Most reviewed products (top {top_products.height})"]
    for product_id, reviews, title, category in top_products.iter_rows():
        lines += ["", f"{_short_title(title, product_id)} ({product_id}, {category}): "
                      f"{_reviews(reviews)}"]
        lines += _sides(shown.filter(pl.col("product_id") == product_id), aspects, width)
    return "\n".join(lines)
