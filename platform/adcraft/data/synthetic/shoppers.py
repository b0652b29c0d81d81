"""Synthetic shoppers with latent tastes: the ground truth that profiles must recover."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from adcraft.data.schemas import conform
from adcraft.data.synthetic.catalogue import Catalogue
from adcraft.data.synthetic.vocab import (
    CATEGORIES,
    CHANNELS,
    COLOURS,
    FIRST_NAMES,
    LAST_NAMES,
    LOCALES,
    attribute_terms,
    brand_names,
)

MAX_LIKED = 4
MAX_DISLIKED = 2
CATEGORY_CONCENTRATION = 0.3  # Dirichlet alpha: low means a few favourite categories


@dataclass
class Population:
    shoppers: pl.DataFrame  # the shop's customer table (with personal data)
    tastes: pl.DataFrame  # ground truth, for evaluation only
    category_pref: np.ndarray  # (n, n_categories), rows sum to 1
    liked: np.ndarray  # (n, MAX_LIKED) term indices, -1 = none
    disliked: np.ndarray  # (n, MAX_DISLIKED) term indices, -1 = none
    favourite_brand: np.ndarray  # (n,) index into brand_names()
    price_sensitivity: np.ndarray  # (n,) >= 0
    activity: np.ndarray  # (n,) relative visit rate, sums to 1

    @property
    def size(self) -> int:
        return len(self.activity)


def _term_pools() -> np.ndarray:
    """For each pair of categories (a shopper's top two): the sorted term indices of
    both categories' materials and features plus three colours, padded with -1.
    Shape (n_cat, n_cat, longest pool)."""
    terms = attribute_terms()
    term_index = {t: i for i, t in enumerate(terms)}
    n_cat = len(CATEGORIES)
    pools = [
        [
            sorted({term_index[t] for c in (a, b)
                    for t in (*CATEGORIES[c].materials, *CATEGORIES[c].features)}
                   | {term_index[t] for t in COLOURS[:3]})
            for b in range(n_cat)
        ]
        for a in range(n_cat)
    ]
    longest = max(len(p) for row in pools for p in row)
    table = np.full((n_cat, n_cat, longest), -1, dtype=np.int64)
    for a in range(n_cat):
        for b in range(n_cat):
            table[a, b, : len(pools[a][b])] = pools[a][b]
    return table


def _pick(values, index: np.ndarray) -> pl.Series:
    """values[index] for each index, as strings."""
    return pl.Series(list(values), dtype=pl.String).gather(index)


def _term_lists(slots: np.ndarray, terms: tuple[str, ...]) -> pl.Series:
    """(n, k) term indices, filled from the left, -1 = none, to the term names per row."""
    n, k = slots.shape
    names = _pick(terms, np.maximum(slots, 0).ravel()).reshape((n, k)).arr.to_list()
    frame = pl.DataFrame({"names": names, "n": (slots >= 0).sum(axis=1)})
    return frame.select(pl.col("names").list.head(pl.col("n"))).to_series()


def build_population(n_shoppers: int, catalogue: Catalogue, rng: np.random.Generator) -> Population:
    """Vectorised over shoppers: category preferences from a Dirichlet; two to four liked
    and one or two disliked terms drawn (without replacement) from the vocabulary of the
    shopper's top two categories plus three colours; a favourite brand of the top
    category; name, email, locale and preferred channel."""
    n = n_shoppers
    terms = attribute_terms()
    brands = brand_names()
    n_cat = len(CATEGORIES)
    category_pref = rng.dirichlet(np.full(n_cat, CATEGORY_CONCENTRATION), n)
    price_sensitivity = rng.gamma(2.0, 0.4, n)
    activity = rng.lognormal(0.0, 1.0, n)
    activity /= activity.sum()
    ranked = np.argsort(-category_pref, axis=1)  # categories, favourite first
    top = ranked[:, 0]

    # Liked and disliked terms: a random order of the pool (random keys, padding last),
    # the first n_like of it liked, the next n_dislike disliked.
    pool = _term_pools()[top, ranked[:, 1]]
    keys = np.where(pool >= 0, rng.random(pool.shape), 2.0)
    order = np.argsort(keys, axis=1)[:, : MAX_LIKED + MAX_DISLIKED]
    picks = np.take_along_axis(pool, order, axis=1)
    n_like = rng.integers(2, MAX_LIKED + 1, n)
    n_dislike = rng.integers(1, MAX_DISLIKED + 1, n)
    liked = np.where(np.arange(MAX_LIKED) < n_like[:, None], picks[:, :MAX_LIKED], -1)
    after_likes = np.take_along_axis(picks, n_like[:, None] + np.arange(MAX_DISLIKED), axis=1)
    disliked = np.where(np.arange(MAX_DISLIKED) < n_dislike[:, None], after_likes, -1)

    # Favourite brand: one of the top category's brands.
    brand_index = {b: i for i, b in enumerate(brands)}
    n_brands = np.array([len(c.brands) for c in CATEGORIES])
    brand_table = np.zeros((n_cat, n_brands.max()), dtype=np.int64)
    for c, spec in enumerate(CATEGORIES):
        brand_table[c, : len(spec.brands)] = [brand_index[b] for b in spec.brands]
    favourite_brand = brand_table[top, (rng.random(n) * n_brands[top]).astype(np.int64)]

    first = rng.integers(len(FIRST_NAMES), size=n)
    last = rng.integers(len(LAST_NAMES), size=n)
    channel = _pick(CHANNELS, rng.integers(len(CHANNELS), size=n))
    locale = _pick(LOCALES, rng.integers(len(LOCALES), size=n))
    number = pl.int_range(1, n + 1, eager=True).cast(pl.String)
    shopper_id = ("S" + number.str.zfill(6)).alias("shopper_id")
    first_name, last_name = _pick(FIRST_NAMES, first), _pick(LAST_NAMES, last)
    shoppers = pl.DataFrame({
        "shopper_id": shopper_id,
        "name": first_name + " " + last_name,
        "email": first_name.str.to_lowercase() + "." + last_name.str.to_lowercase() + number
        + "@example.com",
        "locale": locale,
        "preferred_channel": channel,
        "segment": _pick([c.path[0].lower() for c in CATEGORIES], top),
    })
    category_names = [" > ".join(c.path) for c in CATEGORIES]
    weights = pl.DataFrame({
        "category": _pick(category_names, ranked.ravel()),
        "weight": np.take_along_axis(category_pref, ranked, axis=1).ravel(),
    }).to_struct("category_weights")
    tastes = pl.DataFrame({
        "shopper_id": shopper_id,
        "category_weights": weights.reshape((n, n_cat)).arr.to_list(),
        "liked": _term_lists(liked, terms),
        "disliked": _term_lists(disliked, terms),
        "favourite_brand": _pick(brands, favourite_brand),
        "price_sensitivity": price_sensitivity,
        "preferred_channel": channel,
        "activity": activity,
    })
    return Population(
        shoppers=conform(shoppers, "shoppers", "synthetic"),
        tastes=tastes,
        category_pref=category_pref,
        liked=liked,
        disliked=disliked,
        favourite_brand=favourite_brand,
        price_sensitivity=price_sensitivity,
        activity=activity,
    )
