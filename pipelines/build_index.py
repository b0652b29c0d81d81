"""Embed a dataset's catalogue, build the product index, and log it to MLflow.

    python -m pipelines.build_index                      # the synthetic shop
    python -m pipelines.build_index amazon-users         # after `pipelines.ingest amazon-users`
    python -m pipelines.build_index synthetic --factory IVF64,Flat --batch-size 64

Recipe: setup (products of <data_dir>/<dataset>/tables; the synthetic shop is ingested if
missing) -> embed (MiniLM from the settings' embedder folder, batched, with progress) ->
index (faiss: exact below 100k products, IVF above) -> interest vectors (when features
exist: fills `embedding` of <data_dir>/<dataset>/features/profiles) -> register (a run
holding the index under product_index/, registered as adcraft-index-<dataset> through its
gate: coverage of the catalogue and recall@10 against exact search must not be worse
than the champion index's on the same catalogue; `champion` moves only then, or with
--force; serving loads the champion, `pipelines.promote adcraft-index-<dataset>
--version N --force` rolls back).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import mlflow

from adcraft.data.io import read_tables, write_tables
from adcraft.data.sources import dataset_dir
from adcraft.models.embedder_pyfunc import register_embedder
from adcraft.registry import Registry
from adcraft.retrieval import (
    EmbeddingConfig,
    IndexConfig,
    ProductIndex,
    embed_products,
    fill_profile_embeddings,
    index_model,
    load_embedder,
    register_index,
)
from adcraft.settings import get_settings
from pipelines import ingest
from pipelines._common import start_job

log = logging.getLogger("pipelines.build_index")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dataset", nargs="?", default="synthetic",
                   help="an ingested dataset (default: synthetic, ingested if missing)")
    p.add_argument("--factory", help="faiss index_factory string that keeps vectors, e.g. "
                                     "'Flat', 'IVF4096,Flat', 'HNSW32,Flat' (default: by size)")
    p.add_argument("--nprobe", type=int, help="IVF lists searched per query (default 32)")
    p.add_argument("--batch-size", type=int, help="texts per embedder forward pass")
    p.add_argument("--limit", type=int, help="index only the first N products (smoke runs)")
    p.add_argument("--no-profiles", action="store_true",
                   help="do not fill the profiles' interest vectors")
    p.add_argument("--force", action="store_true",
                   help="make this index champion even if its gate refuses (logged as forced)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    settings = get_settings()
    folder = dataset_dir(args.dataset, settings)
    if not (folder / "tables").is_dir() and args.dataset == "synthetic":
        ingest.main(["synthetic"])
    try:
        tables = read_tables(folder / "tables")
    except FileNotFoundError as exc:
        log.error("%s", exc)
        return 2
    if "products" not in tables:
        log.error("%s has no products table: nothing to index", folder / "tables")
        return 2
    products = tables["products"].head(args.limit) if args.limit else tables["products"]
    embedding = EmbeddingConfig(**({"batch_size": args.batch_size} if args.batch_size else {}))
    index_config = IndexConfig(**{k: v for k, v in {"factory": args.factory,
                                                    "nprobe": args.nprobe}.items() if v})
    started = time.perf_counter()
    try:
        embeddings = embed_products(products, load_embedder(settings.embedder_model_dir),
                                    embedding)
    except ValueError as exc:  # DataError: names the table and field
        log.error("%s", exc)
        return 2
    embed_s = time.perf_counter() - started
    index = ProductIndex.build(embeddings, index_config, dataset=args.dataset,
                               embedder=settings.embedder_model_dir.name)

    filled = 0
    features = folder / "features"
    if not args.no_profiles and (features / "profiles.parquet").is_file() and "events" in tables:
        current = read_tables(features)
        current["profiles"] = fill_profile_embeddings(current["profiles"], tables["events"],
                                                      index.vectors)
        write_tables(current, features)
        filled = int(current["profiles"]["embedding"].is_not_null().sum())
        log.info("filled %s interest vectors in %s", f"{filled:,}", features / "profiles")

    with Registry(settings).run(f"build-index-{args.dataset}") as run:
        mlflow.log_params({"dataset": args.dataset, **index.meta,
                           "batch_size": embedding.batch_size})
        mlflow.log_metrics({"n_products": index.size, "embed_s": embed_s,
                            "products_per_s": index.size / max(embed_s, 1e-9),
                            "index_build_s": index.meta["build_s"], "profiles_filled": filled})
        registry = Registry(settings)
        version, decision = register_index(registry, index, args.dataset,
                                           tables["products"]["product_id"], force=args.force)
        if decision.promote:  # the query embedder must be the index's: promoted together
            embedder = register_embedder(registry, settings.embedder_model_dir)
            mlflow.set_tag("embedder.version", embedder)
    print(f"product index of {args.dataset}: {index.size:,} products, {index.meta['factory']}"
          f", dim {index.dim}; embedded in {embed_s:.1f} s "
          f"({index.size / max(embed_s, 1e-9):.0f}/s); MLflow run {run.info.run_id}")
    scores = ", ".join(f"{k} {v:.3f}" for k, v in decision.candidate.items())
    verdict = "promoted to champion" if decision.promote else "NOT promoted"
    print(f"{index_model(args.dataset)} v{version}: {verdict}"
          f"{' (forced)' if decision.forced else ''} - {decision.reason}\n  {scores}")
    return 0 if decision.promote else 1


if __name__ == "__main__":
    sys.exit(main())
