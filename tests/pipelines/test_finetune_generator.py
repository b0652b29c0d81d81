"""The generator recipe end to end, for real: a small synthetic shop, a tiny Llama,
best-of-n data, 2 Ray Train workers with DeepSpeed ZeRO-2 on CPU, MLflow in tmp."""

from __future__ import annotations

import json

import mlflow

from adcraft.registry import CHALLENGER, CHAMPION, Registry
from pipelines import finetune_generator

NAME = "adcraft-generator"


def _last_run(registry: Registry):
    return mlflow.search_runs([registry.experiment_id()], order_by=["start_time DESC"],
                              output_format="list")[0]


def _loss_history(registry: Registry, run) -> list[float]:
    return [m.value for m in sorted(registry.client.get_metric_history(run.info.run_id,
                                                                       "epoch_loss"),
                                    key=lambda m: m.step)]


def test_recipe_trains_resumes_and_registers(home, ray_local, tiny_model_dir, capsys):
    human = home / "advertisegen.json"  # human copy in the AdvertiseGen layout
    human.write_text(json.dumps({"content": "类型#上衣*材质#牛仔布*颜色#白色",
                                 "summary": "牛仔布上衣，白色百搭。"}, ensure_ascii=False)
                     + "\n", encoding="utf-8")
    args = ["--model-dir", str(tiny_model_dir), "--pairs", "12", "--eval-pairs", "4",
            "--n", "2", "--max-new-tokens", "8", "--lr", "3e-3", "--max-length", "448",
            "--name", "tiny", "--human-copy", str(human)]
    assert finetune_generator.main([*args, "--epochs", "2"]) == 0
    registry = Registry()
    run = _last_run(registry)
    first = _loss_history(registry, run)
    assert len(first) == 2 and first[1] < first[0]  # the loss falls
    assert registry.versions(NAME) == [1]
    assert registry.alias_version(NAME, CHALLENGER) == 1
    # best-of-n kept examples that passed the guardrails, and they went to training
    metrics = run.data.metrics
    assert metrics["dataset_examples"] >= 2 and run.data.params["examples"] != "0"
    sample = json.loads(mlflow.artifacts.load_text(
        f"runs:/{run.info.run_id}/dataset/examples_sample.json"))
    assert all(e["messages"][0]["role"] == "system" and e["completion"] for e in sample)
    assert [e["completion"] for e in sample if e["source"] == "human"] == ["牛仔布上衣，白色百搭。"]
    plots = {a.path for a in registry.client.list_artifacts(run.info.run_id, "plots")}
    assert plots == {"plots/loss_steps.png", "plots/loss_epochs.png"}
    for prefix in ("base_", "test_"):
        assert 0 <= metrics[f"{prefix}grounding_rate"] <= 1
    assert "v1:" in capsys.readouterr().out

    # each epoch reported a checkpoint; the same name resumes after the last one
    run_dir = home / "ray_results" / "generator" / "tiny"
    assert list(run_dir.glob("checkpoint_*"))
    assert finetune_generator.main([*args, "--epochs", "3", "--resume"]) == 0
    resumed = _loss_history(registry, _last_run(registry))
    assert resumed[:2] == first and resumed[2] < first[1]
    assert registry.versions(NAME) == [1, 2]
    # the gate compared the second version with whatever held `champion` then
    decision = json.loads(mlflow.artifacts.load_text(
        f"runs:/{_last_run(registry).info.run_id}/gate_decision.json"))
    assert decision["champion"] is not None
    champion = registry.alias_version(NAME, CHAMPION)
    assert champion == (2 if decision["promote"] else 1 if registry.client.get_run(
        run.info.run_id).data.tags["gate.promoted"] == "True" else None)


def test_resume_without_a_run_is_a_clear_error(home, ray_local, tiny_model_dir, caplog):
    code = finetune_generator.main(["--model-dir", str(tiny_model_dir), "--pairs", "4",
                                    "--eval-pairs", "2", "--n", "1", "--max-new-tokens", "4",
                                    "--name", "missing", "--resume"])
    assert code == 2
    assert "nothing to resume" in caplog.text
