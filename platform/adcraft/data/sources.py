"""Every data source by name, and where its tables live on disk.

    <data_dir>/<dataset>/tables/    products, shoppers, events, ... (parquet)
    <data_dir>/<dataset>/truth/     ground truth, synthetic shop only
    <data_dir>/<dataset>/features/  profiles, item_features
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from adcraft.settings import Settings, get_settings

Tables = dict[str, pl.DataFrame]


def dataset_dir(dataset: str, settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / dataset


def _synthetic(settings: Settings, **_) -> tuple[Tables, Tables]:
    from adcraft.data.synthetic import build_shop

    shop = build_shop(settings.shop, settings.seed)
    truth = {"tastes": shop.tastes, "impression_truth": shop.impression_truth}
    return shop.tables(), truth


def _obd(settings: Settings, **_) -> tuple[Tables, Tables]:
    from adcraft.data.obd import fetch_obd, load_obd

    return load_obd(fetch_obd(settings.cache_dir, settings.obd_version)), {}


def _amazon(settings: Settings, path: Path, meta: Path | None = None, **_):
    from adcraft.data.amazon import load_amazon_raw

    return load_amazon_raw(path, meta), {}


def _amazon_users(settings: Settings, path: Path, **_):
    from adcraft.data.amazon import load_amazon_users

    return load_amazon_users(path), {}


def _taobao(settings: Settings, path: Path, **_):
    from adcraft.data.taobao import load_taobao

    return load_taobao(path), {}


def _catalogue(settings: Settings, path: Path, mapping: str = "myntra", **_):
    from adcraft.data import catalogue

    known = {"myntra": catalogue.MYNTRA}
    if mapping not in known:
        mapping_file = Path(mapping)
        if not mapping_file.is_file():
            raise ValueError(f"unknown mapping {mapping!r}: give one of {sorted(known)} "
                             "or a JSON file of CatalogueMapping fields")
        chosen = catalogue.CatalogueMapping.model_validate_json(mapping_file.read_text())
    else:
        chosen = known[mapping]
    return catalogue.load_catalogue(path, chosen), {}


def _advertisegen(settings: Settings, path: Path, **_):
    from adcraft.data.advertisegen import load_advertisegen

    return load_advertisegen(path), {}


def _shop(settings: Settings, path: Path, **_):
    from adcraft.data.shopfile import load_shop, read_shop_file

    return load_shop(read_shop_file(path)), {}


# name -> (loader, needs a path, what it reads)
SOURCES: dict[str, tuple[Callable[..., tuple[Tables, Tables]], bool, str]] = {
    "synthetic": (_synthetic, False, "the embedded synthetic shop (size from settings)"),
    "obd": (_obd, False, "Open Bandit Dataset sample (real ZOZOTOWN logs, from the obp wheel)"),
    "amazon": (_amazon, True, "Amazon Reviews 2023 raw review JSONL (+ --meta JSONL)"),
    "amazon-users": (_amazon_users, True, "Amazon Reviews 2023 per-shopper history JSONL"),
    "taobao": (_taobao, True, "Taobao UserBehavior CSV (no header)"),
    "catalogue": (_catalogue, True, "a catalogue CSV/Parquet with a column mapping"),
    "advertisegen": (_advertisegen, True, "AdvertiseGen attribute -> copy JSON lines"),
    "shop": (_shop, True, "a shop file (shop.yaml): catalogue, events, reviews, copy"),
}


def load_source(
    source: str, settings: Settings | None = None, path: Path | None = None, **options
) -> tuple[Tables, Tables]:
    """Read a source into (tables, ground truth); raises DataError on malformed input."""
    settings = settings or get_settings()
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    loader, needs_path, _ = SOURCES[source]
    if needs_path and path is None:
        raise ValueError(f"source {source!r} needs a path to read")
    return loader(settings, path=path, **options)
