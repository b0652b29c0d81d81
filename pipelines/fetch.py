"""Fetch, once, what the default configuration needs into the cache (idempotent).

    python -m pipelines.fetch

Today: the Open Bandit Dataset sample from the `obp` wheel on PyPI.
"""

from __future__ import annotations

import argparse
import logging

from adcraft.data.obd import fetch_obd
from adcraft.settings import get_settings
from pipelines._common import start_job

log = logging.getLogger("pipelines.fetch")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    start_job()
    settings = get_settings()
    obd = fetch_obd(settings.cache_dir, settings.obd_version)
    log.info("Open Bandit Dataset sample at %s", obd)


if __name__ == "__main__":
    main()
