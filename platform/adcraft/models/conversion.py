"""The conversion model: XGBoost boosters for p(click) and p(convert) on the rows of
`adcraft.features.training`, calibrated on a held-out slice.

Categorical columns are coded by a vocabulary learnt at fit time; a value never seen
then (a new brand, a new campaign) becomes missing, which XGBoost routes by its learnt
default direction, so unseen categories and absent features never crash prediction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import xgboost as xgb
from pydantic import BaseModel, Field
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from adcraft.features.training import LABELS, FeatureSpec

OUTPUTS = {"clicked": "p_click", "converted": "p_convert"}


class ConversionConfig(BaseModel):
    """Booster settings; Ray Tune searches over the first seven."""

    max_depth: int = Field(6, ge=1, le=16)
    eta: float = Field(0.1, gt=0, le=1)
    subsample: float = Field(0.8, gt=0, le=1)
    colsample_bytree: float = Field(0.8, gt=0, le=1)
    min_child_weight: float = Field(1.0, ge=0)
    reg_lambda: float = Field(1.0, ge=0, alias="lambda")
    num_boost_round: int = Field(300, ge=1)
    early_stopping_rounds: int = Field(30, ge=1)
    calibration: str = Field("isotonic", pattern="^(isotonic|platt|none)$")
    # XGBoost's OpenMP threads spin-wait when cores are shared (Ray trials, other jobs):
    # one thread per CPU that the trial was given, never "all cores" by default.
    nthread: int = Field(1, ge=1)
    seed: int = 7

    model_config = {"populate_by_name": True}

    def booster_params(self) -> dict[str, Any]:
        return {
            "objective": "binary:logistic",
            "eval_metric": ["logloss", "auc"],
            "tree_method": "hist",
            "max_depth": self.max_depth,
            "eta": self.eta,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "min_child_weight": self.min_child_weight,
            "lambda": self.reg_lambda,
            "seed": self.seed,
            "nthread": self.nthread,
        }


class TabularEncoder:
    """Polars rows -> a float32 matrix for XGBoost; categoricals as vocabulary codes."""

    def __init__(self, spec: FeatureSpec, vocabularies: dict[str, list[str]] | None = None):
        self.spec = spec
        self.vocabularies = vocabularies or {}

    def fit(self, frame: pl.DataFrame) -> TabularEncoder:
        self.vocabularies = {
            c: sorted(frame.get_column(c).drop_nulls().cast(pl.String).unique().to_list())
            for c in self.spec.categorical if c in frame.columns
        }
        return self

    def transform(self, frame: pl.DataFrame) -> np.ndarray:
        columns = []
        for c in self.spec.numeric:
            values = frame.get_column(c).cast(pl.Float32) if c in frame.columns else None
            columns.append(pl.Series(c, [None] * frame.height, pl.Float32)
                           if values is None else values)
        for c in self.spec.categorical:
            vocab = self.vocabularies.get(c, [])
            codes = {v: float(i) for i, v in enumerate(vocab)}
            raw = frame.get_column(c).cast(pl.String) if c in frame.columns else None
            columns.append(pl.Series(c, [None] * frame.height, pl.Float32) if raw is None
                           else raw.replace_strict(codes, default=None, return_dtype=pl.Float32))
        return pl.DataFrame(columns).to_numpy().astype(np.float32) if columns else np.empty(
            (frame.height, 0), np.float32)

    def dmatrix(self, frame: pl.DataFrame | np.ndarray, label: str | None = None
                ) -> xgb.DMatrix:
        """Rows (a frame, or a matrix `transform` made) as XGBoost's input."""
        y = None if label is None else frame.get_column(label).cast(pl.Float32).to_numpy()
        matrix = frame if isinstance(frame, np.ndarray) else self.transform(frame)
        return xgb.DMatrix(
            matrix, label=y, missing=np.nan,
            feature_names=self.spec.columns,
            feature_types=["q"] * len(self.spec.numeric) + ["c"] * len(self.spec.categorical),
            enable_categorical=True,
        )

    def to_dict(self) -> dict:
        return {"numeric": self.spec.numeric, "categorical": self.spec.categorical,
                "vocabularies": self.vocabularies}

    @classmethod
    def from_dict(cls, data: dict) -> TabularEncoder:
        return cls(FeatureSpec(data["numeric"], data["categorical"]), data["vocabularies"])


class Calibrator:
    """Maps raw booster probabilities to calibrated ones (isotonic or Platt)."""

    def __init__(self, method: str = "isotonic", state: dict | None = None):
        self.method, self.state = method, state or {}

    def fit(self, p: np.ndarray, y: np.ndarray) -> Calibrator:
        if self.method == "isotonic":
            iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, y)
            self.state = {"x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist()}
        elif self.method == "platt":
            logit = np.log(np.clip(p, 1e-7, 1 - 1e-7) / np.clip(1 - p, 1e-7, 1))[:, None]
            lr = LogisticRegression().fit(logit, y)
            self.state = {"a": float(lr.coef_[0, 0]), "b": float(lr.intercept_[0])}
        return self

    def __call__(self, p: np.ndarray) -> np.ndarray:
        if self.method == "isotonic" and self.state:
            return np.interp(p, self.state["x"], self.state["y"])
        if self.method == "platt" and self.state:
            logit = np.log(np.clip(p, 1e-7, 1 - 1e-7) / np.clip(1 - p, 1e-7, 1))
            return 1.0 / (1.0 + np.exp(-(self.state["a"] * logit + self.state["b"])))
        return p


class ConversionModel:
    def __init__(self, spec: FeatureSpec, config: ConversionConfig | None = None):
        self.config = config or ConversionConfig()
        self.encoder = TabularEncoder(spec)
        self.boosters: dict[str, xgb.Booster] = {}
        self.calibrators: dict[str, Calibrator] = {}
        self.best_rounds: dict[str, int] = {}

    @staticmethod
    def labels_in(frame: pl.DataFrame) -> list[str]:
        """The labels this frame can teach: present and not all missing."""
        return [c for c in LABELS if c in frame.columns and frame[c].null_count() < frame.height]

    def fit(self, train: pl.DataFrame, valid: pl.DataFrame | None = None,
            rounds: dict[str, int] | None = None) -> ConversionModel:
        """Train a booster per label; early stopping on `valid` when given, else a fixed
        number of `rounds` per label (e.g. the best found by the search)."""
        if train.height == 0:
            raise ValueError("the training set is empty")
        labels = self.labels_in(train)
        if not labels:
            raise ValueError(f"the training set has no label column: need one of {LABELS}")
        self.encoder.fit(train)
        for label in labels:
            rows = train.filter(pl.col(label).is_not_null())
            if rows[label].n_unique() < 2:
                raise ValueError(f"label '{label}' has a single class in the training set")
            dtrain = self.encoder.dmatrix(rows, label)
            kwargs: dict[str, Any] = {"num_boost_round": self.config.num_boost_round}
            if rounds and label in rounds:
                kwargs["num_boost_round"] = rounds[label]
            elif valid is not None and valid.height:
                kwargs["evals"] = [(self.encoder.dmatrix(valid.filter(
                    pl.col(label).is_not_null()), label), "valid")]
                kwargs["early_stopping_rounds"] = self.config.early_stopping_rounds
                kwargs["verbose_eval"] = False
            booster = xgb.train(self.config.booster_params(), dtrain, **kwargs)
            best = getattr(booster, "best_iteration", None)
            rounds_used = booster.num_boosted_rounds()
            self.best_rounds[label] = best + 1 if best is not None else rounds_used
            self.boosters[label] = booster
        return self

    def _raw(self, frame: pl.DataFrame | np.ndarray, label: str) -> np.ndarray:
        booster, rounds = self.boosters[label], (0, self.best_rounds[label])
        if isinstance(frame, np.ndarray):  # serving: no DMatrix to build (same numbers)
            return booster.inplace_predict(frame, iteration_range=rounds, missing=np.nan)
        return booster.predict(self.encoder.dmatrix(frame), iteration_range=rounds)

    def calibrate(self, frame: pl.DataFrame) -> ConversionModel:
        """Fit each label's calibrator on a slice the boosters did not train on."""
        for label in self.boosters:
            rows = frame.filter(pl.col(label).is_not_null()) if label in frame.columns else None
            if rows is None or rows.height == 0 or rows[label].n_unique() < 2:
                continue
            y = rows[label].cast(pl.Float64).to_numpy()
            self.calibrators[label] = Calibrator(self.config.calibration).fit(
                self._raw(rows, label), y)
        return self

    def predict(self, frame: pl.DataFrame, calibrated: bool = True) -> pl.DataFrame:
        """p_click (and p_convert where trained) for each row."""
        return pl.DataFrame(self.predict_matrix(self.encoder.transform(frame), calibrated))

    def predict_matrix(self, matrix: np.ndarray, calibrated: bool = True
                       ) -> dict[str, np.ndarray]:
        """`predict` of rows already encoded (`encoder.transform`): the serving path."""
        out = {}
        for label, name in OUTPUTS.items():
            if label in self.boosters:
                p = self._raw(matrix, label)
                if calibrated and label in self.calibrators:
                    p = self.calibrators[label](p)
                out[name] = p.astype(np.float64)
        return out

    def feature_importance(self, label: str = "clicked") -> dict[str, float]:
        """Total gain per feature, normalised to sum to 1."""
        gain = self.boosters[label].get_score(importance_type="total_gain")
        total = sum(gain.values()) or 1.0
        return {k: v / total for k, v in sorted(gain.items(), key=lambda kv: -kv[1])}

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for label, booster in self.boosters.items():
            booster.save_model(folder / f"{label}.ubj")
        meta = {
            "config": self.config.model_dump(by_alias=True),
            "encoder": self.encoder.to_dict(),
            "best_rounds": self.best_rounds,
            "calibrators": {k: {"method": c.method, "state": c.state}
                            for k, c in self.calibrators.items()},
        }
        (folder / "conversion_model.json").write_text(json.dumps(meta, indent=1))
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> ConversionModel:
        folder = Path(folder)
        meta = json.loads((folder / "conversion_model.json").read_text())
        encoder = TabularEncoder.from_dict(meta["encoder"])
        model = cls(encoder.spec, ConversionConfig.model_validate(meta["config"]))
        model.encoder = encoder
        model.best_rounds = {k: int(v) for k, v in meta["best_rounds"].items()}
        for label in model.best_rounds:
            booster = xgb.Booster()
            booster.load_model(folder / f"{label}.ubj")
            model.boosters[label] = booster
        model.calibrators = {k: Calibrator(v["method"], v["state"])
                             for k, v in meta["calibrators"].items()}
        return model


def predict_shown(model: ConversionModel, shoppers: list[str], products: list[str],
                  copy_texts: list[str | None], catalogue: pl.DataFrame,
                  profiles: pl.DataFrame | None = None,
                  item_features: pl.DataFrame | None = None,
                  shopper_table: pl.DataFrame | None = None,
                  campaigns: list[str | None] | None = None) -> pl.DataFrame:
    """The model's p(click) (and p(convert), where it learnt one) of showing each
    (shopper, product, copy) row in position 1, in the order given: the one way the
    serving ranker, predicted CTR and best-of-n score rows. The tables are those the
    model was trained with; a missing one leaves its features unknown, not an error."""
    return model.predict(shown_rows(shoppers, products, copy_texts, catalogue, profiles,
                                    item_features, shopper_table, campaigns))


def shown_rows(shoppers: list[str], products: list[str], copy_texts: list[str | None],
               catalogue: pl.DataFrame, profiles: pl.DataFrame | None = None,
               item_features: pl.DataFrame | None = None,
               shopper_table: pl.DataFrame | None = None,
               campaigns: list[str | None] | None = None) -> pl.DataFrame:
    """The feature rows `predict_shown` scores, in the order given."""
    from datetime import UTC, datetime

    from adcraft.data.schemas import conform
    from adcraft.features.training import build_training_rows

    n = len(products)
    frame = pl.DataFrame({
        "impression_id": [f"s{i:09d}" for i in range(n)],
        "ts": [datetime.now(UTC)] * n, "shopper_id": shoppers, "product_id": products,
        "copy_text": pl.Series(copy_texts, dtype=pl.String),
        "position": pl.Series([1] * n, dtype=pl.Int32), "propensity": [1.0] * n,
        "clicked": [False] * n,
    })
    if campaigns is not None:
        frame = frame.with_columns(campaign=pl.Series(campaigns, dtype=pl.String))
    impressions = conform(frame, "impressions", "predict_shown")
    if profiles is not None and shoppers:
        profiles = profiles.filter(pl.col("shopper_id").is_in(set(shoppers)))
    rows, _ = build_training_rows(impressions, catalogue, profiles, item_features,
                                  shopper_table)
    return rows.sort("impression_id")  # joins need not keep the order
