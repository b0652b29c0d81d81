"""Hyperparameter search for the conversion model with Ray Tune: each trial is an
`xgboost.train` that reports validation AUC every boosting round, and the scheduler
(ASHA by default) stops unpromising trials early. Ray is imported only here, on use."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from adcraft.models.conversion import ConversionConfig, TabularEncoder

METRIC = "valid-auc"
GRID = {"max_depth": [3, 8], "eta": [0.05, 0.2], "min_child_weight": [1.0, 10.0]}


@dataclass
class SearchResult:
    best_config: ConversionConfig
    best_auc: float
    best_rounds: int
    trials: int
    wall_s: float
    table: Any  # pandas DataFrame of every trial's last result, from Ray


def search_data(encoder: TabularEncoder, train: pl.DataFrame, valid: pl.DataFrame,
                label: str = "clicked") -> dict[str, Any]:
    """Encoded arrays for the trials (shipped to Ray's object store once)."""
    train, valid = (f.filter(pl.col(label).is_not_null()) for f in (train, valid))
    spec = encoder.spec
    return {
        "train_x": encoder.transform(train), "train_y": train[label].cast(pl.Float32).to_numpy(),
        "valid_x": encoder.transform(valid), "valid_y": valid[label].cast(pl.Float32).to_numpy(),
        "names": spec.columns,
        "types": ["q"] * len(spec.numeric) + ["c"] * len(spec.categorical),
    }


def search_space(max_rounds: int) -> dict[str, Any]:
    from ray import tune

    return {
        "max_depth": tune.randint(3, 11),
        "eta": tune.loguniform(0.02, 0.3),
        "subsample": tune.uniform(0.6, 1.0),
        "colsample_bytree": tune.uniform(0.5, 1.0),
        "min_child_weight": tune.loguniform(0.5, 20.0),
        "lambda": tune.loguniform(0.1, 10.0),
        "num_boost_round": max_rounds,
    }


def grid_space(max_rounds: int) -> dict[str, Any]:
    from ray import tune

    return {**{k: tune.grid_search(v) for k, v in GRID.items()}, "num_boost_round": max_rounds}


def _trial(config: dict[str, Any], data: dict[str, Any], base: dict[str, Any]) -> None:
    """One trial, run by a Ray worker: train with early stopping, report each round."""
    import xgboost as xgb
    from ray.tune.integration.xgboost import TuneReportCheckpointCallback

    settings = ConversionConfig.model_validate({**base, **config})

    def matrix(x, y):
        return xgb.DMatrix(x, label=y, missing=np.nan, feature_names=data["names"],
                           feature_types=data["types"], enable_categorical=True)

    dtrain = matrix(data["train_x"], data["train_y"])
    dvalid = matrix(data["valid_x"], data["valid_y"])
    xgb.train(
        settings.booster_params(), dtrain, num_boost_round=settings.num_boost_round,
        evals=[(dvalid, "valid")], early_stopping_rounds=settings.early_stopping_rounds,
        verbose_eval=False,
        callbacks=[TuneReportCheckpointCallback(
            metrics={METRIC: "valid-auc", "valid-logloss": "valid-logloss"},
            frequency=0, checkpoint_at_end=False)],
    )


def run_search(
    data: dict[str, Any],
    base: ConversionConfig,
    trials: int = 8,
    cpus_per_trial: int = 1,
    max_rounds: int = 300,
    scheduler: str = "asha",
    storage_path: str | None = None,
    name: str | None = None,
    seed: int = 7,
) -> SearchResult:
    """Search on `data` (train_x/train_y/valid_x/valid_y arrays, names, types).
    `scheduler`: "asha" (random search, early termination) or "grid" (the GRID, run
    to the end: an equal-budget baseline). Needs a running Ray (ray.init)."""
    from ray import tune
    from ray.tune.schedulers import ASHAScheduler, FIFOScheduler
    from ray.tune.search import BasicVariantGenerator

    if scheduler == "asha":
        space = search_space(max_rounds)
        sched = ASHAScheduler(max_t=max_rounds, grace_period=min(10, max_rounds),
                              reduction_factor=3)
        samples = trials
    elif scheduler == "grid":
        space, sched, samples = grid_space(max_rounds), FIFOScheduler(), 1
    else:
        raise ValueError(f"scheduler must be 'asha' or 'grid', not {scheduler!r}")
    fixed = base.model_dump(by_alias=True, exclude={"num_boost_round"})
    fixed["nthread"] = cpus_per_trial
    trainable = tune.with_resources(tune.with_parameters(_trial, data=data, base=fixed),
                                    {"cpu": cpus_per_trial})
    started = time.perf_counter()
    tuner = tune.Tuner(
        trainable,
        param_space=space,
        tune_config=tune.TuneConfig(
            metric=METRIC, mode="max", scheduler=sched, num_samples=samples,
            search_alg=BasicVariantGenerator(random_state=seed),
        ),
        run_config=tune.RunConfig(
            name=name or f"tune-conversion-{int(time.time() * 1000)}",
            storage_path=storage_path, verbose=0,
        ),
    )
    grid = tuner.fit()
    wall = time.perf_counter() - started
    errors = [r.error for r in grid if r.error]
    if len(errors) == len(grid):
        raise RuntimeError(f"every trial failed; first error: {errors[0]}")
    best = grid.get_best_result(metric=METRIC, mode="max", scope="all")
    history = best.metrics_dataframe
    top = history[METRIC].idxmax()
    params = {k: v for k, v in best.config.items() if k != "num_boost_round"}
    config = ConversionConfig.model_validate({**fixed, **params,
                                              "num_boost_round": max_rounds})
    return SearchResult(
        best_config=config,
        best_auc=float(history[METRIC].max()),
        best_rounds=int(history.loc[top, "training_iteration"]),
        trials=len(grid),
        wall_s=wall,
        table=grid.get_dataframe(),
    )
