"""Promotion through the gate, on a real MLflow (sqlite in tmp) with real pyfunc versions
registered the way the pipelines register them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import mlflow
import pytest
from mlflow import MlflowClient

from adcraft.eval.gate import decide
from adcraft.promotion import (
    CHAMPION_VERSION_TAG,
    GATES,
    PromotionError,
    compare,
    gate_for,
    promote,
)
from adcraft.registry import CHALLENGER, CHAMPION, Registry

MODEL = "adcraft-conversion"
ECHO_MODEL = """\
import mlflow


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input: list[str], params=None) -> list[str]:
        return model_input


mlflow.models.set_model(Echo())
"""


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory) -> Path:
    """A migrated, empty sqlite store, made once: a new one takes seconds to set up."""
    db = tmp_path_factory.mktemp("mlflow-template") / "mlflow.db"
    MlflowClient(f"sqlite:///{db}").search_experiments()
    return db


@pytest.fixture
def registry(home, empty_store) -> Registry:
    """The Registry of a fresh ADCRAFT_HOME whose store starts empty."""
    (home / "mlflow").mkdir()
    shutil.copy(empty_store, home / "mlflow" / "mlflow.db")
    (home / "echo_model.py").write_text(ECHO_MODEL)
    return Registry()


def register_version(registry: Registry, scores: dict[str, float], model: str = MODEL,
                     champion: int | None = None,
                     champion_scores: dict[str, float] | None = None,
                     challenger: bool = True) -> int:
    """A version registered as the pipelines do it: a run with `test_<metric>` metrics, a
    pyfunc model logged by name, `challenger` on it; with `champion_scores`, the champion
    `champion` re-scored in the same run (tag and gate_decision.json)."""
    with registry.run(f"tune-{model}") as run:
        mlflow.log_metrics({f"test_{k}": v for k, v in scores.items()})
        info = mlflow.pyfunc.log_model(
            name="model", python_model=str(registry.settings.home / "echo_model.py"),
            pip_requirements=["mlflow"])
        version = registry.register(info.model_uri, model)
        if challenger:
            registry.set_alias(model, CHALLENGER, version)
        if champion_scores is not None:
            decision = decide(scores, champion_scores, gate_for(model))
            mlflow.set_tag(CHAMPION_VERSION_TAG, champion or "none")
            registry.log_json(decision.model_dump(), "gate_decision.json")
    assert run.info.run_id
    return version


def promote_runs(registry: Registry, model: str = MODEL) -> list:
    return mlflow.search_runs([registry.experiment_id()], f"run_name = 'promote-{model}'",
                              output_format="list")


def run_decision(registry: Registry, run_id: str) -> dict:
    path = registry.client.download_artifacts(run_id, "gate_decision.json",
                                              str(registry.settings.home))
    return json.loads(Path(path).read_text())


def test_gates_cover_the_models_the_index_and_their_suffixed_names():
    assert set(GATES) == {"adcraft-conversion", "adcraft-generator", "adcraft-index"}
    assert gate_for("adcraft-conversion-obd-men") is GATES["adcraft-conversion"]
    assert gate_for("adcraft-index-synthetic") is GATES["adcraft-index"]
    assert [c.metric for c in GATES["adcraft-generator"].must_improve] == [
        "raw_grounding_rate", "predicted_ctr"]
    with pytest.raises(PromotionError, match="unknown model 'adcraft-conversionx'"):
        gate_for("adcraft-conversionx")


def test_same_held_out_data_passes_moves_champion_and_logs(registry):
    v1 = register_version(registry, {"auc": 0.72, "log_loss": 0.40})
    registry.set_alias(MODEL, CHAMPION, v1)
    # on v2's test slice the champion scores 0.69: v2 wins there, though not against
    # v1's own (different) evaluation
    v2 = register_version(registry, {"auc": 0.71, "log_loss": 0.405, "ece": 0.02},
                          champion=v1, champion_scores={"auc": 0.69, "log_loss": 0.41})
    result = promote(registry, MODEL)
    assert result.same_evaluation and "same held-out data" in result.table
    assert result.decision.promote and not result.decision.forced
    assert (result.candidate_version, result.previous_champion, result.new_champion) == (
        v2, v1, v2)
    assert registry.alias_version(MODEL, CHAMPION) == v2
    assert registry.alias_version(MODEL, CHALLENGER) == v2  # left where it was
    auc, loss, ece = result.rows
    assert (auc.champion, auc.candidate, auc.passed) == (0.69, 0.71, True)
    assert auc.delta == pytest.approx(0.02)
    assert loss.rule == "must not worsen by more than 0.005 (lower is better)" and loss.passed
    assert (ece.metric, ece.champion, ece.rule, ece.passed) == ("ece", None, "", None)

    [run] = promote_runs(registry)
    assert run.info.run_id == result.run_id
    tags = run.data.tags
    assert (tags["gate.promoted"], tags["gate.forced"], tags["model.version"],
            tags["champion.previous"], tags["gate.same_evaluation"]) == (
        "True", "False", str(v2), str(v1), "True")
    assert tags["gate.reason"].startswith("beats the champion")
    assert run_decision(registry, run.info.run_id)["champion"] == {"auc": 0.69,
                                                                   "log_loss": 0.41}
    with pytest.raises(PromotionError, match=r"v2 \(challenger\) is already the champion"):
        promote(registry, MODEL)


def test_refused_keeps_the_champion_and_logs_the_refusal(registry):
    v1 = register_version(registry, {"auc": 0.70, "log_loss": 0.40})
    registry.set_alias(MODEL, CHAMPION, v1)
    v2 = register_version(registry, {"auc": 0.75, "log_loss": 0.42})  # no same-run scores
    result = promote(registry, MODEL)
    assert not result.same_evaluation and "DIFFERENT evaluations" in result.table
    assert not result.decision.promote and "log_loss" in result.decision.reason
    assert result.new_champion == v1 and not result.moved
    assert registry.alias_version(MODEL, CHAMPION) == v1
    assert [r.passed for r in result.rows] == [True, False]
    assert "FAIL" in result.table and "NOT promoted" in result.verdict()
    [run] = promote_runs(registry)
    assert run.data.tags["gate.promoted"] == "False"
    assert run.data.tags["model.version"] == str(v2)
    assert run_decision(registry, run.info.run_id)["promote"] is False

    forced = promote(registry, MODEL, force=True)
    assert forced.decision.forced and forced.new_champion == v2
    assert registry.alias_version(MODEL, CHAMPION) == v2
    run = next(r for r in promote_runs(registry) if r.info.run_id == forced.run_id)
    assert run.data.tags["gate.forced"] == "True"
    assert run.data.tags["gate.reason"].startswith("forced despite")


def test_same_run_scores_only_count_against_the_champion_they_measured(registry):
    v1 = register_version(registry, {"auc": 0.70, "log_loss": 0.40})
    registry.set_alias(MODEL, CHAMPION, v1)
    v2 = register_version(registry, {"auc": 0.71, "log_loss": 0.40},
                          champion=v1, champion_scores={"auc": 0.60, "log_loss": 0.40})
    v3 = register_version(registry, {"auc": 0.80, "log_loss": 0.30}, challenger=False)
    registry.set_alias(MODEL, CHAMPION, v3)  # the champion moved since v2's run
    result = compare(registry, MODEL, v2)
    assert not result.same_evaluation and result.rows[0].champion == 0.80
    assert not result.decision.promote
    assert registry.alias_version(MODEL, CHAMPION) == v3  # compare moves nothing


def test_dry_run_moves_nothing_and_logs_nothing(registry):
    v1 = register_version(registry, {"auc": 0.60, "log_loss": 0.50})
    result = promote(registry, MODEL, dry_run=True)
    assert result.decision.promote and result.decision.reason == "no champion yet"
    assert result.previous_champion is None and result.new_champion is None
    assert result.run_id is None and "would be promoted" in result.verdict()
    assert registry.alias_version(MODEL, CHAMPION) is None
    assert promote_runs(registry) == []
    assert promote(registry, MODEL).new_champion == v1  # then for real: first champion


def test_bad_inputs_are_refused_with_a_reason(registry):
    with pytest.raises(PromotionError, match="no registered model 'adcraft-generator'"):
        promote(registry, "adcraft-generator")
    v1 = register_version(registry, {"auc": 0.60}, challenger=False)
    with pytest.raises(PromotionError, match="has no 'challenger' alias.*versions: 1"):
        promote(registry, MODEL)
    with pytest.raises(PromotionError, match="has no version 7"):
        promote(registry, MODEL, version=7)
    with pytest.raises(PromotionError, match="lacks the metrics test_log_loss"):
        promote(registry, MODEL, version=v1)
    registry.set_alias(MODEL, CHAMPION, v1)
    with pytest.raises(PromotionError, match="v1 is already the champion"):
        promote(registry, MODEL, version=v1)
    v2 = register_version(registry, {"auc": 0.70, "log_loss": 0.40})
    with pytest.raises(PromotionError, match=r"v1 \(champion\).*lacks the metrics test_log_loss"):
        promote(registry, MODEL, version=v2)
    assert registry.alias_version(MODEL, CHAMPION) == v1 and promote_runs(registry) == []



def test_register_and_gate_is_what_a_recipe_does_with_its_model(registry):
    from adcraft.promotion import register_and_gate

    def recipe(scores, champion_scores, champion):
        with registry.run(f"tune-{MODEL}") as run:
            mlflow.log_metrics({f"test_{k}": v for k, v in scores.items()})
            info = mlflow.pyfunc.log_model(
                name="model", python_model=str(registry.settings.home / "echo_model.py"),
                pip_requirements=["mlflow"])
            version, decision = register_and_gate(registry, MODEL, info.model_uri, scores,
                                                  champion_scores, champion)
        return version, decision, run.info.run_id

    v1, first, _ = recipe({"auc": 0.70, "log_loss": 0.41}, None, None)
    assert first.promote and registry.alias_version(MODEL, CHAMPION) == v1
    v2, worse, run_id = recipe({"auc": 0.69, "log_loss": 0.41}, {"auc": 0.70, "log_loss": 0.41},
                               v1)
    assert not worse.promote and registry.alias_version(MODEL, CHAMPION) == v1
    assert registry.alias_version(MODEL, CHALLENGER) == v2
    assert run_decision(registry, run_id)["promote"] is False
    tags = registry.client.get_run(run_id).data.tags
    assert tags["gate.promoted"] == "False" and tags[CHAMPION_VERSION_TAG] == str(v1)


def test_an_unscored_version_never_replaces_a_champion_on_the_quiet(registry):
    """A base model registered as it ships (the serving stack's generator): champion
    only where there is none, else challenger until scored or forced."""
    from adcraft.promotion import register_and_gate

    name = "adcraft-generator"

    def register(force=False):
        with registry.run("stack-generator") as run:
            info = mlflow.pyfunc.log_model(
                name="model", python_model=str(registry.settings.home / "echo_model.py"),
                pip_requirements=["mlflow"])
            version, decision = register_and_gate(registry, name, info.model_uri, None, None,
                                                  registry.alias_version(name, CHAMPION),
                                                  force=force)
        return version, decision, run.info.run_id

    v1, first, _ = register()
    assert first.promote and not first.forced and registry.alias_version(name, CHAMPION) == v1
    v2, quiet, run_id = register()
    assert not quiet.promote and "not evaluated" in quiet.reason
    assert registry.alias_version(name, CHAMPION) == v1
    assert registry.alias_version(name, CHALLENGER) == v2
    assert run_decision(registry, run_id)["promote"] is False
    v3, forced, run_id = register(force=True)
    assert forced.promote and forced.forced and registry.alias_version(name, CHAMPION) == v3
    assert registry.client.get_run(run_id).data.tags["gate.forced"] == "True"
    with pytest.raises(PromotionError, match="lacks the metrics"):  # promote needs scores
        promote(registry, name, version=v2)
