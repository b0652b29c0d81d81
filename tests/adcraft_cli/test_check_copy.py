"""`adcraft check-copy`: copy from anywhere through the gate, as a shop would run it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from adcraft_cli.main import app
from tests.adcraft.content.test_check_copy import GOOD, LINES, PRODUCT, _write


def test_verdicts_come_back_in_order_and_labelled_lines_are_scored(tmp_path):
    src, out = _write(tmp_path / "copy.jsonl", LINES), tmp_path / "verdicts.jsonl"
    result = CliRunner().invoke(app, ["check-copy", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    back = [json.loads(line) for line in out.read_text().splitlines()]
    assert [b["text"] for b in back] == [line["text"] for line in LINES]
    assert [b["ok"] for b in back] == [True, False, False, True]
    assert back[1]["findings"][0]["phrase"] == "1500" and back[1]["findings"][0]["why"]
    assert "precision of ok 1.000" in result.output and "recall of ok 1.000" in result.output
    assert "wrong_brand_or_name" in result.output


def test_malformed_lines_name_file_line_and_field_and_the_rest_still_run(tmp_path):
    src = _write(tmp_path / "bad.jsonl", [
        LINES[0], "{not json", {"text": "no product"},
        {"product": {**PRODUCT, "price": -3}, "text": GOOD},
        {"product": PRODUCT, "text": GOOD, "kind": "poem"}, LINES[1]])
    result = CliRunner().invoke(app, ["check-copy", str(src)])
    assert result.exit_code == 2
    for where in (f"{src}:2: column 2", f"{src}:3: field 'product'",
                  f"{src}:4: field 'product.price'", f"{src}:5: field 'kind'"):
        assert where in result.output, result.output
    assert "2 judged: 1 ok, 1 blocked; 4 malformed lines skipped" in result.output
