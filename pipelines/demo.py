"""The main job, end to end on the embedded default data:

  1. fetch what the defaults need (the Open Bandit Dataset sample)
  2. build and ingest the synthetic shop
  3. ingest the Open Bandit Dataset sample (real logs)
  4. build shopper profiles and item features for both
  5. tune the conversion model (Ray Tune + XGBoost), register it in MLflow and promote it
     through the gate
  6. fine-tune the copy generator (SmolLM2 + LoRA, Ray Train + DeepSpeed ZeRO-2 on 2 CPU
     workers) on best-of-n copy, evaluate it against the base model, register and gate it
  7. print what came out: tables, how well profiles recover the shop's hidden tastes,
     a few shopper profiles, and the conversion model's champion

    python -m pipelines.demo           (what `make demo` runs)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from adcraft.data.io import read_tables
from adcraft.data.sources import dataset_dir
from adcraft.registry import Registry
from adcraft.report import (
    GENERATOR_SCORES,
    champion_copy,
    champion_summary,
    contrasting_shoppers,
    profile_cards,
    table_summary,
    truth_check,
)
from adcraft.settings import get_settings
from pipelines import build_features, fetch, finetune_generator, ingest, tune_conversion
from pipelines._common import start_job

CONVERSION = "adcraft-conversion"
GENERATOR = "adcraft-generator"

def stages(args: argparse.Namespace) -> list[tuple[str, Callable[[], int | None]]]:
    return [
        ("fetch defaults", lambda: fetch.main([])),
        ("ingest synthetic shop", lambda: ingest.main(["synthetic"])),
        ("ingest Open Bandit sample", lambda: ingest.main(["obd"])),
        ("features: synthetic", lambda: build_features.main(["synthetic"])),
        ("features: obd", lambda: build_features.main(["obd"])),
        ("tune + register conversion model",
         lambda: tune_conversion.main(["--trials", str(args.trials)])),
        ("fine-tune + register copy generator", lambda: finetune_generator.main(
            ["--lora", "--pairs", str(args.copy_pairs), "--eval-pairs", str(args.eval_pairs),
             "--epochs", str(args.epochs)]
            + (["--model-dir", args.generator_model] if args.generator_model else []))),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=8, help="Ray Tune trials")
    parser.add_argument("--copy-pairs", type=int, default=24,
                        help="best-of-n training requests for the generator")
    parser.add_argument("--eval-pairs", type=int, default=8,
                        help="held-out requests the generators are compared on")
    parser.add_argument("--epochs", type=int, default=2, help="generator fine-tuning epochs")
    parser.add_argument("--generator-model", help="base generator folder (default: "
                                                  "SmolLM2-135M-Instruct from the cache)")
    args = parser.parse_args(argv)
    start_job()
    timings = []
    plan = stages(args)
    for number, (name, stage) in enumerate(plan, start=1):
        print(f"\n== [{number}/{len(plan)}] {name}", flush=True)
        started = time.perf_counter()
        if stage():
            print(f"stage '{name}' failed", file=sys.stderr)
            return 1
        timings.append((name, time.perf_counter() - started))

    settings = get_settings()
    shop = dataset_dir("synthetic", settings)
    tables = read_tables(shop / "tables")
    profiles = read_tables(shop / "features")["profiles"]
    tastes = read_tables(shop / "truth")["tastes"]
    obd = read_tables(dataset_dir("obd", settings) / "tables")
    print(f"\n== Synthetic shop (seed {settings.seed})\n{table_summary(tables)}")
    print("\n== Open Bandit Dataset sample (real ZOZOTOWN logs)\n" + table_summary(obd))
    print("\n== Do profiles recover the shop's hidden tastes?\n" + truth_check(profiles, tastes))
    print("\n== Shopper profiles\n" + profile_cards(profiles, contrasting_shoppers(profiles, 3)))
    registry = Registry(settings)
    print("\n== Conversion model\n" + champion_summary(registry, CONVERSION))
    print("\n== Copy generator\n" + champion_summary(registry, GENERATOR, GENERATOR_SCORES))
    print("\n== Copy it wrote for held-out shoppers\n" + champion_copy(registry, GENERATOR))
    print("\n== Timings\n" + "\n".join(f"  {n:<34}{s:6.1f}s" for n, s in timings))
    print(f"\nEverything is under {settings.home.resolve()}; see README.md for what comes next.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
