"""Shopping sessions driven by tastes, vectorised with numpy so 10M events take seconds:
a shopper visits, maybe searches, browses one category, and each view may turn into a
click, a cart and a purchase with the click model's probabilities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from adcraft.data.schemas import EVENT_TYPES, EventType, conform
from adcraft.data.synthetic.clicks import (
    BASE_CLICK_LOGIT,
    BASE_CONVERT_LOGIT,
    CONVERT_AFFINITY_WEIGHT,
    ClickModel,
    sigmoid,
)
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


def _queries(shopper: np.ndarray, category: np.ndarray, model: ClickModel, rng) -> pl.Series:
    """One search query per (shopper, category) row: a noun of the category, and in 60%
    of searches by a shopper who likes a term of that category's vocabulary, one of
    those terms before it ("merino wool jumper")."""
    terms = model.terms
    n_cat = len(CATEGORIES)
    in_vocab = np.zeros((n_cat, len(terms)), dtype=bool)
    for c, spec in enumerate(CATEGORIES):
        in_vocab[c, [terms.index(t) for t in {*spec.materials, *spec.features}]] = True
    nouns = [noun for spec in CATEGORIES for noun in spec.nouns]
    n_nouns = np.array([len(spec.nouns) for spec in CATEGORIES])
    first_noun = np.cumsum(n_nouns) - n_nouns
    noun = first_noun[category] + (rng.random(len(category)) * n_nouns[category]).astype(np.int64)
    # liked terms of the category's vocabulary, and one of them picked uniformly
    slots = model.population.liked[shopper]
    usable = (slots >= 0) & in_vocab[category[:, None], np.maximum(slots, 0)]
    n_usable = usable.sum(axis=1)
    nth = (rng.random(len(category)) * n_usable).astype(np.int64)
    chosen = np.argmax(usable & (np.cumsum(usable, axis=1) == nth[:, None] + 1), axis=1)
    term = slots[np.arange(len(slots)), chosen]
    with_term = (n_usable > 0) & (rng.random(len(category)) < 0.6)
    noun_text = pl.Series(nouns, dtype=pl.String).gather(noun)
    term_text = pl.Series(terms, dtype=pl.String).gather(np.maximum(term, 0))
    return pl.select(
        pl.when(pl.Series(with_term)).then(term_text + " " + noun_text).otherwise(noun_text)
    ).to_series()


def _event_order(sess: np.ndarray, ts: np.ndarray, code: np.ndarray) -> np.ndarray:
    """The order of np.lexsort((code, ts, sess)): by session, time, then event code, but
    as one stable sort of a combined integer key where that fits in 63 bits (the events
    come in a few sorted runs, which a stable sort merges quickly)."""
    if len(sess) == 0:
        return np.arange(0)
    since = ts - ts.min()
    bits_code, bits_ts = int(code.max()).bit_length(), int(since.max()).bit_length()
    if int(sess.max()).bit_length() + bits_ts + bits_code > 63 or code.min() < 0:
        return np.lexsort((code, ts, sess))
    key = (sess.astype(np.int64) << (bits_ts + bits_code)) | (since << bits_code) | code
    return np.argsort(key, kind="stable")


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
    # The click model's p(click) and p(convert), from one affinity per view.
    affinity = model.affinity(vs, vp)
    click_p = model.examination(np.asarray(1)) * sigmoid(BASE_CLICK_LOGIT + affinity)
    clicked = rng.random(len(session)) < click_p
    cart_p = sigmoid(BASE_CART_LOGIT + affinity
                     - CART_PRICE_WEIGHT * pop.price_sensitivity[vs] * model.catalogue.price_z[vp])
    carted = clicked & (rng.random(len(session)) < cart_p)
    convert_p = sigmoid(BASE_CONVERT_LOGIT + CONVERT_AFFINITY_WEIGHT * affinity)
    bought = carted & (rng.random(len(session)) < convert_p)

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
    order = _event_order(sess, ts, code)
    sess, prod, code, ts = sess[order], prod[order], code[order], ts[order]

    searched = np.flatnonzero(code == _CODE["search"])
    queries = _queries(shopper[sess[searched]], category[sess[searched]], model, rng)
    # ids by position: the tables' own id columns, gathered
    shopper_ids = pop.shoppers.get_column("shopper_id")
    product_ids = model.catalogue.products.get_column("product_id")
    events = pl.DataFrame({
        "shopper_id": shopper_ids.gather(shopper[sess]),
        "product_id": product_ids.gather(np.maximum(prod, 0)),
        "code": code,
        "ts": ts,
        "session_n": sess + 1,
        "query": pl.repeat(None, len(sess), dtype=pl.String, eager=True).scatter(searched,
                                                                                  queries),
    }).select(
        "shopper_id",
        pl.when(pl.col("code") != _CODE["search"]).then("product_id").alias("product_id"),
        event_type=pl.col("code").replace_strict(range(len(EVENT_TYPES)), EVENT_TYPES,
                                                 return_dtype=EventType),
        ts=pl.from_epoch("ts", time_unit="s").dt.replace_time_zone("UTC"),
        session_id=pl.lit("sess-") + pl.col("session_n").cast(pl.String),
        query="query",
    )
    is_buy = code == _CODE["purchase"]
    return Behaviour(
        events=conform(events, "events", "synthetic"),
        purchases=(shopper[sess[is_buy]], prod[is_buy], ts[is_buy]),
    )
