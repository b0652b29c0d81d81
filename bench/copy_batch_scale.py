"""Batch copy at catalogue scale (issue: copy store), measured in one run:

  B3  `pipelines.batch_copy` as the Ray Data job over a synthetic catalogue of
      --products products (default 100,000) x segment "all": slots and rows written per
      second, and peak memory (resident set) of the driver, of the largest Ray worker and
      of all of them together, sampled every second

    python -m bench.copy_batch_scale                     # 100,000 products
    python -m bench.copy_batch_scale --products 5000     # a quick look

The generator is the tiny random model (`adcraft.models.tiny`), one candidate of 8 tokens
a slot: what it writes fails the gate, so every slot is judged twice over (its candidate,
then template copy). What is measured is the job's machinery at scale: streaming the
slots through the actors, the gate, the conversion model and the store.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time
from pathlib import Path

import psutil

from adcraft.models.tiny import tiny_causal_lm
from adcraft.serving.stack import build_stack, stack_settings
from adcraft.settings import Settings, ShopSettings
from pipelines import batch_copy

KIND = "recommendation_reason"


class PeakMemory:
    """Peak resident memory of this process and of every Ray process, sampled."""

    def __init__(self, every_s: float = 1.0):
        self.every_s, self.stop = every_s, threading.Event()
        self.driver = self.worker = self.total = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        me = psutil.Process()
        while not self.stop.wait(self.every_s):
            driver = me.memory_info().rss
            workers = []
            for p in psutil.process_iter(["cmdline"]):
                cmd = " ".join(p.info["cmdline"] or [])
                if p.pid != me.pid and ("ray::" in cmd or "raylet" in cmd or "gcs_server" in cmd
                                        or "default_worker.py" in cmd):
                    try:
                        workers.append(p.memory_info().rss)
                    except psutil.Error:
                        pass
            self.driver = max(self.driver, driver)
            self.worker = max([self.worker, *workers])
            self.total = max(self.total, driver + sum(workers))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--home", default=".adcraft/bench-scale", help="the shop's home")
    p.add_argument("--products", type=int, default=100_000)
    p.add_argument("--concurrency", type=int, default=2, help="Ray Data actors")
    p.add_argument("--batch-size", type=int, default=64, help="slots per actor call")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING)
    n = args.products
    shop = ShopSettings(n_products=n, n_shoppers=max(2_000, n // 10), n_events=3 * n,
                        n_impressions=n // 10)
    home = Path(args.home) / str(n)
    settings = Settings(**stack_settings(home, shop=shop.model_dump(),
                                         serving={"dev_mode": True}))
    if not (settings.data_dir / "synthetic" / "features").is_dir():
        started = time.perf_counter()
        tiny = tiny_causal_lm(home / "tiny-generator", Settings().generator_model_dir.resolve())
        build_stack(settings, tiny, index=False)
        print(f"built a shop of {n:,} products in {time.perf_counter() - started:.0f} s")
    store = (home / "store.db").resolve()
    store.unlink(missing_ok=True)
    url = f"sqlite:///{store}"
    job = batch_copy.parse_args([
        "--kind", KIND, "--segments", "all", "--candidates", "1", "--max-new-tokens", "8",
        "--batch-size", str(args.batch_size), "--concurrency", str(args.concurrency)])
    with PeakMemory() as memory:
        counts = batch_copy.run(settings.model_copy(update={"database_url": url}), job)
    mib = 2 ** 20
    print(f"B3 batch copy, {n:,} products x segment 'all', {KIND}, Ray Data with "
          f"{args.concurrency} actors, {args.batch_size} slots a call, tiny generator (1 "
          "candidate of 8 tokens a slot), 2 CPUs")
    print(f"   {counts['slots']:,.0f} slots in {counts['seconds']:,.0f} s = "
          f"{counts['slots_per_s']:.1f} slots/s; {counts['proposed']:,.0f} rows written = "
          f"{counts['proposed'] / counts['seconds']:.1f} rows/s (passed the gate "
          f"{counts['passed']:,.0f}: template {counts['from_template']:,.0f}, generator "
          f"{counts['from_generator']:,.0f})")
    print(f"   peak resident memory: driver {memory.driver / mib:,.0f} MiB, largest Ray "
          f"process {memory.worker / mib:,.0f} MiB, all together {memory.total / mib:,.0f} "
          f"MiB (shared pages counted in each); store {store.stat().st_size / mib:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
