"""The whole platform end to end on the embedded default data, in one command:

   1. fetch what the defaults need (the Open Bandit Dataset sample)
 2-3. build and ingest the synthetic shop; ingest the Open Bandit Dataset sample (real logs)
 4-5. shopper profiles and item features for both
   6. tune the conversion model (Ray Tune + XGBoost), register it, gate it
   7. fine-tune the copy generator (SmolLM2 + LoRA, Ray Train + DeepSpeed ZeRO-2 on 2 CPU
      workers) on best-of-n copy, evaluate it against the base model, register, gate it
   8. embed the catalogue and build the product index (faiss), logged to MLflow
   9. batch copy (Ray Data, an actor pool with the generator): gated variants for the
      products, segments and kinds the demo's answers will show, into the copy store,
      approved automatically (logged as such: no person read them)
  10. evaluate retrieval (HR@10, NDCG@10 against popularity) on the synthetic shop
  11. start the Serve application on this machine and ask it for two contrasting
      shoppers' recommendations, with copy and the model versions that answered

Re-running reuses what is built (tables, features, champions, the index) unless
--rebuild. Everything lives under ADCRAFT_HOME (default ./.adcraft).

    python -m pipelines.demo                   (what `make demo` and `adcraft demo` run)
    python -m pipelines.demo --keep-serving    (leave the application up: Ctrl-C stops it)
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from adcraft.data.io import read_tables
from adcraft.data.sources import dataset_dir
from adcraft.models.embedder_pyfunc import EMBEDDER_MODEL
from adcraft.registry import CHAMPION, Registry
from adcraft.report import (
    GENERATOR_SCORES,
    champion_copy,
    champion_summary,
    contrasting_shoppers,
    profile_cards,
    table_summary,
    truth_check,
)
from adcraft.retrieval.index import index_model
from adcraft.settings import Settings, get_settings
from adcraft.specs import CONVERSION, GENERATOR
from pipelines import (
    batch_copy,
    build_features,
    build_index,
    evaluate_retrieval,
    fetch,
    finetune_generator,
    ingest,
    tune_conversion,
)
from pipelines._common import start_job

log = logging.getLogger("pipelines.demo")


@dataclass
class Stage:
    name: str
    run: Callable[[], int | None]
    built: Callable[[], bool] = lambda: False  # True: its output exists, skip unless --rebuild


def stages(args: argparse.Namespace, settings: Settings) -> list[Stage]:
    registry = Registry(settings)

    def has_tables(dataset: str, folder: str, name: str) -> Callable[[], bool]:
        return lambda: (dataset_dir(dataset, settings) / folder / f"{name}.parquet").is_file()

    def has_champion(model: str) -> Callable[[], bool]:
        return lambda: registry.alias_version(model, CHAMPION) is not None

    def first_generator() -> list[str]:
        """The application needs a generator champion: the first one is promoted even if
        it does not beat its base model on this small budget; the run is tagged forced."""
        if registry.alias_version(GENERATOR, CHAMPION) is not None:
            return []
        print("no generator champion yet: this version takes the alias even if the gate "
              "refuses (then logged as forced); later runs must pass the gate")
        return ["--force"]

    generator = ["--lora", "--pairs", str(args.copy_pairs), "--eval-pairs",
                 str(args.eval_pairs), "--epochs", str(args.epochs)]
    return [
        Stage("fetch defaults", lambda: fetch.main([])),
        Stage("ingest synthetic shop", lambda: ingest.main(["synthetic"]),
              has_tables("synthetic", "tables", "products")),
        Stage("ingest Open Bandit sample", lambda: ingest.main(["obd"]),
              has_tables("obd", "tables", "impressions")),
        Stage("features: synthetic", lambda: build_features.main(["synthetic"]),
              has_tables("synthetic", "features", "profiles")),
        Stage("features: obd", lambda: build_features.main(["obd"]),
              has_tables("obd", "features", "item_features")),
        Stage("tune + register conversion model",
              lambda: tune_conversion.main(["--trials", str(args.trials)]),
              has_champion(CONVERSION)),
        Stage("fine-tune + register copy generator", lambda: finetune_generator.main(
            generator + first_generator()
            + (["--model-dir", args.generator_model] if args.generator_model else [])),
            has_champion(GENERATOR)),
        Stage("embed catalogue + build index", lambda: build_index.main(["synthetic"]),
              lambda: registry.alias_version(index_model("synthetic"), CHAMPION) is not None
              and registry.alias_version(EMBEDDER_MODEL) is not None),
        Stage("batch copy into the store + automatic approval",
              lambda: batch_stage(args, settings)),
        Stage("evaluate retrieval", lambda: evaluate_retrieval.main(
            ["--no-amazon"] + (["--no-tune"] if args.quick_eval else []))),
    ]


def demo_asks(profiles) -> list[tuple[str, dict]]:
    """What the demo asks the application: two contrasting shoppers by email, a new
    visitor on the web."""
    from adcraft.features.profiles import profile_for

    asks = []
    for shopper_id in contrasting_shoppers(profiles, 2):
        profile = profile_for(profiles, shopper_id)
        likes = ", ".join(profile.liked_attributes[:3]) or "-"
        tops = ", ".join(c.name for c in profile.categories[:2])
        asks.append((f"Shopper {shopper_id} (into {tops}; likes {likes})",
                     {"shopper_id": shopper_id, "k": 3, "channel": "email", "variants": 2}))
    asks.append(("A new visitor searching 'warm wool jumper'",
                 {"context": {"query": "warm wool jumper"}, "k": 2, "channel": "web",
                  "variants": 2}))
    return asks


def demo_shelf(settings: Settings) -> pl.DataFrame:
    """The (product, segment, kind) slots the demo's answers will show: its requests
    ranked in this process (the same index and models, no copy)."""
    import asyncio

    from adcraft.serving.components import ConversionScorer, QueryEmbedder, Ranker
    from adcraft.serving.feedback import FeedbackState
    from adcraft.serving.schemas import RecommendationRequest
    from adcraft.serving.service import LocalBackends, RecommendationService
    from adcraft.shopview import ShopView
    from adcraft.store.db import dispose_engines

    shop = ShopView.load(settings)
    backends = LocalBackends(QueryEmbedder.load(settings), Ranker.load(settings, shop),
                             ConversionScorer.load(settings, shop), None)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:  # its own event log, thrown away
        service = RecommendationService(shop, backends, FeedbackState(
            f"sqlite:///{tmp}/shelf.db"), settings.serving)
        for i, (_, body) in enumerate(demo_asks(shop.profiles)):
            request = RecommendationRequest(**{**body, "with_copy": False})
            answer = asyncio.run(service.recommend(request, f"shelf-{i}"))
            rows += [{"product_id": item.product_id, "segment": answer.segment,
                      "kind": request.kind.value} for item in answer.items]
        dispose_engines()
    return pl.DataFrame(rows).unique(maintain_order=True)


def batch_stage(args: argparse.Namespace, settings: Settings) -> int:
    """`pipelines.batch_copy` (Ray Data) for the products, segments and kinds the demo
    will show, approved automatically; resumable, so a rerun writes only what is
    missing. A shop runs it over its whole catalogue (a GPU makes that hours, not days)."""
    shelf = demo_shelf(settings)
    print(f"writing copy for the {shelf.height} (product, segment, kind) slots the demo "
          "will show", flush=True)
    args = batch_copy.parse_args(["--candidates", str(args.batch_candidates),
                                  "--approve-passed", "--batch-size", "4"])
    batch_copy.run(settings, args, shelf)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adcraft demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=8, help="Ray Tune trials (default 8)")
    parser.add_argument("--copy-pairs", type=int, default=24,
                        help="best-of-n training requests for the generator (default 24)")
    parser.add_argument("--eval-pairs", type=int, default=8,
                        help="held-out requests the generators are compared on (default 8)")
    parser.add_argument("--epochs", type=int, default=2, help="generator epochs (default 2)")
    parser.add_argument("--generator-model", help="base generator folder (default: "
                                                  "SmolLM2-135M-Instruct from the cache)")
    parser.add_argument("--batch-candidates", type=int, default=4,
                        help="generated candidates per product and segment (default 4)")
    parser.add_argument("--quick-eval", action="store_true",
                        help="retrieval evaluation without tuning the fusion weights")
    parser.add_argument("--rebuild", action="store_true",
                        help="run every stage again, even where its output exists")
    parser.add_argument("--port", type=int, default=8000,
                        help="HTTP port of the application (default 8000; 0 or taken: a free one)")
    parser.add_argument("--keep-serving", action="store_true",
                        help="leave the application running until Ctrl-C")
    parser.add_argument("--no-serve", action="store_true", help="stop before serving")
    args = parser.parse_args(argv)
    start_job()
    settings = get_settings()
    timings: list[tuple[str, float]] = []
    plan = stages(args, settings)
    total = len(plan) + (0 if args.no_serve else 1)
    for number, stage in enumerate(plan, start=1):
        started = time.perf_counter()
        if not args.rebuild and stage.built():
            print(f"\n== [{number}/{total}] {stage.name}: built already, reused "
                  "(--rebuild runs it again)", flush=True)
            continue
        print(f"\n== [{number}/{total}] {stage.name}", flush=True)
        if stage.run():
            print(f"stage '{stage.name}' failed", file=sys.stderr)
            return 1
        timings.append((stage.name, time.perf_counter() - started))

    summarise(settings)
    if not args.no_serve:
        print(f"\n== [{total}/{total}] serve the application and ask it", flush=True)
        started = time.perf_counter()
        if serve_and_ask(settings, args.port, args.keep_serving):
            return 1
        timings.append(("serve + ask", time.perf_counter() - started))
    print("\n== Timings\n" + "\n".join(f"  {n:<38}{s:7.1f}s" for n, s in timings)
          + f"\n  {'total':<38}{sum(s for _, s in timings):7.1f}s")
    print(f"\nEverything is under {settings.home.resolve()}; see README.md for what comes next.")
    return 0


def summarise(settings: Settings) -> None:
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


def serve_and_ask(settings: Settings, port: int, keep_serving: bool) -> int:
    """Start the application here, ask it for two contrasting shoppers, print the answers
    and how to query it; stop it (or keep it up until Ctrl-C)."""
    from adcraft.serving.showcase import ask, describe_answer, how_to_query
    from adcraft.serving.stack import pinned_overrides
    from serve_apps import local

    keys = [k.override() for k in settings.serving.api_keys]
    key = keys[0]["key"] if keys else secrets.token_urlsafe(18)  # this run's key, printed
    overrides = pinned_overrides(settings, api_keys=keys or [key], generator_timeout_s=(
        local.generator_timeout(settings.serving.generator_timeout_s)))
    if port == 0 or not local.port_is_free("127.0.0.1", port):
        free = local.free_port()
        if port:
            print(f"port {port} is taken: serving on {free} instead")
        port = free
    profiles = read_tables(dataset_dir("synthetic", settings) / "features")["profiles"]
    shoppers = contrasting_shoppers(profiles, 2)
    try:
        url = local.start(overrides, port=port)
        print(f"application up at {url}", flush=True)
        for who, body in demo_asks(profiles):
            answer = ask(url, key, body)
            print("\n" + describe_answer(answer, who))
        product = answer["items"][0]["product_id"] if answer["items"] else "P000001"
        hint = "<your key>" if keys else key
        print(f"\n== Query it yourself\n  adcraft serve   (then, from another shell; key: "
              f"{'ADCRAFT_SERVING__API_KEYS' if keys else 'printed by adcraft serve'})\n"
              + how_to_query(url, shoppers[0], product, hint))
        if keep_serving:
            print(f"\nserving at {url} until Ctrl-C (this run's key: {hint})", flush=True)
            local.wait_until_stopped()
    except RuntimeError as exc:
        print(f"the application did not answer: {exc}", flush=True)  # with the answers
        log.error("the application did not answer: %s", exc)
        return 1
    finally:
        local.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
