"""The models adcraft registers, in one table: each one's registered name, the recipe
that trains and registers it, what its MLflow pyfunc needs installed, and the gate a
new version must pass before `champion` moves to it (`adcraft.promotion`).

A suffixed name ("adcraft-conversion-obd-men") belongs to its family's row.
"""

from __future__ import annotations

from dataclasses import dataclass

from adcraft.eval.gate import Criterion, GateRule

CONVERSION = "adcraft-conversion"
GENERATOR = "adcraft-generator"
EMBEDDER = "adcraft-embedder"
INDEX = "adcraft-index"  # one per dataset: "adcraft-index-synthetic"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    recipe: str  # the job that trains and registers a version
    pip_requirements: tuple[str, ...]
    gate: GateRule | None = None  # None: the recipe sets `champion` (no score to gate on)


MODELS: dict[str, ModelSpec] = {s.name: s for s in [
    ModelSpec(CONVERSION, "pipelines.tune_conversion",
              ("xgboost==3.2.0", "polars==2.1.0", "scikit-learn"),
              GateRule(must_improve=[Criterion(metric="auc")],
                       must_not_worsen=[Criterion(metric="log_loss", higher_is_better=False,
                                                  margin=0.005)])),
    ModelSpec(GENERATOR, "pipelines.finetune_generator",
              ("torch==2.13.0", "transformers==5.23.0"),
              GateRule(must_improve=[Criterion(metric="raw_grounding_rate"),
                                     Criterion(metric="predicted_ctr")],
                       must_not_worsen=[Criterion(metric="distinct_2", margin=0.1)])),
    ModelSpec(EMBEDDER, "pipelines.build_index", ("torch==2.13.0", "sentence-transformers")),
    # the product index: a folder (faiss, ids, meta), not a pyfunc; scored on the catalogue
    ModelSpec(INDEX, "pipelines.build_index", ("faiss-cpu",),
              GateRule(must_improve=[],
                       must_not_worsen=[Criterion(metric="coverage", margin=0.0),
                                        Criterion(metric="recall_at_10", margin=0.02)])),
]}


def family_of(model: str) -> ModelSpec | None:
    """The row of `model` or of the family it is a suffixed member of."""
    names = [k for k in MODELS if model == k or model.startswith(k + "-")]
    return MODELS[max(names, key=len)] if names else None
