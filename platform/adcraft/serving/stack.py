"""A small, complete serving stack in one folder: a synthetic shop with its features, a
product index, and registered `champion`s of the conversion model and the generator,
registered the way the pipelines register them. For tests, the bench and trying the
app locally without running every pipeline first."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import mlflow

from adcraft.data.io import write_tables
from adcraft.data.sources import dataset_dir
from adcraft.data.synthetic import build_shop
from adcraft.features.build import build_features
from adcraft.models.conversion import ConversionConfig, ConversionModel
from adcraft.models.conversion_data import conversion_data, held_out_scores
from adcraft.models.conversion_pyfunc import MODEL_CODE as CONVERSION_CODE
from adcraft.models.conversion_pyfunc import native_model, pyfunc_input
from adcraft.models.embedder_pyfunc import register_embedder
from adcraft.models.generator_pyfunc import ARTIFACT
from adcraft.models.generator_pyfunc import MODEL_CODE as GENERATOR_CODE
from adcraft.promotion import SCORE_PREFIX, register_and_gate
from adcraft.registry import CHAMPION, Registry, local_store_uri, tracking_uri
from adcraft.retrieval import EmbeddingConfig, ProductIndex, embed_products, load_embedder
from adcraft.retrieval.index import register_index
from adcraft.settings import ServingSettings, Settings, ShopSettings
from adcraft.specs import CONVERSION, GENERATOR, MODELS, family_of

log = logging.getLogger(__name__)
SMALL_SHOP = ShopSettings(n_products=200, n_shoppers=300, n_events=20_000, n_impressions=6_000)


def stack_settings(home: str | Path, **overrides: Any) -> dict[str, Any]:
    """Settings overrides (as the Serve app takes them) for a stack under `home`."""
    cache = Settings().cache_dir.resolve()  # the project's models, not a copy
    # the store is pinned: an MLFLOW_TRACKING_URI left in the environment (mlflow exports
    # it on set_tracking_uri) must not send the stack to another registry
    return {"home": str(Path(home).resolve()), "cache_dir": str(cache),
            "mlflow_tracking_uri": local_store_uri(home),
            "shop": SMALL_SHOP.model_dump(), **overrides}


def pinned_overrides(settings: Settings, **serving: Any) -> dict[str, Any]:
    """`settings` as Serve app overrides, every path absolute and the registry explicit:
    replicas start in other folders and other environments than this process."""
    pinned = settings.model_dump(mode="json", exclude={"serving"})
    for key in ("home", "data_dir", "cache_dir", "generator_model_dir", "embedder_model_dir",
                "shared_data_dir"):
        pinned[key] = str(Path(pinned[key]).resolve())
    pinned["mlflow_tracking_uri"] = tracking_uri(settings)
    current = settings.serving.model_dump(mode="json", exclude={"api_keys"})
    return {**pinned, "serving": {**current, **serving}}


def serving_for(settings: Settings, dataset: str) -> ServingSettings:
    """The serving settings for `dataset`: its product index, and its own conversion model
    (adcraft-conversion-DATASET) where one holds the alias; else the default one."""
    s = settings.serving
    own = f"{CONVERSION}-{dataset}"
    model = own if Registry(settings).alias_version(own, s.alias) is not None else (
        s.conversion_model)
    if model != own:
        log.info("%s has no %s@%s: candidates are scored by %s", dataset, own, s.alias, model)
    return s.model_copy(update={"dataset": dataset, "conversion_model": model})


def missing_models(settings: Settings) -> list[str]:
    """What the application would fail to load, each with the job that makes it: the
    dataset's product index and every model's alias (empty: all there)."""
    s, registry = settings.serving, Registry(settings)
    missing = []
    if registry.alias_version(s.index_model, s.alias) is None:
        missing.append(f"the product index of {s.dataset!r} "
                       f"(python -m pipelines.build_index {s.dataset})")
    for name in (s.embedder_model, s.conversion_model, s.generator_model):
        if registry.alias_version(name, s.alias) is None:
            spec = family_of(name)
            missing.append(f"{name}@{s.alias} (python -m {spec.recipe if spec else '?'})")
    return missing


def register_conversion(settings: Settings, tables: dict, rounds: int = 40,
                        force: bool = False) -> int:
    """A conversion model trained on `tables`, registered through its gate like
    `pipelines.tune_conversion` does it (scored on the held-out split, beside the
    champion scored on the same rows); `force` moves `champion` regardless."""
    data = conversion_data(tables)
    s = data.splits
    model = ConversionModel(data.spec, ConversionConfig(num_boost_round=rounds,
                                                        seed=settings.seed))
    model.fit(s["train"], s["valid"]).calibrate(s["calib"])
    registry, name = Registry(settings), settings.serving.conversion_model
    scores = held_out_scores(model, s["test"])
    champion = registry.alias_version(name, CHAMPION)
    champion_scores = (None if champion is None else
                       held_out_scores(native_model(registry.load(name, CHAMPION)), s["test"]))
    with registry.run("stack-conversion"), tempfile.TemporaryDirectory() as tmp:
        mlflow.log_metrics({f"{SCORE_PREFIX}{k}": v for k, v in scores.items()})
        info = mlflow.pyfunc.log_model(
            name="model", python_model=CONVERSION_CODE,
            artifacts={"model": str(model.save(f"{tmp}/conversion"))},
            input_example=pyfunc_input(s["test"].head(5), data.spec),
            pip_requirements=list(MODELS[CONVERSION].pip_requirements))
        version, decision = register_and_gate(registry, name, info.model_uri, scores,
                                              champion_scores, champion, force=force)
    log.info("%s v%s: %s", name, version, decision.reason)
    return version


def register_generator(settings: Settings, model_dir: str | Path, force: bool = False) -> int:
    """A local Hugging Face folder as a version of the generator, through the same pyfunc
    and gate as `pipelines.finetune_generator`. Nothing scored it, so it becomes
    `champion` only where there is none yet, or with `force`."""
    registry, name = Registry(settings), settings.serving.generator_model
    with registry.run("stack-generator"):
        info = mlflow.pyfunc.log_model(
            name="model", python_model=GENERATOR_CODE, artifacts={ARTIFACT: str(model_dir)},
            pip_requirements=list(MODELS[GENERATOR].pip_requirements))
        version, decision = register_and_gate(
            registry, name, info.model_uri, None, None, registry.alias_version(name, CHAMPION),
            f"registered from {Path(model_dir).name}", force=force)
    log.info("%s v%s: %s", name, version, decision.reason)
    return version


def build_stack(settings: Settings, generator_dir: str | Path, index: bool = True) -> Settings:
    """Shop tables and features, the product index with its embedder (unless `index` is
    False: a batch job needs neither), and both models, under settings.home."""
    shop = build_shop(settings.shop, settings.seed)
    folder = dataset_dir(settings.serving.dataset, settings)
    tables = shop.tables()
    write_tables(tables, folder / "tables")
    write_tables(build_features(tables), folder / "features")
    if not index:
        register_conversion(settings, tables)
        register_generator(settings, generator_dir)
        return settings
    embeddings = embed_products(tables["products"], load_embedder(settings.embedder_model_dir),
                                EmbeddingConfig(max_description_chars=0))
    index = ProductIndex.build(embeddings, dataset=settings.serving.dataset,
                               embedder=settings.embedder_model_dir.name)
    registry = Registry(settings)
    with registry.run(f"build-index-{settings.serving.dataset}"):
        register_index(registry, index, settings.serving.dataset,
                       tables["products"]["product_id"])
        register_embedder(registry, settings.embedder_model_dir)
    register_conversion(settings, tables)
    register_generator(settings, generator_dir)
    log.info("serving stack ready under %s", settings.home)
    return settings
