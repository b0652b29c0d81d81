"""Real parts, shared across the retrieval tests: the MiniLM embedder from the project's
cache, a hand-made catalogue whose nearest neighbours are obvious, and a synthetic shop
big enough for ranking quality to show (embedded once per session)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from adcraft.data.schemas import conform
from adcraft.data.synthetic import build_shop
from adcraft.retrieval import EmbeddingConfig, ProductIndex, embed_products, load_embedder
from adcraft.settings import ShopSettings, get_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
AS_OF = datetime(2026, 10, 31, tzinfo=UTC)
# Big enough that fused ranking beats popularity clearly; titles only, to embed fast.
RANKING_SHOP = ShopSettings(n_products=300, n_shoppers=800, n_events=60_000, n_impressions=0)
TITLES_ONLY = EmbeddingConfig(max_description_chars=0)


def days_ago(d: float) -> datetime:
    return AS_OF - timedelta(days=d)


@pytest.fixture(scope="session")
def embedder():
    return load_embedder(get_settings().embedder_model_dir)


@pytest.fixture(scope="session")
def catalogue() -> pl.DataFrame:
    rows = [
        ("boots", "Waterproof leather hiking boots", ["Footwear", "Boots"], "Trailmaster"),
        ("trail", "Trail running shoes with grippy outsole", ["Footwear", "Running"], "Pace"),
        ("socks", "Merino wool hiking socks", ["Footwear", "Socks"], "Trailmaster"),
        ("pan", "Cast iron frying pan", ["Home", "Cookware"], "Hearthly"),
        ("pot", "Stainless steel saucepan with lid", ["Home", "Cookware"], "Hearthly"),
        ("serum", "Vitamin C face serum", ["Beauty", "Skincare"], "Lumea"),
    ]
    frame = pl.DataFrame(rows, schema=["product_id", "title", "category_path", "brand"],
                         orient="row")
    return conform(frame, "products")


@pytest.fixture(scope="session")
def catalogue_index(catalogue, embedder) -> ProductIndex:
    return ProductIndex.build(embed_products(catalogue, embedder))


def events(rows: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    """(shopper, product, event type, days ago) rows as an events table."""
    frame = pl.DataFrame(
        [(s, p, e, days_ago(d)) for s, p, e, d in rows],
        schema={"shopper_id": pl.String, "product_id": pl.String, "event_type": pl.String,
                "ts": pl.Datetime("us", "UTC")}, orient="row")
    return conform(frame, "events")


@pytest.fixture(scope="session")
def ranking_shop():
    return build_shop(RANKING_SHOP, seed=7).tables()


@pytest.fixture(scope="session")
def ranking_index(ranking_shop, embedder) -> ProductIndex:
    return ProductIndex.build(embed_products(ranking_shop["products"], embedder, TITLES_ONLY))
