"""The copy gate on labelled copy (`bench/data/copy_gate`), measured in one run:

  G1  precision of the gate's `ok` verdicts (goal >= 0.97) and recall of ok copy
      (goal >= 0.70) on the untuned split, with the share blocked of each defect class
      and the pass rate by source (human, template, generator, handmade, issue)
  G2  the gate's cost per variant on this machine (p50, p99; goal p50 <= 30 ms),
      printed beside the generator's own time per variant (SmolLM2-135M, 40 tokens)

    python -m bench.copy_gate                 # untuned split (the goal's)
    python -m bench.copy_gate --split tune --show-errors 20
    python -m bench.copy_gate --no-generator  # skip G2's generator timing

Thresholds and word lists were chosen by reading the tune split only.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np

from adcraft.content.check_copy import CopyItem, format_scores, judge_items, read_items, scores
from adcraft.content.gate import CopyGate
from adcraft.content.reading import forget_parsed
from adcraft.settings import GenerationSettings

DATA = Path(__file__).resolve().parent / "data" / "copy_gate"


def load(split: str) -> list[CopyItem]:
    """The items of one split (its folder: tune/ or untuned/), or of both."""
    folders = ["tune", "untuned"] if split == "all" else [split]
    read = read_items(sorted(f for folder in folders for f in (DATA / folder).glob("*.jsonl")))
    if read.errors:
        raise SystemExit("\n".join(read.errors))
    if not read.items:
        raise SystemExit(f"no labelled items in {', '.join(str(DATA / f) for f in folders)}: "
                         "a fresh set is labelled there once the last one's errors were read")
    return read.items


def by_source(items: list[CopyItem], verdicts) -> str:
    rows = [f"  {'source':<12}{'items':>7}{'ok-labelled':>13}{'passed':>8}{'wrongly passed':>16}"]
    for source in sorted({i.raw.get("source", "?") for i in items}):
        pairs = [(i, v) for i, v in zip(items, verdicts) if i.raw.get("source", "?") == source]
        rows.append(f"  {source:<12}{len(pairs):>7}{sum(i.label == 'ok' for i, _ in pairs):>13}"
                    f"{sum(v.ok for _, v in pairs):>8}"
                    f"{sum(v.ok and i.label == 'bad' for i, v in pairs):>16}")
    return "\n".join(rows)


def gate_cost(items: list[CopyItem], repeats: int = 1) -> np.ndarray:
    """Seconds per variant for a gate judging items of already-read products (what a
    batch job or a replica sees after its first request for a product)."""
    judge_items(items)  # warm: models loaded, products read
    forget_parsed()  # ... but every copy text is read afresh
    gates: dict = {}
    out = []
    for _ in range(repeats):
        for item in items:
            gate = gates.setdefault((item.kind, item.locale),
                                    CopyGate(kind=item.kind, locale=item.locale))
            start = time.perf_counter()
            gate.judge(item.text, item.product)
            out.append(time.perf_counter() - start)
    return np.array(out)


def generator_cost(n_requests: int = 4, variants: int = 2) -> float:
    """Seconds per variant of the default generator (40 new tokens), in process."""
    from adcraft.content.prompts import build_messages
    from adcraft.content.request import CopyRequest
    from adcraft.features.profiles import ShopperProfile
    from adcraft.models.generator import CopyGenerator
    from adcraft.settings import get_settings

    generator = CopyGenerator.from_folder(get_settings().generator_model_dir)
    products = [i.product for i in load("all")[:n_requests]]
    messages = [build_messages(CopyRequest(profile=ShopperProfile.cold("bench"), product=p))
                for p in products]
    settings = GenerationSettings()
    generator.generate(messages[:1], n=1, settings=settings.model_copy(
        update={"max_new_tokens": 2}))
    start = time.perf_counter()
    generator.generate(messages, n=variants, settings=settings)
    return (time.perf_counter() - start) / (len(messages) * variants)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["untuned", "tune", "all"], default="untuned")
    parser.add_argument("--show-errors", type=int, default=0, help=(
        "print this many wrongly passed and wrongly blocked items (read them on the tune "
        "split only: an untuned item read is an item tuned on)"))
    parser.add_argument("--no-generator", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    items = load(args.split)
    verdicts = judge_items(items, progress=True)
    print(f"\nG1  the gate on the {args.split} split of {DATA} "
          f"({Counter(i.raw.get('source') for i in items).most_common()})")
    print(format_scores(scores(items, verdicts)))
    print(by_source(items, verdicts))
    wrong = [(i, v) for i, v in zip(items, verdicts) if (i.label == "ok") != v.ok]
    for item, verdict in wrong[:args.show_errors]:
        what = "PASSED bad" if verdict.ok else "BLOCKED ok"
        why = "; ".join(f"{f['check']}: {f['why']}" for f in verdict.findings_json()[:3])
        print(f"  {what} [{item.raw.get('id')}, {item.defect or ''}] {item.text[:110]!r}"
              f"{' -- ' + why if why else ''}")

    cost = gate_cost(items)
    print(f"\nG2  gate cost per variant over {len(cost)} variants: p50 "
          f"{1000 * np.median(cost):.1f} ms, p99 {1000 * np.quantile(cost, 0.99):.1f} ms "
          "(goal p50 <= 30 ms)")
    if not args.no_generator:
        tokens = GenerationSettings().max_new_tokens
        print(f"    the generator's own time per variant (SmolLM2-135M, {tokens} new tokens, "
              f"batch of 4 x 2): {1000 * generator_cost():.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
