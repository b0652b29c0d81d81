"""A hand-made catalogue whose facts can be read off the page, and a small synthetic
shop for what needs shoppers."""

from __future__ import annotations

import polars as pl
import pytest

from adcraft.content.claims import FactVocabulary
from adcraft.content.request import ProductFacts
from adcraft.data.schemas import conform
from adcraft.data.synthetic import build_shop
from adcraft.features.profiles import ShopperProfile, build_profiles
from adcraft.settings import ShopSettings


def _facts(**kw: str | list[str]) -> list[dict]:
    return [{"name": k, "value": v} for k, vs in kw.items()
            for v in (vs if isinstance(vs, list) else [vs])]


@pytest.fixture(scope="session")
def products() -> pl.DataFrame:
    return conform(pl.DataFrame([
        {"product_id": "jacket", "title": "Northpeak Waterproof Merino Wool Jacket",
         "description": "A waterproof, hooded jacket made from merino wool.",
         "category_path": ["Outdoor", "Jackets"], "brand": "Northpeak", "price": 49.99,
         "currency": "EUR",
         "attributes": _facts(material="merino wool", feature=["waterproof", "hooded"],
                              colour="red", rating="4.8")},
        {"product_id": "parka", "title": "Fjellstad Insulated Parka", "description": "",
         "category_path": ["Outdoor", "Jackets"], "brand": "Fjellstad", "price": 199.0,
         "currency": "EUR", "attributes": _facts(material="fleece", feature="insulated")},
        {"product_id": "headphones", "title": "Sonora Wireless Headphones", "description": "",
         "category_path": ["Electronics", "Headphones"], "brand": "Sonora", "price": 129.0,
         "currency": "EUR",
         "attributes": _facts(feature=["wireless", "30-hour battery"])},
    ]), "products")


@pytest.fixture(scope="session")
def vocabulary(products) -> FactVocabulary:
    return FactVocabulary.from_products(products)


@pytest.fixture(scope="session")
def jacket(products) -> ProductFacts:
    return ProductFacts.from_row(products.row(0, named=True))


@pytest.fixture(scope="session")
def headphones(products) -> ProductFacts:
    return ProductFacts.from_row(products.row(2, named=True))


@pytest.fixture
def likes_waterproof() -> ShopperProfile:
    return ShopperProfile(shopper_id="S1", liked_attributes=["waterproof", "insulated"])


@pytest.fixture(scope="session")
def small_shop():
    """The synthetic shop with profiles built from its whole history."""
    shop = build_shop(ShopSettings(n_products=200, n_shoppers=100, n_events=2000,
                                   n_impressions=0), seed=1)
    return shop, build_profiles(shop.events, shop.products, shop.reviews)
