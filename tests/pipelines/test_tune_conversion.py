"""The tuning job end to end: real Ray Tune, real XGBoost, real MLflow (sqlite in tmp)."""

from __future__ import annotations

import json

import mlflow

from adcraft.registry import CHALLENGER, CHAMPION, Registry
from pipelines import tune_conversion

NAME = "adcraft-conversion"


def _last_run(registry: Registry):
    runs = mlflow.search_runs([registry.experiment_id()], order_by=["start_time DESC"],
                              output_format="list")
    return runs[0]


def test_tune_register_and_gate(home, ray_local, capsys):
    # 1. a real search: registered, champion by default, AUC clearly above chance
    assert tune_conversion.main(["--trials", "3", "--max-rounds", "60"]) == 0
    registry = Registry()
    assert registry.alias_version(NAME, CHAMPION) == 1
    run = _last_run(registry)
    assert run.data.metrics["test_auc"] > 0.62
    assert run.data.tags["gate.promoted"] == "True"
    artifacts = {a.path for a in registry.client.list_artifacts(run.info.run_id, "plots")}
    assert artifacts == {"plots/roc.png", "plots/calibration.png",
                         "plots/feature_importance.png"}
    first_auc = run.data.metrics["test_auc"]

    # 2. a crippled challenger (one boosting round) is registered but does not win
    assert tune_conversion.main(["--trials", "1", "--max-rounds", "1"]) == 0
    run = _last_run(registry)
    assert run.data.metrics["test_auc"] < first_auc
    assert registry.alias_version(NAME, CHAMPION) == 1
    assert registry.alias_version(NAME, CHALLENGER) == 2
    assert run.data.tags["gate.promoted"] == "False"
    assert "NOT promoted" in capsys.readouterr().out

    # 3. --force moves the alias anyway, and says so in the run
    assert tune_conversion.main(["--trials", "1", "--max-rounds", "1", "--force"]) == 0
    run = _last_run(registry)
    assert registry.alias_version(NAME, CHAMPION) == 3
    assert run.data.tags["gate.forced"] == "True"
    decision = json.loads(mlflow.artifacts.load_text(
        f"runs:/{run.info.run_id}/gate_decision.json"))
    assert decision["forced"] and decision["reason"].startswith("forced despite")

    # the champion loads by alias and scores rows
    model = registry.load(NAME, CHAMPION)
    assert "p_click" in model.predict(model.input_example).columns


def test_a_dataset_without_impressions_is_refused(home, ray_local, tmp_path, caplog):
    catalogue = tmp_path / "c.csv"
    catalogue.write_text("Product_ID,Product_Name,Product_Brand,Gender,Price,Num_Images,"
                         "Description,Primary_Color,\n1,Tee,Acme,Men,10,1,A tee,Red,\n")
    from pipelines import ingest

    assert ingest.main(["catalogue", str(catalogue), "--dataset", "shirts"]) == 0
    assert tune_conversion.main(["--dataset", "shirts"]) == 2
    assert "no impressions" in caplog.text


def test_grid_baseline_runs(home, ray_local):
    assert tune_conversion.main(["--scheduler", "grid", "--max-rounds", "20"]) == 0
    assert Registry().alias_version(NAME, CHAMPION) == 1
