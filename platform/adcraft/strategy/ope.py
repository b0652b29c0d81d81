"""Off-policy evaluation: what click rate a new copy policy would have had, read off
logs that a different (logging) policy produced, before showing it to anyone.

Everything works on plain per-round arrays, so any action space fits (a product, a
copy variant, a slate position): the caller turns its log into

- ``reward``: the observed reward of each logged round (a click: 0/1),
- ``propensity``: the logging policy's probability of the logged action,
- ``target_prob``: the target policy's probability of that same action,
- for doubly robust only, ``q_logged``: a reward model's estimate for the logged action,
  and ``q_target``: that model's expected reward under the target policy in the round's
  context, ``sum_a pi(a|x) q(x, a)``.

Intervals are percentile bootstraps over rounds (the reward model, if any, held fixed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

# Resampled indices held in memory at once: bounds a bootstrap of 100k rounds x 1000
# resamples to ~16 MB of int32 per chunk instead of ~800 MB for the whole matrix.
_CHUNK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class Estimate:
    """A policy value with its (1 - alpha) bootstrap interval."""

    value: float
    ci_low: float
    ci_high: float
    n: int
    name: str

    @property
    def width(self) -> float:
        """Interval width: the figure to compare estimators' precision by."""
        return self.ci_high - self.ci_low

    def contains(self, x: float) -> bool:
        return self.ci_low <= x <= self.ci_high


def _array(name: str, values: ArrayLike) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one value per logged round), "
                         f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{name} has a non-finite value ({arr[bad]}) at round {bad}")
    return arr


def _first_bad(name: str, arr: np.ndarray, ok: np.ndarray, rule: str) -> None:
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"{name} must be {rule}; round {i} has {float(arr[i])!r} "
                         f"({int((~ok).sum())} bad value(s) in all)")


def _validate(**columns: ArrayLike) -> dict[str, np.ndarray]:
    """Arrays of one length, propensities in (0, 1], target probabilities in [0, 1]."""
    arrays = {name: _array(name, values) for name, values in columns.items()}
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"inputs must have one value per logged round, but lengths differ: "
                         f"{lengths}")
    if next(iter(lengths.values())) == 0:
        raise ValueError("no logged rounds: cannot estimate a policy value from an empty log")
    p = arrays["propensity"]
    _first_bad("propensity", p, (p > 0) & (p <= 1),
               "in (0, 1] (the logging policy must have been able to take the logged action)")
    t = arrays["target_prob"]
    _first_bad("target_prob", t, (t >= 0) & (t <= 1), "a probability in [0, 1]")
    return arrays


def _check_bootstrap(n_boot: int, alpha: float) -> None:
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha}")


def _bootstrap_sums(columns: list[np.ndarray], n_boot: int, seed: int | None) -> np.ndarray:
    """Sums of each column over `n_boot` resamples of rounds with replacement, shape
    (n_boot, len(columns)); every column sees the same resamples, so ratios pair up."""
    rng = np.random.default_rng(seed)
    n = len(columns[0])
    dtype = np.int32 if n < 2**31 else np.int64
    rows = max(1, _CHUNK_ELEMENTS // n)
    out = np.empty((n_boot, len(columns)))
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        idx = rng.integers(0, n, size=(stop - start, n), dtype=dtype)
        for j, col in enumerate(columns):
            out[start:stop, j] = col[idx].sum(axis=1)
    return out


def _interval(boot: np.ndarray, alpha: float) -> tuple[float, float]:
    finite = boot[np.isfinite(boot)]
    if finite.size == 0:
        return float("nan"), float("nan")
    lo, hi = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def _mean_estimate(
    name: str, terms: np.ndarray, n_boot: int, alpha: float, seed: int | None
) -> Estimate:
    """The estimators that are a plain mean of per-round terms (IPS, DR)."""
    n = len(terms)
    boot = _bootstrap_sums([terms], n_boot, seed)[:, 0] / n
    lo, hi = _interval(boot, alpha)
    return Estimate(float(np.mean(terms)), lo, hi, n, name)


def importance_weights(propensity: ArrayLike, target_prob: ArrayLike) -> np.ndarray:
    """pi_target(a|x) / pi_logging(a|x) for each logged round, validated."""
    a = _validate(propensity=propensity, target_prob=target_prob)
    return a["target_prob"] / a["propensity"]


def ips(
    reward: ArrayLike,
    propensity: ArrayLike,
    target_prob: ArrayLike,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> Estimate:
    """Inverse propensity scoring: unbiased when propensities are right, but its variance
    grows with the weights, i.e. with how far the target strays from the logging policy."""
    _check_bootstrap(n_boot, alpha)
    a = _validate(reward=reward, propensity=propensity, target_prob=target_prob)
    terms = a["target_prob"] / a["propensity"] * a["reward"]
    return _mean_estimate("ips", terms, n_boot, alpha, seed)


def snips(
    reward: ArrayLike,
    propensity: ArrayLike,
    target_prob: ArrayLike,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> Estimate:
    """Self-normalised IPS: divides by the sum of weights instead of n, trading a small
    bias for less variance and an estimate that always lies within the reward range."""
    _check_bootstrap(n_boot, alpha)
    a = _validate(reward=reward, propensity=propensity, target_prob=target_prob)
    w = a["target_prob"] / a["propensity"]
    if w.sum() == 0:
        raise ValueError("the target policy gives probability 0 to every logged action: "
                         "SNIPS is undefined (no logged round tells us about it)")
    sums = _bootstrap_sums([w * a["reward"], w], n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = sums[:, 0] / sums[:, 1]  # nan where a resample holds no weight: dropped
    lo, hi = _interval(boot, alpha)
    value = float(np.sum(w * a["reward"]) / np.sum(w))
    return Estimate(value, lo, hi, len(w), "snips")


def doubly_robust(
    reward: ArrayLike,
    propensity: ArrayLike,
    target_prob: ArrayLike,
    q_logged: ArrayLike,
    q_target: ArrayLike,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> Estimate:
    """Doubly robust: the reward model's value of the target policy, corrected by IPS on
    the model's residuals. Unbiased if either the propensities or the model are right,
    and tighter than IPS when the model explains much of the reward."""
    _check_bootstrap(n_boot, alpha)
    a = _validate(reward=reward, propensity=propensity, target_prob=target_prob,
                  q_logged=q_logged, q_target=q_target)
    w = a["target_prob"] / a["propensity"]
    terms = a["q_target"] + w * (a["reward"] - a["q_logged"])
    return _mean_estimate("dr", terms, n_boot, alpha, seed)


def estimate_all(
    reward: ArrayLike,
    propensity: ArrayLike,
    target_prob: ArrayLike,
    q_logged: ArrayLike | None = None,
    q_target: ArrayLike | None = None,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> dict[str, Estimate]:
    """IPS and SNIPS, plus DR when reward-model estimates are given, keyed by name; one
    seed for all, so every estimator is bootstrapped over the same resamples."""
    if (q_logged is None) != (q_target is None):
        raise ValueError("doubly robust needs both q_logged and q_target (or neither, "
                         "to skip it)")
    kw = {"n_boot": n_boot, "alpha": alpha, "seed": seed}
    estimators: list[tuple[str, Callable[[], Estimate]]] = [
        ("ips", lambda: ips(reward, propensity, target_prob, **kw)),
        ("snips", lambda: snips(reward, propensity, target_prob, **kw)),
    ]
    if q_logged is not None:
        estimators.append(
            ("dr", lambda: doubly_robust(reward, propensity, target_prob, q_logged, q_target,
                                         **kw))
        )
    return {name: run() for name, run in estimators}
