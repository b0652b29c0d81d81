"""Metrics for the conversion model (does it rank and is it calibrated?) and for a later
retrieval stage (are the relevant products near the top?).

AUC and log loss come from scikit-learn; this module adds input checks that name the
problem, calibration by bins (scikit-learn's curve drops the bin counts that ECE needs)
and ranking metrics over lists of ids (scikit-learn's expect score matrices).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from sklearn import metrics as skm

BinStrategy = Literal["quantile", "uniform"]
# Log loss of p = 0 for a click is infinite: clip, so one overconfident row does not
# swamp a whole report.
PROB_EPS = 1e-15


def labels_and_probs(y: ArrayLike, p: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """0/1 labels and probabilities in [0, 1], one of each per row."""
    y_arr = np.asarray(y)
    p_arr = np.asarray(p, dtype=np.float64)
    if y_arr.ndim != 1 or p_arr.ndim != 1:
        raise ValueError(f"y and p must be one-dimensional, got shapes {y_arr.shape} and "
                         f"{p_arr.shape}")
    if len(y_arr) != len(p_arr):
        raise ValueError(f"y and p must have one value per row, got {len(y_arr)} labels and "
                         f"{len(p_arr)} probabilities")
    if len(y_arr) == 0:
        raise ValueError("no rows: metrics need at least one labelled prediction")
    try:
        y_num = y_arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"y must be binary (0/1 or bool), got dtype {y_arr.dtype}") from None
    if not np.isin(y_num, (0.0, 1.0)).all():
        bad = np.unique(y_arr[~np.isin(y_num, (0.0, 1.0))])[:5]
        raise ValueError(f"y must be binary (0/1 or bool), found {bad.tolist()}")
    if not np.all(np.isfinite(p_arr)) or p_arr.min() < 0 or p_arr.max() > 1:
        raise ValueError("p must hold probabilities in [0, 1] (no NaN); got values from "
                         f"{np.nanmin(p_arr)} to {np.nanmax(p_arr)}")
    return y_num.astype(np.int64), p_arr


def require_both_classes(y: np.ndarray) -> None:
    if y.min() == y.max():
        only = "positive (1)" if y[0] == 1 else "negative (0)"
        raise ValueError(f"y has a single class (all {len(y)} rows are {only}): AUC is "
                         "undefined; evaluate on a sample with both clicks and non-clicks")


def auc(y: ArrayLike, p: ArrayLike) -> float:
    """Area under the ROC curve: the chance a random positive outranks a random negative."""
    y_arr, p_arr = labels_and_probs(y, p)
    require_both_classes(y_arr)
    return float(skm.roc_auc_score(y_arr, p_arr))


def log_loss(y: ArrayLike, p: ArrayLike, eps: float = PROB_EPS) -> float:
    """Mean negative log-likelihood, probabilities clipped to [eps, 1 - eps]."""
    y_arr, p_arr = labels_and_probs(y, p)
    clipped = np.clip(p_arr, eps, 1 - eps)
    return float(skm.log_loss(y_arr, clipped, labels=[0, 1]))


def _bin_index(p: np.ndarray, n_bins: int, strategy: BinStrategy) -> np.ndarray:
    """Bin of each prediction. Quantile bins hold equal counts, which suits skewed
    click probabilities; ties can merge quantile edges, leaving fewer bins."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    if strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
    elif strategy == "uniform":
        edges = np.linspace(0, 1, n_bins + 1)
    else:
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")
    return np.searchsorted(edges[1:-1], p, side="left")


def calibration_table(
    y: ArrayLike, p: ArrayLike, n_bins: int = 10, strategy: BinStrategy = "quantile"
) -> pl.DataFrame:
    """Per non-empty bin: bin number, mean predicted probability, observed rate, count."""
    y_arr, p_arr = labels_and_probs(y, p)
    idx = _bin_index(p_arr, n_bins, strategy)
    size = int(idx.max()) + 1
    count = np.bincount(idx, minlength=size)
    keep = np.flatnonzero(count)
    pred = np.bincount(idx, weights=p_arr, minlength=size)[keep] / count[keep]
    obs = np.bincount(idx, weights=y_arr, minlength=size)[keep] / count[keep]
    return pl.DataFrame(
        {"bin": keep, "mean_predicted": pred, "observed_rate": obs, "count": count[keep]},
        schema={"bin": pl.Int64, "mean_predicted": pl.Float64, "observed_rate": pl.Float64,
                "count": pl.Int64},
    )


def expected_calibration_error(
    y: ArrayLike, p: ArrayLike, n_bins: int = 10, strategy: BinStrategy = "quantile"
) -> float:
    """Count-weighted mean |observed rate - mean predicted| over bins: how far, on
    average, a predicted click rate is from what happens."""
    table = calibration_table(y, p, n_bins, strategy)
    gap = (table["observed_rate"] - table["mean_predicted"]).abs()
    return float((gap * table["count"]).sum() / table["count"].sum())


def classification_report(
    y: ArrayLike, p: ArrayLike, n_bins: int = 10, strategy: BinStrategy = "quantile"
) -> dict[str, float]:
    """The numbers logged for every conversion model: auc, log_loss, ece, base_rate, n."""
    y_arr, p_arr = labels_and_probs(y, p)
    require_both_classes(y_arr)
    return {
        "auc": auc(y_arr, p_arr),
        "log_loss": log_loss(y_arr, p_arr),
        "ece": expected_calibration_error(y_arr, p_arr, n_bins, strategy),
        "base_rate": float(y_arr.mean()),
        "n": float(len(y_arr)),
    }


# ---- ranking, for retrieval: one ranked list of ids and one set of relevant ids per query


def _ranking_queries(
    ranked_ids: Sequence[Sequence[Hashable]], relevant: Sequence[set], k: int
) -> list[tuple[list[Hashable], set]]:
    """Queries that can be scored: top-k ids (repeats dropped) beside a non-empty set.
    Queries with no relevant item are skipped: no ranking can do well or badly on them."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if len(ranked_ids) != len(relevant):
        raise ValueError(f"ranked_ids and relevant must have one entry per query, got "
                         f"{len(ranked_ids)} and {len(relevant)}")
    queries = []
    for ranked, rel in zip(ranked_ids, relevant):
        if not rel:
            continue
        top = list(dict.fromkeys(ranked))[:k]
        queries.append((top, set(rel)))
    if not queries:
        raise ValueError("no query has a relevant item: ranking metrics are undefined")
    return queries


def ndcg_at_k(ranked_ids: Sequence[Sequence[Hashable]], relevant: Sequence[set], k: int) -> float:
    """Mean normalised discounted cumulative gain at k, binary relevance: a hit at rank
    i (1-based) gains 1/log2(i + 1), divided by the best gain the relevant set allows."""
    scores = []
    for top, rel in _ranking_queries(ranked_ids, relevant, k):
        dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(top) if item in rel)
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(rel))))
        scores.append(dcg / ideal)
    return float(np.mean(scores))


def hit_rate_at_k(
    ranked_ids: Sequence[Sequence[Hashable]], relevant: Sequence[set], k: int
) -> float:
    """Share of queries with at least one relevant id in the top k."""
    queries = _ranking_queries(ranked_ids, relevant, k)
    return float(np.mean([any(item in rel for item in top) for top, rel in queries]))
