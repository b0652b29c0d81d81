"""Each figure builds without a screen, has the parts it promises and saves to PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from adcraft.eval.plots import (
    calibration_figure,
    feature_importance_figure,
    loss_curves_figure,
    roc_curve_figure,
)


@pytest.fixture(scope="module")
def scored() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    p = rng.beta(1.5, 8, 5_000)
    y = (rng.random(len(p)) < p).astype(int)
    return y, p


def _saves(fig: Figure, path: Path) -> None:
    fig.savefig(path)
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_roc_curve_figure(scored, tmp_path):
    y, p = scored
    fig = roc_curve_figure(y, p, label="gbdt")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert len(ax.lines) == 2  # the curve and the chance diagonal
    assert "gbdt (AUC = " in ax.get_legend().get_texts()[0].get_text()
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    _saves(fig, tmp_path / "roc.png")


def test_calibration_figure(scored, tmp_path):
    y, p = scored
    fig = calibration_figure(y, p, n_bins=8)
    rel, hist = fig.axes
    assert len(rel.lines) == 2  # diagonal and the model
    assert len(rel.lines[1].get_xdata()) == 8
    assert len(hist.patches) == 30  # histogram bars
    assert sum(patch.get_height() for patch in hist.patches) == len(p)
    _saves(fig, tmp_path / "calibration.png")


def test_feature_importance_figure_keeps_the_top(tmp_path):
    importances = {f"f{i}": float(i) for i in range(30)}
    fig = feature_importance_figure(importances, top=5)
    (ax,) = fig.axes
    assert len(ax.patches) == 5
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "f29" and set(labels) == {"f25", "f26", "f27", "f28", "f29"}
    assert "top 5 of 30" in ax.get_title()
    _saves(fig, tmp_path / "importance.png")


def test_loss_curves_figure(tmp_path):
    fig = loss_curves_figure({"train": [0.7, 0.5, 0.4, 0.35], "validation": [0.72, 0.6, 0.58]})
    (ax,) = fig.axes
    assert len(ax.lines) == 2
    assert list(ax.lines[1].get_xdata()) == [1, 2, 3]
    assert ax.get_xlabel() == "Epoch"
    _saves(fig, tmp_path / "loss.png")


def test_empty_inputs_are_refused():
    with pytest.raises(ValueError, match="no feature importances"):
        feature_importance_figure({})
    with pytest.raises(ValueError, match="no loss values"):
        loss_curves_figure({"train": []})
    with pytest.raises(ValueError, match="single class"):
        roc_curve_figure([1, 1], [0.2, 0.3])
