"""Metrics on examples small enough to work out by hand, and on synthetic data whose
calibration is known by construction."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from adcraft.eval import (
    auc,
    calibration_table,
    classification_report,
    expected_calibration_error,
    hit_rate_at_k,
    log_loss,
    ndcg_at_k,
)


@pytest.fixture(scope="module")
def calibrated() -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from exactly the predicted probabilities: calibrated by construction."""
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.6, 200_000)
    y = (rng.random(len(p)) < p).astype(int)
    return y, p


def test_auc_of_perfect_and_reversed_rankings():
    y = [0, 0, 1, 1]
    assert auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert auc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert auc(y, [0.5, 0.5, 0.5, 0.5]) == 0.5


def test_auc_by_hand():
    # Pairs (positive, negative): (0.35 vs 0.1) win, (0.35 vs 0.4) lose, (0.8 vs both) win.
    assert auc([0, 1, 0, 1], [0.1, 0.35, 0.4, 0.8]) == pytest.approx(3 / 4)


def test_log_loss_by_hand_and_clipped():
    expected = -(math.log(0.8) + math.log(0.6)) / 2
    assert log_loss([1, 0], [0.8, 0.4]) == pytest.approx(expected)
    # A confident mistake is large but finite.
    worst = log_loss([1, 0], [0.0, 1.0], eps=1e-6)
    assert math.isfinite(worst) and worst == pytest.approx(-math.log(1e-6))
    # One class only is fine for log loss.
    assert log_loss([1, 1], [0.5, 0.5]) == pytest.approx(math.log(2))


def test_ece_of_calibrated_data_is_near_zero(calibrated):
    y, p = calibrated
    for strategy in ("quantile", "uniform"):
        assert expected_calibration_error(y, p, 10, strategy) < 0.005


def test_ece_of_shifted_predictions_is_the_shift(calibrated):
    y, p = calibrated
    for strategy in ("quantile", "uniform"):
        assert expected_calibration_error(y, p + 0.1, 10, strategy) == pytest.approx(0.1, abs=0.005)
        assert expected_calibration_error(y, p - 0.04, 10, strategy) == pytest.approx(
            0.04, abs=0.005
        )


def test_ece_by_hand():
    # Uniform bins of 0.5: [0.2, 0.4] -> predicted 0.3, observed 0.5; [0.6, 0.8, 0.9, 0.9]
    # -> predicted 0.8, observed 0.75. ECE = (2 * 0.2 + 4 * 0.05) / 6 = 0.1.
    y = [0, 1, 1, 0, 1, 1]
    p = [0.2, 0.4, 0.6, 0.8, 0.9, 0.9]
    assert expected_calibration_error(y, p, 2, "uniform") == pytest.approx(0.1)


def test_calibration_table_columns_and_counts(calibrated):
    y, p = calibrated
    table = calibration_table(y, p, n_bins=5)
    assert table.columns == ["bin", "mean_predicted", "observed_rate", "count"]
    assert table.schema["count"] == pl.Int64
    assert table["count"].sum() == len(y)
    assert table.height == 5
    # Quantile bins hold (nearly) equal counts.
    assert table["count"].min() >= len(y) // 5 - 1
    assert (table["mean_predicted"].diff().drop_nulls() > 0).all()


def test_calibration_table_drops_empty_bins_and_merges_tied_quantiles():
    table = calibration_table([0, 1, 1], [0.05, 0.95, 0.95], n_bins=10, strategy="uniform")
    assert table["bin"].to_list() == [0, 9]
    assert table["count"].to_list() == [1, 2]
    tied = calibration_table([0, 1, 0, 1], [0.3] * 4, n_bins=10)
    assert tied.height == 1 and tied["observed_rate"][0] == 0.5


def test_classification_report(calibrated):
    y, p = calibrated
    report = classification_report(y, p)
    assert set(report) == {"auc", "log_loss", "ece", "base_rate", "n"}
    assert report["n"] == len(y)
    assert report["base_rate"] == pytest.approx(y.mean())
    assert 0.5 < report["auc"] < 1
    assert report["ece"] < 0.005
    assert all(isinstance(v, float) for v in report.values())


def test_single_class_is_a_clear_error():
    with pytest.raises(ValueError, match="single class.*AUC is undefined"):
        auc([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="single class"):
        classification_report([1, 1], [0.4, 0.6])


@pytest.mark.parametrize(
    ("y", "p", "message"),
    [
        ([0, 1], [0.5], "one value per row"),
        ([], [], "no rows"),
        ([0, 2], [0.1, 0.2], "binary"),
        (["a", "b"], [0.1, 0.2], "binary"),
        ([0, 1], [0.1, 1.2], r"probabilities in \[0, 1\]"),
        ([0, 1], [0.1, float("nan")], "probabilities"),
        ([[0, 1]], [[0.1, 0.2]], "one-dimensional"),
    ],
)
def test_bad_inputs(y, p, message):
    with pytest.raises(ValueError, match=message):
        classification_report(y, p)


def test_bad_binning():
    with pytest.raises(ValueError, match="strategy"):
        expected_calibration_error([0, 1], [0.2, 0.7], strategy="kmeans")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_bins"):
        calibration_table([0, 1], [0.2, 0.7], n_bins=0)


def test_ndcg_and_hit_rate_by_hand():
    ranked = [["a", "b", "c"], ["x", "y", "z"], ["p", "q", "r"]]
    relevant = [{"a"}, {"y", "z"}, {"s"}]
    # Query 1: hit at rank 1 -> 1. Query 2: hits at ranks 2, 3 -> (1/log2 3 + 1/2) over the
    # ideal (1 + 1/log2 3). Query 3: nothing -> 0.
    q2 = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(ranked, relevant, 3) == pytest.approx((1 + q2 + 0) / 3)
    assert hit_rate_at_k(ranked, relevant, 3) == pytest.approx(2 / 3)
    # At k = 1 only query 1 hits.
    assert ndcg_at_k(ranked, relevant, 1) == pytest.approx(1 / 3)
    assert hit_rate_at_k(ranked, relevant, 1) == pytest.approx(1 / 3)


def test_ndcg_ideal_is_capped_at_k_and_perfect_ranking_scores_one():
    # Three relevant, k = 2, both top slots relevant: perfect.
    assert ndcg_at_k([[1, 2, 3]], [{1, 2, 3}], 2) == pytest.approx(1.0)
    # One relevant at rank 2: 1/log2(3).
    assert ndcg_at_k([[9, 1]], [{1}], 5) == pytest.approx(1 / math.log2(3))


def test_ranking_skips_queries_without_relevant_items_and_ignores_repeats():
    assert hit_rate_at_k([["a"], ["b"]], [{"a"}, set()], 1) == 1.0
    # A repeated id cannot earn twice.
    assert ndcg_at_k([["a", "a"]], [{"a", "b"}], 2) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_ranking_errors():
    with pytest.raises(ValueError, match="one entry per query"):
        ndcg_at_k([["a"]], [{"a"}, {"b"}], 1)
    with pytest.raises(ValueError, match="k must be at least 1"):
        hit_rate_at_k([["a"]], [{"a"}], 0)
    with pytest.raises(ValueError, match="no query has a relevant item"):
        ndcg_at_k([["a"]], [set()], 1)
