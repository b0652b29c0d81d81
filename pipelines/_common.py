"""What every job does first: offline, logging, settings."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence


def start_job(verbose: bool = False) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing loads from a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )


def run_recipe(recipe, steps: Sequence[str], log: logging.Logger) -> int:
    """Run the recipe's steps in order, then always its `cleanup`. Bad data, settings or
    paths end the job with a message and exit code 2, not a traceback."""
    started = time.perf_counter()
    try:
        for step in steps:
            getattr(recipe, step)()
    except (ValueError, FileExistsError, FileNotFoundError) as exc:
        log.error("%s", exc)
        return 2
    finally:
        recipe.cleanup()
    log.info("done in %.1fs", time.perf_counter() - started)
    return 0
