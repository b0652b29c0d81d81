"""Ingest a data source into standard tables (parquet, all-or-nothing).

    python -m pipelines.ingest synthetic
    python -m pipelines.ingest obd
    python -m pipelines.ingest amazon-users ../shared/data/amazon_reviews_2023_users/training.jsonl
    python -m pipelines.ingest catalogue ../shared/data/myntra/myntra_products_catalog.csv \\
        --mapping myntra --dataset myntra
    python -m pipelines.ingest shop examples/myntra.yaml     (dataset: the file's name)

Tables land in <data_dir>/<dataset>/tables (default dataset name: the source's).
Malformed input stops the job with the file, line and field, and writes nothing.
Run as a Ray job with: ray job submit --working-dir . -- python -m pipelines.ingest ...
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from pathlib import Path

from adcraft.data.errors import DataError
from adcraft.data.io import write_tables
from adcraft.data.sources import SOURCES, dataset_dir, load_source
from adcraft.report import table_summary
from adcraft.settings import get_settings
from pipelines._common import start_job

log = logging.getLogger("pipelines.ingest")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="sources:\n" + "\n".join(f"  {k:<14}{v[2]}" for k, v in SOURCES.items()),
    )
    parser.add_argument("source", choices=list(SOURCES), help="what to read")
    parser.add_argument("path", nargs="?", type=Path, help="input file, for file sources")
    parser.add_argument("--meta", type=Path, help="amazon: the product meta JSONL")
    parser.add_argument("--mapping", default="myntra",
                        help="catalogue: a known mapping name or a JSON mapping file")
    parser.add_argument("--dataset", help="name of the output dataset (default: the source)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_job()
    settings = get_settings()
    dataset = args.dataset or args.source
    if args.source == "shop" and not args.dataset and args.path:
        from adcraft.data.shopfile import read_shop_file

        try:
            dataset = read_shop_file(args.path).name
        except DataError as exc:
            log.error("nothing written: %s", exc)
            return 2
    started = time.perf_counter()
    log.info("reading %s%s", args.source, f" from {args.path}" if args.path else "")
    try:
        tables, truth = load_source(args.source, settings, path=args.path, meta=args.meta,
                                    mapping=args.mapping)
    except DataError as exc:
        log.error("nothing written: %s", exc)
        return 2
    out = dataset_dir(dataset, settings)
    write_tables(tables, out / "tables")
    shutil.rmtree(out / "features", ignore_errors=True)  # built from the tables replaced
    if truth:
        write_tables(truth, out / "truth")
    log.info("wrote %s in %.1fs\n%s", out / "tables", time.perf_counter() - started,
             table_summary(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
