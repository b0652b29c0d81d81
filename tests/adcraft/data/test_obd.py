"""The Open Bandit Dataset sample, fetched once from PyPI into the project cache and read
in full: 2 policies x 3 campaigns x 10,000 real impressions."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from adcraft.data.errors import DataError
from adcraft.data.obd import fetch_obd, load_obd, shopper_id
from adcraft.data.schemas import SCHEMAS
from adcraft.settings import get_settings

REPO = Path(__file__).resolve().parents[3]

# Clicks per 10,000 impressions in obp 0.4.1's sample, by policy and campaign.
CLICKS = {("random", "all"): 38, ("random", "men"): 46, ("random", "women"): 46,
          ("bts", "all"): 42, ("bts", "men"): 69, ("bts", "women"): 46}
ITEMS = {"all": 80, "men": 34, "women": 46}


@pytest.fixture(scope="module")
def obd_root() -> Path:
    cache = get_settings().cache_dir
    return fetch_obd(cache if cache.is_absolute() else REPO / cache)


@pytest.fixture(scope="module")
def obd(obd_root: Path) -> dict[str, pl.DataFrame]:
    return load_obd(obd_root)


def test_fetch_is_idempotent_and_offline_once_cached(obd_root: Path) -> None:
    # A version that does not exist would fail if pip ran: a cached copy needs no network.
    assert fetch_obd(obd_root.parent, version="0.0.0-never-published") == obd_root
    for policy in ("random", "bts"):
        for campaign in ITEMS:
            assert (obd_root / policy / campaign / f"{campaign}.csv").is_file()
            assert (obd_root / policy / campaign / "item_context.csv").is_file()
    assert not list(obd_root.rglob(".DS_Store"))


def test_fetch_reports_a_failed_download(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"could not download obp==0\.0\.0-never-published"):
        fetch_obd(tmp_path, version="0.0.0-never-published")
    assert not (tmp_path / "obd").exists()


def test_tables_and_counts(obd: dict[str, pl.DataFrame]) -> None:
    assert {name: df.schema for name, df in obd.items()} == {
        name: SCHEMAS[name] for name in ("impressions", "products", "shoppers")
    }
    impressions = obd["impressions"]
    assert impressions.height == 60_000
    assert impressions["impression_id"].is_unique().all()
    assert impressions["impression_id"][0] == "obd-random-all-0"
    counts = impressions.group_by("policy", "campaign").agg(
        pl.len().alias("n"), pl.col("clicked").sum().alias("clicks")
    )
    for policy, campaign, n, clicks in counts.iter_rows():
        assert n == 10_000
        assert clicks == CLICKS[(policy, campaign)]
    ctr = impressions["clicked"].mean()
    print(f"OBD click rate: {ctr:.4%}")
    assert ctr == pytest.approx(287 / 60_000)
    assert impressions["converted"].null_count() == 60_000
    assert impressions["copy_variant_id"].null_count() == 60_000
    assert sorted(impressions["position"].unique()) == [1, 2, 3]


def test_propensities(obd: dict[str, pl.DataFrame]) -> None:
    impressions = obd["impressions"]
    propensity = impressions["propensity"]
    assert ((propensity > 0) & (propensity <= 1)).all()
    uniform = impressions.filter(pl.col("policy") == "random")
    for campaign, n_items in ITEMS.items():
        values = uniform.filter(pl.col("campaign") == campaign)["propensity"].unique()
        assert values.to_list() == [pytest.approx(1 / n_items)]
    bts = impressions.filter(pl.col("policy") == "bts")["propensity"]
    assert bts.min() < 1e-3 and bts.max() > 0.9  # Thompson sampling: very uneven


def test_products_and_shoppers(obd: dict[str, pl.DataFrame]) -> None:
    products, impressions = obd["products"], obd["impressions"]
    assert products.height == sum(ITEMS.values()) == 160
    assert products["product_id"].is_unique().all()
    assert set(impressions["product_id"]) <= set(products["product_id"])
    first = products.row(0, named=True)
    assert first["product_id"] == "obd-all-0" and first["category_path"] == ["all"]
    assert [f["name"] for f in first["attributes"]] == [f"item_feature_{i}" for i in range(4)]
    assert first["title"] is None

    shoppers = obd["shoppers"]
    assert shoppers["shopper_id"].is_unique().all()
    assert set(shoppers["shopper_id"]) == set(impressions["shopper_id"])
    assert shoppers.height == 337  # feature cohorts, not people: 4 hashed features
    trait = shoppers.row(0, named=True)["traits"]
    assert shopper_id(f["value"] for f in trait) == shoppers["shopper_id"][0]
    assert shoppers["shopper_id"][0].startswith("obd-u-") and len(shoppers["shopper_id"][0]) == 18


def test_subset_and_missing_campaign(obd_root: Path, tmp_path: Path) -> None:
    men = load_obd(obd_root, policies=["bts"], campaigns=["men"])
    assert men["impressions"].height == 10_000
    assert men["impressions"]["clicked"].sum() == 69
    assert men["products"].height == 34
    with pytest.raises(DataError, match="file not found"):
        load_obd(tmp_path, policies=["random"], campaigns=["men"])


def test_bad_value_names_row_and_field(obd_root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "random" / "men"
    folder.mkdir(parents=True)
    lines = (obd_root / "random" / "men" / "men.csv").read_text().splitlines()[:5]
    cells = lines[3].split(",")
    cells[5] = "abc"  # propensity_score of data row 3
    lines[3] = ",".join(cells)
    (folder / "men.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"men\.csv:4, row 3: field 'propensity_score'") as err:
        load_obd(tmp_path, policies=["random"], campaigns=["men"])
    assert (err.value.line, err.value.row, err.value.field) == (4, 3, "propensity_score")
