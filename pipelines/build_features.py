"""Build shopper profiles and item features for an ingested dataset.

    python -m pipelines.build_features synthetic
    python -m pipelines.build_features amazon-users --show 3

Reads <data_dir>/<dataset>/tables, writes <data_dir>/<dataset>/features.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from adcraft.data.io import read_tables, write_tables
from adcraft.data.sources import dataset_dir
from adcraft.features.build import build_features
from adcraft.report import contrasting_shoppers, profile_cards
from adcraft.settings import get_settings
from pipelines._common import start_job

log = logging.getLogger("pipelines.build_features")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", help="an ingested dataset, e.g. synthetic")
    parser.add_argument("--show", type=int, default=0, help="print this many profiles")
    args = parser.parse_args(argv)
    start_job()
    folder = dataset_dir(args.dataset, get_settings())
    started = time.perf_counter()
    features = build_features(read_tables(folder / "tables"))
    write_tables(features, folder / "features")
    log.info("wrote %s (%s) in %.1fs", folder / "features",
             ", ".join(f"{k} {v.height:,} rows" for k, v in features.items()),
             time.perf_counter() - started)
    if args.show and "profiles" in features:
        profiles = features["profiles"]
        print(profile_cards(profiles, contrasting_shoppers(profiles, args.show)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
