from __future__ import annotations

import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.data.io import read_csv_columns, read_jsonl, read_tables, write_tables
from adcraft.data.schemas import SCHEMAS, conform


def _products(n: int) -> pl.DataFrame:
    return conform(pl.DataFrame({"product_id": [f"p{i}" for i in range(n)]}), "products")


def test_write_then_read_round_trip(tmp_path):
    out = write_tables({"products": _products(3)}, tmp_path / "ds" / "tables")
    back = read_tables(out)
    assert back["products"].equals(_products(3))
    assert back["products"].schema == SCHEMAS["products"]


def test_a_failed_write_leaves_the_previous_tables_whole(tmp_path):
    out = tmp_path / "tables"
    write_tables({"products": _products(3)}, out)
    bad_events = pl.DataFrame({"shopper_id": ["s"], "event_type": ["teleport"], "ts": [None]})
    with pytest.raises(DataError):
        write_tables({"products": _products(5), "events": bad_events}, out)
    assert read_tables(out)["products"].height == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # no staging debris


def test_read_tables_on_a_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="run the ingest job first"):
        read_tables(tmp_path / "nope")


def test_jsonl_errors_name_file_line_and_field(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n\n{"a": "one"}\n')
    with pytest.raises(DataError) as err:
        list(read_jsonl(path, {"a": int}))
    assert (err.value.line, err.value.field) == (3, "a")
    assert str(err.value).startswith(f"{path}:3: field 'a': expected int")
    path.write_text('{"a": 1}\n{"a": 2,}\n')
    with pytest.raises(DataError, match=r"x.jsonl:2: not valid JSON"):
        list(read_jsonl(path, {"a": int}))
    path.write_text('{"b": 1}\n')
    with pytest.raises(DataError, match=r"x.jsonl:1: field 'a': missing"):
        list(read_jsonl(path, {"a": int}))
    path.write_text('{"a": true}\n')  # a bool is not an int here
    with pytest.raises(DataError, match="expected int, got bool"):
        list(read_jsonl(path, {"a": int}))


def test_csv_errors_name_row_line_and_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,price\n1,9.5\n2,cheap\n")
    with pytest.raises(DataError) as err:
        read_csv_columns(path, {"id": pl.String, "price": pl.Float64})
    assert (err.value.row, err.value.line, err.value.field) == (2, 3, "price")
    assert "'cheap'" in str(err.value)
    with pytest.raises(DataError, match="field 'colour': missing column"):
        read_csv_columns(path, {"colour": pl.String})
