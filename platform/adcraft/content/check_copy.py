"""Copy from anywhere through the one gate: `adcraft check-copy FILE.jsonl`.

Each line is `{"product": ProductFacts, "text": ..., "kind": ..., "locale": ...}`
(`kind` defaults to ad_copy, `locale` to en-GB). A product may have no `facts`: its
title and description are then what supports a claim. Lines that also carry `label`
(`ok`/`bad`, with a `defect` class for bad) are scored: precision, recall and F1 of
the gate's `ok`, and the share of each defect class it blocks. A malformed line is
reported with its file, line and field, and the rest still run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import ValidationError

from adcraft.content.claims import FactVocabulary
from adcraft.content.gate import CopyGate, Verdict
from adcraft.content.request import CopyKind, ProductFacts
from adcraft.settings import GateSettings

LABELS = ("ok", "bad")


@dataclass
class CopyItem:
    line: int
    raw: dict[str, Any]
    product: ProductFacts
    text: str
    kind: CopyKind
    locale: str
    label: str | None = None
    defect: str | None = None


@dataclass
class ReadResult:
    items: list[CopyItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "FILE:LINE: field 'x': why"


def _field_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "product"
    return f"field 'product.{where}': {first['msg']}"


def parse_line(raw: str, where: str) -> CopyItem | str:
    """One input line as an item, or the error text naming `where` and the field."""
    line = int(where.rsplit(":", 1)[1])
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"{where}: column {exc.colno}: not JSON ({exc.msg})"
    if not isinstance(obj, dict):
        return f"{where}: a line is a JSON object, got {type(obj).__name__}"
    if not isinstance(obj.get("text"), str):
        return f"{where}: field 'text': a string is required"
    if not isinstance(obj.get("product"), dict):
        return f"{where}: field 'product': an object (ProductFacts) is required"
    try:
        product = ProductFacts(**obj["product"])
    except ValidationError as exc:
        return f"{where}: {_field_error(exc)}"
    try:
        kind = CopyKind(obj.get("kind") or CopyKind.ad_copy)
    except ValueError:
        return f"{where}: field 'kind': one of {', '.join(CopyKind)}, got {obj.get('kind')!r}"
    locale = obj.get("locale") or "en-GB"
    if not isinstance(locale, str):
        return f"{where}: field 'locale': a string such as 'en-GB' is required"
    label = obj.get("label")
    if label is not None and label not in LABELS:
        return f"{where}: field 'label': 'ok' or 'bad', got {label!r}"
    return CopyItem(line, obj, product, obj["text"], kind, locale, label, obj.get("defect"))


def read_items(paths: Iterable[str | Path]) -> ReadResult:
    out = ReadResult()
    for path in map(Path, paths):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            out.errors.append(f"{path}: cannot be read ({exc})")
            continue
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            parsed = parse_line(raw, f"{path}:{number}")
            (out.errors if isinstance(parsed, str) else out.items).append(parsed)
    return out


def vocabulary_of(products: Iterable[ProductFacts]) -> FactVocabulary:
    """The fact vocabulary of the products at hand, as a catalogue's would be built."""
    rows = {p.product_id: p for p in products}
    frame = pl.DataFrame({
        "product_id": list(rows),
        "brand": [p.brand for p in rows.values()],
        "attributes": [[{"name": k, "value": v} for k, vs in p.facts.items() for v in vs]
                       for p in rows.values()],
    }, schema={"product_id": pl.String, "brand": pl.String,
               "attributes": pl.List(pl.Struct({"name": pl.String, "value": pl.String}))})
    return FactVocabulary.from_products(frame)


def judge_items(items: list[CopyItem], settings: GateSettings | None = None,
                progress: bool = False) -> list[Verdict]:
    """The gate's verdict on each item, as written (no repair)."""
    from tqdm import tqdm

    vocabulary = vocabulary_of(i.product for i in items)
    gates: dict[tuple[CopyKind, str], CopyGate] = {}
    out = []
    for item in tqdm(items, desc="judging", unit="copy", disable=not progress):
        key = (item.kind, item.locale)
        if key not in gates:
            gates[key] = CopyGate(vocabulary, item.kind, item.locale, settings=settings)
        out.append(gates[key].judge(item.text, item.product))
    return out


def scores(items: list[CopyItem], verdicts: list[Verdict]) -> dict[str, Any]:
    """Precision, recall and F1 of `ok` verdicts over the labelled items, and the
    share of each defect class blocked (its recall)."""
    pairs = [(i, v) for i, v in zip(items, verdicts) if i.label in LABELS]
    tp = sum(i.label == "ok" and v.ok for i, v in pairs)
    passed = sum(v.ok for _, v in pairs)
    good = sum(i.label == "ok" for i, _ in pairs)
    precision = tp / passed if passed else math.nan
    recall = tp / good if good else math.nan
    f1 = (2 * precision * recall / (precision + recall)
          if passed and good and precision + recall else math.nan)
    defects: dict[str, list[bool]] = {}
    for i, v in pairs:
        if i.label == "bad":
            defects.setdefault(i.defect or "unlabelled", []).append(not v.ok)
    return {"items": len(pairs), "ok_items": good, "passed": passed, "precision": precision,
            "recall": recall, "f1": f1,
            "blocked_by_defect": {d: (sum(b) / len(b), len(b))
                                  for d, b in sorted(defects.items())}}


def format_scores(s: dict[str, Any]) -> str:
    rows = [f"labelled items {s['items']} ({s['ok_items']} ok), passed by the gate "
            f"{s['passed']}",
            f"precision of ok {s['precision']:.3f}   recall of ok {s['recall']:.3f}   "
            f"F1 {s['f1']:.3f}",
            f"  {'defect':<22}{'blocked':>9}{'items':>7}"]
    rows += [f"  {d:<22}{share:>9.3f}{n:>7}" for d, (share, n) in
             s["blocked_by_defect"].items()]
    return "\n".join(rows)


def write_verdicts(path: str | Path, items: list[CopyItem], verdicts: list[Verdict]) -> None:
    """The input lines in their order, each with `ok` and `findings` added."""
    with Path(path).open("w", encoding="utf-8") as out:
        for item, verdict in zip(items, verdicts):
            line = {**item.raw, "ok": verdict.ok, "findings": verdict.findings_json()}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
