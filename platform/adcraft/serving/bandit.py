"""Thompson sampling over copy variants, one Beta posterior per (segment, variant).

A variant's trial is its being served (the served record, not a client's impression
event: a client that sends only clicks would otherwise drive every clicked variant's
mean towards 1); its reward is whether the shown copy led to a click, cart or purchase
(once per shown item, however many of those follow). The state is a pure function of
the event log, so every Ingress replica that replays the same log agrees. Each choice
comes with its probability (the share of posterior draws in which it wins), logged with
the served record so off-policy evaluation can read live logs.

Memory is bounded: the bandit remembers which items of the last `remembered_requests`
requests were shown and rewarded (feedback about older ones cannot be told apart from
a repeat), and at most `max_arms` arms, forgetting the one updated longest ago (copy
that is no longer shown).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from adcraft.serving.schemas import ArmState

PRIOR_SUCCESSES, PRIOR_FAILURES = 1.0, 1.0  # Beta(1, 1): every new variant starts even
PROPENSITY_DRAWS = 512  # posterior draws that estimate a choice's probability
SUCCESS_EVENTS = frozenset({"click", "cart", "purchase"})


def variant_id(product_id: str, kind: str, text: str) -> str:
    """A stable id for one piece of copy: the same text for the same product and slot
    is the same arm on every replica and after every restart."""
    digest = hashlib.sha256(f"{product_id}\x1f{kind}\x1f{text}".encode()).hexdigest()
    return f"v-{digest[:16]}"


@dataclass
class Arm:
    trials: float = 0.0
    successes: float = 0.0

    def posterior(self) -> tuple[float, float]:
        return (PRIOR_SUCCESSES + self.successes,
                PRIOR_FAILURES + max(self.trials - self.successes, 0.0))

    @property
    def mean(self) -> float:
        a, b = self.posterior()
        return a / (a + b)


class ThompsonBandit:
    def __init__(self, seed: int | None = None, remembered_requests: int = 100_000,
                 max_arms: int = 200_000):
        self.arms: OrderedDict[tuple[str, str], Arm] = OrderedDict()  # least recent first
        # request -> {item shown: whether it earned its reward yet}, oldest request first
        self._shown: OrderedDict[str, dict[str, bool]] = OrderedDict()
        self.remembered_requests, self.max_arms = remembered_requests, max_arms
        self.rng = np.random.default_rng(seed)

    def arm(self, segment: str, variant: str) -> Arm:
        key = (segment, variant)
        arm = self.arms.get(key)
        if arm is None:
            arm = self.arms[key] = Arm()
            if len(self.arms) > self.max_arms:
                self.arms.popitem(last=False)
        self.arms.move_to_end(key)
        return arm

    def _items(self, request_id: str) -> dict[str, bool]:
        items = self._shown.get(request_id)
        if items is None:
            items = self._shown[request_id] = {}
            if len(self._shown) > self.remembered_requests:
                self._shown.popitem(last=False)
        return items

    def serve(self, segment: str, variant: str, request_id: str, item: str) -> Arm:
        """A variant shown for an item: one trial."""
        arm, items = self.arm(segment, variant), self._items(request_id)
        if item not in items:
            items[item] = False
            arm.trials += 1
        return arm

    def update(self, segment: str, variant: str, event: str, request_id: str,
               item: str) -> Arm:
        """One feedback event: the first click, cart or purchase of a shown item is a
        success. (Its trial was counted when it was served; feedback on an item served
        so long ago that it is forgotten counts the trial now.)"""
        arm = self.serve(segment, variant, request_id, item)
        items = self._items(request_id)
        if event in SUCCESS_EVENTS and not items[item]:
            items[item] = True
            arm.successes += 1
        return arm

    def _draws(self, segment: str, variants: Sequence[str], size: int) -> np.ndarray:
        posteriors = np.array([self.arms.get((segment, v), Arm()).posterior() for v in variants])
        return self.rng.beta(posteriors[:, 0], posteriors[:, 1], size=(size, len(variants)))

    def choose(self, segment: str, variants: Sequence[str]) -> tuple[int, float]:
        """(index of the variant to show: the one whose sampled click rate is highest,
        the probability that Thompson sampling shows it)."""
        if not variants:
            raise ValueError("no variants to choose from")
        chosen = int(np.argmax(self._draws(segment, variants, 1)[0]))
        wins = np.argmax(self._draws(segment, variants, PROPENSITY_DRAWS), axis=1)
        return chosen, float(max(np.mean(wins == chosen), 1 / PROPENSITY_DRAWS))

    def state(self, segment: str, variant: str) -> ArmState:
        arm = self.arms.get((segment, variant), Arm())
        return ArmState(segment=segment, variant=variant, successes=arm.successes,
                        trials=arm.trials, mean=arm.mean)
