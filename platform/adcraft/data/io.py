"""Reading raw files with errors that point at the bad line, and writing tables
so that a failed run leaves nothing half-written."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import polars as pl

from adcraft.data.errors import DataError
from adcraft.data.schemas import SCHEMAS, conform

# JSON types a field may hold; None in the tuple means the field may be null.
JsonType = type | tuple[type | None, ...]


def _type_name(kind: JsonType) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join("null" if k is None else k.__name__ for k in kinds)


def check_fields(
    obj: object, fields: Mapping[str, JsonType], path: str | Path, line: int, prefix: str = ""
) -> None:
    """Raise DataError unless `obj` is an object whose listed fields exist with the given types."""
    if not isinstance(obj, dict):
        raise DataError(path, f"expected a JSON object, got {type(obj).__name__}", line=line,
                        field=prefix.rstrip(".") or None)
    for name, kind in fields.items():
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if name not in obj:
            if None in kinds:
                continue
            raise DataError(path, "missing", line=line, field=prefix + name)
        value = obj[name]
        if value is None and None in kinds:
            continue
        real = tuple(k for k in kinds if k is not None)
        # bool is an int in Python; a rating of `true` is still wrong.
        ok = isinstance(value, real) and not (isinstance(value, bool) and bool not in real)
        if float in real and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise DataError(
                path,
                f"expected {_type_name(kind)}, got {type(value).__name__} {value!r:.40}",
                line=line,
                field=prefix + name,
            )


def read_jsonl(path: str | Path, fields: Mapping[str, JsonType]) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, object)`` for each non-blank line, checking `fields`;
    a ``.gz`` file is read compressed, as the Amazon and similar dumps are published."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    opened = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")
    number = 0
    try:
        with opened as handle:
            # Bytes, decoded line by line, so an encoding error names its own line.
            for number, data in enumerate(handle, start=1):
                try:
                    text = data.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise DataError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                    line=number) from exc
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise DataError(path, f"not valid JSON ({exc.msg})", line=number) from exc
                check_fields(obj, fields, path, number)
                yield number, obj
    except (OSError, EOFError) as exc:  # a broken .gz
        raise DataError(path, f"cannot be read ({exc})", line=number + 1) from exc


def read_csv_columns(
    path: str | Path,
    columns: Mapping[str, pl.DataType],
    *,
    has_header: bool = True,
    new_columns: list[str] | None = None,
    separator: str = ",",
) -> pl.DataFrame:
    """Read a CSV as text, require `columns`, and cast each to its type; a value that
    does not cast raises DataError naming its data row and column."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    try:
        raw = pl.read_csv(
            path,
            has_header=has_header,
            new_columns=new_columns,
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise DataError(path, f"not a readable CSV ({str(exc).splitlines()[0]})") from exc
    return cast_text_columns(raw, columns, path, header_lines=1 if has_header else 0)


def text_line(raw: pl.DataFrame, row: int, header_lines: int = 1) -> int:
    """The 1-based file line where 0-based data `row` of a text-read CSV starts: quoted
    fields may hold newlines, so count those in the rows before it."""
    before = raw.head(row)
    embedded = sum(
        int(before.get_column(name).str.count_matches("\n").sum() or 0)
        for name, dtype in before.schema.items()
        if dtype == pl.String
    )
    return header_lines + row + 1 + embedded


def cast_text_columns(
    raw: pl.DataFrame,
    columns: Mapping[str, pl.DataType],
    path: str | Path,
    *,
    header_lines: int | None = 1,
) -> pl.DataFrame:
    """Require `columns` in a frame of text columns and cast each to its type (values are
    stripped); a value that does not cast raises DataError naming its data row, column and,
    when `header_lines` is given (the frame came from a CSV), its file line."""
    for name in columns:
        if name not in raw.columns:
            raise DataError(path, f"missing column (found: {raw.columns})", field=name)
    out = {}
    for name, dtype in columns.items():
        try:
            text = raw.get_column(name).cast(pl.String).str.strip_chars()
        except pl.exceptions.PolarsError as exc:  # e.g. a nested Parquet column
            raise DataError(path, f"cannot be read as text ({exc})", field=name) from exc
        cast = text.cast(dtype, strict=False)
        bad = cast.is_null() & text.is_not_null() & (text != "")
        if bad.any():
            row = int(bad.arg_true()[0])
            raise DataError(
                path,
                f"expected {dtype}, got {text[row]!r}",
                row=row + 1,
                line=None if header_lines is None else text_line(raw, row, header_lines),
                field=name,
            )
        out[name] = cast
    return pl.DataFrame(out)


def write_tables(tables: Mapping[str, pl.DataFrame], out_dir: str | Path) -> Path:
    """Conform and write each table as ``<out_dir>/<name>.parquet``, all or nothing:
    everything is written to a temporary sibling first and swapped in at the end."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    checked = {
        name: conform(df, name, source=f"{out_dir}/{name}") if name in SCHEMAS else df
        for name, df in tables.items()
    }
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, df in checked.items():
            df.write_parquet(staging / f"{name}.parquet")
        old = None
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
            out_dir.rename(old)
        staging.rename(out_dir)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def read_tables(folder: str | Path) -> dict[str, pl.DataFrame]:
    """Every ``*.parquet`` table in `folder`, by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no tables at {folder}: run the ingest job first")
    return {p.stem: pl.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
