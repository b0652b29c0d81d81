"""The shopper profiles and item features of `adcraft.features` written again in plain,
idiomatic pandas: vectorised groupby / merge / sort, no hand tuning. It exists only so
the benchmark can compare the polars build with what a competent pandas user would
write; the library itself never imports pandas.

Same definitions as the polars code (the constants are imported from it). Where polars
returns a list of {name, weight} structs, this returns two list columns (`<x>_name`,
`<x>_weight`); the price band struct is flattened into `price_*` columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from adcraft.features.aspects import (
    _WORD,
    GENERIC_ASPECTS,
    MAX_ASPECT_CHARS,
    MAX_ASPECT_WORDS,
    NEGATED_WEIGHT,
    NEGATION_REACH,
    NEGATIONS,
    sentiment_lexicon,
)
from adcraft.features.items import PRIOR_STRENGTH, TOP_ASPECTS
from adcraft.features.profiles import (
    BUDGET_BELOW,
    EVENT_WEIGHTS,
    HALF_LIFE_DAYS,
    PREMIUM_ABOVE,
    RECENT_QUERIES,
    TIE_DIGITS,
    TOP_K,
)


def _decay(as_of: pd.Timestamp, ts: pd.Series) -> pd.Series:
    """0.5 ** (age in days / half life); a missing timestamp counts as age 0."""
    age_days = (as_of - ts).dt.total_seconds().fillna(0) / 86400.0
    return 0.5 ** (age_days.clip(lower=0) / HALF_LIFE_DAYS)


def _nearest_quantile(sorted_values: pd.Series, start: np.ndarray, n: np.ndarray, q: float):
    """Quantile by the 'nearest' rule polars uses: index round-half-up((n - 1) * q) into
    each group's sorted values. (pandas' 'nearest' rounds half to even, so differs.)"""
    idx = np.floor((n - 1) * q + 0.5).astype(np.int64)
    return sorted_values.to_numpy()[start + idx]


def _lists(frame: pd.DataFrame, by: str, columns: dict[str, str]) -> pd.DataFrame:
    """Per `by`, each column's values (in frame order) as a list: the textbook
    `groupby().agg(list)`, which runs a Python call per group."""
    return frame.groupby(by, sort=False).agg(**{out: (c, list) for out, c in columns.items()})


# ---------------------------------------------------------------- shopper profiles
def _catalogue(products: pd.DataFrame) -> pd.DataFrame:
    cat = products[["product_id", "brand", "price", "currency"]].copy()
    cat["category"] = products["category_path"].str.join(" > ")
    cat["relative_price"] = cat["price"] / cat.groupby("category")["price"].transform("median")
    return cat


def _top(frame: pd.DataFrame, key: str, out: str) -> pd.DataFrame:
    """Per shopper, the TOP_K values of `key` by share of weight, as two list columns."""
    g = (
        frame.dropna(subset=[key])
        .groupby(["shopper_id", key], sort=False)["w"].sum()
        .reset_index()
    )
    g["weight"] = g["w"] / g.groupby("shopper_id", sort=False)["w"].transform("sum")
    # equal shares (up to float noise in the sums) in name order
    g["tie"] = g["weight"].round(TIE_DIGITS)
    g = g.sort_values(["shopper_id", "tie", key], ascending=[True, False, True])
    g = g.groupby("shopper_id", sort=False).head(TOP_K)
    return _lists(g, "shopper_id", {f"{out}_name": key, f"{out}_weight": "weight"})


def _price_band(engaged: pd.DataFrame) -> pd.DataFrame:
    e = engaged[["shopper_id", "price", "relative_price", "currency"]]
    by = e.groupby("shopper_id", sort=False)
    band = by.agg(price_median=("price", "median"), relative=("relative_price", "median"))
    # low / high: one sort, then pick each group's element at the quantile's index
    s = e.sort_values(["shopper_id", "price"])
    n = s.groupby("shopper_id", sort=True).size()
    start = np.concatenate([[0], np.cumsum(n.to_numpy())[:-1]])
    quartiles = pd.DataFrame(
        {
            "price_low": _nearest_quantile(s["price"], start, n.to_numpy(), 0.25),
            "price_high": _nearest_quantile(s["price"], start, n.to_numpy(), 0.75),
        },
        index=n.index,
    )
    currency = (
        e.dropna(subset=["currency"])
        .groupby(["shopper_id", "currency"], sort=False).size()
        .rename("k").reset_index()
        .sort_values(["shopper_id", "k", "currency"], ascending=[True, False, True])
        .drop_duplicates("shopper_id")
        .set_index("shopper_id")["currency"]
        .rename("price_currency")
    )
    band = band.join(quartiles).join(currency)
    band["price_label"] = np.select(
        [band["relative"] < BUDGET_BELOW, band["relative"] > PREMIUM_ABOVE],
        ["budget", "premium"],
        "mid-range",
    )
    return band.drop(columns="relative")


def _recent_queries(events: pd.DataFrame) -> pd.Series:
    s = events.loc[(events["event_type"] == "search") & events["query"].notna(),
                   ["shopper_id", "query", "ts"]]
    s = s.sort_values(["ts", "query"], ascending=[False, True])
    s = s.drop_duplicates(["shopper_id", "query"], keep="first")
    s = s.groupby("shopper_id", sort=False).head(RECENT_QUERIES)
    return _lists(s, "shopper_id", {"recent_queries": "query"})


def build_profiles_pd(
    events: pd.DataFrame,
    products: pd.DataFrame,
    reviews: pd.DataFrame | None = None,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One row per shopper with events, as `adcraft.features.profiles.build_profiles`."""
    if as_of is None:
        as_of = events["ts"].max()
    cat = _catalogue(products)
    ev = events[["shopper_id", "product_id", "event_type", "ts"]]
    weighted = ev[ev["event_type"] != "search"].merge(cat, on="product_id", how="left")
    weights = weighted["event_type"].map(EVENT_WEIGHTS).astype(float).fillna(0.0)
    weighted["w"] = weights * _decay(as_of, weighted["ts"])

    counts = ev.assign(is_purchase=ev["event_type"] == "purchase").groupby(
        "shopper_id", sort=False
    ).agg(
        n_events=("ts", "size"), n_purchases=("is_purchase", "sum"), last_seen=("ts", "max")
    )
    # prices of what the shopper engaged with beyond a view; views alone if that is all
    priced = weighted[weighted["price"].notna()]
    beyond_view = priced["event_type"] != "view"
    n_beyond = beyond_view.groupby(priced["shopper_id"], sort=False).transform("sum")
    engaged = priced[beyond_view | (n_beyond == 0)]
    profiles = (
        counts.join(_top(weighted, "category", "categories"))
        .join(_top(weighted, "brand", "brands"))
        .join(_price_band(engaged))
        .join(_recent_queries(events))
    )
    if reviews is not None:
        profiles = profiles.join(_attribute_tastes(reviews, products, as_of))
    else:
        profiles["liked_attributes"] = None
        profiles["disliked_attributes"] = None
    for col in ("recent_queries", "liked_attributes", "disliked_attributes"):
        profiles[col] = [v if isinstance(v, list) else [] for v in profiles[col]]
    profiles["cold_start"] = False
    return profiles.sort_index().reset_index()


# ---------------------------------------------------------------- review aspects
def review_sentences(reviews: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence, lower-cased, with its polarity (+1, -1 or 0)."""
    r = reviews[["shopper_id", "product_id", "rating", "ts", "text"]].copy()
    r["sentence"] = (
        r["text"].fillna("").str.lower()
        .str.replace(r"([.!?;])\s+", "\\1\n", regex=True)
        .str.split("\n")
    )
    s = r.drop(columns="text").explode("sentence", ignore_index=True)
    s["sentence_id"] = np.arange(len(s))
    words = s["sentence"].str.findall(_WORD).explode().dropna().rename("word").to_frame()
    words["sentence_id"] = s["sentence_id"].loc[words.index].to_numpy()
    neg = words["word"].isin(NEGATIONS) | words["word"].str.endswith("n't")
    by_sentence = neg.groupby(words["sentence_id"])
    negated = np.zeros(len(words), dtype=bool)
    for k in range(1, NEGATION_REACH + 1):
        negated |= by_sentence.shift(k, fill_value=False).to_numpy(dtype=bool)
    words["weight"] = np.where(negated, NEGATED_WEIGHT, 1.0)
    lexicon = sentiment_lexicon().to_pandas()
    valued = words.merge(lexicon, on="word")
    score = (valued["valence"] * valued["weight"]).groupby(valued["sentence_id"]).sum()
    score = s["sentence_id"].map(score).fillna(0.0)
    by_rating = np.select([s["rating"] >= 4, s["rating"] <= 2], [1, -1], 0)
    s["polarity"] = np.select([score > 0, score < 0], [1, -1], by_rating)
    return s[["shopper_id", "product_id", "ts", "sentence_id", "sentence", "polarity"]]


def aspect_candidates(products: pd.DataFrame) -> pd.DataFrame:
    """(product_id, aspect): each product's own short fact values plus generic aspects."""
    own = products[["product_id", "attributes"]].explode("attributes")
    own["aspect"] = own["attributes"].str.get("value").str.lower()
    own = own.dropna(subset=["aspect"])
    keep = (
        own["aspect"].str.len().between(3, MAX_ASPECT_CHARS)
        & (own["aspect"].str.count(_WORD) <= MAX_ASPECT_WORDS)
        & ~own["aspect"].str.contains(r"^[\d.,\s]+$", regex=True)
    )
    own = own.loc[keep, ["product_id", "aspect"]]
    generic = products[["product_id"]].merge(
        pd.DataFrame({"aspect": list(GENERIC_ASPECTS)}), how="cross"
    )
    return pd.concat([own, generic], ignore_index=True).drop_duplicates()


def review_aspects(reviews: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """(shopper_id, product_id, ts, aspect, polarity), as `adcraft.features.aspects`."""
    cand = aspect_candidates(products)
    cand["aspect"] = cand["aspect"].str.findall(_WORD).str.join(" ")
    sent = review_sentences(reviews)
    sent = sent[sent["polarity"] != 0]
    # n-grams of 1..MAX_ASPECT_WORDS words: explode to one word a row, shift within sentence
    words = sent[["sentence_id", "sentence"]].assign(
        word=sent["sentence"].str.findall(_WORD)
    ).explode("word", ignore_index=True).dropna(subset=["word"])[["sentence_id", "word"]]
    by_sentence = words.groupby("sentence_id", sort=False)["word"]
    grams, gram = [words["word"]], words["word"]
    for k in range(1, MAX_ASPECT_WORDS):
        gram = gram + " " + by_sentence.shift(-k)
        grams.append(gram.dropna())
    ngrams = pd.concat(grams).rename("aspect").to_frame().join(words["sentence_id"])
    ngrams = ngrams.merge(
        sent[["sentence_id", "shopper_id", "product_id", "ts", "polarity"]], on="sentence_id"
    )
    found = ngrams.merge(cand, on=["product_id", "aspect"]).drop_duplicates(
        ["sentence_id", "aspect"]
    )
    # Keep the longest reading: "relaxed fit" also contains the generic aspect "fit".
    pairs = found[["sentence_id", "aspect"]]
    both = pairs.merge(pairs.rename(columns={"aspect": "other"}), on="sentence_id")
    # as whole words: "red" is not inside "covered"
    inside = [f" {a} " in f" {o} " for a, o in zip(both["aspect"], both["other"], strict=True)]
    shadowed = both[(both["other"] != both["aspect"]) & np.array(inside, dtype=bool)]
    shadowed = shadowed[["sentence_id", "aspect"]].drop_duplicates()
    marked = found.merge(shadowed, on=["sentence_id", "aspect"], how="left", indicator=True)
    kept = marked[marked["_merge"] == "left_only"]
    return kept[["shopper_id", "product_id", "ts", "aspect", "polarity"]]


def _attribute_tastes(reviews: pd.DataFrame, products: pd.DataFrame, as_of) -> pd.DataFrame:
    ra = review_aspects(reviews, products)
    ra = ra.assign(w=ra["polarity"] * _decay(as_of, ra["ts"]))
    net = ra.groupby(["shopper_id", "aspect"], sort=False)["w"].sum().rename("net").reset_index()
    net = net[net["net"] != 0]
    # strongest first (up to float noise in the sums), then by name
    net = net.assign(tie=net["net"].round(TIE_DIGITS))
    liked = (
        net[net["net"] > 0]
        .sort_values(["shopper_id", "tie", "aspect"], ascending=[True, False, True])
        .groupby("shopper_id", sort=False).head(TOP_K)
    )
    disliked = (
        net[net["net"] < 0]
        .sort_values(["shopper_id", "tie", "aspect"], ascending=[True, True, True])
        .groupby("shopper_id", sort=False).head(TOP_K)
    )
    return pd.concat([_lists(liked, "shopper_id", {"liked_attributes": "aspect"}),
                      _lists(disliked, "shopper_id", {"disliked_attributes": "aspect"})], axis=1)


# ---------------------------------------------------------------- item features
def _smoothed(hits: pd.Series, trials: pd.Series) -> pd.Series:
    prior = hits.sum() / trials.sum()
    return (hits + PRIOR_STRENGTH * prior) / (trials + PRIOR_STRENGTH)


def build_item_features_pd(
    events: pd.DataFrame,
    products: pd.DataFrame,
    reviews: pd.DataFrame | None = None,
    impressions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per catalogue product, as `adcraft.features.items.build_item_features`."""
    ev = events.loc[events["product_id"].notna(), ["product_id", "event_type"]]
    counts = (
        ev.groupby(["product_id", "event_type"], observed=False).size()
        .unstack("event_type", fill_value=0)
        .reindex(columns=["view", "click", "cart", "purchase"], fill_value=0)
        .rename(columns=lambda t: f"{t}s")
    )
    items = products[["product_id"]].merge(counts, on="product_id", how="left")
    cols = ["views", "clicks", "carts", "purchases"]
    items[cols] = items[cols].fillna(0).astype(np.int64)
    items["ctr"] = _smoothed(items["clicks"], items["views"])
    items["cvr"] = _smoothed(items["purchases"], items["clicks"])
    engagement = (items["views"] + 2 * items["clicks"] + 4 * items["carts"]
                  + 6 * items["purchases"])
    items["popularity"] = engagement.rank(method="average") / len(items)
    if impressions is not None:
        shown = impressions.groupby("product_id", sort=False).agg(
            impressions=("clicked", "size"), impression_clicks=("clicked", "sum")
        )
        items = items.merge(shown, on="product_id", how="left")
        cols = ["impressions", "impression_clicks"]
        items[cols] = items[cols].fillna(0).astype(np.int64)
        items["impression_ctr"] = _smoothed(items["impression_clicks"], items["impressions"])
    if reviews is not None:
        items = items.merge(_review_summary(reviews, products), on="product_id", how="left")
        items["n_reviews"] = items["n_reviews"].fillna(0).astype(np.int64)
        for col in ("praised", "criticised"):
            items[col] = [v if isinstance(v, list) else [] for v in items[col]]
    return items.sort_values("product_id", ignore_index=True)


def _review_summary(reviews: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    stars = reviews.assign(positive=reviews["rating"] >= 4).groupby(
        "product_id", sort=False
    ).agg(n_reviews=("rating", "size"), avg_rating=("rating", "mean"),
          positive_share=("positive", "mean"))
    ra = review_aspects(reviews, products)
    by_aspect = ra.assign(up=ra["polarity"] > 0, down=ra["polarity"] < 0).groupby(
        ["product_id", "aspect"], sort=False
    )[["up", "down"]].sum().reset_index()

    def top(column: str, out: str) -> pd.DataFrame:
        best = (
            by_aspect[by_aspect[column] > 0]
            .sort_values(["product_id", column, "aspect"], ascending=[True, False, True])
            .groupby("product_id", sort=False).head(TOP_ASPECTS)
        )
        return _lists(best, "product_id", {out: "aspect"})

    return stars.join(top("up", "praised")).join(top("down", "criticised")).reset_index()
