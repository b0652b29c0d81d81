"""AdvertiseGen: Taobao clothing attributes paired with the ad copy a human wrote for them,
the real reference for attribute-to-copy generation (and the zh-CN path).

Each line is one product, so product ids come from line numbers. Keys repeat within a line
(``风格#复古*风格#文艺``) and all values are kept. The copy is anonymised by the corpus
itself: ``BRAND`` stands for brand names and ``<UNK>`` for rare words.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from adcraft.data.errors import DataError
from adcraft.data.io import read_jsonl
from adcraft.data.schemas import SCHEMAS, conform

CATEGORY_KEY = "类型"  # "type": 上衣 (top), 裙 (skirt/dress), 裤 (trousers)
LOCALE = "zh-CN"


def parse_content(content: str, path: Path, line: int) -> list[dict[str, str]]:
    """``key#value*key#value`` into ``[{name, value}]``, refusing a pair without '#'."""
    facts = []
    for i, pair in enumerate(content.split("*")):
        key, sep, value = pair.partition("#")
        if not sep or not key.strip() or not value.strip():
            raise DataError(path, f"pair {i + 1} {pair!r} is not 'key#value'", line=line,
                            field="content")
        facts.append({"name": key.strip(), "value": value.strip()})
    return facts


def load_advertisegen(path: str | Path) -> dict[str, pl.DataFrame]:
    """``products`` (attributes, category from 类型) and their human ``copy``."""
    path = Path(path)
    products, copy = [], []
    for line, obj in read_jsonl(path, {"content": str, "summary": str}):
        product_id = f"adgen-{line:06d}"
        facts = parse_content(obj["content"], path, line)
        category = [f["value"] for f in facts if f["name"] == CATEGORY_KEY]
        products.append((product_id, category or None, facts))
        copy.append((product_id, "ad_copy", LOCALE, obj["summary"], "human"))
    products_schema = {c: SCHEMAS["products"][c]
                       for c in ("product_id", "category_path", "attributes")}
    copy_schema = {c: SCHEMAS["copy"][c] for c in ("product_id", "kind", "locale", "text",
                                                   "source")}
    source = str(path)
    return {
        "products": conform(pl.DataFrame(products, schema=products_schema, orient="row"),
                            "products", source),
        "copy": conform(pl.DataFrame(copy, schema=copy_schema, orient="row"), "copy", source),
    }
