"""AdvertiseGen: the real dev split in ../shared/data, and a malformed line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adcraft.data.advertisegen import load_advertisegen
from adcraft.data.errors import DataError
from adcraft.data.schemas import SCHEMAS


def test_real_dev_split(shared_data: Path) -> None:
    tables = load_advertisegen(shared_data / "advertisegen" / "dev.json")
    products, copy = tables["products"], tables["copy"]
    assert (products.schema, copy.schema) == (SCHEMAS["products"], SCHEMAS["copy"])
    assert products.height == copy.height == 1070
    assert products["product_id"][0] == "adgen-000001"
    assert products["product_id"][-1] == "adgen-001070"
    first = products.row(0, named=True)
    assert first["category_path"] == ["上衣"]
    assert {"name": "材质", "value": "牛仔布"} in first["attributes"]
    assert len(first["attributes"]) == 7
    second = products.row(1, named=True)  # repeated keys are all kept
    assert [f["value"] for f in second["attributes"] if f["name"] == "风格"] == [
        "复古", "文艺", "简约"
    ]
    types = dict(products["category_path"].list.first().value_counts().iter_rows())
    assert types == {"裙": 491, "上衣": 391, "裤": 188}
    assert copy["text"][0].startswith("简约而不简单的牛仔外套")
    assert set(copy["kind"]) == {"ad_copy"} and set(copy["locale"]) == {"zh-CN"}
    assert set(copy["source"]) == {"human"}
    # The corpus anonymises its copy itself.
    assert copy["text"].str.contains("<UNK>", literal=True).sum() == 300
    assert copy["text"].str.contains("BRAND", literal=True).sum() == 52


def test_pair_without_hash(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    lines = [{"content": "类型#上衣*颜色#白色", "summary": "白色上衣"},
             {"content": "类型#裙*显瘦", "summary": "显瘦的裙"}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    with pytest.raises(DataError, match=r"dev\.json:2: field 'content': pair 2 '显瘦'") as err:
        load_advertisegen(path)
    assert (err.value.line, err.value.field) == (2, "content")


def test_missing_summary(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    path.write_text(json.dumps({"content": "类型#裙"}) + "\n")
    with pytest.raises(DataError, match=r"dev\.json:1: field 'summary': missing"):
        load_advertisegen(path)
