"""`adcraft insights`: a merchant reads a dataset's likes and dislikes at the terminal."""

from __future__ import annotations

import polars as pl
from typer.testing import CliRunner

from adcraft.data.io import write_tables
from adcraft.data.sources import dataset_dir
from adcraft.settings import get_settings
from adcraft_cli.main import app
from tests.adcraft.features.test_insights import shop_products, shop_reviews

runner = CliRunner()


def test_insights_of_a_tiny_dataset_with_the_full_table_as_csv(home):
    write_tables({"products": shop_products(), "reviews": shop_reviews()},
                 dataset_dir("tiny", get_settings()) / "tables")
    out = home / "out" / "insights.csv"
    result = runner.invoke(app, ["insights", "--dataset", "tiny", "--top", "1",
                                 "--products", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Electronics: 3 reviews" in result.output and "uncategorised" not in result.output
    assert '  liked     battery    1  "The battery is great."' in result.output
    assert '  disliked  strap      2  "The STRAP is flimsy and cheap."' in result.output
    assert "Most reviewed products" not in result.output  # --products 0
    table = pl.read_csv(out)
    assert table.height == 12 and f"12 rows (category and product, aspect, polarity) in {out}" \
        in result.output
    strap = table.filter((pl.col("level") == "product") & (pl.col("aspect") == "strap"))
    assert strap.select("product_id", "polarity", "sentences").row(0) == ("watch", "dislike", 2)


def test_insights_without_reviews_says_so(home):
    write_tables({"products": shop_products()}, dataset_dir("catalogue", get_settings())
                 / "tables")
    result = runner.invoke(app, ["insights", "--dataset", "catalogue"])
    assert result.exit_code == 0, result.output
    assert "No reviews in this dataset" in result.output


def test_insights_of_a_dataset_not_ingested_names_the_folder_and_the_command(home):
    result = runner.invoke(app, ["insights", "--dataset", "amazon-users"])
    assert result.exit_code == 2
    assert str(home / "data" / "amazon-users" / "tables") in result.output
    assert "`python -m pipelines.ingest amazon-users PATH`" in result.output
    other = runner.invoke(app, ["insights", "--dataset", "myshop"])
    assert other.exit_code == 2
    assert "`python -m pipelines.ingest SOURCE PATH --dataset myshop`" in other.output
