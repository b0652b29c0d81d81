from __future__ import annotations

import pytest

from adcraft.data.synthetic import build_shop
from adcraft.models.conversion_data import conversion_data
from adcraft.settings import ShopSettings


@pytest.fixture(scope="session")
def shop_data():
    """Time-split conversion rows from a small synthetic shop, with the shop."""
    shop = build_shop(ShopSettings(n_products=300, n_shoppers=600, n_events=60_000,
                                   n_impressions=24_000), seed=11)
    return shop, conversion_data(shop.tables())
