"""Material for a fresh blind set of the copy gate benchmark (`bench/data/copy_gate`):
products no set holds yet, from ../shared/data, split in two halves by a hash of the
product id (two labellers at once, on disjoint products), and candidate copy for each:
the templates for every product and kind, the base generator (the project's prompt) for
every 5th product, the catalogue's own copy (Myntra descriptions, AdvertiseGen summaries).
A labeller who has not seen the gate then follows `bench/data/copy_gate/LABELLING.md`.

    python -m bench.copy_gate_fresh pick 5 --out /tmp/fresh          # products_lo/hi.json
    python -m bench.copy_gate_fresh candidates /tmp/fresh lo Z        # candidates_lo.json
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
from collections import Counter
from pathlib import Path

from adcraft.data.amazon import parse_price

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
BENCH = ROOT / "bench" / "data" / "copy_gate"
LOCALES = {"amazon": "en-US", "myntra": "en-IN", "adgen": "zh-CN"}
PER_HALF = {"amazon": 17, "myntra": 19, "adgen": 9}


def _half(product_id: str) -> str:
    return "lo" if hashlib.md5(product_id.encode()).hexdigest()[0] in "01234567" else "hi"


def _benchmark_items() -> list[dict]:
    return [json.loads(line) for f in BENCH.glob("*/*.jsonl") for line in f.open()]


def _amazon(used: set[str]) -> list[dict]:
    out = {}
    for name in ("training.jsonl", "validation.jsonl"):
        for line in (SHARED / "amazon_reviews_2023_users" / name).open():
            user = json.loads(line)
            for seen in [*user["history"], user["heldout"]]:
                p = seen["product"]
                if p.get("title") and not {seen["parent_asin"], p["title"]} & used:
                    out[seen["parent_asin"]] = {
                        "product_id": seen["parent_asin"], "title": p["title"],
                        "brand": p.get("brand") or None, "price": parse_price(p.get("price")),
                        "currency": "USD", "category_path": [], "facts": {}, "description": ""}
    return [{"product": p, "human_copy": None} for p in out.values()]


def _myntra(used: set[str]) -> list[dict]:
    out = []
    with (SHARED / "myntra" / "myntra_products_catalog.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if {row["Product_ID"], row["Product_Name"]} & used:
                continue
            gender, colour = row["Gender"].strip(), (row["Primary_Color"] or "").strip()
            facts = {k: [v] for k, v in (("gender", gender), ("colour", colour)) if v}
            text = (row["Description"] or "").strip()
            out.append({"product": {
                "product_id": row["Product_ID"], "title": row["Product_Name"],
                "brand": row["Product_Brand"] or None, "price": float(row["Price"]),
                "currency": "INR", "category_path": [gender] if gender else [], "facts": facts,
                "description": text}, "human_copy": text if 0 < len(text) <= 600 else None})
    return out


def _adgen_title(facts: dict[str, list[str]]) -> str:
    """"复古百褶连衣裙": a colour or pattern, a material, then what it is."""
    parts = [next((facts[k][0] for k in ("颜色", "图案") if k in facts), ""),
             (facts.get("材质") or [""])[0]]
    thing = (facts.get("衣样式") or [""])[0] or next(
        (v for k in ("裙型", "裤型", "裙长") for v in facts.get(k, [])[:1]
         if v.endswith(("裙", "裤"))), "") or (facts.get("类型") or [""])[0]
    # not "字母牛仔布牛仔裙": a part that shares its first two characters with the thing
    return "".join(dict.fromkeys(p for p in parts if p and p[:2] not in thing)) + thing


def _adgen(round_: int, used_text: set[str]) -> list[dict]:
    out = []
    for i, line in enumerate((SHARED / "advertisegen" / "dev.json").open()):
        obj = json.loads(line)
        if obj["summary"] in used_text:
            continue
        facts: dict[str, list[str]] = {}
        for pair in obj["content"].split("*"):
            key, _, value = pair.partition("#")
            facts.setdefault(key.strip(), []).append(value.strip())
        out.append({"product": {
            "product_id": f"adgen-blind{round_}-{i:06d}", "title": _adgen_title(facts),
            "brand": None, "price": None, "currency": "CNY",
            "category_path": facts.get("类型", []), "facts": facts, "description": ""},
            "human_copy": obj["summary"]})
    return out


def pick(round_: int, out_dir: Path) -> None:
    items = _benchmark_items()
    used = {v for i in items for v in (i["product"]["product_id"], i["product"]["title"])}
    rng = random.Random(1000 + round_)
    halves: dict[str, list[dict]] = {"lo": [], "hi": []}
    pools = {"amazon": _amazon(used), "myntra": _myntra(used),
             "adgen": _adgen(round_, {i["text"] for i in items})}
    for catalogue, pool in pools.items():
        rng.shuffle(pool)
        for half, rows in halves.items():
            chosen = [r for r in pool if _half(r["product"]["product_id"]) == half and not (
                {r["product"]["product_id"], r["product"]["title"]} & used)]
            for row in chosen[:PER_HALF[catalogue]]:
                used |= {row["product"]["product_id"], row["product"]["title"]}
                rows.append({**row, "catalogue": catalogue})
    out_dir.mkdir(parents=True, exist_ok=True)
    for half, rows in halves.items():
        (out_dir / f"products_{half}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=1))
        print(f"{out_dir / f'products_{half}.json'}: {len(rows)} products")


def candidates(folder: Path, half: str, letter: str) -> None:
    from adcraft.content.prompts import build_messages
    from adcraft.content.request import CopyKind, CopyRequest, ProductFacts
    from adcraft.content.templates import template_variants
    from adcraft.features.profiles import ShopperProfile
    from adcraft.models.generator import CopyGenerator
    from adcraft.settings import GenerationSettings, get_settings

    rows = json.loads((folder / f"products_{half}.json").read_text())
    rng = random.Random(sum(map(ord, letter)))
    out, asks = [], []
    for i, row in enumerate(rows):
        product, locale = ProductFacts(**row["product"]), LOCALES[row["catalogue"]]
        words = [w.lower() for w in product.title.split() if w.isalpha() and len(w) > 3]
        likes = rng.sample(words, 1) if words and rng.random() < 0.5 else []
        profile = ShopperProfile(shopper_id=f"S{letter}{i:03d}", liked_attributes=likes,
                                 n_events=5)
        for kind in CopyKind:
            request = CopyRequest(profile=profile, product=product, kind=kind, locale=locale,
                                  n_variants=3)
            out += [{"product": row["product"], "kind": kind.value, "locale": locale,
                     "text": t, "source": "template"} for t in template_variants(request, 3)]
            if i % 5 == 0:
                asks.append((request, row["product"]))
        if row["human_copy"]:
            out.append({"product": row["product"], "kind": "description", "locale": locale,
                        "text": row["human_copy"], "source": "human"})
    generator = CopyGenerator.from_folder(get_settings().generator_model_dir)
    settings = GenerationSettings().model_copy(update={"seed": 4000 + sum(map(ord, letter))})
    written = generator.generate([build_messages(r) for r, _ in asks], n=1, settings=settings)
    for (request, product), texts in zip(asks, written):
        out += [{"product": product, "kind": request.kind.value, "locale": request.locale,
                 "text": t.strip(), "source": "generator"} for t in texts]
    for j, item in enumerate(out):
        item["cid"] = f"{letter}{j:04d}"
    path = folder / f"candidates_{half}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    print(f"{path}: {len(out)} candidates {dict(Counter(c['source'] for c in out))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pick", help="choose fresh products, two halves")
    p.add_argument("round", type=int, help="a new number each time (seeds, AdvertiseGen ids)")
    p.add_argument("--out", type=Path, default=Path("/tmp/fresh"))
    c = sub.add_parser("candidates", help="template, generator and catalogue copy")
    c.add_argument("folder", type=Path)
    c.add_argument("half", choices=["lo", "hi"])
    c.add_argument("letter", help="the set's id letters (freshX-0001, freshAA-0001, ...)")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is absent: fresh sets are drawn from ../shared/data")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.command == "pick":
        pick(args.round, args.out)
    else:
        candidates(args.folder, args.half, args.letter)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
