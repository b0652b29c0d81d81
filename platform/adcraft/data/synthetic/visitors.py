"""Synthetic shoppers on a real catalogue (Myntra, any shop's products table).

A real catalogue comes without its shoppers. These visitors each get hidden tastes
drawn from the catalogue itself (a favourite top-level category, two fact values they
like, one they dislike, a favourite brand), browse and buy according to them, and
review what they bought in the synthetic shop's templates, so `build_profiles` reads
their tastes back the way it does for real shoppers. Deterministic by seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from adcraft.data.schemas import conform
from adcraft.data.synthetic.reviews import COMPLAINTS, GENERAL, PRAISE, TITLES
from adcraft.data.synthetic.shop import SHOP_END

MIN_TERM_PRODUCTS = 20  # a fact value on fewer products is too rare to be a taste
MAX_TERM_SHARE = 0.5  # ... on more than half of a category's products, too common
EVENT_TYPES = np.array(["view", "click", "cart", "purchase"])
REVIEW_RATE = 0.6


@dataclass
class Visitors:
    shoppers: pl.DataFrame
    events: pl.DataFrame
    reviews: pl.DataFrame
    tastes: pl.DataFrame  # ground truth, for evaluation only

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"shoppers": self.shoppers, "events": self.events, "reviews": self.reviews}


def _fact_matrix(products: pl.DataFrame) -> tuple[list[str], np.ndarray]:
    """Fact values held by at least MIN_TERM_PRODUCTS products, and a (products x
    terms) boolean matrix of which product holds which."""
    values = products.select(
        row=pl.int_range(pl.len()),
        term=pl.col("attributes").list.eval(pl.element().struct.field("value").str.to_lowercase()),
    ).explode("term").drop_nulls("term").unique()
    common = values.group_by("term").len().filter(pl.col("len") >= MIN_TERM_PRODUCTS)
    terms = sorted(common["term"].to_list())
    index = {t: i for i, t in enumerate(terms)}
    held = np.zeros((products.height, len(terms)), dtype=bool)
    values = values.filter(pl.col("term").is_in(terms))
    held[values["row"].to_numpy(), [index[t] for t in values["term"]]] = True
    return terms, held


def simulate_visitors(products: pl.DataFrame, n_shoppers: int = 300,
                      events_per_shopper: int = 60, days: int = 60, seed: int = 7,
                      end: datetime = SHOP_END) -> Visitors:
    rng = np.random.default_rng(np.random.SeedSequence([seed, 101]))
    n = products.height
    category = products["category_path"].list.first().fill_null("all").to_numpy()
    brand = products["brand"].fill_null("").to_numpy()
    terms, held = _fact_matrix(products)
    if not terms:
        raise ValueError("the catalogue's attributes hold no fact value on "
                         f"{MIN_TERM_PRODUCTS}+ products: nothing for shoppers to like")
    cats, cat_sizes = np.unique(category, return_counts=True)

    ids = [f"V{i:05d}" for i in range(n_shoppers)]
    fav_cat = rng.choice(cats, size=n_shoppers, p=cat_sizes / cat_sizes.sum())
    liked = np.full((n_shoppers, 2), -1)
    disliked = np.full(n_shoppers, -1)
    fav_brand = np.empty(n_shoppers, dtype=object)
    weights = np.empty((n_shoppers, n))
    for s in range(n_shoppers):
        in_cat = category == fav_cat[s]
        share = held[in_cat].mean(axis=0)
        pool = np.flatnonzero((share > 0) & (share <= MAX_TERM_SHARE))
        picks = rng.choice(pool, size=min(3, len(pool)), replace=False) if len(pool) else []
        liked[s, :len(picks[:2])] = picks[:2]
        disliked[s] = picks[2] if len(picks) > 2 else -1
        brands = brand[in_cat & (brand != "")]
        fav_brand[s] = rng.choice(brands) if len(brands) else ""
        affinity = (2.0 * in_cat + 1.5 * held[:, liked[s][liked[s] >= 0]].sum(axis=1)
                    + 1.0 * (brand == fav_brand[s])
                    - 2.5 * (held[:, disliked[s]] if disliked[s] >= 0 else 0))
        weights[s] = np.exp(affinity)
    weights /= weights.sum(axis=1, keepdims=True)

    # each event: a product drawn from the shopper's tastes, then how far they went
    s_idx = np.repeat(np.arange(n_shoppers), events_per_shopper)
    p_idx = np.concatenate([rng.choice(n, size=events_per_shopper, p=w) for w in weights])
    likes_n = np.array([held[p, liked[s][liked[s] >= 0]].sum() for s, p in zip(s_idx, p_idx)])
    p_buy = 0.06 * (1 + likes_n) * np.where(brand[p_idx] == fav_brand[s_idx], 1.5, 1.0)
    u = rng.random(len(s_idx))
    depth = np.select([u < p_buy, u < 2 * p_buy, u < 0.35], [3, 2, 1], 0)
    span_s = days * 86400
    ts_s = end.timestamp() - rng.integers(0, span_s, len(s_idx))
    events = pl.DataFrame({
        "shopper_id": np.array(ids)[s_idx], "product_id": products["product_id"].to_numpy()[p_idx],
        "event_type": EVENT_TYPES[depth],
        "ts": [datetime.fromtimestamp(t, end.tzinfo) for t in ts_s],
    }).with_columns(session_id=pl.format("{}-{}", "shopper_id", pl.col("ts").dt.date()))

    bought = np.flatnonzero((depth == 3) & (rng.random(len(s_idx)) < REVIEW_RATE))
    rows = []
    for e in bought:
        s, p = s_idx[e], p_idx[e]
        good = [terms[t] for t in liked[s] if t >= 0 and held[p, t]]
        bad = [terms[disliked[s]]] if disliked[s] >= 0 and held[p, disliked[s]] else []
        rating = int(np.clip(4 + len(good) - 2 * len(bad), 1, 5))
        said = [rng.choice(PRAISE).format(T=t.capitalize(), t=t) for t in good]
        said += [rng.choice(COMPLAINTS).format(T=t.capitalize(), t=t) for t in bad]
        rows.append({"shopper_id": ids[s], "product_id": products["product_id"][int(p)],
                     "rating": float(rating), "title": TITLES[rating],
                     "text": " ".join([*said, GENERAL[rating]]),
                     "ts": datetime.fromtimestamp(ts_s[e], end.tzinfo) + timedelta(days=3)})
    reviews = pl.DataFrame(rows) if rows else pl.DataFrame(schema={"shopper_id": pl.String})
    tastes = pl.DataFrame({
        "shopper_id": ids, "favourite_category": fav_cat.astype(str),
        "liked": [[terms[t] for t in row if t >= 0] for row in liked],
        "disliked": [[terms[t]] if t >= 0 else [] for t in disliked],
        "favourite_brand": fav_brand.astype(str),
    })
    shoppers = pl.DataFrame({"shopper_id": ids, "segment": fav_cat.astype(str)})
    return Visitors(conform(shoppers, "shoppers", "visitors"),
                    conform(events, "events", "visitors"),
                    conform(reviews, "reviews", "visitors") if rows else
                    conform(pl.DataFrame(schema={"shopper_id": pl.String, "product_id": pl.String,
                                                 "rating": pl.Float64}), "reviews"), tastes)
