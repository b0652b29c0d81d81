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
    texts = []
    for i in range(len(s)):
        sentences = []
        for slots, templates in ((pop.liked[s[i]], PRAISE), (pop.disliked[s[i]], COMPLAINTS)):
            for term in slots:
                if term >= 0 and cat.has_term[p[i], term] and rng.random() < MENTION_RATE:
                    template = templates[rng.integers(len(templates))]
                    term_text = model.terms[term]
                    sentences.append(template.format(T=term_text.capitalize(), t=term_text))
        sentences.append(GENERAL[rating[i]])
        texts.append(" ".join(sentences))
    frame = pl.DataFrame({
        "shopper_n": s + 1,
        "product_n": p + 1,
        "rating": rating.astype(float),
        "title": [TITLES[r] for r in rating],
        "text": texts,
        "ts": ts,
    }).select(
        shopper_id=pl.format("S{}", pl.col("shopper_n").cast(pl.String).str.zfill(6)),
        product_id=pl.format("P{}", pl.col("product_n").cast(pl.String).str.zfill(6)),
        rating="rating",
        title="title",
        text="text",
        ts=pl.from_epoch("ts", time_unit="s").dt.replace_time_zone("UTC"),
    )
    return conform(frame.sort("ts"), "reviews", "synthetic")
