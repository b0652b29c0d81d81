"""Any shop's product catalogue (CSV or Parquet) through a column mapping, so a new
catalogue needs a few lines of mapping rather than a new loader."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, Field, model_validator

from adcraft.data.errors import DataError
from adcraft.data.io import cast_text_columns, read_csv_columns, text_line
from adcraft.data.parsing import PriceError, bullet_facts, parse_price
from adcraft.data.schemas import conform
from adcraft.data.title_facts import titles_facts

log = logging.getLogger(__name__)

# A lowercase letter running straight into an uppercase one: scraped bullet lists whose
# line breaks were dropped ("TSA lockOne handle").
_JOIN = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[A-Za-z]+")


def split_run_together(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Put ". " where a sentence runs into the next ("lockOne" -> "lock. One"), except
    inside words of `keep`: camel-cased names such as the brands "DressBerry", "SoftFoam"."""

    def fix(match: re.Match[str]) -> str:
        word = match[0]
        cuts = [m.start() for m in _JOIN.finditer(word)]
        if not cuts:
            return word
        inside = {
            i
            for name in keep
            if name in word
            for start in (m.start() for m in re.finditer(re.escape(name), word))
            for i in range(start + 1, start + len(name))
        }
        pieces, last = [], 0
        for cut in cuts:
            if cut not in inside:
                pieces.append(word[last:cut])
                last = cut
        return ". ".join([*pieces, word[last:]])

    return _WORD.sub(fix, text)


def _camel_words(df: pl.DataFrame, columns: list[str]) -> frozenset[str]:
    """Camel-cased words of the catalogue's own names (brands, titles), kept whole."""
    words = set()
    for name in columns:
        for text in df.get_column(name).drop_nulls().unique().to_list():
            words.update(w for w in _WORD.findall(text) if _JOIN.search(w))
    return frozenset(words)


class CatalogueMapping(BaseModel):
    """Which source column feeds which product field; None leaves the field null."""

    product_id: str
    title: str | None = None
    description: str | None = None
    brand: str | None = None
    price: str | None = None
    currency: str | None = None  # a column holding the currency code
    currency_code: str | None = None  # or one code for the whole file, e.g. "INR"
    category: list[str] = []  # columns whose values form the category path, in order
    category_delimiter: str | None = Field(None, description=(
        "split each category column on this ('Computers&Accessories|Cables' with '|')"))
    attributes: dict[str, str] = {}  # fact name -> column
    features: str | None = Field(None, description=(
        "a column of feature bullets: 'Key: value' bullets become named facts, others "
        "'feature' facts"))
    features_delimiter: str = "|"
    duplicates: Literal["first", "last", "error"] = Field("first", description=(
        "rows sharing a product_id (an export with one row per review): keep the first, "
        "the last, or stop with an error naming the row; merged rows are reported"))
    fix_run_together: bool = False  # split "lockOne" into "lock. One" in descriptions
    separator: str = Field(",", min_length=1, max_length=1, description=(
        "the CSV's column separator (';' in many European exports, '\\t' for TSV)"))
    title_facts: bool = Field(True, description=(
        "a product with fewer than 2 facts gets the facts its title states (and its "
        "description, when it has no feature bullets): colours, sizes and amounts, "
        "materials, who it is for, its type, the title's segments ('with Mic'); values as "
        "written, none repeating a fact's value or the brand"))

    @model_validator(mode="after")
    def _one_currency(self) -> CatalogueMapping:
        if self.currency and self.currency_code:
            raise ValueError("give either a currency column or a currency_code, not both")
        return self

    def columns(self) -> list[str]:
        """Every source column the mapping reads, once each, in mapping order."""
        named = [self.product_id, self.title, self.description, self.brand, self.price,
                 self.currency, *self.category, *self.attributes.values(), self.features]
        return list(dict.fromkeys(c for c in named if c is not None))


MYNTRA = CatalogueMapping(
    product_id="Product_ID",
    title="Product_Name",
    description="Description",
    brand="Product_Brand",
    price="Price",
    currency_code="INR",
    category=["Gender"],
    attributes={"gender": "Gender", "colour": "Primary_Color"},
    fix_run_together=True,
)


def _read(path: Path, mapping: CatalogueMapping) -> tuple[pl.DataFrame, int | None]:
    """The mapped columns, stripped and typed; and the header lines (None for Parquet)."""
    types = {c: pl.String for c in mapping.columns()}  # prices too: "₹1,099", parsed below
    if path.suffix.lower() == ".parquet":
        if not path.is_file():
            raise DataError(path, "file not found")
        try:
            raw = pl.read_parquet(path)
        except pl.exceptions.PolarsError as exc:
            raise DataError(path, f"not a readable Parquet file ({exc})") from exc
        return cast_text_columns(raw, types, path, header_lines=None), None
    return read_csv_columns(path, types, separator=mapping.separator), 1


def load_catalogue(path: str | Path, mapping: CatalogueMapping) -> dict[str, pl.DataFrame]:
    """``products`` from a catalogue file; empty values become null."""
    path = Path(path)
    df, header_lines = _read(path, mapping)
    df = df.with_columns(
        pl.when(pl.col(pl.String) != "").then(pl.col(pl.String)).name.keep()
    )

    def line_of(row: int) -> int | None:  # re-read as text: quoted fields span lines
        if header_lines is None:
            return None
        return text_line(pl.read_csv(path, infer_schema=False, n_rows=row,
                                     separator=mapping.separator), row)

    df = _with_prices(df, mapping, path, line_of)
    ids = df.get_column(mapping.product_id)
    dup = ids.is_duplicated() & ~ids.is_first_distinct() & ids.is_not_null()
    if dup.any() and mapping.duplicates == "error":
        row = int(dup.arg_true()[0])
        raise DataError(path, f"duplicate product_id {ids[row]!r}", row=row + 1,
                        line=line_of(row), field=mapping.product_id)
    if dup.any():
        sample = ids.filter(dup).unique(maintain_order=True).head(5).to_list()
        merged = int(dup.sum())
        log.info("%s: %d row%s merged into the product they repeat (duplicates=%s), "
                 "e.g. product_id %s", path.name, merged, "" if merged == 1 else "s",
                 mapping.duplicates, sample)
        df = df.unique(subset=mapping.product_id, keep=mapping.duplicates, maintain_order=True)

    def column(name: str | None, dtype: pl.DataType = pl.String) -> pl.Expr:
        return pl.col(name) if name else pl.lit(None, dtype=dtype)

    description = column(mapping.description)
    if mapping.fix_run_together and mapping.description:
        keep = _camel_words(df, [c for c in (mapping.brand, mapping.title) if c])
        description = description.map_elements(
            lambda text: split_run_together(text, keep), return_dtype=pl.String
        )
    if mapping.category and mapping.category_delimiter:
        parts = [pl.col(c).str.split(mapping.category_delimiter) for c in mapping.category]
        category = pl.concat_list(parts).list.eval(
            pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != ""))
        category = pl.when(category.list.len() > 0).then(category)
    elif mapping.category:
        category = pl.concat_list(mapping.category).list.drop_nulls()
        category = pl.when(category.list.len() > 0).then(category)
    else:
        category = pl.lit(None, dtype=pl.List(pl.String))
    facts = [pl.struct(pl.lit(name).alias("name"), pl.col(col).alias("value"))
             for name, col in mapping.attributes.items()]
    if mapping.features:
        fact = pl.Struct({"name": pl.String, "value": pl.String})
        facts.append(pl.col(mapping.features).map_elements(
            lambda text: [{"name": n, "value": v}
                          for n, v in bullet_facts(text, mapping.features_delimiter)],
            return_dtype=pl.List(fact)).fill_null([]))
    if facts:
        attributes = pl.concat_list(facts).list.eval(
            pl.element().filter(pl.element().struct.field("value").is_not_null())
        )
    else:
        attributes = pl.lit(None, dtype=pl.List(pl.Struct({"name": pl.String,
                                                           "value": pl.String})))
    products = df.select(
        pl.col(mapping.product_id).alias("product_id"),
        column(mapping.title).alias("title"),
        description.alias("description"),
        category.alias("category_path"),
        column(mapping.brand).alias("brand"),
        column(mapping.price and PRICE, pl.Float64).alias("price"),
        (pl.lit(mapping.currency_code) if mapping.currency_code else
         column(mapping.currency).fill_null(pl.col(PRICE_CURRENCY)) if mapping.currency else
         pl.col(PRICE_CURRENCY)).alias("currency"),
        attributes.alias("attributes"),
    )
    if mapping.title_facts and mapping.title:
        bullets = (df.get_column(mapping.features).is_not_null().to_list() if mapping.features
                   else [False] * products.height)
        products = with_title_facts(products, bullets, path)
    return {"products": conform(products, "products", str(path))}


def with_title_facts(products: pl.DataFrame, bullets: list[bool] | None = None,
                     path: Path | str = "products") -> pl.DataFrame:
    """Products with fewer than two facts get those of their title (and of their
    description, where they have no feature `bullets`), less any value a fact holds: a
    catalogue with no attribute columns still says what each product is."""
    attrs = products.get_column("attributes").to_list()
    titles = products.get_column("title").to_list()
    todo = [i for i, (facts, title) in enumerate(zip(attrs, titles))
            if len(facts or []) < 2 and title]
    if not todo:
        return products
    bullets = bullets or [False] * products.height
    descriptions = products.get_column("description").to_list()
    brands = products.get_column("brand").to_list()
    found = titles_facts([(titles[i], None if bullets[i] else descriptions[i], brands[i])
                          for i in todo])
    added = []
    for i, facts in zip(todo, found):
        have = list(attrs[i] or [])
        seen = {(f["value"] or "").strip().lower() for f in have}
        new = [(n, v) for n, v in facts if v.lower() not in seen]
        if new:
            attrs[i] = have + [{"name": n, "value": v} for n, v in new]
            added.append((titles[i], new))
    if not added:
        return products
    log.info("%s: %d product%s with fewer than 2 facts got facts from the title, e.g. %s",
             Path(path).name, len(added), "" if len(added) == 1 else "s",
             "; ".join(f"{title!r}: {facts}" for title, facts in added[:3]))
    return products.with_columns(pl.Series("attributes", attrs,
                                           dtype=products.schema["attributes"]))


PRICE, PRICE_CURRENCY = "__price", "__price_currency"


def _with_prices(df: pl.DataFrame, mapping: CatalogueMapping, path: Path, line_of
                 ) -> pl.DataFrame:
    """The price column parsed (`PRICE`, and the currency its symbol names in
    `PRICE_CURRENCY`): a value that is no price, or whose symbol contradicts the
    mapping's currency_code, is a DataError naming its row, line and value."""
    if not mapping.price:
        return df.with_columns(pl.lit(None, dtype=pl.String).alias(PRICE_CURRENCY))
    amounts, currencies, rewritten = [], [], []
    for row, text in enumerate(df.get_column(mapping.price).to_list()):
        if text is None:
            amounts.append(None)
            currencies.append(None)
            continue
        try:
            amount, currency = parse_price(text)
        except PriceError as exc:
            raise DataError(path, str(exc), row=row + 1, line=line_of(row),
                            field=mapping.price) from None
        if mapping.currency_code and currency not in (None, mapping.currency_code):
            raise DataError(path, f"{text!r} is in {currency}, the mapping's currency_code "
                            f"is {mapping.currency_code}", row=row + 1, line=line_of(row),
                            field=mapping.price)
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            rewritten.append(f"{text!r} -> {amount:g} {currency or ''}".rstrip())
        amounts.append(amount)
        currencies.append(currency)
    if rewritten:
        log.info("%s: %d prices read from text, e.g. %s", path.name, len(rewritten),
                 "; ".join(rewritten[:3]))
    return df.with_columns(pl.Series(PRICE, amounts, dtype=pl.Float64),
                           pl.Series(PRICE_CURRENCY, currencies, dtype=pl.String))
