"""Reading, judging and scoring labelled copy (the library under `adcraft check-copy`)."""

from __future__ import annotations

import json

from adcraft.content.check_copy import judge_items, read_items, scores

PRODUCT = {"product_id": "flask", "title": "Milton Thermosteel Flask, 1000 ml, Silver",
           "price": 899.0, "currency": "INR",
           "description": "Keeps drinks hot or cold | Stainless steel | Leak proof lid"}
GOOD = "Milton's silver Thermosteel flask: 1000 ml of stainless steel with a leak proof lid."
LINES = [
    {"product": PRODUCT, "text": GOOD, "kind": "ad_copy", "label": "ok"},
    {"product": PRODUCT, "text": GOOD.replace("1000", "1500"), "label": "bad",
     "defect": "wrong_number"},
    {"product": PRODUCT, "text": "Milton's flask, as used by Virat Kohli.", "locale": "en-IN",
     "label": "bad", "defect": "wrong_brand_or_name"},
    {"product": {"product_id": "x", "title": "Plain Mug"}, "text": "A plain mug, just for you",
     "kind": "email_subject"},
]


def _write(path, lines):
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line)
                              for line in lines) + "\n")
    return path


def test_scores_are_precision_and_recall_of_ok(tmp_path):
    read = read_items([_write(tmp_path / "copy.jsonl", LINES)])
    verdicts = judge_items(read.items)
    s = scores(read.items, verdicts)
    assert (s["items"], s["ok_items"], s["passed"]) == (3, 1, 1)
    assert s["blocked_by_defect"] == {"wrong_brand_or_name": (1.0, 1), "wrong_number": (1.0, 1)}
