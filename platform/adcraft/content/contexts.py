"""Where copy requests come from: the synthetic shop (with its true click model) or a
real catalogue with synthetic visitors. Both give a `ShopContext` and, where the shop
has one, its own historical copy."""

from __future__ import annotations

import logging
from pathlib import Path

from adcraft.content.bestofn import ShopContext, history_by_product
from adcraft.data.catalogue import MYNTRA, CatalogueMapping, load_catalogue
from adcraft.data.io import read_tables
from adcraft.data.sources import dataset_dir
from adcraft.data.synthetic import build_shop
from adcraft.data.synthetic.visitors import simulate_visitors
from adcraft.features.build import build_features
from adcraft.models.conversion import ConversionModel
from adcraft.settings import Settings

log = logging.getLogger(__name__)

MAPPINGS: dict[str, CatalogueMapping] = {"myntra": MYNTRA}


def synthetic_context(settings: Settings, conversion: ConversionModel | None
                      ) -> tuple[ShopContext, dict[str, list[str]]]:
    """The ingested synthetic shop with its features, and its best historical copy.
    The click model is rebuilt from the same settings and seed (catalogue and shoppers
    only, which takes a moment; the event log is not simulated again)."""
    folder = dataset_dir("synthetic", settings)
    tables = read_tables(folder / "tables")
    features = read_tables(folder / "features")
    shop = build_shop(settings.shop, settings.seed)
    if shop.products["product_id"].to_list() != tables["products"]["product_id"].to_list():
        raise ValueError(f"{folder} was built with other shop settings: re-run "
                         "`python -m pipelines.ingest synthetic`")
    ctx = ShopContext(tables["products"], features["profiles"], features.get("item_features"),
                      tables["shoppers"], click_model=shop.click_model, conversion=conversion)
    return ctx, history_by_product(tables["copy"], tables.get("impressions"))


def catalogue_context(path: str | Path, mapping: str, conversion: ConversionModel | None,
                      n_shoppers: int, seed: int) -> tuple[ShopContext, dict[str, list[str]]]:
    """A real catalogue with `n_shoppers` synthetic visitors, their profiles and item
    features; it has no historical copy."""
    if mapping not in MAPPINGS:
        raise ValueError(f"unknown catalogue mapping {mapping!r}; known: {sorted(MAPPINGS)}")
    products = load_catalogue(path, MAPPINGS[mapping])["products"]
    visitors = simulate_visitors(products, n_shoppers, seed=seed)
    features = build_features({"products": products, **visitors.tables()})
    log.info("%s: %d products, %d synthetic visitors, %d events", path, products.height,
             n_shoppers, visitors.events.height)
    return ShopContext(products, features["profiles"], features.get("item_features"),
                       visitors.shoppers, conversion=conversion), {}


def dataset_context(settings: Settings, dataset: str, conversion: ConversionModel | None,
                    n_shoppers: int, seed: int) -> tuple[ShopContext, dict[str, list[str]]]:
    """An ingested dataset (`adcraft train --shop`): its products, its shoppers' profiles
    where it has behaviour (synthetic visitors where it has none yet), and its own
    historical copy, the best by click rate per product."""
    folder = dataset_dir(dataset, settings)
    tables = read_tables(folder / "tables")
    products = tables["products"]
    features = read_tables(folder / "features") if (folder / "features").is_dir() else {}
    profiles = features.get("profiles")
    if profiles is None or profiles.height == 0:
        visitors = simulate_visitors(products, n_shoppers, seed=seed)
        features = build_features({"products": products, **visitors.tables()})
        profiles, shoppers = features["profiles"], visitors.shoppers
        log.info("%s has no shoppers with behaviour yet: %d synthetic visitors", dataset,
                 n_shoppers)
    else:
        shoppers = tables.get("shoppers")
    copy = tables.get("copy")
    history = ({} if copy is None or copy.height == 0
               else history_by_product(copy, tables.get("impressions"), min_impressions=1))
    log.info("%s: %d products, %d profiles, historical copy for %d products", dataset,
             products.height, profiles.height, len(history))
    return ShopContext(products, profiles, features.get("item_features"), shoppers,
                       conversion=conversion), history
