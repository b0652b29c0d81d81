"""The index job end to end on the small synthetic shop: real MiniLM, real faiss, real
MLflow (sqlite in the test's home); and the evaluation job's table."""

from __future__ import annotations

import mlflow
import numpy as np
import polars as pl

from adcraft.data.io import read_tables
from adcraft.data.sources import dataset_dir
from adcraft.features.profiles import profile_for
from adcraft.models.defaults import EMBEDDING_DIM
from adcraft.registry import CHAMPION, Registry
from adcraft.retrieval import index_model, load_index
from pipelines import build_features, build_index, evaluate_retrieval, ingest


def test_build_index_logs_a_loadable_index_and_fills_profiles(home, capsys):
    assert ingest.main(["synthetic"]) == 0
    assert build_features.main(["synthetic"]) == 0
    assert build_index.main(["synthetic"]) == 0
    out = capsys.readouterr().out
    assert "product index of synthetic: 200 products, Flat, dim 384" in out
    assert "adcraft-index-synthetic v1: promoted to champion - no champion yet" in out
    assert "coverage 1.000, recall_at_10 1.000" in out

    registry = Registry()
    mv = registry.client.get_model_version_by_alias(index_model("synthetic"), CHAMPION)
    run = registry.client.get_run(mv.run_id)
    assert run.data.metrics["n_products"] == 200 and run.data.metrics["embed_s"] > 0
    assert run.data.metrics["test_coverage"] == 1.0
    index, version = load_index("synthetic", registry)
    assert version == 1
    products = read_tables(dataset_dir("synthetic") / "tables")["products"]
    assert index.product_ids.to_list() == products["product_id"].to_list()
    # every product is its own nearest neighbour
    found = index.neighbours(index.vectors(index.product_ids[:20]), 1)
    assert found["product_id"].to_list() == index.product_ids[:20].to_list()

    profiles = read_tables(dataset_dir("synthetic") / "features")["profiles"]
    assert profiles["embedding"].null_count() == 0
    profile = profile_for(profiles, profiles["shopper_id"][0])
    assert len(profile.embedding) == EMBEDDING_DIM
    assert abs(np.linalg.norm(profile.embedding) - 1) < 1e-5

    # a smoke run over part of the catalogue is refused (exit 1): the champion stays
    assert build_index.main(["synthetic", "--limit", "50", "--no-profiles"]) == 1
    assert "v2: NOT promoted" in capsys.readouterr().out
    assert registry.alias_version(index_model("synthetic"), CHAMPION) == 1


def test_build_index_of_a_missing_dataset_says_so(home, caplog):
    assert build_index.main(["nowhere"]) == 2
    assert "no tables at" in caplog.text


def test_evaluate_retrieval_prints_and_logs_the_table(home, tmp_path, capsys):
    config = tmp_path / "retrieval.json"  # titles only: faster to embed
    config.write_text('{"embedding": {"max_description_chars": 0}}')
    assert evaluate_retrieval.main(["--no-amazon", "--no-tune", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    for method in ("popularity", "segment_popularity", "collaborative", "content", "fused"):
        assert f"│ synthetic ┆ {method} " in out
    run = mlflow.search_runs([Registry().experiment_id()], output_format="list")[0]
    metrics = run.data.metrics
    assert {"synthetic.fused.hr_at_10", "synthetic.popularity.ndcg_at_10"} <= set(metrics)
    assert 0 < metrics["synthetic.fused.hr_at_10"] <= 1
    rows = pl.DataFrame(mlflow.artifacts.load_dict(
        f"runs:/{run.info.run_id}/retrieval_eval.json"))
    assert rows.height == 5 and set(rows["dataset"]) == {"synthetic"}
    config_logged = mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/retrieval_config.json")
    assert config_logged["embedding"]["max_description_chars"] == 0
