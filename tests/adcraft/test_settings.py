from __future__ import annotations

from pathlib import Path

from adcraft.settings import Settings


def test_paths_derive_from_home_and_env_overrides(monkeypatch):
    s = Settings()
    assert s.data_dir == Path(".adcraft/data") and s.cache_dir == Path(".adcraft/cache")
    assert s.generator_model_dir == Path(".adcraft/cache/models/smollm2-135m-instruct")
    monkeypatch.setenv("ADCRAFT_HOME", "/srv/adcraft")
    monkeypatch.setenv("ADCRAFT_SEED", "11")
    monkeypatch.setenv("ADCRAFT_SHOP__N_EVENTS", "1234")
    s = Settings()
    assert s.data_dir == Path("/srv/adcraft/data") and s.seed == 11
    assert s.shop.n_events == 1234 and s.shop.n_products == Settings().shop.n_products
