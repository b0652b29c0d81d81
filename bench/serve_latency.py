"""Serving overheads, measured side by side in one run on a small stack:

  P1  p50/p99 of POST /v1/recommendations without generation, through Ray Serve (HTTP
      proxy, Ingress, Ranker and ConversionModel replicas) versus the same service and
      models called in this process (goal: Serve <= 1.3x in process)
  P2  generator tokens/s for 8 concurrent requests: the batched Generator deployment
      versus per-request `generate` in process, one request after another (goal >= 4x)

    python -m bench.serve_latency                       # SmolLM2-135M as the generator
    python -m bench.serve_latency --requests 200 --generator-dir path/to/model

The stack (synthetic shop, index, conversion model, the generator registered as
`adcraft-generator@champion`) is built under --home, or reused when it is there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time

import numpy as np
import requests

from adcraft.content.prompts import build_messages
from adcraft.content.request import CopyRequest
from adcraft.models.embedder_pyfunc import register_embedder
from adcraft.registry import Registry
from adcraft.serving.components import ConversionScorer, CopyWriter, QueryEmbedder, Ranker
from adcraft.serving.feedback import FeedbackState
from adcraft.serving.schemas import RecommendationRequest
from adcraft.serving.service import LocalBackends, RecommendationService
from adcraft.serving.stack import build_stack, stack_settings
from adcraft.settings import Settings
from adcraft.shopview import ShopView

CONCURRENT = 8


def _pct(samples: list[float]) -> tuple[float, float]:
    ms = np.asarray(samples) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def p1_in_process(settings: Settings, shoppers: list[str], n: int):
    shop = ShopView.load(settings)
    backends = LocalBackends(QueryEmbedder.load(settings), Ranker.load(settings, shop),
                             ConversionScorer.load(settings, shop), None)
    with tempfile.TemporaryDirectory() as tmp:
        service = RecommendationService(shop, backends, FeedbackState(f"sqlite:///{tmp}/e.db"),
                                        settings.serving)
        loop = asyncio.new_event_loop()
        times = []
        for i in range(n + 5):
            body = RecommendationRequest(shopper_id=shoppers[i % len(shoppers)], k=10,
                                         with_copy=False)
            started = time.perf_counter()
            loop.run_until_complete(service.recommend(body, f"bench-{i}"))
            if i >= 5:  # warm-up
                times.append(time.perf_counter() - started)
        loop.close()
    return _pct(times), shop


def p1_serve(url: str, shoppers: list[str], n: int):
    session, times = requests.Session(), []
    for i in range(n + 5):
        started = time.perf_counter()
        r = session.post(f"{url}/v1/recommendations", timeout=60, json={
            "shopper_id": shoppers[i % len(shoppers)], "k": 10, "with_copy": False})
        r.raise_for_status()
        if i >= 5:
            times.append(time.perf_counter() - started)
    return _pct(times)


def _prompts(shop: ShopView, shoppers: list[str]) -> list[list[dict]]:
    products = shop.products["product_id"].to_list()
    return [build_messages(CopyRequest(profile=shop.profile(shoppers[i]),
                                       product=shop.facts(products[i * 7 % len(products)])))
            for i in range(CONCURRENT)]


def p2_per_request(settings: Settings, prompts: list[list[dict]], n: int) -> float:
    writer = CopyWriter.load(settings)
    writer.generate(prompts[:1], n)  # warm-up
    before, started = writer.generated_tokens, time.perf_counter()
    for messages in prompts:  # one request at a time, as a plain server would
        writer.generate([messages], n)
    return (writer.generated_tokens - before) / (time.perf_counter() - started)


async def _p2_batched(prompts: list[list[dict]], n: int) -> float:
    from ray import serve

    handle = serve.get_deployment_handle("Generator", app_name="adcraft")
    await handle.generate.remote((prompts[0], n))  # warm-up
    before = await handle.generated_tokens.remote()
    started = time.perf_counter()
    await asyncio.gather(*[handle.generate.remote((m, n)) for m in prompts])
    elapsed = time.perf_counter() - started
    return (await handle.generated_tokens.remote() - before) / elapsed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--home", default=".adcraft/bench-serving", help="the stack's home")
    p.add_argument("--generator-dir", help="generator folder (default: the settings')")
    p.add_argument("--requests", type=int, default=100, help="P1 requests per side")
    p.add_argument("--variants", type=int, default=2, help="P2 variants per request")
    p.add_argument("--max-new-tokens", type=int, default=32)
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING)
    overrides = stack_settings(args.home, serving={"dev_mode": True,
                                                   "max_new_tokens": args.max_new_tokens,
                                                   "generator_timeout_s": 120})
    settings = Settings(**overrides)
    if not (settings.data_dir / "synthetic" / "features").is_dir():
        build_stack(settings, args.generator_dir or Settings().generator_model_dir.resolve())
    elif (registry := Registry(settings)).alias_version(settings.serving.embedder_model) is None:
        with registry.run("register-embedder"):  # a stack built before it was
            register_embedder(registry, settings.embedder_model_dir)
    from serve_apps import local

    url = local.start(overrides, port=local.free_port(), num_cpus=2)
    try:
        shoppers = ShopView.load(settings).profiles["shopper_id"].head(50).to_list()
        (in50, in99), shop = p1_in_process(settings, shoppers, args.requests)
        sv50, sv99 = p1_serve(url, shoppers, args.requests)
        print(f"P1 /v1/recommendations without generation, k=10, {args.requests} sequential "
              "requests")
        print(f"   in process     p50 {in50:7.1f} ms   p99 {in99:7.1f} ms")
        print(f"   through Serve  p50 {sv50:7.1f} ms   p99 {sv99:7.1f} ms")
        print(f"   Serve / in process: p50 {sv50 / in50:.2f}x, p99 {sv99 / in99:.2f}x "
              "(goal <= 1.3x)")
        prompts = _prompts(shop, shoppers)
        n = settings.serving.selection.candidates(args.variants)  # what a request generates
        single = p2_per_request(settings, prompts, n)
        batched = asyncio.run(_p2_batched(prompts, n))
        print(f"P2 generator, {CONCURRENT} concurrent requests x {args.variants} variants "
              f"({n} candidates), {args.max_new_tokens} new tokens at most")
        print(f"   per-request generate, in process   {single:7.1f} tokens/s")
        print(f"   batched Generator deployment       {batched:7.1f} tokens/s")
        print(f"   batched / per-request: {batched / single:.2f}x (goal >= 4x)")
    finally:
        local.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
