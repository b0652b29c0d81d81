from __future__ import annotations

import pytest

from adcraft.eval.gate import Criterion, GateRule, decide

RULE = GateRule(must_improve=[Criterion(metric="auc")],
                must_not_worsen=[Criterion(metric="log_loss", higher_is_better=False,
                                           margin=0.005)])


def test_first_version_wins_by_default():
    assert decide({"auc": 0.6, "log_loss": 0.5}, None, RULE).promote


def test_must_beat_the_champion():
    champion = {"auc": 0.70, "log_loss": 0.40}
    assert decide({"auc": 0.71, "log_loss": 0.402}, champion, RULE).promote
    tie = decide({"auc": 0.70, "log_loss": 0.40}, champion, RULE)
    assert not tie.promote and "does not beat" in tie.reason
    worse_loss = decide({"auc": 0.75, "log_loss": 0.41}, champion, RULE)
    assert not worse_loss.promote and "log_loss" in worse_loss.reason


def test_force_promotes_and_says_so():
    d = decide({"auc": 0.5, "log_loss": 0.9}, {"auc": 0.7, "log_loss": 0.4}, RULE, force=True)
    assert d.promote and d.forced and d.reason.startswith("forced despite")


def test_missing_scores_are_an_error():
    with pytest.raises(ValueError, match="lack"):
        decide({"auc": 0.7}, None, RULE)
