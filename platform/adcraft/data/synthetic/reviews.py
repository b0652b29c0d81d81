"""Reviews written by the shopper's experience: they praise the facts the shopper
values, complain about the ones they dislike, and rate accordingly."""

from __future__ import annotations

import numpy as np
import polars as pl

from adcraft.data.schemas import conform
from adcraft.data.synthetic.clicks import ClickModel

MENTION_RATE = 0.85  # chance a reviewer mentions a fact they care about
REVIEW_DELAY_DAYS = (2, 10)
# Templates work for nouns ("merino wool") and adjectives ("waterproof") alike.
PRAISE = ("{T}: love it.", "{T} is a big plus.", "Really glad about the {t} part.",
          "{T} works perfectly.")
COMPLAINTS = ("{T}: a letdown.", "{T} was disappointing.", "Did not like the {t} part.",
              "{T} is a real minus.")
GENERAL = {1: "Returned it.", 2: "Would not buy again.", 3: "It is okay.",
           4: "Good overall.", 5: "Would buy again."}
TITLES = {1: "Not for me", 2: "Disappointing", 3: "Okay", 4: "Very good", 5: "Excellent"}


def write_reviews(
    model: ClickModel,
    purchases: tuple[np.ndarray, np.ndarray, np.ndarray],
    end_s: int,
    rng: np.random.Generator,
    review_rate: float = 0.4,
) -> pl.DataFrame:
    shoppers, products, bought_at = purchases
    chosen = rng.random(len(shoppers)) < review_rate
    s, p, t = shoppers[chosen], products[chosen], bought_at[chosen]
    pop, cat = model.population, model.catalogue
    noise = rng.normal(0.0, 0.6, len(s))
    liked_n = model._count(pop.liked[s], p)
    disliked_n = model._count(pop.disliked[s], p)
    experience = 0.8 * liked_n - 1.2 * disliked_n + cat.quality[p] + noise
    rating = np.clip(np.round(3.4 + experience), 1, 5).astype(int)
    delay = rng.integers(REVIEW_DELAY_DAYS[0] * 86400, REVIEW_DELAY_DAYS[1] * 86400, len(s))
    ts = np.minimum(t + delay, end_s)
    # Each liked (then disliked) fact the product states is mentioned with chance
    # MENTION_RATE, in a random praising (complaining) template; a general line ends it.
    slots = np.concatenate([pop.liked[s], pop.disliked[s]], axis=1)
    praise = np.arange(slots.shape[1]) < pop.liked.shape[1]
    states = (slots >= 0) & cat.has_term[p[:, None], np.maximum(slots, 0)]
    mentioned = states & (rng.random(slots.shape) < MENTION_RATE)
    pick = rng.random(slots.shape)
    n_terms = len(model.terms)
    written = {  # every template with every term, indexed template * n_terms + term
        kind: pl.Series([template.format(T=term.capitalize(), t=term)
                         for template in kind for term in model.terms])
        for kind in (PRAISE, COMPLAINTS)
    }
    sentences = []
    for j in range(slots.shape[1]):
        templates = PRAISE if praise[j] else COMPLAINTS
        which = (pick[:, j] * len(templates)).astype(np.int64) * n_terms
        sentence = written[templates].gather(which + np.maximum(slots[:, j], 0))
        sentences.append(pl.when(pl.Series(mentioned[:, j])).then(sentence))
    general = pl.Series([GENERAL[r] for r in range(1, 6)]).gather(rating - 1)
    frame = pl.DataFrame({
        "shopper_id": pop.shoppers.get_column("shopper_id").gather(s),
        "product_id": cat.products.get_column("product_id").gather(p),
        "rating": rating.astype(float),
        "title": pl.Series([TITLES[r] for r in range(1, 6)]).gather(rating - 1),
        "ts": ts,
    }).select(
        "shopper_id",
        "product_id",
        "rating",
        "title",
        text=pl.concat_str([*sentences, general], separator=" ", ignore_nulls=True),
        ts=pl.from_epoch("ts", time_unit="s").dt.replace_time_zone("UTC"),
    )
    return conform(frame.sort("ts"), "reviews", "synthetic")
