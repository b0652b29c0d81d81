"""The generator comparison, for real: the synthetic shop, a tiny Llama as both the base
and a folder, MLflow in tmp."""

from __future__ import annotations

import mlflow

from adcraft.content.evaluation import METRICS
from adcraft.registry import Registry
from pipelines import evaluate_generator


def test_compares_generators_on_the_same_requests(home, tiny_model_dir, capsys):
    code = evaluate_generator.main([
        "--generators", "base", str(tiny_model_dir), "--model-dir", str(tiny_model_dir),
        "--eval-pairs", "3", "--n", "2", "--max-new-tokens", "6",
        "--candidates-per-variant", "1.5"])
    assert code == 0
    out = capsys.readouterr().out
    assert "3 held-out requests" in out and f"base ({tiny_model_dir.name})" in out
    assert all(metric in out for metric in METRICS)
    registry = Registry()
    run = mlflow.search_runs([registry.experiment_id()], output_format="list")[0]
    assert run.info.run_name == "evaluate-adcraft-generator"
    assert run.data.params["candidates_per_variant"] == "1.5"
    # the same model, the same seed, the same requests: the same scores
    for metric in ("raw_grounding_rate", "kept_rate", "shown_variants"):
        assert run.data.metrics[f"g0_{metric}"] == run.data.metrics[f"g1_{metric}"]
    assert 0 < run.data.metrics["g0_shown_variants"] <= 2
    shown = registry.client.list_artifacts(run.info.run_id, "evaluation")
    assert {a.path for a in shown} == {"evaluation/g0_shown_copy.json",
                                       "evaluation/g1_shown_copy.json"}


def test_an_unknown_generator_is_a_clear_error(home, tiny_model_dir, caplog):
    code = evaluate_generator.main(["--generators", "champion", "--eval-pairs", "2",
                                    "--n", "1", "--max-new-tokens", "4"])
    assert code == 2
    assert "adcraft-generator@champion is not registered" in caplog.text
