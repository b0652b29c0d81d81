"""Offline next-item evaluation of retrieval: HR@K and NDCG@K of every method on the
synthetic shop and on the real Amazon Reviews 2023 users, printed as one table and logged
to MLflow.

    python -m pipelines.evaluate_retrieval                 # both datasets, K = 10
    python -m pipelines.evaluate_retrieval --no-amazon     # the synthetic shop only
    python -m pipelines.evaluate_retrieval --config retrieval.json --no-tune

Methods: popularity (global), segment_popularity (the shopper's top category), collaborative
(item co-occurrence), content (interest vector -> faiss), fused (the default weights) and
fused_tuned (weights picked on a validation split carved from each dataset's own history).
Synthetic: each shopper's last purchase is held out (size from the settings' shop);
Amazon: each line's held-out product, ranked against every product in the files
(<shared_data_dir>/amazon_reviews_2023_users; skipped, with a warning, when absent).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import mlflow
import polars as pl

from adcraft.data.io import read_tables
from adcraft.data.sources import dataset_dir
from adcraft.data.synthetic import build_shop
from adcraft.registry import Registry
from adcraft.retrieval import RetrievalConfig, load_embedder
from adcraft.retrieval.evaluate import (
    amazon_next_item,
    dataset_next_item,
    evaluate_task,
    synthetic_next_item,
)
from adcraft.settings import get_settings
from pipelines._common import start_job

log = logging.getLogger("pipelines.evaluate_retrieval")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-k", type=int, default=10, help="cut-off of HR@K and NDCG@K")
    p.add_argument("--amazon", type=Path,
                   help="folder of the Amazon users' JSONL files (default: in shared data)")
    p.add_argument("--no-amazon", action="store_true", help="skip the Amazon users")
    p.add_argument("--no-synthetic", action="store_true", help="skip the synthetic shop")
    p.add_argument("--no-tune", action="store_true", help="skip the tuned fused ranker")
    p.add_argument("--dataset", action="append", default=[],
                   help="an ingested dataset too (`adcraft train --shop`), its own held-out "
                        "table or each shopper's last purchase held out; repeatable")
    p.add_argument("--config", type=Path, help="a RetrievalConfig as JSON (weights etc.)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    settings = get_settings()
    config = (RetrievalConfig.model_validate_json(args.config.read_text()) if args.config
              else RetrievalConfig())
    tasks = []
    if not args.no_synthetic:
        tasks.append(synthetic_next_item(build_shop(settings.shop, settings.seed).tables()))
    if not args.no_amazon:
        folder = args.amazon or settings.shared_data_dir / "amazon_reviews_2023_users"
        if folder.is_dir():
            tasks.append(amazon_next_item(folder))
        elif args.amazon:
            log.error("no Amazon users' files at %s", folder)
            return 2
        else:
            log.warning("skipping Amazon users: %s is absent", folder)
    for name in args.dataset:
        folder = dataset_dir(name, settings) / "tables"
        if not folder.is_dir():
            log.error("no dataset %r at %s: ingest it first", name, folder)
            return 2
        tasks.append(dataset_next_item(read_tables(folder), name))
    if not tasks:
        log.error("nothing to evaluate: every dataset was skipped")
        return 2
    embedder = load_embedder(settings.embedder_model_dir)
    table = pl.concat([evaluate_task(t, config, args.k, embedder, tune=not args.no_tune)
                       for t in tasks])
    with Registry(settings).run("evaluate-retrieval", tags={"k": str(args.k)}) as run:
        mlflow.log_params({"k": args.k, "datasets": ",".join(t.name for t in tasks)})
        mlflow.log_dict(config.model_dump(), "retrieval_config.json")
        for row in table.iter_rows(named=True):
            for metric in (f"hr_at_{args.k}", f"ndcg_at_{args.k}"):
                mlflow.log_metric(f"{row['dataset']}.{row['method']}.{metric}", row[metric])
        for task in tasks:
            mlflow.log_metrics({f"{task.name}.{k}": v for k, v in task.timings.items()}
                               | {f"{task.name}.n_products": task.products.height})
        Registry.log_json(table.to_dicts(), "retrieval_eval.json")
    with pl.Config(tbl_rows=-1, tbl_hide_dataframe_shape=True, float_precision=4,
                   tbl_hide_column_data_types=True):
        print(table.select("dataset", "method", f"hr_at_{args.k}", f"ndcg_at_{args.k}",
                           "shoppers"))
    for task in tasks:
        print(f"{task.name}: embedded {task.products.height:,} products in "
              f"{task.timings['embed_s']:.1f} s")
    print(f"MLflow run {run.info.run_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
