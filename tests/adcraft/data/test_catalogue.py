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
    # 894 products have no colour: the gender fact, then facts from their title
    # ("SWAROVSKI Women Solitaire Pendant": type "Pendant").
    assert myntra.filter(pl.col("attributes").list.len() < 2).height == 0
    pendant = myntra.filter(pl.col("product_id") == "10225775")["attributes"][0].to_list()
    assert pendant == [{"name": "gender", "value": "Women"},
                       {"name": "type", "value": "Pendant"}]


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
         "attributes": [{"name": "colour", "value": "red"}, {"name": "type", "value": "Mug"}]},
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


def test_a_price_that_is_no_price_names_its_row_line_and_value(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(
        HEADER
        + '1,Tee,X,Men,499,3,"Soft tee\nwith a crew neck", White,\n'
        + "2,Shirt,Y,Women,Rs. 899,5,Linen shirt, Blue,\n"
        + "3,Scarf,Z,Women,call us,2,Silk scarf, Red,\n"
    )
    with pytest.raises(DataError, match=r"catalogue\.csv:5, row 3: field 'Price': not a "
                       r"price: 'call us'") as err:
        load_catalogue(path, MYNTRA)
    assert (err.value.row, err.value.line, err.value.field) == (3, 5, "Price")
    path.write_text(HEADER + "1,Tee,X,Men,$4.99,3,Tee, White,\n")
    with pytest.raises(DataError, match=r"row 1: field 'Price': '\$4.99' is in USD, the "
                       "mapping's currency_code is INR"):
        load_catalogue(path, MYNTRA)


def test_duplicate_rows_merge_by_policy_and_are_reported(tmp_path: Path, caplog) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text(HEADER + "1,Tee,X,Men,499,3,Tee, White,\n"
                    + "2,Shirt,Y,Women,899,5,Shirt, Blue,\n" + "1,Tee,X,Men,499,3,Tee, Red,\n")
    with caplog.at_level("INFO", logger="adcraft.data.catalogue"):
        first = load_catalogue(path, MYNTRA)["products"]
    assert first["product_id"].to_list() == ["1", "2"]
    assert first["attributes"][0].to_list()[1] == {"name": "colour", "value": "White"}
    assert "1 row merged" in caplog.text and "duplicates=first" in caplog.text
    last = load_catalogue(path, MYNTRA.model_copy(update={"duplicates": "last"}))["products"]
    assert last.filter(pl.col("product_id") == "1")["attributes"][0].to_list()[1] == {
        "name": "colour", "value": "Red"}
    with pytest.raises(DataError, match=r"catalogue\.csv:4, row 3: field 'Product_ID': duplicate"
                       ) as err:
        load_catalogue(path, MYNTRA.model_copy(update={"duplicates": "error"}))
    assert err.value.row == 3


MARKETPLACE = CatalogueMapping(
    product_id="product_id", title="product_name", price="discounted_price",
    category=["category"], category_delimiter="|", features="about_product")


def test_a_marketplace_export_prices_categories_bullets_and_review_rows(tmp_path: Path,
                                                                       caplog) -> None:
    """The shape of a real marketplace export: one row per review, prices as text, the
    category path in one column, feature bullets in another."""
    path = tmp_path / "export.csv"
    pl.DataFrame({
        "product_id": ["B07JW9H4J1", "B07JW9H4J1", "B098NS6PVG", "B0B1YVCJ2Y"],
        "product_name": ["Wayona Nylon Braided USB to Lightning Cable"] * 2
        + ["Ambrane Unbreakable 60W Type C Cable", "Duracell 38W Car Charger"],
        "category": ["Computers&Accessories|Accessories&Peripherals|Cables"] * 2
        + ["Computers&Accessories| Cables |", "Car&Motorbike|Chargers"],
        "discounted_price": ["₹399", "₹399", "₹1,099", "12,99 €"],
        "about_product": ["Fast Charge&Data Sync : It can charge and sync at a rapid "
                          "speed|Material: Nylon braided|Compatible with iPhone"] * 2
        + [None, "Output: 38W"],
        "review_id": ["R1", "R2", "R3", "R4"],
    }).write_csv(path)
    with caplog.at_level("INFO", logger="adcraft.data.catalogue"):
        products = load_catalogue(path, MARKETPLACE)["products"]
    assert products.schema == SCHEMAS["products"]
    assert products["product_id"].to_list() == ["B07JW9H4J1", "B098NS6PVG", "B0B1YVCJ2Y"]
    assert products["price"].to_list() == [399.0, 1099.0, 12.99]
    assert products["currency"].to_list() == ["INR", "INR", "EUR"]
    assert products["category_path"].to_list() == [
        ["Computers&Accessories", "Accessories&Peripherals", "Cables"],
        ["Computers&Accessories", "Cables"], ["Car&Motorbike", "Chargers"]]
    assert products["attributes"][0].to_list() == [
        {"name": "feature", "value": "Fast Charge&Data Sync : It can charge and sync at a "
                                     "rapid speed"},
        {"name": "material", "value": "Nylon braided"},
        {"name": "feature", "value": "Compatible with iPhone"}]
    # fewer than two facts: the title adds its own
    assert products["attributes"][1].to_list() == [{"name": "type", "value": "Type C Cable"},
                                                   {"name": "power", "value": "60W"}]
    assert products["attributes"][2].to_list() == [{"name": "output", "value": "38W"},
                                                   {"name": "type", "value": "Car Charger"}]
    assert "2 products with fewer than 2 facts got facts from the title" in caplog.text
    assert "1 row merged" in caplog.text and "3 prices read from text" not in caplog.text
    assert "4 prices read from text" in caplog.text and "'₹1,099' -> 1099 INR" in caplog.text
