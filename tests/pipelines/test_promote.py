"""The promote job on a real MLflow (sqlite in tmp): exit codes, aliases, logged runs."""

from __future__ import annotations

import pytest

from adcraft.registry import CHALLENGER, CHAMPION
from pipelines import promote
from tests.adcraft import test_promotion as store
from tests.adcraft.test_promotion import MODEL, promote_runs, register_version

empty_store, registry = store.empty_store, store.registry  # the store fixtures, shared


@pytest.fixture
def contest(registry):
    """v1 the champion; v2 the challenger, better on AUC but worse on log loss."""
    v1 = register_version(registry, {"auc": 0.70, "log_loss": 0.40})
    registry.set_alias(MODEL, CHAMPION, v1)
    register_version(registry, {"auc": 0.75, "log_loss": 0.42})
    return registry


def test_refused_then_dry_run_then_forced(contest, capsys):
    assert promote.main([MODEL]) == 1
    out = capsys.readouterr().out
    assert "champion v1 vs candidate v2" in out and "DIFFERENT evaluations" in out
    assert "FAIL" in out and "v2: NOT promoted" in out and "decision logged" in out
    assert contest.alias_version(MODEL, CHAMPION) == 1
    [refused] = promote_runs(contest)
    assert refused.data.tags["gate.promoted"] == "False"

    assert promote.main([MODEL, "--force", "--dry-run"]) == 0
    assert "would be promoted (dry run" in capsys.readouterr().out
    assert contest.alias_version(MODEL, CHAMPION) == 1 and len(promote_runs(contest)) == 1

    assert promote.main([MODEL, "--force"]) == 0
    assert "promoted to champion (champion was v1) [forced]" in capsys.readouterr().out
    assert contest.alias_version(MODEL, CHAMPION) == 2
    assert contest.alias_version(MODEL, CHALLENGER) == 2
    forced = next(r for r in promote_runs(contest) if r.info.run_id != refused.info.run_id)
    assert (forced.data.tags["gate.forced"], forced.data.tags["champion.previous"]) == (
        "True", "1")


def test_gate_passes_and_moves_the_champion(contest, capsys):
    register_version(contest, {"auc": 0.71, "log_loss": 0.399})
    assert promote.main([MODEL]) == 0
    assert "v3: promoted to champion" in capsys.readouterr().out
    assert contest.alias_version(MODEL, CHAMPION) == 3
    [run] = promote_runs(contest)
    assert (run.data.tags["gate.promoted"], run.data.tags["model.version"]) == ("True", "3")
    # rolling back to v1 is a promotion like any other: it must beat v3, or be forced
    assert promote.main([MODEL, "--version", "1"]) == 1
    assert contest.alias_version(MODEL, CHAMPION) == 3


BAD_INPUT = [
    (["adcraft-ranker"], "unknown model 'adcraft-ranker'"),
    (["adcraft-generator"], "no registered model 'adcraft-generator'"),
    ([MODEL, "--version", "9"], "adcraft-conversion has no version 9 (versions: 1, 2)"),
    ([MODEL, "--version", "1"], "v1 is already the champion"),
]


def test_bad_input_exits_2_with_the_reason(contest, capsys):
    for argv, message in BAD_INPUT:  # one store for all: each case changes nothing
        assert promote.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert contest.alias_version(MODEL, CHAMPION) == 1 and promote_runs(contest) == []


def test_no_challenger_and_malformed_command_lines_exit_2(registry, capsys):
    register_version(registry, {"auc": 0.7, "log_loss": 0.4}, challenger=False)
    assert promote.main([MODEL]) == 2
    assert "has no 'challenger' alias" in capsys.readouterr().err
    assert promote.main([MODEL, "--version", "two"]) == 2
    assert "invalid int value: 'two'" in capsys.readouterr().err


def test_help_names_the_exit_codes(capsys):
    assert promote.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "1  the gate refused" in out and "python -m pipelines.promote adcraft-conversion" in out
