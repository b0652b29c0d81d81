"""A shop file (`shop.yaml`): where a shop's own data is and how its columns read, so one
command can ingest it, train every model on it and serve it.

    name: myntra                      # the dataset: tables under <data_dir>/myntra
    currency: INR                     # for prices whose column and symbol say nothing
    locale: en-IN
    catalogue:
      path: ../../shared/data/myntra/myntra_products_catalog.csv   # relative to this file
      mapping: myntra                 # a known mapping, or CatalogueMapping fields inline
    events:   {path: ..., mapping: {shopper_id: ..., event_type: ..., ts: ..., ...}}
    reviews:  {path: ..., mapping: {shopper_id: ..., product_id: ..., rating: ..., ...}}
    copy:     {path: ..., mapping: {product_id: ..., text: ..., clicks: ..., ...}}

or a known export for the whole shop: ``source: {format: amazon-users, path: ...}``.
Every field is described in `adcraft train --help` (`describe_fields`) and the README.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from adcraft.data.catalogue import CatalogueMapping, load_catalogue, with_title_facts
from adcraft.data.errors import DataError
from adcraft.data.logs import (
    CopyMapping,
    EventMapping,
    ReviewMapping,
    load_copy,
    load_events,
    load_reviews,
)
from adcraft.data.schemas import conform

log = logging.getLogger(__name__)

KNOWN_CATALOGUES = {"myntra": "MYNTRA"}  # mapping name -> the constant in catalogue.py
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: Path = Field(description="the file (CSV, Parquet or JSON lines), relative to "
                                   "the shop file; ~ and $VARIABLES are expanded")


class CataloguePart(_Part):
    mapping: str | CatalogueMapping = Field(description=(
        "a known mapping's name (myntra) or CatalogueMapping fields: product_id, title, "
        "description, brand, price, currency or currency_code, category (+ "
        "category_delimiter), attributes, features (+ features_delimiter), duplicates"))

    def resolved(self) -> CatalogueMapping:
        if isinstance(self.mapping, CatalogueMapping):
            return self.mapping
        if self.mapping not in KNOWN_CATALOGUES:
            raise ValueError(f"unknown catalogue mapping {self.mapping!r}: one of "
                             f"{sorted(KNOWN_CATALOGUES)} or the mapping's fields")
        from adcraft.data import catalogue

        return getattr(catalogue, KNOWN_CATALOGUES[self.mapping])


class EventsPart(_Part):
    mapping: EventMapping = Field(description="the log's columns and event-type names")


class ReviewsPart(_Part):
    mapping: ReviewMapping = Field(description="the reviews' columns")


class CopyPart(_Part):
    mapping: CopyMapping = Field(description="the copy's columns")


class SourcePart(_Part):
    format: Literal["amazon-users", "amazon", "taobao", "obd", "advertisegen"] = Field(
        description="a published layout adcraft reads whole (see `pipelines.ingest --help`)")
    meta: Path | None = Field(None, description="amazon: the product meta JSONL")


class ShopFile(BaseModel):
    """One shop's data. `catalogue` or `source` is needed; the rest is optional."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="the dataset name: lowercase letters, digits, - and _; "
                                  "`adcraft serve --dataset NAME` serves it")
    currency: str | None = Field(None, description=(
        "ISO code for prices that neither a column nor a symbol prices, e.g. INR"))
    locale: str = Field("en", description="the copy's language and region, e.g. en-IN")
    catalogue: CataloguePart | None = Field(None, description="the products")
    events: EventsPart | None = Field(None, description="behaviour: views, clicks, carts, "
                                                        "purchases, searches")
    reviews: ReviewsPart | None = Field(None, description="shoppers' reviews, with stars")
    copy_: CopyPart | None = Field(None, alias="copy", description=(
        "the shop's historical copy, with clicks where known"))
    source: SourcePart | None = Field(None, description=(
        "instead of the parts above: a published export adcraft reads whole"))

    @model_validator(mode="after")
    def _check(self) -> ShopFile:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"name {self.name!r}: lowercase letters, digits, - and _")
        if (self.catalogue is None) == (self.source is None):
            raise ValueError("give a catalogue (with events, reviews, copy as the shop has "
                             "them) or a source, exactly one of the two")
        return self

    def parts(self) -> dict[str, _Part]:
        named = {"catalogue": self.catalogue, "events": self.events,
                 "reviews": self.reviews, "copy": self.copy_, "source": self.source}
        return {k: v for k, v in named.items() if v is not None}


def _expand(path: Path, base: Path) -> Path:
    path = Path(os.path.expandvars(os.path.expanduser(str(path))))
    return (path if path.is_absolute() else base / path).resolve()


def read_shop_file(path: str | Path) -> ShopFile:
    """The shop file, typed; its paths made absolute (relative to the file's folder).
    A file that is no YAML or does not fit raises DataError naming the file, line and
    field."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(path, f"not YAML ({getattr(exc, 'problem', exc)})",
                        line=None if mark is None else mark.line + 1) from None
    if not isinstance(raw, dict):
        raise DataError(path, "expected a mapping of fields (name, catalogue, ...)")
    try:
        shop = ShopFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise DataError(path, first["msg"] + more, line=_line_of(path, first["loc"]),
                        field=field) from None
    base = path.resolve().parent
    for part in shop.parts().values():
        part.path = _expand(part.path, base)
        if isinstance(part, SourcePart) and part.meta is not None:
            part.meta = _expand(part.meta, base)
    return shop


def _line_of(path: Path, loc: tuple) -> int | None:
    """The line of the deepest key of `loc` that the file spells out (YAML's node marks)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return None
    line = None
    for key in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        match = [(k, v) for k, v in node.value if k.value == str(key)]
        if not match:
            break
        line = match[0][0].start_mark.line + 1
        node = match[0][1]
    return line


def load_shop(shop: ShopFile) -> dict[str, pl.DataFrame]:
    """Every table the shop file names, read through its mappings; raises DataError on
    malformed input (nothing is written by this function)."""
    if shop.source is not None:
        from adcraft.data.sources import load_source

        tables, _ = load_source(shop.source.format, path=shop.source.path,
                                meta=shop.source.meta)
        if "products" in tables:  # exports with titles but no attributes (Amazon's)
            tables["products"] = with_title_facts(tables["products"],
                                                  path=shop.source.path)
        return tables
    assert shop.catalogue is not None
    mapping = shop.catalogue.resolved()
    tables = load_catalogue(shop.catalogue.path, mapping)
    if shop.currency:
        tables["products"] = tables["products"].with_columns(
            pl.col("currency").fill_null(pl.when(pl.col("price").is_not_null())
                                         .then(pl.lit(shop.currency))))
    if shop.events:
        tables["events"] = load_events(shop.events.path, shop.events.mapping)
    if shop.reviews:
        tables["reviews"] = load_reviews(shop.reviews.path, shop.reviews.mapping)
    if shop.copy_:
        tables["copy"] = load_copy(shop.copy_.path, shop.copy_.mapping).with_columns(
            pl.col("locale").fill_null(shop.locale))
    tables["shoppers"] = _shoppers(tables, shop.locale)
    _report_strays(tables, shop)
    return tables


def _shoppers(tables: dict[str, pl.DataFrame], locale: str) -> pl.DataFrame:
    """Everyone the events and reviews name, once each."""
    ids = [tables[t].select("shopper_id") for t in ("events", "reviews") if t in tables]
    frame = (pl.concat(ids).unique(maintain_order=True) if ids
             else pl.DataFrame(schema={"shopper_id": pl.String}))
    return conform(frame.with_columns(locale=pl.lit(locale)), "shoppers")


def _report_strays(tables: dict[str, pl.DataFrame], shop: ShopFile) -> None:
    """Log events, reviews and copy about products the catalogue does not hold (kept:
    they still describe shoppers; the count is reported, never silent)."""
    known = tables["products"].select("product_id")
    for name in ("events", "reviews", "copy"):
        if name not in tables:
            continue
        rows = tables[name].filter(pl.col("product_id").is_not_null())
        stray = rows.join(known, on="product_id", how="anti")
        if stray.height:
            sample = stray["product_id"].unique(maintain_order=True).head(3).to_list()
            log.warning("%s: %d of %d %s rows name products not in the catalogue, e.g. %s",
                        shop.name, stray.height, rows.height, name, sample)


def describe_fields(model: type[BaseModel] = ShopFile, prefix: str = "") -> list[str]:
    """`field: description` lines for the shop file and its parts, for --help."""
    lines = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        lines.append(f"  {key}: {info.description or ''}".rstrip())
        kind = info.annotation
        for sub in getattr(kind, "__args__", (kind,)):
            if isinstance(sub, type) and issubclass(sub, BaseModel) and sub is not model:
                lines += describe_fields(sub, key + ".")
    return lines
