"""Shopping sessions driven by tastes, vectorised with numpy so 10M events take seconds:
a shopper visits, maybe searches, browses one category, and each view may turn into a
click, a cart and a purchase with the click model's probabilities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from adcraft.data.schemas import EVENT_TYPES, conform
from adcraft.data.synthetic.clicks import ClickModel, sigmoid
from adcraft.data.synthetic.vocab import CATEGORIES

EXPLORE = 0.1  # share of sessions in a category picked at random, not by taste
SEARCH_RATE = 0.35  # share of sessions that start with a search
MEAN_EXTRA_VIEWS = 5.0  # views per session = 1 + Poisson(this)
BASE_CART_LOGIT = -2.2
CART_PRICE_WEIGHT = 0.5
VIEW_GAP_S = (15, 90)  # seconds between views
REVIEW_RATE = 0.4  # share of purchases that get reviewed

_CODE = {name: i for i, name in enumerate(EVENT_TYPES)}


@dataclass
class Behaviour:
    events: pl.DataFrame
    purchases: tuple[np.ndarray, np.ndarray, np.ndarray]  # shopper, product, unix seconds


def _sample_products(category: np.ndarray, model: ClickModel, rng) -> np.ndarray:
    """A product per row from its category, weighted by browse popularity."""
    cat = model.catalogue
    out = np.empty(len(category), dtype=np.int64)
    for c in range(len(CATEGORIES)):
        rows = np.flatnonzero(category == c)
        members = np.flatnonzero(cat.category == c)
        if len(rows) == 0:
            continue
        if len(members) == 0:  # tiny catalogues: fall back to any product
            members = np.arange(cat.size)
        cdf = np.cumsum(cat.popularity[members])
        picks = np.searchsorted(cdf, rng.random(len(rows)) * cdf[-1])
        out[rows] = members[np.minimum(picks, len(members) - 1)]
    return out


def _query(shopper: int, category: int, model: ClickModel, rng) -> str:
    spec = CATEGORIES[category]
    vocab = {*spec.materials, *spec.features}
    liked = [t for t in model.population.liked[shopper] if t >= 0 and model.terms[t] in vocab]
    noun = spec.nouns[rng.integers(len(spec.nouns))]
    if liked and rng.random() < 0.6:
        return f"{model.terms[liked[rng.integers(len(liked))]]} {noun}"
    return noun


def simulate_sessions(
    model: ClickModel, n_events: int, end: datetime, days: int, rng: np.random.Generator
) -> Behaviour:
    pop = model.population
    per_session = 1 + MEAN_EXTRA_VIEWS
    n_sessions = int(np.ceil(n_events / (per_session * 1.15 + SEARCH_RATE))) + 16
    end_s = int(end.timestamp())
    # Sessions: who, which category, when, how long.
    shopper = rng.choice(pop.size, n_sessions, p=pop.activity)
    u = rng.random(n_sessions)
    cdf = np.cumsum(pop.category_pref[shopper], axis=1)
    category = np.minimum((cdf < u[:, None]).sum(axis=1), len(CATEGORIES) - 1)
    explore = rng.random(n_sessions) < EXPLORE
    category[explore] = rng.integers(0, len(CATEGORIES), explore.sum())
    start = end_s - rng.integers(3600, days * 86400, n_sessions)
    n_views = 1 + rng.poisson(MEAN_EXTRA_VIEWS, n_sessions)
    searches = rng.random(n_sessions) < SEARCH_RATE

    # Views and the funnel behind each.
    session = np.repeat(np.arange(n_sessions), n_views)
    offset = np.arange(len(session)) - np.repeat(np.cumsum(n_views) - n_views, n_views)
    vs = shopper[session]
    vp = _sample_products(category[session], model, rng)
    view_ts = start[session] + 30 + offset * rng.integers(*VIEW_GAP_S, len(session)) + offset
    clicked = rng.random(len(session)) < model.click_probability(vs, vp)
    cart_p = sigmoid(BASE_CART_LOGIT + model.affinity(vs, vp)
                     - CART_PRICE_WEIGHT * pop.price_sensitivity[vs] * model.catalogue.price_z[vp])
    carted = clicked & (rng.random(len(session)) < cart_p)
    bought = carted & (rng.random(len(session)) < model.convert_probability(vs, vp))

    parts = [
        (session, vp, np.full(len(session), _CODE["view"]), view_ts),
        *(
            (session[mask], vp[mask], np.full(mask.sum(), _CODE[kind]), view_ts[mask] + delay)
            for mask, kind, delay in ((clicked, "click", 4), (carted, "cart", 9),
                                      (bought, "purchase", 12))
        ),
    ]
    sidx = np.flatnonzero(searches)
    parts.append((sidx, np.full(len(sidx), -1), np.full(len(sidx), _CODE["search"]), start[sidx]))
    sess, prod, code, ts = (np.concatenate(c) for c in zip(*parts))

    # Keep whole sessions, as many as fit in n_events.
    per = np.bincount(sess, minlength=n_sessions)
    keep_sessions = np.cumsum(per) <= n_events
    keep = keep_sessions[sess]
    sess, prod, code, ts = sess[keep], prod[keep], code[keep], ts[keep]
    order = np.lexsort((code, ts, sess))
    sess, prod, code, ts = sess[order], prod[order], code[order], ts[order]

    queries = np.full(len(sess), None, dtype=object)
    for i in np.flatnonzero(code == _CODE["search"]):
        queries[i] = _query(int(shopper[sess[i]]), int(category[sess[i]]), model, rng)
    events = pl.DataFrame({
        "shopper_n": shopper[sess] + 1,
        "product_n": prod + 1,
        "code": code,
        "ts": ts,
        "session_n": sess + 1,
        "query": pl.Series(queries.tolist(), dtype=pl.String),
    }).select(
        shopper_id=pl.format("S{}", pl.col("shopper_n").cast(pl.String).str.zfill(6)),
        product_id=pl.when(pl.col("product_n") > 0)
        .then(pl.format("P{}", pl.col("product_n").cast(pl.String).str.zfill(6))),
        event_type=pl.col("code").replace_strict(list(range(len(EVENT_TYPES))), EVENT_TYPES),
        ts=pl.from_epoch("ts", time_unit="s").dt.replace_time_zone("UTC"),
        session_id=pl.format("sess-{}", pl.col("session_n")),
        query=pl.col("query"),
    )
    is_buy = code == _CODE["purchase"]
    return Behaviour(
        events=conform(events, "events", "synthetic"),
        purchases=(shopper[sess[is_buy]], prod[is_buy], ts[is_buy]),
    )
