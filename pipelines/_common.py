"""What every job does first: offline, logging, settings."""

from __future__ import annotations

import logging
import os


def start_job(verbose: bool = False) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing loads from a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
