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


def build_population(n_shoppers: int, catalogue: Catalogue, rng: np.random.Generator) -> Population:
    terms = attribute_terms()
    term_index = {t: i for i, t in enumerate(terms)}
    brands = brand_names()
    n_cat = len(CATEGORIES)
    category_pref = rng.dirichlet(np.full(n_cat, CATEGORY_CONCENTRATION), n_shoppers)
    liked = np.full((n_shoppers, MAX_LIKED), -1)
    disliked = np.full((n_shoppers, MAX_DISLIKED), -1)
    favourite_brand = np.zeros(n_shoppers, dtype=np.int64)
    price_sensitivity = rng.gamma(2.0, 0.4, n_shoppers)
    activity = rng.lognormal(0.0, 1.0, n_shoppers)
    activity /= activity.sum()
    rows, truth = [], []
    for s in range(n_shoppers):
        top = np.argsort(-category_pref[s])[:2]
        pool = sorted({t for c in top for t in (*CATEGORIES[c].materials,
                                                 *CATEGORIES[c].features)} | set(COLOURS[:3]))
        n_like = int(rng.integers(2, MAX_LIKED + 1))
        picks = rng.choice(len(pool), n_like + MAX_DISLIKED, replace=False)
        likes = [pool[j] for j in picks[:n_like]]
        n_dislike = int(rng.integers(1, MAX_DISLIKED + 1))
        dislikes = [pool[j] for j in picks[n_like:n_like + n_dislike]]
        liked[s, :n_like] = [term_index[t] for t in likes]
        disliked[s, :n_dislike] = [term_index[t] for t in dislikes]
        fav = CATEGORIES[top[0]].brands[rng.integers(len(CATEGORIES[top[0]].brands))]
        favourite_brand[s] = brands.index(fav)
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        channel = CHANNELS[rng.integers(len(CHANNELS))]
        shopper_id = f"S{s + 1:06d}"
        rows.append({
            "shopper_id": shopper_id,
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}{s + 1}@example.com",
            "locale": LOCALES[rng.integers(len(LOCALES))],
            "preferred_channel": channel,
            "segment": CATEGORIES[top[0]].path[0].lower(),
        })
        truth.append({
            "shopper_id": shopper_id,
            "category_weights": [
                {"category": " > ".join(CATEGORIES[c].path), "weight": float(category_pref[s, c])}
                for c in np.argsort(-category_pref[s])
            ],
            "liked": likes,
            "disliked": dislikes,
            "favourite_brand": fav,
            "price_sensitivity": float(price_sensitivity[s]),
            "preferred_channel": channel,
            "activity": float(activity[s]),
        })
    return Population(
        shoppers=conform(pl.DataFrame(rows), "shoppers", "synthetic"),
        tastes=pl.DataFrame(truth),
        category_pref=category_pref,
        liked=liked,
        disliked=disliked,
        favourite_brand=favourite_brand,
        price_sensitivity=price_sensitivity,
        activity=activity,
    )
