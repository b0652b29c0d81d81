from __future__ import annotations

import polars as pl

from adcraft.data.io import read_tables
from adcraft.data.schemas import SCHEMAS
from pipelines import build_features, ingest


def test_ingest_synthetic_then_features(home, capsys):
    assert ingest.main(["synthetic"]) == 0
    tables = read_tables(home / "data" / "synthetic" / "tables")
    assert set(tables) == {"products", "shoppers", "events", "reviews", "impressions", "copy"}
    assert all(df.schema == SCHEMAS[name] for name, df in tables.items())
    assert tables["products"].height == 200
    truth = read_tables(home / "data" / "synthetic" / "truth")
    assert truth["tastes"].height == 300

    assert build_features.main(["synthetic", "--show", "2"]) == 0
    features = read_tables(home / "data" / "synthetic" / "features")
    assert features["item_features"].height == 200
    assert features["profiles"]["shopper_id"].is_unique().all()
    assert "Into:" in capsys.readouterr().out


def test_malformed_input_stops_with_where_and_writes_nothing(home, tmp_path, caplog):
    bad = tmp_path / "behaviour.csv"
    bad.write_text("1,10,5,pv,1511544070\n1,11,5,teleport,1511544071\n")
    assert ingest.main(["taobao", str(bad), "--dataset", "shop"]) == 2
    assert f"{bad}" in caplog.text and "behavior" in caplog.text
    assert not (home / "data" / "shop").exists()


def test_real_catalogue_through_the_job(home, shared_data):
    path = shared_data / "myntra" / "myntra_products_catalog.csv"
    assert ingest.main(["catalogue", str(path), "--dataset", "myntra"]) == 0
    products = read_tables(home / "data" / "myntra" / "tables")["products"]
    assert products.height == 12_491
    assert products["currency"].unique().to_list() == ["INR"]
    assert products.filter(pl.col("price").is_null()).height == 0
