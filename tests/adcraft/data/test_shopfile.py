from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.data.shopfile import describe_fields, load_shop, read_shop_file

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"

SHOP = """\
name: corner-shop
currency: INR
locale: en-IN
catalogue:
  path: data/products.csv
  mapping:
    product_id: id
    title: name
    price: price
    category: [category]
    category_delimiter: "|"
    features: bullets
events:
  path: data/events.csv
  mapping:
    shopper_id: user
    product_id: item
    event_type: action
    ts: time
    event_names: {pv: view, buy: purchase}
    timestamps: {epoch: s}
reviews:
  path: data/reviews.csv
  mapping: {shopper_id: user, product_id: item, rating: stars, text: body}
copy:
  path: data/copy.csv
  mapping: {product_id: item, text: line, ctr: ctr}
"""


def corner_shop(tmp_path: Path, shop: str = SHOP) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "products.csv").write_text(
        "id,name,price,category,bullets\n"
        'k1,Kent Gold Optima Spare Kit,"₹649",Home&Kitchen|Water Purifiers,'
        '"Material: Plastic|Fits Kent Gold and Gold+"\n'
        "k2,boAt Rockerz 450 Headphones,1299,Electronics|Headphones,Colour: Black\n"
        "k2,boAt Rockerz 450 Headphones,1299,Electronics|Headphones,Colour: Black\n")
    (data / "events.csv").write_text("user,item,action,time\nu1,k1,pv,1709288400\n"
                                     "u1,k1,buy,1709288500\nu2,k2,pv,1709288600\n")
    (data / "reviews.csv").write_text("user,item,stars,body\nu3,k2,5,Great sound\n")
    (data / "copy.csv").write_text("item,line,ctr\nk1,Clean water for less,0.04\n")
    path = tmp_path / "shop.yaml"
    path.write_text(shop)
    return path


def test_a_shop_file_reads_every_part_relative_to_itself(tmp_path: Path) -> None:
    shop = read_shop_file(corner_shop(tmp_path))
    assert shop.catalogue.path == (tmp_path / "data" / "products.csv").resolve()
    tables = load_shop(shop)
    products = tables["products"]
    assert products["product_id"].to_list() == ["k1", "k2"]  # the repeated row merged
    assert products["price"].to_list() == [649.0, 1299.0]
    assert products["currency"].to_list() == ["INR", "INR"]  # symbol, then the file's own
    assert products["category_path"][0].to_list() == ["Home&Kitchen", "Water Purifiers"]
    assert {"name": "material", "value": "Plastic"} in products["attributes"][0].to_list()
    assert tables["events"]["event_type"].cast(pl.String).to_list() == ["view", "purchase",
                                                                        "view"]
    assert tables["reviews"]["rating"].to_list() == [5.0]
    assert tables["copy"]["locale"].to_list() == ["en-IN"]
    assert sorted(tables["shoppers"]["shopper_id"]) == ["u1", "u2", "u3"]


def test_a_field_the_file_gets_wrong_is_named_with_its_line(tmp_path: Path) -> None:
    path = corner_shop(tmp_path, SHOP.replace("    timestamps: {epoch: s}",
                                              "    timestamps: {epoch: weeks}"))
    with pytest.raises(DataError) as err:
        read_shop_file(path)
    assert err.value.field == "events.mapping.timestamps.epoch"
    assert err.value.line == 21 and str(path) in str(err.value)

    path.write_text(SHOP.replace("  mapping:\n    product_id: id", "  mapping:\n    id: id", 1))
    with pytest.raises(DataError, match="catalogue.mapping"):
        read_shop_file(path)

    path.write_text("name: x\ncatalogue: [unclosed\n")
    with pytest.raises(DataError, match="not YAML") as err:
        read_shop_file(path)
    assert err.value.line is not None


def test_a_catalogue_or_a_source_and_a_name_that_can_be_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text("name: Bad Name!\nsource: {format: taobao, path: x.csv}\n")
    with pytest.raises(DataError, match="lowercase"):
        read_shop_file(path)
    path.write_text("name: empty\n")
    with pytest.raises(DataError, match="a catalogue .* or a source"):
        read_shop_file(path)


def test_bad_rows_in_a_shop_file_name_their_file_line_and_column(tmp_path: Path) -> None:
    path = corner_shop(tmp_path)
    (tmp_path / "data" / "events.csv").write_text("user,item,action,time\n"
                                                  "u1,k1,pv,1709288400\nu1,k1,pv,soon\n")
    with pytest.raises(DataError) as err:
        load_shop(read_shop_file(path))
    assert (err.value.line, err.value.field) == (3, "time")
    assert "events.csv" in str(err.value) and "'soon'" in str(err.value)


def test_help_lists_every_part_of_the_file() -> None:
    text = "\n".join(describe_fields())
    for key in ("name:", "catalogue.mapping:", "events.mapping:", "reviews.path:", "copy:",
                "source.format:", "currency:"):
        assert key in text


def test_the_examples_read(shared_data: Path) -> None:
    myntra = load_shop(read_shop_file(EXAMPLES / "myntra.yaml"))
    products = myntra["products"]
    assert products.height == 12_491 and products["product_id"].is_unique().all()
    assert (products["attributes"].list.len() >= 2).mean() > 0.9
    amazon = load_shop(read_shop_file(EXAMPLES / "amazon-users.yaml"))
    assert amazon["events"].height > 2_000 and amazon["heldout"].height == 598
    assert read_shop_file(EXAMPLES / "my-shop.yaml").events.mapping.event_names["buy"] == (
        "purchase")


def test_a_semicolon_export_with_decimal_comma_prices(tmp_path: Path) -> None:
    (tmp_path / "produits.csv").write_text(
        "ref;nom;prix;catégorie\n"
        "A1;Bouilloire électrique 1,7 L;\"29,99 €\";Cuisine\n"
        "A2;Théière en fonte;\"1.299,00 €\";Cuisine\n"
        "A3;Tasse;abc;Cuisine\n", encoding="utf-8")
    (tmp_path / "vues.csv").write_text("client;ref;type;quand\nc1;A1;view;1709288400\n")
    shop = tmp_path / "shop.yaml"
    shop.write_text("name: boutique\nlocale: fr-FR\ncatalogue:\n  path: produits.csv\n"
                    "  mapping: {product_id: ref, title: nom, price: prix, category: [catégorie],"
                    " separator: ';'}\n"
                    "events:\n  path: vues.csv\n  mapping: {shopper_id: client, product_id: ref,"
                    " event_type: type, ts: quand, separator: ';', timestamps: {epoch: s}}\n")
    with pytest.raises(DataError) as err:  # the third row's price is no price
        load_shop(read_shop_file(shop))
    assert (err.value.line, err.value.field) == (4, "prix") and "'abc'" in str(err.value)
    (tmp_path / "produits.csv").write_text(
        (tmp_path / "produits.csv").read_text().replace(";abc;", ";\"4,50 €\";"))
    tables = load_shop(read_shop_file(shop))
    assert tables["products"]["price"].to_list() == [29.99, 1299.0, 4.5]
    assert tables["products"]["currency"].to_list() == ["EUR"] * 3
    assert tables["events"].height == 1
