"""Feature build at scale: the library's polars code against plain idiomatic pandas.

    .venv/bin/python -m bench.features_polars_vs_pandas            # 10M events
    .venv/bin/python -m bench.features_polars_vs_pandas --events 200000

One process: build the synthetic shop (timed, per part), time `build_profiles` +
`build_item_features` in polars, convert the inputs to pandas (not timed), time the
pandas version of the same features (bench/pandas_features.py), check that both give
the same answers on every row, and print the comparison."""

from __future__ import annotations

import argparse
import math
import resource
import time
from collections.abc import Callable

import pandas as pd
import polars as pl

from adcraft.data.synthetic import build_shop
from adcraft.features.items import build_item_features
from adcraft.features.profiles import TOP_K, build_profiles
from adcraft.settings import ShopSettings
from bench.pandas_features import build_item_features_pd, build_profiles_pd

GOAL = 5.0  # polars should be at least this many times faster
REL_TOL = 1e-9


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--shoppers", type=int, default=None,
                    help="default: events / 50 (200,000 at 10M events)")
    ap.add_argument("--products", type=int, default=None,
                    help="default: events / 500, at least 1,000 (20,000 at 10M events)")
    ap.add_argument("--impressions", type=int, default=None,
                    help="default: events / 100, at most 100,000")
    ap.add_argument("--repeat", type=int, default=2, help="timed runs per side; best is kept")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    a.shoppers = a.shoppers or max(a.events // 50, 100)
    a.products = a.products or max(a.events // 500, 1_000)
    a.impressions = a.impressions if a.impressions is not None else min(a.events // 100, 100_000)
    return a


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def _best_of(repeat: int, label: str, fn: Callable[[], object]) -> tuple[object, float]:
    best, out = math.inf, None
    for i in range(repeat):
        out, s = _timed(fn)
        best = min(best, s)
        print(f"  {label} run {i + 1}/{repeat}: {s:7.2f} s", flush=True)
    return out, best


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # kB on Linux


# ---------------------------------------------------------------- agreement check
def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def _same(a, b) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, (set, frozenset)):
        return a == set(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=0.0)
    if isinstance(b, pd.Timestamp):
        b = b.to_pydatetime()
    return a == b


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0)


def _same_ranking(interests, names, weights) -> bool:
    """A polars [{name, weight}] top-K against pandas' names and weights: shares equal
    position by position; names equal up to the order of tied shares. (Exact ties are
    common, e.g. a brand seen in one session only, and both engines sum floats in an
    unspecified order, so a tie is broken by the last bit, not by the name.) A tie
    group cut off at TOP_K may hold different names."""
    if _missing(interests) or _missing(names):
        return _missing(interests) and _missing(names)
    n = len(interests)
    if n != len(names) or not all(_close(x["weight"], w) for x, w in zip(interests, weights,
                                                                         strict=True)):
        return False
    i = 0
    while i < n:
        j = i + 1
        while j < n and _close(interests[j]["weight"], interests[i]["weight"]):
            j += 1
        if {x["name"] for x in interests[i:j]} != set(names[i:j]) and not (j == n == TOP_K):
            return False
        i = j
    return True


def _same_top(interests, names) -> bool:
    """Top category: the same name, or pandas' top shares polars' top share exactly."""
    if _missing(interests) or _missing(names):
        return _missing(interests) and _missing(names)
    share = {x["name"]: x["weight"] for x in interests}
    return names[0] in share and _close(share[names[0]], interests[0]["weight"])


def _compare(name: str, pl_rows: dict, pd_rows: dict, fields: dict,
             info: tuple[str, ...] = ()) -> list[str]:
    """fields: out name -> (getter on the polars row, getter on the pandas row), or
    out name -> (test of (polars row, pandas row), shown from polars, shown from pandas).
    Fields in `info` are reported, not failed."""
    problems = []
    if pl_rows.keys() != pd_rows.keys():
        only_pl, only_pd = pl_rows.keys() - pd_rows.keys(), pd_rows.keys() - pl_rows.keys()
        problems.append(f"{name}: keys differ ({len(only_pl)} only in polars, "
                        f"{len(only_pd)} only in pandas)")
    keys = pl_rows.keys() & pd_rows.keys()
    for field, getters in fields.items():
        if len(getters) == 3:
            test, show = getters[0], getters[1:]
        else:
            show = getters
            test = lambda a, b, g=getters: _same(g[0](a), g[1](b))  # noqa: E731
        bad = [k for k in keys if not test(pl_rows[k], pd_rows[k])]
        if bad:
            k = sorted(bad)[0]
            line = (f"{name}.{field}: {len(bad):,} of {len(keys):,} rows differ, e.g. {k}: "
                    f"polars={show[0](pl_rows[k])!r} pandas={show[1](pd_rows[k])!r}")
            if field in info:
                print("  note (not a failure) " + line)
            else:
                problems.append(line)
    print(f"  {name}: {len(keys):,} rows x {len(fields)} fields compared", flush=True)
    return problems


def _first(xs, field=None):
    if _missing(xs) or len(xs) == 0:
        return None
    return xs[0][field] if field else xs[0]


def _names(xs):
    return None if _missing(xs) else [x["name"] for x in xs]


def _band(field):
    return lambda r: None if r["price_band"] is None else r["price_band"][field]


def check(profiles: pl.DataFrame, items: pl.DataFrame,
          profiles_pd: pd.DataFrame, items_pd: pd.DataFrame) -> list[str]:
    """Every row of both outputs, field by field; floats within REL_TOL relative."""
    pl_prof = {r["shopper_id"]: r for r in profiles.to_dicts()}
    pd_prof = {r["shopper_id"]: r for r in profiles_pd.to_dict("records")}
    col = lambda c: lambda r: r[c]  # noqa: E731
    as_set = lambda c: lambda r: None if _missing(r[c]) else set(r[c])  # noqa: E731
    profile_fields = {
        "n_events": (col("n_events"), col("n_events")),
        "n_purchases": (col("n_purchases"), col("n_purchases")),
        "last_seen": (col("last_seen"), col("last_seen")),
        "top_category": (lambda a, b: _same_top(a["categories"], b["categories_name"]),
                         lambda r: r["categories"], col("categories_name")),
        "top_category_share": (lambda r: _first(r["categories"], "weight"),
                               lambda r: _first(r["categories_weight"])),
        "categories(top5, ties any order)": (lambda a, b: _same_ranking(
            a["categories"], b["categories_name"], b["categories_weight"]),
            lambda r: r["categories"], lambda r: (r["categories_name"], r["categories_weight"])),
        "brands(top5, ties any order)": (lambda a, b: _same_ranking(
            a["brands"], b["brands_name"], b["brands_weight"]),
            lambda r: r["brands"], lambda r: (r["brands_name"], r["brands_weight"])),
        "categories(exact order)": (lambda r: _names(r["categories"]), col("categories_name")),
        "brands(exact order)": (lambda r: _names(r["brands"]), col("brands_name")),
        "price_low": (_band("low"), col("price_low")),
        "price_median": (_band("median"), col("price_median")),
        "price_high": (_band("high"), col("price_high")),
        "price_label": (_band("label"), col("price_label")),
        "price_currency": (_band("currency"), col("price_currency")),
        "recent_queries": (col("recent_queries"), col("recent_queries")),
        "liked_attributes(set)": (as_set("liked_attributes"), col("liked_attributes")),
        "disliked_attributes(set)": (as_set("disliked_attributes"), col("disliked_attributes")),
        "liked_attributes(order)": (col("liked_attributes"), col("liked_attributes")),
        "disliked_attributes(order)": (col("disliked_attributes"), col("disliked_attributes")),
    }
    item_cols = ["views", "clicks", "carts", "purchases", "ctr", "cvr", "popularity",
                 "impressions", "impression_clicks", "impression_ctr",
                 "n_reviews", "avg_rating", "positive_share", "praised", "criticised"]
    item_fields = {c: (col(c), col(c)) for c in item_cols if c in items.columns}
    info = ("categories(exact order)", "brands(exact order)", "liked_attributes(order)",
            "disliked_attributes(order)")
    problems = _compare("profiles", pl_prof, pd_prof, profile_fields, info)
    pl_items = {r["product_id"]: r for r in items.to_dicts()}
    pd_items = {r["product_id"]: r for r in items_pd.to_dict("records")}
    return problems + _compare("items", pl_items, pd_items, item_fields)


# ---------------------------------------------------------------- main
def main() -> None:
    a = _args()
    print(f"synthetic shop: {a.events:,} events, {a.shoppers:,} shoppers, "
          f"{a.products:,} products, {a.impressions:,} impressions (seed {a.seed})", flush=True)
    config = ShopSettings(n_events=a.events, n_shoppers=a.shoppers, n_products=a.products,
                          n_impressions=a.impressions)
    shop, t_shop = _timed(lambda: build_shop(config, a.seed))
    print(f"  catalogue + shoppers (build_shop): {t_shop:7.2f} s", flush=True)
    events, t_events = _timed(lambda: shop.events)
    print(f"  events (simulate_sessions):        {t_events:7.2f} s  "
          f"-> {events.height:,} events", flush=True)
    reviews, t_reviews = _timed(lambda: shop.reviews)
    print(f"  reviews (write_reviews):           {t_reviews:7.2f} s  "
          f"-> {reviews.height:,} reviews", flush=True)
    impressions, t_imps = _timed(lambda: shop.impressions)
    print(f"  impressions (log_impressions):     {t_imps:7.2f} s  "
          f"-> {impressions.height:,} impressions", flush=True)
    products = shop.products

    print(f"polars feature build (best of {a.repeat}):", flush=True)
    (profiles, items), t_pl = _best_of(a.repeat, "polars", lambda: (
        build_profiles(events, products, reviews),
        build_item_features(events, products, reviews, impressions),
    ))

    frames, t_convert = _timed(lambda: [df.to_pandas()
                                        for df in (events, products, reviews, impressions)])
    ev_pd, prod_pd, rev_pd, imp_pd = frames
    print(f"to_pandas() of the inputs (not timed in the comparison): {t_convert:.2f} s",
          flush=True)
    print(f"pandas feature build (best of {a.repeat}):", flush=True)
    (profiles_pd, items_pd), t_pd = _best_of(a.repeat, "pandas", lambda: (
        build_profiles_pd(ev_pd, prod_pd, rev_pd),
        build_item_features_pd(ev_pd, prod_pd, rev_pd, imp_pd),
    ))

    print("agreement check (all rows):", flush=True)
    problems, t_check = _timed(lambda: check(profiles, items, profiles_pd, items_pd))
    for p in problems:
        print("  MISMATCH " + p)
    print("  result: " + ("polars and pandas AGREE on every row and field" if not problems
                          else f"{len(problems)} field(s) DISAGREE")
          + f"  ({t_check:.1f} s)", flush=True)

    ratio = t_pd / t_pl
    print()
    print(f"{'':24}{'seconds':>10}")
    print(f"{'polars (best)':24}{t_pl:10.2f}")
    print(f"{'pandas (best)':24}{t_pd:10.2f}")
    print(f"{'ratio pandas/polars':24}{ratio:10.2f}x")
    print(f"events generated in {t_events:.2f} s ({events.height:,} events); "
          f"profiles {profiles.height:,} rows, items {items.height:,} rows")
    print(f"peak RSS (this process): {_rss_gb():.2f} GB")
    print(f"goal: polars >= {GOAL:g}x faster: {'MET' if ratio >= GOAL else 'NOT MET'}")
    if problems:
        raise SystemExit("polars and pandas features disagree (see MISMATCH lines)")


if __name__ == "__main__":
    main()
