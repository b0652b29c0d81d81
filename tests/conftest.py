"""Shared fixtures: where the real evaluation data lives, beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from adcraft.settings import get_settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or ADCRAFT_SHARED_DATA_DIR); real-data tests skip without it."""
    folder = get_settings().shared_data_dir
    folder = folder if folder.is_absolute() else (REPO / folder).resolve()
    if not folder.is_dir():
        pytest.skip("../shared/data is absent: real-data tests need the shared evaluation data "
                    "beside the repo")
    return folder
