"""Off-policy value of "show the items the conversion model ranks highest", estimated
from logs of another policy (e.g. OBD's uniformly random one) with IPS, SNIPS and DR.

For each logged round (a context and a slot k), the target policy shows the item with
the k-th highest predicted click probability among the campaign's items, so it agrees
with the log only where the logged item is that one; DR uses the model's own
predictions as its reward model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from adcraft.features.training import build_training_rows
from adcraft.models.conversion import ConversionModel
from adcraft.strategy.ope import Estimate, estimate_all


@dataclass
class PolicyValue:
    estimates: dict[str, Estimate]
    logged_ctr: float
    agreement: float  # share of logged rounds where the target picks the logged item
    n: int


def ranking_policy_value(
    model: ConversionModel,
    logged: pl.DataFrame,
    products: pl.DataFrame,
    shoppers: pl.DataFrame | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> PolicyValue:
    """`logged`: impressions (with propensity) of a single campaign's item set."""
    if logged.height == 0:
        raise ValueError("no logged rounds to evaluate on")
    items = logged["product_id"].unique().sort()
    contexts = logged.select("impression_id", "ts", "shopper_id", "position", "campaign",
                             "copy_text")
    # every item in every logged context, scored by the model
    grid = contexts.join(pl.DataFrame({"product_id": items}), how="cross").with_columns(
        clicked=pl.lit(None, pl.Boolean), converted=pl.lit(None, pl.Boolean),
        propensity=pl.lit(None, pl.Float64), policy=pl.lit(None, pl.String),
        copy_variant_id=pl.lit(None, pl.String),
    )
    rows, _ = build_training_rows(grid, products, None, None, shoppers)
    scored = rows.select("impression_id", "product_id", "position").with_columns(
        p=model.predict(rows)["p_click"])
    picked = (
        scored.sort(["impression_id", "p", "product_id"], descending=[False, True, False])
        .with_columns(rank=pl.int_range(1, pl.len() + 1).over("impression_id"))
        .filter(pl.col("rank") == pl.col("position"))
        .select("impression_id", picked="product_id", q_target="p")
    )
    joined = (
        logged.select("impression_id", "product_id", "clicked", "propensity")
        .join(picked, on="impression_id")
        .join(scored.select("impression_id", "product_id", q_logged="p"),
              on=["impression_id", "product_id"])
    )
    target = (joined["picked"] == joined["product_id"]).cast(pl.Float64).to_numpy()
    reward = joined["clicked"].cast(pl.Float64).to_numpy()
    estimates = estimate_all(reward, joined["propensity"].to_numpy(), target,
                             joined["q_logged"].to_numpy(), joined["q_target"].to_numpy(),
                             n_boot=n_boot, seed=seed)
    return PolicyValue(estimates, float(reward.mean()), float(np.mean(target)), joined.height)
