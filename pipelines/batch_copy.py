"""Catalogue copy offline: every (product, segment) slot of a dataset gets gated variants
in the copy store, proposed for a marketer's review.

    python -m pipelines.batch_copy                         # the synthetic shop, ad copy
    python -m pipelines.batch_copy --kind email_subject --products 200
    python -m pipelines.batch_copy --approve-passed        # the demo: automatic approval
    python -m pipelines.batch_copy --sequential            # the same work without Ray Data
    adcraft submit batch_copy -- --concurrency 4           # as a Ray Job on a cluster

Recipe: the slots (products x the segments of `features.profiles.segment_of`, and
"all" for human copy), less those the store already holds for this kind and locale (a
rerun resumes) -> Ray Data: `map_batches` over an actor pool of `content.batch.BatchCopy`
(generator and conversion champions loaded once per actor; candidates judged by
`CopyGate`, the passing ones scored with predicted CTR, template copy where none passed)
-> the driver writes each batch to the store with the MLflow run id as lineage ->
counts, the pass rates and a sample logged to MLflow. `--import-descriptions` adds the
catalogue's own descriptions as `human` variants for every segment, through the same
gate. `--approve-passed` approves what passed, logged as `auto_approve` (no person read
it).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

import mlflow
import polars as pl
from tqdm import tqdm

from adcraft.content.batch import BatchCopy, BatchCopyConfig, proposals, segment_personas
from adcraft.content.gate import CopyGate
from adcraft.content.request import CopyKind, CopyRequest
from adcraft.features.profiles import ShopperProfile
from adcraft.registry import Registry
from adcraft.serving.bandit import variant_id
from adcraft.serving.stack import pinned_overrides
from adcraft.settings import Settings, get_settings
from adcraft.shopview import ShopView
from adcraft.store.copy import ALL_SEGMENTS, CopyStore, Proposal, QueueFilter
from adcraft.store.db import store_engine
from pipelines._common import start_job

log = logging.getLogger("pipelines.batch_copy")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kind", default="ad_copy", choices=[k.value for k in CopyKind],
                   help="the copy slot (default ad_copy; the web channel shows "
                        "recommendation_reason, email email_subject)")
    p.add_argument("--locale", default=BatchCopyConfig.locale,
                   help=f"the copy's locale (default {BatchCopyConfig.locale})")
    p.add_argument("--products", type=int, help="only N products (default all): the first "
                                                "N, or with --popular-first the most viewed")
    p.add_argument("--popular-first", action="store_true",
                   help="take products in order of their events (what shoppers see most)")
    p.add_argument("--segments", nargs="*", help="only these segments (default all, and cold)")
    p.add_argument("--variants", type=int, default=BatchCopyConfig.variants,
                   help="passing variants proposed per slot")
    p.add_argument("--candidates", type=int, default=BatchCopyConfig.candidates,
                   help="generated per slot")
    p.add_argument("--max-new-tokens", type=int, default=BatchCopyConfig.max_new_tokens,
                   help="generated tokens per candidate")
    p.add_argument("--batch-size", type=int, default=8, help="slots per generator call")
    p.add_argument("--concurrency", type=int, default=2, help="actors (one CPU each)")
    p.add_argument("--templates-only", action="store_true",
                   help="no generator: template copy for every slot (fast)")
    p.add_argument("--sequential", action="store_true",
                   help="one loop in this process, no Ray Data (the bench's baseline)")
    p.add_argument("--import-descriptions", action="store_true",
                   help="the catalogue's descriptions as human variants (segment 'all')")
    p.add_argument("--approve-passed", action="store_true",
                   help="approve every proposal that passed the gate (logged as automatic)")
    return p.parse_args(argv)


def slots(shop: ShopView, store: CopyStore, args: argparse.Namespace) -> pl.DataFrame:
    """The (product, segment) slots still to write."""
    segments = args.segments or list(segment_personas(shop))
    products = shop.products["product_id"]
    if args.popular_first and shop.events.height:
        seen = shop.events.group_by("product_id").len()
        products = (shop.products.select("product_id").join(seen, on="product_id", how="left")
                    .with_columns(pl.col("len").fill_null(0))
                    .sort("len", descending=True, maintain_order=True)["product_id"])
    products = products.head(args.products) if args.products else products
    every = pl.DataFrame({"product_id": products}).join(
        pl.DataFrame({"segment": segments}), how="cross")
    return not_done(store, every.with_columns(kind=pl.lit(args.kind)), args.locale)


def not_done(store: CopyStore, todo: pl.DataFrame, locale: str) -> pl.DataFrame:
    """The (product, segment, kind) slots of `todo` the store holds no copy for yet."""
    parts = []
    for (kind,), part in todo.group_by("kind", maintain_order=True):
        done = store.slots_done(kind, locale)
        if done:
            have = pl.DataFrame(list(done), schema=["product_id", "segment"], orient="row")
            part = part.join(have, on=["product_id", "segment"], how="anti")
        parts.append(part)
    return pl.concat(parts) if parts else todo


def human_proposals(shop: ShopView, args: argparse.Namespace, run_id: str) -> list[Proposal]:
    """Each product's own description, judged as copy of `--kind` for any shopper."""
    out = []
    products = shop.products.head(args.products) if args.products else shop.products
    for pid, text in products.select("product_id", "description").iter_rows():
        text = (text or "").strip()
        if not text:
            continue
        product = shop.facts(pid)
        request = CopyRequest(profile=ShopperProfile.cold("any"), product=product,
                              kind=CopyKind(args.kind), locale=args.locale)
        verdict = CopyGate.for_request(request, shop.vocabulary).judge(text, product)
        out.append(Proposal(variant_id(pid, args.kind, text), pid, ALL_SEGMENTS, args.kind,
                            args.locale, text, "human", verdict.ok, verdict.findings_json(),
                            " > ".join(product.category_path) or None, run_id=run_id))
    return out


def run(settings: Settings, args: argparse.Namespace, todo: pl.DataFrame | None = None
        ) -> dict[str, float]:
    """The job; `todo`: these (product_id, segment, kind) slots instead of the products x
    segments of `args` (the demo passes what it will show)."""
    store = CopyStore(store_engine(settings.database_url))
    shop = ShopView.load(settings)
    todo = slots(shop, store, args) if todo is None else not_done(store, todo, args.locale)
    kinds = sorted(set(todo["kind"].to_list()) | {args.kind})
    config = {"kind": args.kind, "locale": args.locale, "variants": args.variants,
              "candidates": args.candidates, "max_new_tokens": args.max_new_tokens,
              "generator": not args.templates_only}
    registry = Registry(settings)
    counts = {"slots": float(todo.height), "proposed": 0.0, "passed": 0.0,
              "from_generator": 0.0, "from_template": 0.0}
    started = time.perf_counter()
    with registry.run(f"batch-copy-{'-'.join(kinds)}") as active:
        run_id = active.info.run_id
        mlflow.log_params({**config, "kinds": ",".join(kinds), "slots": todo.height,
                           "sequential": args.sequential,
                           "concurrency": args.concurrency, "batch_size": args.batch_size,
                           "database": store.engine.dialect.name})
        sample: list[dict] = []

        def write(batch: dict) -> None:
            rows = proposals(batch)
            counts["proposed"] += store.propose(rows)
            for r in rows:
                counts["passed"] += r.passed_gate
                if r.passed_gate:
                    counts[f"from_{r.source}"] += 1
                    if len(sample) < 50:
                        sample.append({"product_id": r.product_id, "segment": r.segment,
                                       "source": r.source, "text": r.text,
                                       "predicted_ctr": r.predicted_ctr})

        overrides = pinned_overrides(settings)
        bar = tqdm(total=todo.height, desc="slots", unit="slot", file=sys.stderr)
        if todo.height and args.sequential:
            writer = BatchCopy(overrides, config, run_id)
            for start in range(0, todo.height, args.batch_size):
                part = todo.slice(start, args.batch_size)
                write(writer({c: part[c].to_list() for c in part.columns}))
                bar.update(part.height)
        elif todo.height:
            import ray

            started_ray = not ray.is_initialized()
            if started_ray:
                ray.init(address=os.environ.get("RAY_ADDRESS"), log_to_driver=False)
            data = ray.data.from_items(todo.to_dicts()).map_batches(
                BatchCopy, fn_constructor_kwargs={"settings": overrides, "config": config,
                                                  "run_id": run_id},
                batch_size=args.batch_size, concurrency=args.concurrency, num_cpus=1)
            try:
                for batch in data.iter_batches(batch_size=None):
                    write(batch)
                    bar.update(len(set(zip(batch["product_id"], batch["segment"]))))
            finally:
                if started_ray:
                    ray.shutdown()
        bar.close()
        if args.import_descriptions:
            counts["human"] = float(store.propose(human_proposals(shop, args, run_id)))
        seconds = time.perf_counter() - started
        counts["seconds"] = seconds
        counts["slots_per_s"] = todo.height / seconds if seconds else 0.0
        if args.approve_passed:
            counts["auto_approved"] = float(sum(store.bulk_approve(
                QueueFilter(kind=kind, locale=args.locale), "batch_copy (automatic)",
                automatic=True, limit=10**9) for kind in kinds))
        mlflow.log_metrics(counts)
        if sample:
            mlflow.log_table({k: [row[k] for row in sample] for k in sample[0]},
                             "copy_sample.json")
    log.info("batch copy: %s", ", ".join(f"{k} {v:.0f}" if k != "slots_per_s" else
                                         f"{k} {v:.2f}" for k, v in counts.items()))
    return counts


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    try:
        run(get_settings(), args)
    except (FileNotFoundError, LookupError) as exc:
        log.error("%s", exc)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
