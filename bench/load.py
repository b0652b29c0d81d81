"""Serving under load, on loopback, bounded (fixed duration, stops by itself):

  L1  capacity: `wrk` (one C thread, closed loop) against POST /v1/recommendations
      (ranking only, k=10, with_copy false) on the adcraft application, and in the same
      run against a no-op Serve graph of the same shape (Ingress -> Ranker ->
      ConversionModel, each answering constants) as the ceiling; prints achieved
      requests/s, p50/p99 and answers by status (goal: adcraft >= 0.8x the no-op's,
      p99 <= 250 ms, no errors), the CPU ms a request each Serve process used (from
      /proc: where adcraft's extra time goes), and one request at a time: p50 through
      Serve (goal <= 20 ms)
  L0  in process: Ranker.rank + ConversionScorer.score (the array hot path) p50/p99 for
      k=10 (goal p50 <= 5 ms at 1,000 products, <= 10 ms at --scale, 100,000)
  L2  overload: twice L1's capacity offered on a schedule (wrk's `delay`, open loop
      while a connection is free): the share answered 503 (back-pressure, `Retry-After`),
      time-outs (goal: none), and a probe's latency by status (goal: every 503 within
      100 ms)

    python -m bench.load                          # 1,000 products, 10 s a phase
    python -m bench.load --seconds 20 --connections 16

`wrk` comes from Debian (`apt-get install wrk`; `make bench` installs it). The stack
(synthetic shop of --products products, index, conversion model, generator) is built
under --home, or reused when it is there.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time

import numpy as np

from adcraft.serving.stack import build_stack, stack_settings
from adcraft.settings import Settings, ShopSettings
from adcraft.shopview import ShopView

LUA = """
local shoppers = {%(shoppers)s}
local i = 0
statuses = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
request = function()
  i = i + 1
  local body = '{"shopper_id": "' .. shoppers[(i %% #shoppers) + 1] ..
               '", "k": 10, "with_copy": false}'
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json"}, body)
end
%(pace)s
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do io.write(string.format("STATUS %%s %%d\\n", k, v)) end
  end
  io.write(string.format("RESULT %%d %%f %%f %%f %%d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.timeout + summary.errors.connect + summary.errors.read))
end
"""


def noop_graph():
    """Ingress -> Ranker -> ConversionModel answering constants, with the adcraft
    application's own replica options (serve_apps/config.yaml): its ceiling."""
    from fastapi import FastAPI
    from ray import serve

    from serve_apps.app import deployment_options

    options = deployment_options()
    api = FastAPI()

    @serve.deployment(name="NoopRanker")
    class NoopRanker:
        async def rank(self, k: int) -> list[str]:
            return [f"p{i}" for i in range(k)]

    @serve.deployment(name="NoopConversion")
    class NoopConversion:
        async def score(self, ids: list[str]) -> list[float]:
            return [0.1] * len(ids)

    @serve.deployment(name="NoopIngress")
    @serve.ingress(api)
    class NoopIngress:
        def __init__(self, ranker, conversion):
            self.ranker, self.conversion = ranker, conversion

        @api.post("/v1/recommendations")
        async def recommend(self, body: dict) -> dict:
            ids = await self.ranker.rank.remote(int(body.get("k", 10)))
            scores = await self.conversion.score.remote(ids)
            return {"items": [{"product_id": i, "p_click": s} for i, s in zip(ids, scores)]}

    keep = ("max_ongoing_requests", "max_queued_requests", "autoscaling_config",
            "ray_actor_options")
    pick = {name: {k: v for k, v in options[name].items() if k in keep}
            for name in ("Ranker", "ConversionModel", "Ingress")}
    return NoopIngress.options(**pick["Ingress"]).bind(
        NoopRanker.options(**pick["Ranker"]).bind(),
        NoopConversion.options(**pick["ConversionModel"]).bind())


# wrk's `delay()` is asked before each request: the wait until the next slot of a fixed
# schedule (clock_gettime through LuaJIT's ffi; wrk's Lua has no wall clock of its own)
PACE = """
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } adcraft_ts;
           int clock_gettime(int clock, adcraft_ts *ts); ]]
local ts = ffi.new("adcraft_ts")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local slot = nil
delay = function()
  local now = now_ms()
  slot = math.max((slot or now) + %(gap_ms).3f, now - 50)
  return math.max(0, math.floor(slot - now))
end
"""


def run_wrk(url: str, path: str, shoppers: list[str], seconds: int, connections: int,
            rate: float | None = None) -> dict:
    """One bounded wrk run: requests, duration, p50/p99 (ms), socket errors, statuses.
    `rate`: offer this many requests/s in all, on a schedule (a request every 1/rate s,
    on whichever connection is free: open loop while any is); None: as fast as answers
    come (closed loop)."""
    pace = "" if rate is None else PACE % {"gap_ms": 1000 / rate}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % {"shoppers": ", ".join(json.dumps(s) for s in shoppers), "path": path,
                       "pace": pace})
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", f.name,
             url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    finally:
        os.unlink(f.name)
    n, duration, p50, p99, errors = re.search(r"RESULT (\S+) (\S+) (\S+) (\S+) (\S+)",
                                              out).groups()
    statuses = {int(s): int(c) for s, c in re.findall(r"STATUS (\d+) (\d+)", out)}
    return {"requests": int(n), "rps": int(n) / float(duration), "p50": float(p50),
            "p99": float(p99), "errors": int(errors), "statuses": statuses}


def in_process(settings: Settings, products: int, n: int = 300) -> None:
    """L0: the two hot-path calls of a ranking-only request, in this process."""
    from adcraft.serving.components import ConversionScorer, Ranker, RankQuery

    shop = ShopView.load(settings)
    ranker, scorer = Ranker.load(settings, shop), ConversionScorer.load(settings, shop)
    ranker.warm_up()
    scorer.warm_up()
    who = shop.profiles["shopper_id"].head(n).to_list()
    times = []
    for shopper in who:
        start = time.perf_counter()
        ranked = ranker.rank(RankQuery(shopper_id=shopper, k=10))
        scorer.score(shopper, ranked.product_ids)
        times.append(time.perf_counter() - start)
    ms = 1000 * np.asarray(times)
    print(f"L0 in process, rank + score, k=10, {products:,} products, {len(who)} shoppers: "
          f"p50 {np.median(ms):.2f} ms, p99 {np.quantile(ms, 0.99):.2f} ms")


SERVE_PROCESSES = ("ProxyActor", "Ingress", "Ranker", "ConversionModel")


def serve_cpu() -> dict[str, float]:
    """CPU seconds (user + system) used so far by each Serve process of both graphs,
    by role ("adcraft:Ranker", "noop:NoopRanker", "ProxyActor"), read from /proc."""
    from serve_apps.local import serve_processes

    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for role, _, stat in serve_processes():
        out[role] = out.get(role, 0.0) + (int(stat[11]) + int(stat[12])) / tick
    return out


def cpu_line(before: dict[str, float], after: dict[str, float], requests: int,
             graph: str) -> str:
    """CPU ms a request in each process of `graph` ("adcraft" or "noop") and the proxy."""
    used = {k: 1000 * (v - before.get(k, 0.0)) / max(requests, 1) for k, v in after.items()
            if k == "ProxyActor" or k.startswith(graph + ":")}
    parts = ", ".join(f"{k.split(':')[-1]} {v:.1f}" for k, v in sorted(used.items()))
    return f"      CPU ms a request: {parts}; all {sum(used.values()):.1f}"


def scale_stack(home: str, products: int) -> Settings:
    """A stack of `products` products for L0 at scale: the catalogue and index at full
    size, shoppers and behaviour as a shop of 2,000 shoppers has them (what a request
    looks up grows with the catalogue; building 100x the shoppers would only take time)."""
    shop = ShopSettings(n_products=products, n_shoppers=2_000, n_events=3 * products,
                        n_impressions=50_000)
    settings = Settings(**stack_settings(home, shop=shop.model_dump(),
                                         serving={"dev_mode": True}))
    if not (settings.data_dir / "synthetic" / "features").is_dir():
        print(f"building a stack of {products:,} products under {home} (once) ...")
        build_stack(settings, Settings().generator_model_dir.resolve())
    return settings


def probe_during(url: str, shoppers: list[str], seconds: float) -> dict[int, list[float]]:
    """One request after another while wrk overloads the service: latency by status."""
    import requests

    out: dict[int, list[float]] = {}
    session, stop = requests.Session(), time.monotonic() + seconds * 0.8
    time.sleep(seconds * 0.1)
    i = 0
    while time.monotonic() < stop:
        start = time.perf_counter()
        r = session.post(f"{url}/v1/recommendations", timeout=10, json={
            "shopper_id": shoppers[i % len(shoppers)], "k": 10, "with_copy": False})
        out.setdefault(r.status_code, []).append(1000 * (time.perf_counter() - start))
        i += 1
    return out


def line(name: str, r: dict) -> str:
    by_status = ", ".join(f"{s}: {c}" for s, c in sorted(r["statuses"].items()))
    return (f"   {name:<26} {r['rps']:8.1f} req/s   p50 {r['p50']:7.1f} ms   p99 "
            f"{r['p99']:7.1f} ms   socket errors {r['errors']}   by status {{{by_status}}}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--home", default=".adcraft/bench-load", help="the stack's home")
    p.add_argument("--products", type=int, default=1_000, help="catalogue size")
    p.add_argument("--seconds", type=int, default=10, help="duration of each phase")
    p.add_argument("--connections", type=int, default=8, help="L1's open connections")
    p.add_argument("--scale", type=int, default=100_000, help="L0 again on a catalogue this "
                   "large (its own stack under --home + '-scale', built once: minutes); 0 skips")
    args = p.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("bench.load needs wrk: apt-get install -y wrk (make bench does)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING)
    shop = ShopSettings(n_products=args.products, n_shoppers=2 * args.products,
                        n_events=100 * args.products, n_impressions=10 * args.products)
    overrides = stack_settings(args.home, shop=shop.model_dump(),
                               serving={"dev_mode": True})
    settings = Settings(**overrides)
    if not (settings.data_dir / "synthetic" / "features").is_dir():
        print(f"building a stack of {args.products} products under {args.home} ...")
        build_stack(settings, Settings().generator_model_dir.resolve())
    in_process(settings, args.products)
    if args.scale:
        in_process(scale_stack(args.home + "-scale", args.scale), args.scale)
    from ray import serve

    from serve_apps import local

    url = local.start(overrides, port=local.free_port(), num_cpus=2)
    try:
        serve.run(noop_graph(), name="noop", route_prefix="/noop")
        shoppers = ShopView.load(settings).profiles["shopper_id"].head(200).to_list()
        for path in ("/v1/recommendations", "/noop/v1/recommendations"):  # warm both
            run_wrk(url, path, shoppers, 3, args.connections)
        start = serve_cpu()
        ours = run_wrk(url, "/v1/recommendations", shoppers, args.seconds, args.connections)
        middle = serve_cpu()
        noop = run_wrk(url, "/noop/v1/recommendations", shoppers, args.seconds,
                       args.connections)
        end = serve_cpu()
        print(f"L1 capacity: wrk -t1 -c{args.connections} -d{args.seconds}s, ranking only, "
              f"k=10, {args.products} products, 2 CPUs")
        print(line("no-op graph (ceiling)", noop))
        print(cpu_line(middle, end, noop["requests"], "noop"))
        print(line("adcraft", ours))
        print(cpu_line(start, middle, ours["requests"], "adcraft"))
        ok = ours["statuses"].get(200, 0) == ours["requests"] and not ours["errors"]
        print(f"   adcraft / no-op: {ours['rps'] / noop['rps']:.2f}x (goal >= 0.8x), p99 "
              f"{ours['p99']:.0f} ms (goal <= 250), {'no' if ok else 'SOME'} errors")
        alone = run_wrk(url, "/v1/recommendations", shoppers, 5, 1)
        bare = run_wrk(url, "/noop/v1/recommendations", shoppers, 5, 1)
        print(f"   one request at a time (wrk -c1 -d5s): adcraft p50 {alone['p50']:.1f} ms, "
              f"p99 {alone['p99']:.1f} ms through Serve (goal p50 <= 20 ms); the no-op graph "
              f"p50 {bare['p50']:.1f} ms, p99 {bare['p99']:.1f} ms")
        rate, heavy = 2 * ours["rps"], 8 * args.connections
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            probe = pool.submit(probe_during, url, shoppers, args.seconds)
            over = run_wrk(url, "/v1/recommendations", shoppers, args.seconds, heavy, rate)
            by_status = probe.result()
        shed = over["statuses"].get(503, 0) / max(over["requests"], 1)
        other = {k: v for k, v in over["statuses"].items() if k not in (200, 503)}
        print(f"L2 overload: 2x L1's capacity offered on a schedule, {rate:.0f} req/s "
              f"(wrk -t1 -c{heavy} -d{args.seconds}s, paced), plus a probe's requests")
        print(line("adcraft, 2x offered", over))
        print(f"   sent {over['rps']:.0f} req/s ({over['rps'] / ours['rps']:.2f}x capacity); "
              f"200: {over['statuses'].get(200, 0) / args.seconds:.1f}/s; shed with 503: "
              f"{shed:.1%}; other statuses {other or 'none'}; time-outs and socket errors: "
              f"{over['errors']} (goal: none)")
        for status, ms in sorted(by_status.items()):
            within = np.mean(np.asarray(ms) <= 100)
            print(f"   a probe's answers {status}: {len(ms)}, p50 {np.median(ms):.1f} ms, p99 "
                  f"{np.quantile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms" +
                  (f", {within:.0%} within 100 ms (goal: all)" if status == 503 else ""))
    finally:
        local.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
