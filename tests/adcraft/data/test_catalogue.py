"""The generic catalogue loader: the real Myntra catalogue, and malformed catalogues."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from pydantic import ValidationError

from adcraft.data.catalogue import MYNTRA, CatalogueMapping, load_catalogue, split_run_together
from adcraft.data.errors import DataError
from adcraft.data.schemas import SCHEMAS

HEADER = (
    "Product_ID,Product_Name,Product_Brand,Gender,Price,Num_Images,Description,Primary_Color,\n"
)


@pytest.fixture(scope="module")
def myntra(shared_data: Path) -> pl.DataFrame:
    tables = load_catalogue(shared_data / "myntra" / "myntra_products_catalog.csv", MYNTRA)
    assert list(tables) == ["products"]
    return tables["products"]


def test_myntra_counts_and_schema(myntra: pl.DataFrame) -> None:
    assert myntra.schema == SCHEMAS["products"]
    assert myntra.height == 12_491
    assert myntra["product_id"].is_unique().all()
    assert myntra["price"].null_count() == 0 and myntra["price"].min() == 90.0
    assert set(myntra["currency"]) == {"INR"}
    genders = dict(myntra["category_path"].list.first().value_counts().iter_rows())
    assert genders == {"Women": 5126, "Men": 4591, "Unisex": 1188, "Boys": 1100, "Girls": 440,
                       "Unisex Kids": 46}
    # 894 products have no colour: they carry the gender fact only.
    assert myntra.filter(pl.col("attributes").list.len() == 1).height == 894


def test_myntra_known_product(myntra: pl.DataFrame) -> None:
    bag = myntra.filter(pl.col("product_id") == "10017413").row(0, named=True)
    assert bag["title"] == "DKNY Unisex Black & Grey Printed Medium Trolley Bag"
    assert (bag["brand"], bag["price"], bag["category_path"]) == ("DKNY", 11745.0, ["Unisex"])
    assert bag["attributes"] == [{"name": "gender", "value": "Unisex"},
                                 {"name": "colour", "value": "Black"}]  # was " Black"
    assert bag["description"].startswith(
        "Black and grey printed medium trolley bag, secured with a TSA lock. One handle"
    )
    assert "wheels. One main zip compartment" in bag["description"]
    last = myntra.row(-1, named=True)
    assert (last["product_id"], last["brand"], last["price"]) == ("10265199", "Pepe Jeans", 799.0)


def test_myntra_multiline_description_and_brand_words(myntra: pl.DataFrame) -> None:
    sweatshirt = myntra.filter(pl.col("product_id") == "1000905").row(0, named=True)
    assert sweatshirt["brand"] == "U.S. Polo Assn. Kids"
    assert "drawstring \nfastening" in sweatshirt["description"]
    assert myntra.filter(pl.col("description").str.contains("\n")).height == 36
    # Camel-cased names of the catalogue itself are not split.
    assert myntra.filter(pl.col("description").str.contains("Soft. Foam")).height == 0
    assert myntra.filter(pl.col("description").str.contains("SoftFoam")).height > 80


def test_split_run_together() -> None:
    assert split_run_together("TSA lockOne handle") == "TSA lock. One handle"
    assert split_run_together("detailSoftFoam insole", frozenset({"SoftFoam"})) == (
        "detail. SoftFoam insole"
    )
    assert split_run_together("DKNY, U.S. Polo") == "DKNY, U.S. Polo"


def test_parquet_and_constant_mapping(tmp_path: Path) -> None:
    path = tmp_path / "shop.parquet"
    pl.DataFrame({
        "sku": ["a1", "a2"], "name": ["Mug", " "], "cost": [4.5, None],
        "dept": ["Home", "Home"], "aisle": ["Kitchen", None], "colour": ["red", ""],
        "cur": ["EUR", "GBP"],
    }).write_parquet(path)
    mapping = CatalogueMapping(product_id="sku", title="name", price="cost", currency="cur",
                               category=["dept", "aisle"], attributes={"colour": "colour"})
    products = load_catalogue(path, mapping)["products"]
    assert products.schema == SCHEMAS["products"]
    assert products.to_dicts() == [
        {"product_id": "a1", "title": "Mug", "description": None,
         "category_path": ["Home", "Kitchen"], "brand": None, "price": 4.5, "currency": "EUR",
         "attributes": [{"name": "colour", "value": "red"}]},
        {"product_id": "a2", "title": None, "description": None, "category_path": ["Home"],
         "brand": None, "price": None, "currency": "GBP", "attributes": []},
    ]
    with pytest.raises(ValidationError, match="either a currency column or a currency_code"):
        CatalogueMapping(product_id="sku", currency="cur", currency_code="EUR")


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text("Product_ID,Product_Name,Product_Brand,Gender,Price\n1,Tee,X,Men,499\n")
    with pytest.raises(DataError, match=r"catalogue\.csv: field 'Description': missing column"
                       ) as err:
        load_catalogue(path, MYNTRA)
    assert err.value.field == "Description"


def test_non_numeric_price(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(
        HEADER
        + '1,Tee,X,Men,499,3,"Soft tee\nwith a crew neck", White,\n'
        + "2,Shirt,Y,Women,Rs. 899,5,Linen shirt, Blue,\n"
    )
    with pytest.raises(DataError, match=r"catalogue\.csv:4, row 2: field 'Price': expected Float64"
                       ) as err:
        load_catalogue(path, MYNTRA)
    assert (err.value.row, err.value.line, err.value.field) == (2, 4, "Price")


def test_duplicate_product_id(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(HEADER + "1,Tee,X,Men,499,3,Tee, White,\n"
                    + "2,Shirt,Y,Women,899,5,Shirt, Blue,\n" + "1,Tee,X,Men,499,3,Tee, Red,\n")
    with pytest.raises(DataError, match=r"catalogue\.csv:4, row 3: field 'Product_ID': duplicate"
                       ) as err:
        load_catalogue(path, MYNTRA)
    assert err.value.row == 3
