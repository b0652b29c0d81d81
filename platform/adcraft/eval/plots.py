"""Figures for model reports and MLflow: ROC, reliability diagram, feature importance,
training curves.

Figures are built as `matplotlib.figure.Figure` on an Agg canvas, not through pyplot:
no display is needed (workers and CI have none), the global backend is left alone, and
pyplot keeps no reference that would leak memory in long-running jobs. The caller logs
the figure (``fig.savefig`` or ``mlflow.log_figure``) and closes it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from sklearn import metrics as skm

from adcraft.eval.metrics import (
    BinStrategy,
    calibration_table,
    labels_and_probs,
    require_both_classes,
)


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas: renders without a screen
    return fig


def roc_curve_figure(y: ArrayLike, p: ArrayLike, label: str = "model") -> Figure:
    """ROC curve with its AUC in the legend, against the chance diagonal."""
    y_arr, p_arr = labels_and_probs(y, p)
    require_both_classes(y_arr)
    fpr, tpr, _ = skm.roc_curve(y_arr, p_arr)
    area = skm.auc(fpr, tpr)
    fig = _figure(5.5, 5.0)
    ax = fig.add_subplot()
    ax.plot(fpr, tpr, lw=2, label=f"{label} (AUC = {area:.3f})")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="chance (AUC = 0.5)")
    ax.set(xlim=(0, 1), ylim=(0, 1.01), aspect="equal",
           title="ROC curve: how well clicks are ranked above non-clicks",
           xlabel="False positive rate (share of non-clicks flagged)",
           ylabel="True positive rate (share of clicks caught)")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return fig


def calibration_figure(
    y: ArrayLike, p: ArrayLike, n_bins: int = 10, strategy: BinStrategy = "quantile"
) -> Figure:
    """Reliability diagram (observed rate per bin of predictions, against the diagonal of
    perfect calibration) above a histogram of how many predictions fall where."""
    y_arr, p_arr = labels_and_probs(y, p)
    table = calibration_table(y_arr, p_arr, n_bins, strategy)
    pred = table["mean_predicted"].to_numpy()
    obs = table["observed_rate"].to_numpy()
    # Click rates sit far below 1: zoom onto the range used, or every point hugs 0.
    top = float(min(1.0, max(p_arr.max(), obs.max(), 0.01) * 1.05))
    fig = _figure(6.0, 6.5)
    rel, hist = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    rel.plot([0, top], [0, top], ls="--", color="grey", lw=1, label="perfectly calibrated")
    rel.plot(pred, obs, marker="o", lw=2, label=f"model ({len(table)} {strategy} bins)")
    rel.set(xlim=(0, top), ylim=(0, top),
            title="Calibration: predicted vs observed click rate",
            ylabel="Observed rate in bin")
    rel.legend(loc="upper left")
    rel.grid(alpha=0.3)
    hist.hist(p_arr, bins=np.linspace(0, top, 31), color="tab:blue", alpha=0.7)
    hist.set(xlabel="Predicted probability", ylabel="Predictions")
    hist.grid(alpha=0.3)
    return fig


def feature_importance_figure(importances: dict[str, float], top: int = 20) -> Figure:
    """Horizontal bars of the `top` features by importance, largest at the top."""
    if not importances:
        raise ValueError("no feature importances to plot")
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    ranked = sorted(importances.items(), key=lambda kv: kv[1], reverse=True)[:top]
    names = [name for name, _ in reversed(ranked)]
    values = [value for _, value in reversed(ranked)]
    fig = _figure(7.0, 1.5 + 0.3 * len(ranked))
    ax = fig.add_subplot()
    ax.barh(names, values, color="tab:blue")
    shown = f"top {len(ranked)} of {len(importances)}" if len(ranked) < len(importances) \
        else f"all {len(ranked)}"
    ax.set(title=f"Feature importance ({shown} features)", xlabel="Importance")
    ax.grid(axis="x", alpha=0.3)
    return fig


def loss_curves_figure(curves: dict[str, list[float]], xlabel: str = "Epoch") -> Figure:
    """One line per named curve (e.g. train and validation loss) against the epoch (or
    whatever `xlabel` says the points are)."""
    if not curves or not any(len(v) for v in curves.values()):
        raise ValueError("no loss values to plot")
    fig = _figure(7.0, 4.5)
    ax = fig.add_subplot()
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="." if len(values) < 50 else None,
                label=name)
    ax.set(title="Training curves", xlabel=xlabel, ylabel="Loss")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig
