"""Thompson sampling over copy variants: stable arms, one reward per shown item, and a
variant that earns clicks comes to be chosen."""

from __future__ import annotations

from adcraft.serving.bandit import ThompsonBandit, variant_id


def test_variant_ids_are_stable_and_distinct():
    a = variant_id("P1", "ad_copy", "Warm wool socks.")
    assert a == variant_id("P1", "ad_copy", "Warm wool socks.") and a.startswith("v-")
    assert a != variant_id("P2", "ad_copy", "Warm wool socks.")
    assert a != variant_id("P1", "email_subject", "Warm wool socks.")


def test_one_trial_and_at_most_one_success_per_shown_item():
    bandit = ThompsonBandit(seed=0)
    for event in ("impression", "click", "cart", "purchase", "impression"):
        bandit.update("Outdoor", "v-a", event, "r1", "P1")
    arm = bandit.arm("Outdoor", "v-a")
    assert (arm.trials, arm.successes) == (1, 1)
    bandit.update("Outdoor", "v-a", "click", "r2", "P1")  # a click implies its impression
    assert (arm.trials, arm.successes) == (2, 2)
    bandit.update("Outdoor", "v-a", "impression", "r3", "P1")
    assert bandit.state("Outdoor", "v-a").mean == (1 + 2) / (2 + 3)
    assert bandit.state("Home", "v-a").trials == 0  # per segment


def test_the_variant_that_earns_clicks_is_chosen():
    bandit = ThompsonBandit(seed=1)
    for i in range(40):
        bandit.update("Outdoor", "v-good", "click" if i % 2 else "impression", f"g{i}", "P")
        bandit.update("Outdoor", "v-bad", "impression", f"b{i}", "P")
    picks = [bandit.choose("Outdoor", ["v-bad", "v-good"]) for _ in range(200)]
    assert sum(i for i, _ in picks) > 190
    assert all(p > 0.9 for i, p in picks if i == 1)  # the choice's probability is logged
    # another segment has learnt nothing: both are still explored, each about half
    fresh = [bandit.choose("Home", ["v-bad", "v-good"]) for _ in range(200)]
    assert 50 < sum(i for i, _ in fresh) < 150
    assert all(0.4 < p < 0.6 for _, p in fresh)


def test_being_served_is_the_trial_so_clicks_alone_do_not_inflate_a_variant():
    bandit = ThompsonBandit(seed=0)
    for i in range(20):  # served 20 times; the client reports only the 2 clicks
        bandit.serve("Outdoor", "v-a", f"r{i}", "P1")
    bandit.update("Outdoor", "v-a", "click", "r0", "P1")
    bandit.update("Outdoor", "v-a", "click", "r1", "P1")
    state = bandit.state("Outdoor", "v-a")
    assert (state.trials, state.successes) == (20, 2)
    assert state.mean == (1 + 2) / (2 + 20)


def test_memory_is_bounded_and_the_least_recent_is_forgotten():
    bandit = ThompsonBandit(seed=0, remembered_requests=3, max_arms=2)
    for i in range(10):
        bandit.update("Outdoor", f"v-{i % 3}", "impression", f"r{i}", "P1")
    assert len(bandit.arms) == 2 and len(bandit._shown) == 3
    # the two arms updated last are kept: v-2 (r8) and v-0 (r9)
    assert set(bandit.arms) == {("Outdoor", "v-2"), ("Outdoor", "v-0")}
    # a request still remembered: a repeat impression is no new trial, its click counts once
    before = bandit.arm("Outdoor", "v-0").trials
    bandit.update("Outdoor", "v-0", "impression", "r9", "P1")
    bandit.update("Outdoor", "v-0", "click", "r9", "P1")
    bandit.update("Outdoor", "v-0", "click", "r9", "P1")
    arm = bandit.arm("Outdoor", "v-0")
    assert arm.trials == before and arm.successes == 1
