from __future__ import annotations

import pytest

from adcraft.settings import get_settings


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh ADCRAFT_HOME with a small shop; the OBD cache is shared with the project
    so tests do not download the wheel again."""
    project_cache = get_settings().cache_dir.resolve()
    monkeypatch.setenv("ADCRAFT_HOME", str(tmp_path))
    monkeypatch.setenv("ADCRAFT_CACHE_DIR", str(project_cache))
    for key, value in {"N_PRODUCTS": 200, "N_SHOPPERS": 300, "N_EVENTS": 20_000,
                       "N_IMPRESSIONS": 2_000}.items():
        monkeypatch.setenv(f"ADCRAFT_SHOP__{key}", str(value))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
