"""A shop's own behaviour logs, reviews and historical copy (CSV, Parquet or JSON lines)
through column mappings, as `catalogue.py` does for products: the event-type names and
the timestamp format are the shop's, the tables are adcraft's."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import ClassVar, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from adcraft.data.errors import DataError
from adcraft.data.io import cast_text_columns, read_csv_columns, text_line
from adcraft.data.schemas import COPY_KINDS, EVENT_TYPES, conform

log = logging.getLogger(__name__)


class Timestamps(BaseModel):
    """How a timestamp column is written: a strftime `format` ("%d/%m/%Y %H:%M"), or
    seconds/milliseconds since 1970 (`epoch`); neither: ISO 8601 ("2024-03-01T10:00:00Z").
    Times without a zone are read in `timezone`."""

    model_config = ConfigDict(extra="forbid")

    format: str | None = Field(None, description="strftime format of the timestamp text")
    epoch: Literal["s", "ms", "us", "ns"] | None = Field(
        None, description="the column counts this unit since 1970-01-01 UTC")
    timezone: str = Field("UTC", description="zone of times written without one")

    @model_validator(mode="after")
    def _one_way(self) -> Timestamps:
        if self.format and self.epoch:
            raise ValueError("give a timestamp format or an epoch unit, not both")
        return self


class TableMapping(BaseModel):
    """Common to every log mapping: how the file is laid out."""

    model_config = ConfigDict(extra="forbid")

    has_header: bool = Field(True, description="false: a CSV without a header row, "
                                               "columns named by `columns`")
    columns: list[str] | None = Field(None, description=(
        "the CSV's column names in order, for a file without a header"))
    separator: str = Field(",", min_length=1, max_length=1,
                           description="the CSV's column separator (';', '\\t')")

    def fields(self) -> dict[str, str]:
        """adcraft field -> source column, for the columns this mapping reads."""
        return {name: value for name, value in self.model_dump().items()
                if name in self._FIELDS and isinstance(value, str)}

    _FIELDS: ClassVar[tuple[str, ...]] = ()


class EventMapping(TableMapping):
    """Columns of an event log, one event a row, and the shop's names for event types."""

    shopper_id: str = Field(description="who acted")
    product_id: str | None = Field(None, description="on what (empty for a search)")
    event_type: str = Field(description="the column naming what happened")
    ts: str = Field(description="when")
    timestamps: Timestamps = Field(default_factory=Timestamps, description=(
        "how `ts` is written: {format: '%d/%m/%Y %H:%M'}, {epoch: s|ms|us|ns}, or "
        "ISO 8601 when not given; {timezone: Asia/Kolkata} for local times"))
    session_id: str | None = Field(None, description="the visit, where the log has one")
    query: str | None = Field(None, description="the search text, for searches")
    event_names: dict[str, str] = Field({}, description=(
        "the shop's name -> adcraft's (view, click, cart, purchase, search, wishlist), "
        "e.g. {pv: view, buy: purchase}; adcraft's own names need no entry"))
    other_events: Literal["error", "drop"] = Field("error", description=(
        "an event type neither adcraft's nor in event_names: stop naming its row, or "
        "drop it (counted and reported)"))

    _FIELDS: ClassVar[tuple[str, ...]] = ("shopper_id", "product_id", "event_type", "ts",
                                          "session_id", "query")

    @model_validator(mode="after")
    def _known_targets(self) -> EventMapping:
        wrong = sorted(set(self.event_names.values()) - set(EVENT_TYPES))
        if wrong:
            raise ValueError(f"event_names map to {wrong}: adcraft's event types are "
                             f"{EVENT_TYPES}")
        return self


class ReviewMapping(TableMapping):
    shopper_id: str = Field(description="who wrote it")
    product_id: str = Field(description="about what")
    rating: str = Field(description="the star rating, a number")
    text: str | None = Field(None, description="the review's text")
    title: str | None = Field(None, description="its headline")
    ts: str | None = Field(None, description="when it was written")
    timestamps: Timestamps = Field(default_factory=Timestamps, description="as for events")

    _FIELDS: ClassVar[tuple[str, ...]] = ("shopper_id", "product_id", "rating", "text",
                                          "title", "ts")


class CopyMapping(TableMapping):
    """The shop's historical copy, with how it did where known: a `ctr` column, or
    `clicks` and `impressions` columns to divide."""

    product_id: str = Field(description="the product it was written for")
    text: str = Field(description="the copy")
    variant_id: str | None = Field(None, description="its id (default: numbered)")
    kind: str | None = Field(None, description="a column naming the kind (ad_copy, ...)")
    kind_value: str = Field("ad_copy", description="the kind of every row, with no column")
    locale: str | None = Field(None, description="a column of locales (default: the shop's)")
    ctr: str | None = Field(None, description="its click rate")
    clicks: str | None = Field(None, description="clicks it earned (with impressions)")
    impressions: str | None = Field(None, description="times it was shown (with clicks)")

    _FIELDS: ClassVar[tuple[str, ...]] = ("product_id", "text", "variant_id", "kind",
                                          "locale", "ctr", "clicks", "impressions")

    @model_validator(mode="after")
    def _kind(self) -> CopyMapping:
        if self.kind_value not in COPY_KINDS:
            raise ValueError(f"kind_value {self.kind_value!r}: one of {COPY_KINDS}")
        if bool(self.clicks) != bool(self.impressions):
            raise ValueError("give both clicks and impressions columns, or a ctr column")
        return self


def read_text_table(path: Path, columns: list[str], mapping: TableMapping
                    ) -> tuple[pl.DataFrame, int | None]:
    """`columns` of a CSV, Parquet or JSON-lines file as stripped text, empty as null;
    and the header lines before the first data row (None where lines do not apply)."""
    types = dict.fromkeys(columns, pl.String)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(path, "file not found")
    if suffix in (".parquet", ".jsonl", ".ndjson"):
        try:
            raw = pl.read_parquet(path) if suffix == ".parquet" else pl.read_ndjson(
                path, infer_schema_length=None)
        except pl.exceptions.PolarsError as exc:
            raise DataError(path, f"cannot be read ({str(exc).splitlines()[0]})") from exc
        lines = None if suffix == ".parquet" else 0
        df = cast_text_columns(raw, types, path, header_lines=lines)
    else:
        headerless = not mapping.has_header
        df = read_csv_columns(path, types, has_header=mapping.has_header,
                              new_columns=mapping.columns if headerless else None,
                              separator=mapping.separator)
        lines = 0 if headerless else 1
    return df.with_columns(pl.when(pl.col(pl.String) != "").then(pl.col(pl.String))
                           .name.keep()), lines


def _first_bad(df: pl.DataFrame, bad: pl.Series, path: Path, lines: int | None,
               column: str, problem: str) -> DataError:
    row = int(bad.arg_true()[0])
    return DataError(path, problem.format(value=df.get_column(column)[row]), row=row + 1,
                     line=None if lines is None else text_line(df, row, lines), field=column)


def parse_times(df: pl.DataFrame, column: str, how: Timestamps, path: Path,
                lines: int | None) -> pl.Series:
    """The column as UTC datetimes; a value that is no time is a DataError naming its
    row, line, column and value."""
    text = df.get_column(column)
    if how.epoch:
        numbers = text.cast(pl.Float64, strict=False)
        out = pl.from_epoch(numbers.cast(pl.Int64), time_unit=how.epoch)
        expected = f"a number of {how.epoch} since 1970"
    else:
        parsed = text.str.to_datetime(how.format, strict=False, time_unit="us")
        if parsed.dtype.time_zone is None:  # type: ignore[union-attr]
            parsed = parsed.dt.replace_time_zone(how.timezone)
        out = parsed
        expected = f"a time as {how.format!r}" if how.format else "an ISO 8601 time"
    bad = out.is_null() & text.is_not_null()
    if bad.any():
        raise _first_bad(df, bad, path, lines, column, f"{{value!r}} is not {expected}")
    return out.dt.convert_time_zone("UTC").dt.cast_time_unit("us").alias("ts")


def load_events(path: str | Path, mapping: EventMapping) -> pl.DataFrame:
    """The `events` table from a log file, event types renamed by the mapping."""
    path = Path(path)
    fields = mapping.fields()
    df, lines = read_text_table(path, list(dict.fromkeys(fields.values())), mapping)
    for name in ("shopper_id", "event_type", "ts"):
        empty = df.get_column(fields[name]).is_null()
        if empty.any():
            raise _first_bad(df, empty, path, lines, fields[name], "empty but required")
    names = {**{t: t for t in EVENT_TYPES}, **mapping.event_names}
    raw_type = df.get_column(fields["event_type"])
    event_type = raw_type.replace_strict(names, default=None, return_dtype=pl.String)
    unknown = event_type.is_null()
    if unknown.any() and mapping.other_events == "error":
        raise _first_bad(df, unknown, path, lines, fields["event_type"],
                         f"unknown event type {{value!r}}: map it in event_names (to one of "
                         f"{EVENT_TYPES}) or set other_events: drop")
    ts = parse_times(df, fields["ts"], mapping.timestamps, path, lines)
    events = pl.DataFrame({
        name: (event_type if name == "event_type" else ts if name == "ts"
               else df.get_column(column))
        for name, column in fields.items()
    })
    if unknown.any():
        counts = raw_type.filter(unknown).value_counts(sort=True).head(5)
        log.info("%s: %d events of types adcraft does not read dropped (other_events=drop):"
                 " %s", path.name, int(unknown.sum()),
                 ", ".join(f"{r[0]!r} x{r[1]}" for r in counts.iter_rows()))
        events = events.filter(~unknown)
    return conform(events, "events", str(path))


def load_reviews(path: str | Path, mapping: ReviewMapping) -> pl.DataFrame:
    path = Path(path)
    fields = mapping.fields()
    df, lines = read_text_table(path, list(dict.fromkeys(fields.values())), mapping)
    rating_text = df.get_column(fields["rating"])
    rating = rating_text.cast(pl.Float64, strict=False)
    bad = rating_text.is_not_null() & (rating.is_null() | (rating < 0))
    if bad.any():
        raise _first_bad(df, bad, path, lines, fields["rating"],
                         "{value!r} is not a star rating")
    columns = {name: df.get_column(column) for name, column in fields.items()}
    columns["rating"] = rating
    if mapping.ts:
        columns["ts"] = parse_times(df, fields["ts"], mapping.timestamps, path, lines)
    return conform(pl.DataFrame(columns), "reviews", str(path))


def load_copy(path: str | Path, mapping: CopyMapping) -> pl.DataFrame:
    path = Path(path)
    fields = mapping.fields()
    df, lines = read_text_table(path, list(dict.fromkeys(fields.values())), mapping)
    out = {name: df.get_column(fields[name]) for name in ("product_id", "text")}
    out["kind"] = (df.get_column(fields["kind"]) if mapping.kind
                   else pl.Series([mapping.kind_value] * df.height, dtype=pl.String))
    unknown = ~out["kind"].is_in(COPY_KINDS)
    if unknown.any():
        raise _first_bad(df, unknown, path, lines, fields.get("kind", "kind"),
                         f"unknown copy kind {{value!r}} (one of {COPY_KINDS})")
    numbers = {}
    for name in ("ctr", "clicks", "impressions"):
        if name in fields:
            text = df.get_column(fields[name])
            numbers[name] = text.cast(pl.Float64, strict=False)
            bad = numbers[name].is_null() & text.is_not_null()
            if bad.any():
                raise _first_bad(df, bad, path, lines, fields[name], "{value!r} is no number")
    if "ctr" in numbers:
        out["ctr"] = numbers["ctr"]
    elif numbers:
        shown = numbers["impressions"]
        out["ctr"] = (numbers["clicks"] / shown).zip_with(
            shown > 0, pl.Series([None] * df.height, dtype=pl.Float64))
    out["variant_id"] = (df.get_column(fields["variant_id"]) if mapping.variant_id else
                         pl.Series([f"historical-{i + 1}" for i in range(df.height)]))
    if mapping.locale:
        out["locale"] = df.get_column(fields["locale"])
    frame = pl.DataFrame(out).with_columns(source=pl.lit("historical"))
    return conform(frame, "copy", str(path))
