"""Everything on a shop's own data, from one shop file (what `adcraft train --shop` runs):

   1. ingest the catalogue, events, reviews and historical copy the file names (all or
      nothing; every merged, rewritten or dropped row is reported)
   2. shopper profiles and item features
   3. the conversion model on the shop's impressions, or on its product views where it
      logs none (Ray Tune + XGBoost), registered as adcraft-conversion-NAME and gated; a
      shop with neither is scored by the adcraft-conversion champion (trained on the
      synthetic shop if there is none)
   4. embed the catalogue, build the product index adcraft-index-NAME, gated
   5. the copy generator: fine-tuned on the shop's products and historical copy (Ray
      Train + DeepSpeed) when there is no champion yet or with --generator; otherwise
      the champion writes for this shop too
   6. next-item evaluation (HR@10, NDCG@10 against popularity) where the shop has purchases
   7. what was built, and how to serve it: adcraft serve --dataset NAME

    adcraft train --shop examples/myntra.yaml
    adcraft train --shop examples/amazon-users.yaml --generator
    ray job submit --working-dir . -- python -m pipelines.train_shop --shop shop.yaml

Each stage is also its own Ray Job (`adcraft submit ingest|build_features|...`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

import polars as pl

from adcraft.data.errors import DataError
from adcraft.data.io import read_tables
from adcraft.data.shopfile import ShopFile, describe_fields, read_shop_file
from adcraft.data.sources import dataset_dir
from adcraft.models.embedder_pyfunc import EMBEDDER_MODEL
from adcraft.registry import CHAMPION, Registry
from adcraft.report import shop_summary
from adcraft.retrieval.index import index_model
from adcraft.settings import get_settings
from adcraft.specs import CONVERSION, GENERATOR
from pipelines import (
    build_features,
    build_index,
    evaluate_retrieval,
    finetune_generator,
    ingest,
    tune_conversion,
)
from pipelines._common import start_job

log = logging.getLogger("pipelines.train_shop")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="adcraft train", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="the shop file's fields:\n" + "\n".join(describe_fields()))
    p.add_argument("--shop", required=True, help="the shop file (YAML), e.g. examples/myntra.yaml")
    p.add_argument("--trials", type=int, default=8, help="Ray Tune trials (default 8)")
    p.add_argument("--generator", action="store_true",
                   help="fine-tune a generator on this shop even where a champion exists "
                        "(it takes `champion` only if it beats it)")
    p.add_argument("--no-generator", action="store_true",
                   help="never fine-tune here; the application needs a generator champion")
    p.add_argument("--copy-pairs", type=int, default=24, help="best-of-n training requests")
    p.add_argument("--eval-pairs", type=int, default=8, help="held-out generator requests")
    p.add_argument("--epochs", type=int, default=2, help="generator epochs")
    p.add_argument("--no-eval", action="store_true", help="skip the retrieval evaluation")
    return p.parse_args(argv)


def learns_conversion(tables: dict[str, pl.DataFrame]) -> bool:
    """Impressions logged, or product views to read them from."""
    events = tables.get("events")
    return ("impressions" in tables and tables["impressions"].height > 0) or (
        events is not None and (events["event_type"] == "view").any())


def conversion_stage(shop: ShopFile, tables, args, registry: Registry) -> int:
    """The shop's own conversion model where it logged impressions or views; else make
    sure the default champion exists (serving scores candidates with it)."""
    if learns_conversion(tables):
        return tune_conversion.main(["--dataset", shop.name, "--trials", str(args.trials)])
    if registry.alias_version(CONVERSION, CHAMPION) is not None:
        print(f"{shop.name} logged no impressions or product views: candidates are scored "
              f"by {CONVERSION}@champion until it does")
        return 0
    print(f"{shop.name} logged no impressions or views and there is no {CONVERSION} yet: "
          "training "
          "it on the synthetic shop, which the application scores candidates with")
    return tune_conversion.main(["--trials", str(args.trials)])


def generator_stage(shop: ShopFile, args, registry: Registry) -> int:
    champion = registry.alias_version(GENERATOR, CHAMPION)
    if champion is not None and not args.generator:
        print(f"{GENERATOR}@champion (v{champion}) writes for {shop.name} too; "
              "--generator fine-tunes a challenger on this shop")
        return 0
    if args.no_generator:
        print(f"no {GENERATOR}@champion and --no-generator: serving will refuse until one "
              "is registered (python -m pipelines.finetune_generator)")
        return 0
    run = ["--dataset", shop.name, "--lora", "--pairs", str(args.copy_pairs),
           "--eval-pairs", str(args.eval_pairs), "--epochs", str(args.epochs),
           "--name", f"generator-{shop.name}-{time.strftime('%Y%m%d-%H%M%S')}"]
    if champion is None:
        print("no generator champion yet: this version takes the alias even if the gate "
              "refuses (then logged as forced)")
        run.append("--force")
    return finetune_generator.main(run)


def evaluation_stage(name: str, tables: dict[str, pl.DataFrame], args) -> int:
    events = tables.get("events")
    if args.no_eval or events is None or not (events["event_type"] == "purchase").any():
        print("skipped: " + ("--no-eval" if args.no_eval else
                             f"{name} has no purchases to hold out yet"))
        return 0
    return evaluate_retrieval.main(["--no-synthetic", "--no-amazon", "--dataset", name])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    settings = get_settings()
    try:
        shop = read_shop_file(args.shop)
    except DataError as exc:
        log.error("%s", exc)
        return 2
    registry = Registry(settings)
    name = shop.name
    tables: dict[str, pl.DataFrame] = {}

    def ingest_stage() -> int:
        failed = ingest.main(["shop", args.shop, "--dataset", name])
        if not failed:
            tables.update(read_tables(dataset_dir(name, settings) / "tables"))
        return failed

    plan = [
        ("ingest", ingest_stage),
        ("features", lambda: build_features.main([name])),
        ("conversion model", lambda: conversion_stage(shop, tables, args, registry)),
        ("embed catalogue + build index", lambda: build_index.main([name])),
        ("copy generator", lambda: generator_stage(shop, args, registry)),
        ("evaluate retrieval", lambda: evaluation_stage(name, tables, args)),
    ]
    timings = []
    for number, (stage, run) in enumerate(plan, start=1):
        print(f"\n== [{number}/{len(plan)}] {name}: {stage}", flush=True)
        started = time.perf_counter()
        failed = run()
        if failed == 2 and stage == "ingest":
            return 2  # bad input: ingest has said where, and written nothing
        if failed:
            print(f"stage '{stage}' failed", file=sys.stderr)
            return 1
        timings.append((stage, time.perf_counter() - started))
    folder = dataset_dir(name, settings)
    print("\n== What was built\n" + shop_summary(
        read_tables(folder / "tables"), read_tables(folder / "features")
        if (folder / "features").is_dir() else {}))
    conversion = f"{CONVERSION}-{name}" if learns_conversion(tables) else CONVERSION
    for model in (index_model(name), EMBEDDER_MODEL, conversion, GENERATOR):
        version = registry.alias_version(model, CHAMPION)
        print(f"  {model:<36}" + (f"{CHAMPION} v{version}" if version else "missing"))
    print("\n".join(f"  {n:<36}{s:7.1f}s" for n, s in timings))
    print(f"\nserve it: adcraft serve --dataset {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
