"""The estimators on logs small enough to work out by hand, their bootstrap, and the
errors that bad logs raise."""

from __future__ import annotations

import numpy as np
import pytest

from adcraft.strategy import (
    Estimate,
    doubly_robust,
    estimate_all,
    importance_weights,
    ips,
    snips,
)

# Four rounds, logging propensity 0.5 each; target weights 2, 0, 1, 2.
REWARD = [1, 0, 1, 0]
PROPENSITY = [0.5, 0.5, 0.5, 0.5]
TARGET = [1.0, 0.0, 0.5, 1.0]
Q_LOGGED = [0.5, 0.5, 0.5, 0.5]
Q_TARGET = [0.4, 0.4, 0.4, 0.4]


def test_hand_computed_values():
    assert importance_weights(PROPENSITY, TARGET).tolist() == [2.0, 0.0, 1.0, 2.0]
    # IPS: (2*1 + 0 + 1*1 + 2*0) / 4.
    assert ips(REWARD, PROPENSITY, TARGET).value == pytest.approx(0.75)
    # SNIPS: the same weighted clicks over the sum of weights, 3 / 5.
    assert snips(REWARD, PROPENSITY, TARGET).value == pytest.approx(0.6)
    # DR: mean of 0.4 + w (r - 0.5) = (1.4 + 0.4 + 0.9 - 0.6) / 4.
    dr = doubly_robust(REWARD, PROPENSITY, TARGET, Q_LOGGED, Q_TARGET)
    assert dr.value == pytest.approx(0.525)


def test_estimate_fields_and_interval():
    e = ips(REWARD, PROPENSITY, TARGET, n_boot=200, seed=1)
    assert isinstance(e, Estimate)
    assert (e.name, e.n) == ("ips", 4)
    assert e.ci_low <= e.value <= e.ci_high
    assert e.width == pytest.approx(e.ci_high - e.ci_low)
    # A resample can only average the per-round terms 2, 0, 1, 0.
    assert 0.0 <= e.ci_low and e.ci_high <= 2.0


def test_dr_with_a_perfect_reward_model_has_no_residual():
    rng = np.random.default_rng(0)
    n = 5_000
    q = rng.uniform(0.05, 0.3, n)
    propensity = np.full(n, 0.25)
    target = rng.choice([0.0, 1.0], n)
    # Rewards equal to the model's estimate: the correction vanishes, DR = mean q_target.
    e = doubly_robust(q, propensity, target, q, q_target=q * 0.9)
    assert e.value == pytest.approx(np.mean(q * 0.9))


def test_bootstrap_is_seeded_and_intervals_shrink_with_more_data():
    rng = np.random.default_rng(1)

    def log(n: int):
        propensity = np.full(n, 1 / 3)
        target = rng.choice([0.0, 1.0], n, p=[2 / 3, 1 / 3])
        reward = (rng.random(n) < 0.2).astype(float)
        return reward, propensity, target

    small, big = log(2_000), log(50_000)
    assert ips(*small, seed=3) == ips(*small, seed=3)
    assert ips(*small, seed=3) != ips(*small, seed=4)
    assert ips(*big).width < ips(*small).width / 3  # ~ 1 / sqrt(25) = 1/5


def test_interval_covers_the_truth_of_a_simple_bandit():
    # Two actions, logging 70/30, target always takes the rarer action whose click
    # rate is 0.3: true value 0.3.
    rng = np.random.default_rng(2)
    n = 40_000
    action = (rng.random(n) < 0.3).astype(int)
    reward = (rng.random(n) < np.where(action == 1, 0.3, 0.1)).astype(float)
    propensity = np.where(action == 1, 0.3, 0.7)
    target = (action == 1).astype(float)
    q = np.where(action == 1, 0.28, 0.12)  # a slightly wrong reward model
    results = estimate_all(reward, propensity, target, q, np.full(n, 0.28))
    assert set(results) == {"ips", "snips", "dr"}
    for e in results.values():
        assert e.contains(0.3), e
    assert results["dr"].width <= results["ips"].width


def test_estimate_all_without_a_reward_model_skips_dr():
    assert set(estimate_all(REWARD, PROPENSITY, TARGET, n_boot=10)) == {"ips", "snips"}
    with pytest.raises(ValueError, match="both q_logged and q_target"):
        estimate_all(REWARD, PROPENSITY, TARGET, q_logged=Q_LOGGED)


@pytest.mark.parametrize(
    ("reward", "propensity", "target", "message"),
    [
        ([1, 0], [0.5], [0.5, 0.5], "lengths differ"),
        ([], [], [], "empty log"),
        ([1, 0], [0.5, 0.0], [0.5, 0.5], r"propensity must be in \(0, 1\].*round 1 has 0.0"),
        ([1, 0], [-0.2, 0.5], [0.5, 0.5], r"propensity must be in \(0, 1\]"),
        ([1, 0], [0.5, 1.5], [0.5, 0.5], r"propensity must be in \(0, 1\]"),
        ([1, 0], [0.5, 0.5], [1.2, 0.5], r"target_prob must be a probability in \[0, 1\]"),
        ([1, 0], [0.5, 0.5], [0.5, -0.1], "target_prob"),
        ([1, float("nan")], [0.5, 0.5], [0.5, 0.5], "reward has a non-finite value"),
        ([[1, 0]], [[0.5, 0.5]], [[0.5, 0.5]], "one-dimensional"),
    ],
)
def test_bad_logs_are_refused_by_every_estimator(reward, propensity, target, message):
    q = [0.1] * len(reward) if np.ndim(reward) == 1 else reward
    for estimate in (
        lambda: ips(reward, propensity, target),
        lambda: snips(reward, propensity, target),
        lambda: doubly_robust(reward, propensity, target, q, q),
        lambda: estimate_all(reward, propensity, target),
    ):
        with pytest.raises(ValueError, match=message):
            estimate()


def test_bad_reward_model_and_bootstrap_settings():
    with pytest.raises(ValueError, match="lengths differ"):
        doubly_robust(REWARD, PROPENSITY, TARGET, Q_LOGGED[:3], Q_TARGET)
    with pytest.raises(ValueError, match="q_target has a non-finite value"):
        doubly_robust(REWARD, PROPENSITY, TARGET, Q_LOGGED, [0.4, np.inf, 0.4, 0.4])
    with pytest.raises(ValueError, match="n_boot must be at least 1"):
        ips(REWARD, PROPENSITY, TARGET, n_boot=0)
    with pytest.raises(ValueError, match="alpha"):
        snips(REWARD, PROPENSITY, TARGET, alpha=1.0)


def test_snips_undefined_when_the_target_never_agrees_with_the_log():
    with pytest.raises(ValueError, match="SNIPS is undefined"):
        snips(REWARD, PROPENSITY, [0, 0, 0, 0])
    # IPS is still defined (zero) in that case.
    assert ips(REWARD, PROPENSITY, [0, 0, 0, 0]).value == 0.0
