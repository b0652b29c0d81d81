"""Catalogue copy offline, and serving it from the store (issue: copy store), bounded:

  B1  batch copy throughput: `pipelines.batch_copy` over the same products (one slot
      each, segment "all"), as a sequential loop in this process (one slot a generator
      call, as a plain loop would; then 16 a call, the job's batching without Ray) and
      as the Ray Data job (an actor pool of --concurrency, 16 slots a call), each into
      its own empty store; slots/s side by side (goal: Ray Data >= 1.6x the plain loop
      on 2 cores)
  B2  serving from the store: what B1's Ray Data run wrote, approved, served by the
      adcraft application (Serve on loopback, live generation off); POST
      /v1/recommendations with copy, k=10, paced at --rate requests/s for --seconds:
      p50/p99 and the share of items whose copy came from the store (goal p50 <= 50 ms,
      p99 <= 150 ms at 20 requests/s)
  B3  the Ray Data job over --scale products (default 100,000; 0 skips it): rows/s and
      peak memory (`bench.copy_batch_scale`, which also runs on its own; about an hour
      on 2 cores)

    python -m bench.copy_store                  # 1,000 products, 20 requests/s for 20 s
    python -m bench.copy_store --products 200 --seconds 10 --scale 0

The generator is a tiny random model (what it writes fails the gate, so template copy
stands in): the throughput measured is the job's machinery (batching, the gate, the
conversion model, the store), not a language model's speed on CPU.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import logging
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import numpy as np

from adcraft.models.tiny import tiny_causal_lm
from adcraft.serving.stack import build_stack, stack_settings
from adcraft.settings import Settings, ShopSettings
from adcraft.shopview import ShopView
from adcraft.store.copy import CopyStore, QueueFilter
from adcraft.store.db import store_engine
from pipelines import batch_copy

KIND = "recommendation_reason"  # the web channel's copy


# B1's runs: (name, the job's flags). The goal's baseline is the plain loop a team would
# write first, one product at a time; the batched loop shows what batching alone gives.
RUNS = (("loop, one slot a call", ["--sequential", "--batch-size", "1"]),
        ("loop, 16 slots a call", ["--sequential", "--batch-size", "16"]),
        ("Ray Data, 16 a call", ["--batch-size", "16"]))


def batch_phase(settings: Settings, products: int, concurrency: int, folder: Path
                ) -> dict[str, dict]:
    out = {}
    for i, (name, flags) in enumerate(RUNS):
        url = f"sqlite:///{folder / ('ray_data' if i == len(RUNS) - 1 else f'loop{i}')}.db"
        args = ["--kind", KIND, "--products", str(products), "--segments", "all",
                "--concurrency", str(concurrency), "--candidates", "3",
                "--max-new-tokens", "24", *flags]
        counts = batch_copy.run(settings.model_copy(update={"database_url": url}),
                                batch_copy.parse_args(args))
        out[name] = {**counts, "url": url}
    return out


def paced(url: str, shoppers: list[str], rate: float, seconds: float) -> list[tuple]:
    """Requests sent at a fixed rate (open loop), each on its own thread: (ms, status,
    items with copy from the store, items)."""
    import requests

    def one(shopper: str) -> tuple:
        start = time.perf_counter()
        r = requests.post(f"{url}/v1/recommendations", timeout=10, json={
            "shopper_id": shopper, "k": 10, "channel": "web"})
        ms = 1000 * (time.perf_counter() - start)
        items = r.json().get("items", []) if r.status_code == 200 else []
        stored = sum(bool(i.get("copy") and i["copy"].get("reviewed")) for i in items)
        return ms, r.status_code, stored, len(items)

    n = int(rate * seconds)
    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        start, futures = time.perf_counter(), []
        for i in range(n):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one, shoppers[i % len(shoppers)]))
        return [f.result() for f in futures]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--home", default=".adcraft/bench-store", help="the stack's home")
    p.add_argument("--products", type=int, default=1_000)
    p.add_argument("--concurrency", type=int, default=2, help="Ray Data actors")
    p.add_argument("--rate", type=float, default=20.0, help="B2's requests per second")
    p.add_argument("--seconds", type=float, default=20.0, help="B2's duration")
    p.add_argument("--skip-batch", action="store_true",
                   help="B2 only, on the store the last B1 wrote under --home")
    p.add_argument("--scale", type=int, default=100_000,
                   help="B3's catalogue size (0: no B3)")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING)
    shop = ShopSettings(n_products=args.products, n_shoppers=2 * args.products,
                        n_events=100 * args.products, n_impressions=10 * args.products)
    overrides = stack_settings(args.home, shop=shop.model_dump(), serving={"dev_mode": True})
    settings = Settings(**overrides)
    if not (settings.data_dir / "synthetic" / "features").is_dir():
        print(f"building a stack of {args.products} products under {args.home} ...")
        tiny = tiny_causal_lm(Path(args.home) / "tiny-generator",
                              Settings().generator_model_dir.resolve())
        build_stack(settings, tiny)
    stores = (Path(args.home) / "stores").resolve()
    ray_url = f"sqlite:///{stores / 'ray_data.db'}"
    if not args.skip_batch:
        shutil.rmtree(stores, ignore_errors=True)
        stores.mkdir(parents=True)
        runs = batch_phase(settings, args.products, args.concurrency, stores)
        print(f"B1 batch copy, {args.products:,} products x segment 'all', {KIND}, "
              "tiny generator (3 candidates of 24 tokens a slot), 2 CPUs")
        for name, r in runs.items():
            print(f"   {name:<22} {r['slots']:6.0f} slots in {r['seconds']:6.1f} s = "
                  f"{r['slots_per_s']:6.2f} slots/s; proposed {r['proposed']:.0f}, passed "
                  f"{r['passed']:.0f} (template {r['from_template']:.0f}, generator "
                  f"{r['from_generator']:.0f})")
        (plain, batched, ray_data) = (r["slots_per_s"] for r in runs.values())
        print(f"   Ray Data / plain loop: {ray_data / plain:.2f}x (goal >= 1.6x); Ray Data / "
              f"batched loop: {ray_data / batched:.2f}x (Ray Data's time includes starting "
              "Ray and its actors)", flush=True)
    store = CopyStore(store_engine(ray_url))
    store.bulk_approve(QueueFilter(kind=KIND), "bench (automatic)", automatic=True,
                       limit=10**9)
    approved = store.queue(QueueFilter(status="approved"), limit=1).total
    from serve_apps import local

    serve_over = {**overrides, "database_url": ray_url,
                  "serving": {**overrides["serving"], "live_generation": False}}
    url = local.start(serve_over, port=local.free_port(), num_cpus=2)
    try:
        shoppers = ShopView.load(settings).profiles["shopper_id"].head(200).to_list()
        paced(url, shoppers, 10, 5)  # warm every replica
        answers = paced(url, shoppers, args.rate, args.seconds)
    finally:
        local.stop()
    ms = np.array([a[0] for a in answers])
    ok = sum(a[1] == 200 for a in answers)
    stored, items = sum(a[2] for a in answers), sum(a[3] for a in answers)
    print(f"B2 /v1/recommendations with copy from the store, k=10, {args.rate:.0f} "
          f"requests/s for {args.seconds:.0f} s (open loop), {approved:,} approved variants")
    statuses = Counter(a[1] for a in answers)
    print(f"   p50 {np.median(ms):.1f} ms, p90 {np.quantile(ms, 0.9):.1f} ms, p99 "
          f"{np.quantile(ms, 0.99):.1f} ms, max {ms.max():.1f} ms (goal p50 <= 50, p99 <= "
          f"150); {ok}/{len(answers)} answered 200 (by status {dict(statuses)}); copy from "
          f"the store on {stored}/{items} items", flush=True)
    if args.scale:
        from bench import copy_batch_scale

        copy_batch_scale.main(["--products", str(args.scale)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
