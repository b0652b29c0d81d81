"""Readable summaries of datasets and features for the terminal."""

from __future__ import annotations

import polars as pl

from adcraft.features.profiles import profile_for


def table_summary(tables: dict[str, pl.DataFrame]) -> str:
    lines = []
    for name, df in tables.items():
        extra = ""
        if name == "events" and df.height:
            counts = df.group_by("event_type").len().sort("event_type")
            extra = "  " + ", ".join(f"{r['event_type']} {r['len']:,}" for r in counts.to_dicts())
            extra += f"  ({df['ts'].min():%Y-%m-%d} .. {df['ts'].max():%Y-%m-%d})"
        if name == "impressions" and df.height:
            extra = f"  CTR {df['clicked'].mean():.2%}"
            if df["converted"].null_count() < df.height:
                extra += f", conversion {df['converted'].mean():.2%}"
        lines.append(f"  {name:<16}{df.height:>12,} rows{extra}")
    return "\n".join(lines)


def contrasting_shoppers(profiles: pl.DataFrame, n: int = 3) -> list[str]:
    """Active shoppers whose top categories differ, so the summary shows a range."""
    ranked = (
        profiles.filter(pl.col("liked_attributes").list.len() > 0)
        .with_columns(top=pl.col("categories").list.first().struct.field("name"))
        .sort(["n_purchases", "shopper_id"], descending=[True, False])
        .unique("top", keep="first", maintain_order=True)
    )
    return ranked["shopper_id"].head(n).to_list()


def profile_cards(profiles: pl.DataFrame, shopper_ids: list[str]) -> str:
    cards = [profile_for(profiles, sid).describe() for sid in [*shopper_ids, "(a new visitor)"]]
    return "\n\n".join(cards)


def truth_check(profiles: pl.DataFrame, tastes: pl.DataFrame, active: int = 50) -> str:
    """How well profiles recover the synthetic shop's hidden tastes. Precision counts
    only attributes that are product facts (generic aspects like "fit" have no truth)."""
    facts = list(set(tastes["liked"].explode().drop_nulls())
                 | set(tastes["disliked"].explode().drop_nulls()))
    joined = profiles.join(tastes, on="shopper_id").with_columns(
        top_ok=pl.col("categories").list.first().struct.field("name")
        == pl.col("category_weights").list.first().struct.field("category"),
        reviewed=pl.col("liked_attributes").list.len() + pl.col("disliked_attributes").list.len()
        > 0,
    )

    def agreement(found: str, true: str) -> tuple[float, float]:
        stated = joined.select(
            hit=pl.col(found).list.set_intersection(true).list.len().sum(),
            said=pl.col(found).list.eval(pl.element().is_in(facts)).list.sum().sum(),
            truth=pl.col(true).list.len().filter(joined["reviewed"]).sum(),
        ).row(0, named=True)
        precision = stated["hit"] / stated["said"] if stated["said"] else float("nan")
        recall = stated["hit"] / stated["truth"] if stated["truth"] else float("nan")
        return precision, recall

    busy = joined.filter(pl.col("n_events") >= active)
    like_p, like_r = agreement("liked_attributes", "liked")
    dis_p, dis_r = agreement("disliked_attributes", "disliked")
    return (
        f"  top category = hidden favourite: {joined['top_ok'].mean():.1%} of {joined.height:,} "
        f"shoppers; {busy['top_ok'].mean():.1%} of the {busy.height:,} with >= {active} events\n"
        f"  liked attributes:    precision {like_p:.1%}, recall {like_r:.1%} "
        f"(over the {joined['reviewed'].sum():,} shoppers with reviews)\n"
        f"  disliked attributes: precision {dis_p:.1%}, recall {dis_r:.1%}"
    )


CONVERSION_SCORES = ("test_auc", "test_log_loss", "test_ece", "test_convert_auc")
GENERATOR_SCORES = ("test_raw_grounding_rate", "test_grounding_rate",
                    "test_personalisation_rate", "test_distinct_2", "test_predicted_ctr")


def champion_summary(registry, name: str, keys: tuple[str, ...] = CONVERSION_SCORES) -> str:
    """Which version holds `champion`, its test scores (`keys` of its run's metrics),
    and how to load it."""
    from adcraft.registry import CHALLENGER, CHAMPION

    version = registry.alias_version(name, CHAMPION)
    if version is None:
        return f"  {name}: no champion yet"
    model_version = registry.client.get_model_version(name, str(version))
    metrics = registry.client.get_run(model_version.run_id).data.metrics
    scores = ", ".join(f"{k.removeprefix('test_')} {metrics[k]:.4f}" for k in keys
                       if k in metrics)
    return (f"  {name}@{CHAMPION} = v{version} (challenger v"
            f"{registry.alias_version(name, CHALLENGER)}): {scores}\n"
            f"  tracking: {registry.uri}\n"
            f"  load it: mlflow.pyfunc.load_model('models:/{name}@{CHAMPION}')")


def champion_copy(registry, name: str, k: int = 3) -> str:
    """A few held-out requests and the copy the champion generator wrote for them, as
    its evaluation logged them."""
    import json

    import mlflow

    from adcraft.registry import CHAMPION

    version = registry.alias_version(name, CHAMPION)
    if version is None:
        return f"  {name}: no champion yet"
    run_id = registry.client.get_model_version(name, str(version)).run_id
    shown = json.loads(mlflow.artifacts.load_text(f"runs:/{run_id}/evaluation/shown_copy.json"))
    lines = []
    for item in shown[:k]:
        mark = " (degraded: template copy)" if item["degraded"] else ""
        lines.append(f"  shopper {item['shopper_id']}, product {item['product_id']}{mark}")
        lines += [f"    - {text}" for text in item["copy"]]
    return "\n".join(lines)


def catalogue_summary(products: pl.DataFrame) -> str:
    """How much a catalogue says about its products: what copy can claim and profiles
    can learn from (facts, categories, brands, prices, descriptions)."""
    n = max(products.height, 1)
    facts = products["attributes"].list.len().fill_null(0)
    shares = {
        "with >= 2 facts": (facts >= 2).sum(),
        "with a category": products["category_path"].list.len().fill_null(0).gt(0).sum(),
        "with a brand": products["brand"].is_not_null().sum(),
        "with a price": products["price"].is_not_null().sum(),
        "with a description": products["description"].is_not_null().sum(),
    }
    lines = [f"  products        {products.height:>12,}; facts per product: median "
             f"{facts.median() or 0:.0f}, max {facts.max() or 0}"]
    lines += [f"    {k:<20}{v / n:>7.1%}" for k, v in shares.items()]
    return "\n".join(lines)


def shop_summary(tables: dict[str, pl.DataFrame], features: dict[str, pl.DataFrame]) -> str:
    rest = {k: v for k, v in tables.items() if k != "products"}
    return "\n".join([catalogue_summary(tables["products"]), table_summary(rest),
                      *(f"  {k:<16}{v.height:>12,} rows (features)" for k, v in
                        features.items())])
