"""Off-policy estimates against the exact truth, on the synthetic shop's random-policy log.

The log: in each context (shopper, campaign category, position) the logging policy
picked a product of the category and one of its copy variants uniformly at random.

The target policy keeps that uniform product choice but picks the copy by a rule: the
first variant that states a fact the product has and the shopper likes (hidden tastes),
else the plain variant v0. Deterministic, so its weight is 0 or n_variants: a hard case
for IPS, with only ~15% of rounds matching it.

Its true value on the logged contexts is computed exactly from the click model: per
context, the mean over the category's products of the true p_click of the chosen copy at
the context's position. Given the contexts, every estimator below is unbiased (SNIPS
nearly so) for exactly that number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from adcraft.data.synthetic import ClickModel, build_shop, copy_variants
from adcraft.data.synthetic.clicks import CopyClaims
from adcraft.data.synthetic.impressions import SLOTS
from adcraft.settings import ShopSettings
from adcraft.strategy import Estimate, estimate_all, ips, snips

SETTINGS = ShopSettings(n_products=300, n_shoppers=500, n_events=1000, n_impressions=60_000)
SEED = 11
PRIOR_ROUNDS = 10.0  # pseudo-rounds shrinking a (product, variant) CTR to its product's
PRODUCT_PRIOR_ROUNDS = 20.0  # ... and a product's CTR to the global one


class MemoClaims(ClickModel):
    """The shop's click model with copy parsing memoised per text. `copy_effect` is the
    real one; only the ~100k regex parses of the same ~1.8k texts are skipped."""

    def __init__(self, model: ClickModel):
        super().__init__(model.catalogue, model.population)
        self._parsed: dict[str, CopyClaims] = {}

    def claims(self, copy: str) -> CopyClaims:
        if copy not in self._parsed:
            self._parsed[copy] = super().claims(copy)
        return self._parsed[copy]


@dataclass
class Bandit:
    """The log as arrays (one entry per round) and the target policy expanded over each
    distinct (shopper, category) context: one row per product of the category."""

    reward: np.ndarray
    propensity: np.ndarray
    target_prob: np.ndarray
    product: np.ndarray
    variant: np.ndarray
    position: np.ndarray
    context: np.ndarray  # round -> index of its (shopper, category) pair
    pair_size: np.ndarray  # products in each pair's category
    row_pair: np.ndarray  # expansion rows: pair, product, the target's variant
    row_product: np.ndarray
    row_variant: np.ndarray
    truth_by_round: np.ndarray  # the target's exact expected reward in each round's context

    @property
    def truth(self) -> float:
        return float(self.truth_by_round.mean())

    def per_context(self, row_values_by_position: list[np.ndarray]) -> np.ndarray:
        """Mean over a context's products of a value per expansion row, at each round's
        own position: i.e. the expectation over the target's (uniform) product choice."""
        table = np.stack([np.bincount(self.row_pair, weights=v, minlength=len(self.pair_size))
                          for v in row_values_by_position], axis=1) / self.pair_size[:, None]
        return table[self.context, self.position - 1]


def target_variant(model: ClickModel, variants: list[tuple[str, str]], s: int, p: int) -> int:
    """The rule: the first variant stating a true fact shopper s likes, else v0."""
    liked = set(model.population.liked[s].tolist()) - {-1}
    for k, (_, text) in enumerate(variants):
        if any(model.catalogue.has_term[p, t] and t in liked for t in model.claims(text).terms):
            return k
    return 0


@pytest.fixture(scope="module")
def bandit() -> Bandit:
    shop = build_shop(SETTINGS, SEED)
    imp = shop.impressions
    model = MemoClaims(shop.click_model)
    cat = model.catalogue
    variants = [copy_variants(row) for row in cat.products.to_dicts()]
    variant_of = {vid: k for vs in variants for k, (vid, _) in enumerate(vs)}
    s, p = model.indices(imp["shopper_id"].to_list(), imp["product_id"].to_list())
    v = np.array([variant_of[x] for x in imp["copy_variant_id"]])
    c = cat.category[p]
    members = [np.flatnonzero(cat.category == k) for k in range(int(cat.category.max()) + 1)]
    size = np.array([len(members[k]) for k in c])
    n_variants = np.array([len(variants[x]) for x in p])
    propensity = imp["propensity"].to_numpy()
    # The log is what the docstring says: uniform over (category product) x (variant).
    np.testing.assert_allclose(propensity, 1.0 / (size * n_variants))

    pairs, context = np.unique(np.stack([s, c], axis=1), axis=0, return_inverse=True)
    rows = [(i, int(si), int(pi)) for i, (si, ci) in enumerate(pairs) for pi in members[ci]]
    row_pair = np.array([r[0] for r in rows])
    row_s = np.array([r[1] for r in rows])
    row_p = np.array([r[2] for r in rows])
    choice = {(si, pi): target_variant(model, variants[pi], si, pi) for _, si, pi in rows}
    row_v = np.array([choice[si, pi] for _, si, pi in rows])
    effect = np.array([model.copy_effect(si, pi, variants[pi][k][1])
                       for si, pi, k in zip(row_s, row_p, row_v)])
    position = imp["position"].to_numpy()
    partial = Bandit(
        reward=imp["clicked"].to_numpy().astype(float),
        propensity=propensity,
        target_prob=np.array([choice[a, b] == k for a, b, k in zip(s.tolist(), p.tolist(), v)])
        / size,
        product=p, variant=v, position=position, context=context.ravel(),
        pair_size=np.array([len(members[ci]) for _, ci in pairs]),
        row_pair=row_pair, row_product=row_p, row_variant=row_v,
        truth_by_round=np.empty(0),
    )
    partial.truth_by_round = partial.per_context(
        [model.click_probability(row_s, row_p, effect, j) for j in range(1, SLOTS + 1)]
    )
    return partial


class SmoothedCTR:
    """The DR reward model: per-(product, variant) click rate shrunk to the product's,
    then to the global rate, times a per-position factor. It sees neither the shopper
    nor the true p_click, so it is a deliberately rough model."""

    def __init__(self, b: Bandit, rounds: np.ndarray):
        r, p, v, pos = b.reward[rounds], b.product[rounds], b.variant[rounds], b.position[rounds]
        overall = r.mean()
        self.position_factor = np.array(
            [r[pos == j].mean() / overall for j in range(1, SLOTS + 1)]
        )
        adjusted = r / self.position_factor[pos - 1]
        n_products = int(b.row_product.max()) + 1
        self.stride = int(b.variant.max()) + 1
        key = p * self.stride + v
        n = np.bincount(p, minlength=n_products)
        product_rate = (np.bincount(p, adjusted, n_products) + PRODUCT_PRIOR_ROUNDS * overall) / (
            n + PRODUCT_PRIOR_ROUNDS
        )
        size = n_products * self.stride
        self.rate = (np.bincount(key, adjusted, size)
                     + PRIOR_ROUNDS * np.repeat(product_rate, self.stride)) / (
            np.bincount(key, minlength=size) + PRIOR_ROUNDS
        )

    def __call__(self, product: np.ndarray, variant: np.ndarray, position: int | np.ndarray):
        return self.rate[product * self.stride + variant] * self.position_factor[position - 1]


def cross_fitted_q(b: Bandit) -> tuple[np.ndarray, np.ndarray]:
    """q_logged and q_target for every round, each from a model fitted on the other half."""
    q_logged, q_target = np.empty(len(b.reward)), np.empty(len(b.reward))
    half = np.arange(len(b.reward)) % 2 == 0
    for fold in (half, ~half):
        model = SmoothedCTR(b, np.flatnonzero(~fold))
        q_logged[fold] = model(b.product[fold], b.variant[fold], b.position[fold])
        q_target[fold] = b.per_context(
            [model(b.row_product, b.row_variant, j) for j in range(1, SLOTS + 1)]
        )[fold]
    return q_logged, q_target


@pytest.fixture(scope="module")
def estimates(bandit: Bandit) -> dict[str, Estimate]:
    q_logged, q_target = cross_fitted_q(bandit)
    return estimate_all(bandit.reward, bandit.propensity, bandit.target_prob, q_logged,
                        q_target, n_boot=1000, alpha=0.05, seed=0)


def test_truth_lies_in_every_95_percent_interval(bandit, estimates):
    print(f"\ntrue CTR of the target policy: {bandit.truth:.4f} "
          f"(logging policy observed: {bandit.reward.mean():.4f})")
    for name, e in estimates.items():
        print(f"{name:>5}: {e.value:.4f} [{e.ci_low:.4f}, {e.ci_high:.4f}] width {e.width:.4f}")
    for e in estimates.values():
        assert e.n == len(bandit.reward)
        assert e.ci_low <= e.value <= e.ci_high
        assert e.contains(bandit.truth), (e, bandit.truth)


def test_estimates_tell_the_better_policy_apart(bandit, estimates):
    # The rule mentions what shoppers like, so it beats random copy; every estimator
    # should be sure of it from the random log alone.
    assert bandit.truth > bandit.reward.mean() + 0.02
    for e in estimates.values():
        assert e.ci_low > bandit.reward.mean()


def test_doubly_robust_is_no_wider_than_ips(estimates):
    assert estimates["dr"].width <= estimates["ips"].width


def test_logging_policy_as_target_gives_the_observed_ctr(bandit):
    observed = bandit.reward.mean()
    assert ips(bandit.reward, bandit.propensity, bandit.propensity, n_boot=50).value == observed
    same = snips(bandit.reward, bandit.propensity, bandit.propensity, n_boot=50)
    assert same.value == pytest.approx(observed, rel=1e-12)
