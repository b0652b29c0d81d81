"""The Open Bandit Dataset sample: real ZOZOTOWN recommendation logs with propensities.

The sample (2 logging policies x 3 campaigns x 10,000 impressions = 60,000 rows) ships as
CSV files inside the PyPI wheel of `obp`. That package does not install on Python 3.11, so
we download the wheel with pip, unzip only ``obp/dataset/obd/`` and read the files here.

Layout once fetched: ``<cache_dir>/obd/{random,bts}/{all,men,women}/{campaign}.csv`` plus
``item_context.csv`` in each campaign folder. What the files hold (obp 0.4.1):

- Item ids are campaign-local (0..79 in "all", 0..33 in "men", 0..45 in "women", each
  campaign with its own item_context), so product ids carry the campaign: ``obd-men-12``.
- The item_context of a campaign is the same under both policies for ``item_feature_0``
  (a numeric feature), but the hashed categorical ``item_feature_1..3`` are hashed with a
  different salt per policy; products take their facts from the first policy loaded.
- User features are 4 hashed categoricals with only 3/5/9/9 distinct values, so a
  "shopper" here is a feature cohort (about 240 per log), not a person.
- Positions are 1, 2, 3 in the files (already 1-based); random-policy propensities are
  1 / number of items; the click rate is about 0.4-0.7 %.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from adcraft.data.errors import DataError
from adcraft.data.io import read_csv_columns
from adcraft.data.schemas import conform
from adcraft.settings import get_settings
from adcraft.wheels import download_wheel, extract

log = logging.getLogger(__name__)

POLICIES = ("random", "bts")
CAMPAIGNS = ("all", "men", "women")
USER_FEATURES = [f"user_feature_{i}" for i in range(4)]
WHEEL_PREFIX = "obp/dataset/obd/"


def _has_csvs(folder: Path) -> bool:
    return all(
        (folder / policy / campaign / f"{campaign}.csv").is_file()
        for policy in POLICIES
        for campaign in CAMPAIGNS
    )


def fetch_obd(cache_dir: str | Path | None = None, version: str | None = None) -> Path:
    """Unpack the OBD sample into ``<cache_dir>/obd`` once; later calls touch no network."""
    settings = get_settings()
    cache = Path(cache_dir if cache_dir is not None else settings.cache_dir)
    version = version or settings.obd_version
    target = cache / "obd"
    if _has_csvs(target):
        log.debug("OBD sample already at %s", target)
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".obd-", dir=cache) as tmp:
        wheel = download_wheel("obp", version, Path(tmp) / "wheel")
        staging = Path(tmp) / "obd"
        members = extract(wheel, WHEEL_PREFIX, staging, skip=(".DS_Store",))
        if not _has_csvs(staging):
            raise RuntimeError(f"{wheel.name} lacks the expected {WHEEL_PREFIX} CSV files")
        if _has_csvs(target):  # another process finished first: keep its copy
            return target
        if target.exists():  # an incomplete folder: moved aside, deleted with the temp dir
            target.rename(Path(tmp) / "incomplete")
        try:
            staging.rename(target)
        except OSError:
            if not _has_csvs(target):
                raise
            return target
        log.info("unpacked %d OBD files from %s into %s", len(members), wheel.name, target)
    return target


def shopper_id(values: Iterable[str]) -> str:
    """A stable id from the four hashed user features: OBD has no user ids of its own."""
    joined = "|".join(values)
    return "obd-u-" + hashlib.sha1(joined.encode()).hexdigest()[:12]


def _read_campaign(root: Path, policy: str, campaign: str) -> pl.DataFrame:
    path = root / policy / campaign / f"{campaign}.csv"
    columns = {
        "timestamp": pl.String,
        "item_id": pl.Int64,
        "position": pl.Int32,
        "click": pl.Int8,
        "propensity_score": pl.Float64,
        **{name: pl.String for name in USER_FEATURES},
    }
    df = read_csv_columns(path, columns)
    ts = df.get_column("timestamp").str.to_datetime(time_zone="UTC", strict=False)
    if ts.null_count():
        row = int(ts.is_null().arg_true()[0]) + 1
        raise DataError(path, "not a timestamp", row=row, line=row + 1, field="timestamp")
    return df.with_row_index("row").with_columns(
        ts.alias("ts"), pl.lit(policy).alias("policy"), pl.lit(campaign).alias("campaign")
    )


def _read_items(root: Path, policies: list[str], campaign: str) -> pl.DataFrame:
    """One campaign's items; the first policy's hashes win (see the module docstring)."""
    paths = [root / policy / campaign / "item_context.csv" for policy in policies]
    path = next((p for p in paths if p.is_file()), paths[0])
    if not path.is_file():
        raise DataError(path, "file not found")
    header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
    features = sorted(c for c in header if c.startswith("item_feature_"))
    if not features:
        raise DataError(path, "no item_feature_* columns", field="item_feature_0")
    items = read_csv_columns(path, {"item_id": pl.Int64, **{f: pl.String for f in features}})
    return items.select(
        pl.format("obd-{}-{}", pl.lit(campaign), "item_id").alias("product_id"),
        pl.concat_list(pl.lit(campaign)).alias("category_path"),
        pl.concat_list(
            [pl.struct(pl.lit(f).alias("name"), pl.col(f).alias("value")) for f in features]
        ).alias("attributes"),
    )


def load_obd(
    root: str | Path,
    policies: Iterable[str] = POLICIES,
    campaigns: Iterable[str] = CAMPAIGNS,
) -> dict[str, pl.DataFrame]:
    """Impressions, products and shoppers of the chosen policy x campaign logs, each log
    contributing its 10,000 rows (60,000 for all six)."""
    root = Path(root)
    policies, campaigns = list(policies), list(campaigns)
    raw = pl.concat([_read_campaign(root, p, c) for p in policies for c in campaigns])
    joined = raw.select(pl.concat_str(USER_FEATURES, separator="|")).to_series()
    ids = {key: shopper_id(key.split("|")) for key in joined.unique().to_list()}
    raw = raw.with_columns(joined.replace_strict(ids, return_dtype=pl.String).alias("shopper"))

    impressions = raw.select(
        pl.format("obd-{}-{}-{}", "policy", "campaign", "row").alias("impression_id"),
        "ts",
        pl.col("shopper").alias("shopper_id"),
        pl.format("obd-{}-{}", "campaign", "item_id").alias("product_id"),
        "position",  # 1-based in the files already: 1 = left, 2 = centre, 3 = right
        pl.col("propensity_score").alias("propensity"),
        (pl.col("click") == 1).alias("clicked"),
        "policy",
        "campaign",
    )
    products = pl.concat([_read_items(root, policies, c) for c in campaigns])
    traits = pl.concat_list(
        [pl.struct(pl.lit(n).alias("name"), pl.col(n).alias("value")) for n in USER_FEATURES]
    )
    shoppers = raw.select(pl.col("shopper").alias("shopper_id"), traits.alias("traits")).unique(
        "shopper_id", keep="first", maintain_order=True
    )
    source = str(root)
    return {
        "impressions": conform(impressions, "impressions", source),
        "products": conform(products, "products", source),
        "shoppers": conform(shoppers, "shoppers", source),
    }
