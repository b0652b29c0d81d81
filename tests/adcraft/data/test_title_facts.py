"""Facts from titles, for catalogues with no attribute columns: real titles (Amazon India,
Amazon Reviews 2023, Myntra) read off exactly, every value a phrase of its title, and the
loader giving a title-only catalogue products with facts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from adcraft.data.catalogue import CatalogueMapping, load_catalogue
from adcraft.data.title_facts import title_facts, titles_facts

# (title, brand, facts): real titles as their shops wrote them.
TITLES = [
    ("Kent Gold Optima Gold+ Spare Kit, White", "Kent",
     [("type", "Spare Kit"), ("colour", "White")]),  # "Gold" here names the model
    ("boAt Rockerz 450 Bluetooth On Ear Headphones with Mic, 15 Hours Playback, 40mm Drivers "
     "(Luscious Black)", "boAt",
     [("type", "On Ear Headphones"), ("colour", "Luscious Black"), ("size", "40mm Drivers"),
      ("duration", "15 Hours Playback"), ("feature", "with Mic")]),
    ("DKNY Unisex Black & Grey Printed Medium Trolley Bag", "DKNY",
     [("type", "Trolley Bag"), ("for", "Unisex"), ("colour", "Black"), ("colour", "Grey"),
      ("size", "Medium"), ("pattern", "Printed")]),
    ("Indian Terrain Men Beige & Red Slim Fit Checked Smart Casual Linen Shirt", "Indian Terrain",
     [("type", "Shirt"), ("for", "Men"), ("colour", "Beige"), ("colour", "Red"),
      ("fit", "Slim Fit"), ("pattern", "Checked"), ("material", "Linen")]),
    ("Alina decor Peach-Coloured Set of 2 Self Design Rectangle Cushion Covers", "Alina decor",
     [("type", "Rectangle Cushion Covers"), ("colour", "Peach-Coloured"),
      ("pattern", "Self Design"), ("quantity", "Set of 2")]),
    ("Van Heusen Woman Navy Blue Self-Checked Pumps", "Van Heusen Woman",
     [("type", "Pumps"), ("colour", "Navy Blue"), ("pattern", "Self-Checked")]),
    ("Prestige 1.5 L Electric Kettle, 1500W, Stainless Steel", "Prestige",
     [("type", "Electric Kettle"), ("material", "Stainless Steel"), ("capacity", "1.5 L"),
      ("power", "1500W")]),
    ("Therm-a-Rest Compressible Travel Pillow for Camping, Backpacking, Airplanes and Road "
     "Trips, Amethyst", None,
     [("type", "Compressible Travel Pillow"), ("for", "Camping"), ("feature", "Backpacking"),
      ("feature", "Airplanes and Road Trips"), ("feature", "Amethyst")]),
    ("MASTERCANOPY Portable Folding Camping Chair with High Backrest and Carrying Bag, Black",
     None, [("type", "Folding Camping Chair"), ("colour", "Black"),
            ("feature", "with High Backrest and Carrying Bag")]),
    ('HONKID Metal Aluminum Mouse Pad, Office and Gaming Thin Hard Mouse Mat Double Sided '
     'Waterproof Fast and Accurate Control Mousepad for Laptop, Computer and PC,9.05"x7.08", '
     'Black', None,
     [("type", "Mouse Pad"), ("for", "Laptop"), ("colour", "Black"), ("size", '9.05"x7.08"'),
      ("material", "Metal"), ("material", "Aluminum"), ("feature", "Computer and PC")]),
    ("Harryshell Detachable Magnetic 12 Card Slots Holder Wallet Case PU Leather Flip "
     "Protective Cover with Wrist Strap Kickstand for Samsung Galaxy A32 5G (2021) Floral "
     "Flower (Blue)", None,
     [("type", "Protective Cover"), ("for", "Samsung Galaxy A32 5G"), ("colour", "Blue"),
      ("pattern", "Floral"), ("material", "PU Leather"), ("quantity", "12 Card Slots"),
      ("feature", "with Wrist Strap Kickstand"), ("feature", "Floral Flower")]),
    ("OLLY Sleep Gummy, Occasional Sleep Support, 3 mg Melatonin, L-Theanine, Chamomile, Lemon "
     "Balm, Sleep Aid, Blackberry - 60 Count", None,
     [("type", "Gummy"), ("weight", "3 mg Melatonin"), ("quantity", "60 Count"),
      ("feature", "Occasional Sleep Support"), ("feature", "L-Theanine"),
      ("feature", "Chamomile"), ("feature", "Lemon Balm")]),
]


@pytest.mark.parametrize(("title", "brand", "facts"), TITLES, ids=[t[:30] for t, _, _ in TITLES])
def test_real_titles(title: str, brand: str | None, facts: list[tuple[str, str]]) -> None:
    assert title_facts(title, brand=brand) == facts


def test_values_are_phrases_of_the_title_and_never_the_brand() -> None:
    found = titles_facts([(t, None, b) for t, b, _ in TITLES])
    for (title, brand, _), facts in zip(TITLES, found):
        for _, value in facts:
            assert value and value == value.strip() and value.lower() in title.lower()
            assert brand is None or brand.lower() not in value.lower()


def test_units_and_words_that_are_not_what_they_seem() -> None:
    assert title_facts("Seagate 2 TB External Hard Drive", brand="Seagate") == [
        ("type", "Hard Drive"), ("capacity", "2 TB")]
    assert title_facts("Apple 65W USB-C Power Adapter", brand="Apple") == [
        ("type", "USB-C Power Adapter"), ("power", "65W")]
    assert title_facts("Milton 500 ml Steel Water Bottle for Kids", brand="Milton") == [
        ("type", "Water Bottle"), ("for", "Kids"), ("material", "Steel"), ("capacity", "500 ml")]
    # "5G" is a network, "(2021)" a year; "Olive" and "Cream" no colour here
    assert ("weight", "5G") not in title_facts("Galaxy A32 5G (2021)")
    assert not [f for f in title_facts("Olive Oil Extra Virgin 500 ml") if f[0] == "colour"]
    assert not [f for f in title_facts("Lakme Absolute Night Cream, 50 g") if f[0] == "colour"]
    assert title_facts("") == [] and titles_facts([]) == []


def test_the_description_adds_its_first_sentence_and_labelled_materials() -> None:
    facts = title_facts("Campus Men SD-002 Beige Sports Sandals",
                        "A pair of beige comfort sandals. Synthetic upper with velcro closure.",
                        brand="Campus")
    assert facts == [("type", "Sports Sandals"), ("for", "Men"), ("colour", "Beige"),
                     ("material", "Synthetic")]  # "beige" again is no new fact


def _write(path: Path, rows: list[dict]) -> Path:
    pl.DataFrame(rows).write_csv(path)
    return path


def test_a_title_only_catalogue_gets_facts(tmp_path: Path, caplog) -> None:
    path = _write(tmp_path / "shop.csv", [
        {"sku": "1", "name": "boAt Rockerz 450 Bluetooth On Ear Headphones with Mic, 15 Hours "
                             "Playback, 40mm Drivers (Luscious Black)"},
        {"sku": "2", "name": "Kent Gold Optima Gold+ Spare Kit, White"},
        {"sku": "3", "name": "DKNY Unisex Black & Grey Printed Medium Trolley Bag"},
        {"sku": "4", "name": "Prestige 1.5 L Electric Kettle, 1500W, Stainless Steel"},
    ])
    with caplog.at_level("INFO", logger="adcraft.data.catalogue"):
        products = load_catalogue(path, CatalogueMapping(product_id="sku", title="name"))[
            "products"]
    assert products["attributes"].list.len().min() >= 2
    assert products["attributes"][1].to_list() == [
        {"name": "type", "value": "Spare Kit"}, {"name": "colour", "value": "White"}]
    assert "4 products with fewer than 2 facts got facts from the title" in caplog.text
    assert "'Kent Gold Optima Gold+ Spare Kit, White': [('type', 'Spare Kit')" in caplog.text
    off = load_catalogue(path, CatalogueMapping(product_id="sku", title="name",
                                                title_facts=False))["products"]
    assert off["attributes"].null_count() == 4


def test_title_facts_keep_what_a_product_has_and_skip_bulleted_descriptions(
        tmp_path: Path) -> None:
    path = _write(tmp_path / "shop.csv", [
        {"sku": "1", "name": "Kent Gold Optima Gold+ Spare Kit, White", "brand": "Kent",
         "colour": "White", "about": None, "text": "A spare kit in steel."},
        {"sku": "2", "name": "Milton Flask, Silver", "brand": "Milton", "colour": None,
         "about": "Keeps drinks hot", "text": "A copper flask."},
        {"sku": "3", "name": "Wooden Photo Frame 20 x 30 cm", "brand": None, "colour": "Brown",
         "about": "Size: 20 x 30 cm|Material: Wood", "text": None},
    ])
    mapping = CatalogueMapping(product_id="sku", title="name", brand="brand", description="text",
                               attributes={"colour": "colour"}, features="about")
    facts = [[(f["name"], f["value"]) for f in row]
             for row in load_catalogue(path, mapping)["products"]["attributes"].to_list()]
    assert facts == [
        # White is there already; the description (no bullets) adds its steel
        [("colour", "White"), ("type", "Spare Kit"), ("material", "steel")],
        # one bullet: the title adds; the description is not read ("copper")
        [("feature", "Keeps drinks hot"), ("type", "Flask"), ("colour", "Silver")],
        # two facts already: nothing from the title
        [("colour", "Brown"), ("size", "20 x 30 cm"), ("material", "Wood")],
    ]


def test_myntra_title_only_mapping(shared_data: Path) -> None:
    """The real catalogue read as a shop with no attribute columns would be."""
    mapping = CatalogueMapping(product_id="Product_ID", title="Product_Name",
                               brand="Product_Brand", price="Price", currency_code="INR")
    products = load_catalogue(shared_data / "myntra" / "myntra_products_catalog.csv", mapping)[
        "products"]
    counts = products["attributes"].list.len().fill_null(0)
    assert products.height == 12_491 and (counts >= 2).mean() >= 0.6
    for row in products.head(2000).iter_rows(named=True):
        for fact in row["attributes"] or []:
            assert fact["value"].lower() in row["title"].lower(), (row["title"], fact)
            assert fact["value"].lower() != row["brand"].lower()
    bag = products.filter(pl.col("product_id") == "10017413")["attributes"][0].to_list()
    assert {"name": "type", "value": "Trolley Bag"} in bag


def test_amazon_2023_titles(shared_data: Path) -> None:
    titles = {}
    path = shared_data / "amazon_reviews_2023_users" / "training.jsonl"
    for line in path.read_text().splitlines():
        for item in json.loads(line)["history"]:
            if item["product"].get("title"):
                titles[item["product"]["title"]] = item["product"].get("brand")
    found = titles_facts([(t, None, b) for t, b in titles.items()])
    # books and albums ("Cujo", "Hits Alive") state nothing; most products do
    assert sum(len(f) >= 2 for f in found) / len(found) >= 0.7
    for title, facts in zip(titles, found):
        for _, value in facts:
            assert value.lower() in title.lower(), (title, value)
