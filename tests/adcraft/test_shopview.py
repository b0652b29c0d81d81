"""The one view of a shop that serving and the copy recipes share."""

from __future__ import annotations

import polars as pl

from adcraft.content.bestofn import ShopContext
from adcraft.data.synthetic import build_shop
from adcraft.features.build import build_features
from adcraft.settings import ShopSettings
from adcraft.shopview import ShopView


def test_a_shop_answers_for_products_and_shoppers_known_or_not():
    tables = build_shop(ShopSettings(n_products=40, n_shoppers=60, n_events=3_000,
                                     n_impressions=0), seed=3).tables()
    features = build_features(tables)
    shop = ShopView(tables["products"], features["profiles"], features.get("item_features"))
    pid = tables["products"]["product_id"][0]
    assert shop.has_product(pid) and not shop.has_product("nope")
    assert shop.facts(pid).product_id == pid
    assert shop.title(pid) == shop.facts(pid).title != ""
    untitled = ShopView(tables["products"].with_columns(title=pl.lit(None, pl.String)),
                        features["profiles"])
    assert untitled.title(pid) == untitled.facts(pid).title == ""  # never None
    known = features["profiles"]["shopper_id"][0]
    assert shop.profile(known).shopper_id == known
    cold = shop.profile("someone-new")
    assert cold.shopper_id == "someone-new" and cold.categories == shop.popular
    # the copy recipes' context is the same view, with the models that score copy
    ctx = ShopContext(tables["products"], features["profiles"])
    assert isinstance(ctx, ShopView) and ctx.profile(known) == shop.profile(known)
    bare = ShopView(tables["products"], pl.DataFrame())  # a catalogue with no shoppers yet
    assert bare.profile("x").shopper_id == "x" and bare.popular == []
