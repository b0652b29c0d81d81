"""Shared fixtures: where the real evaluation data lives, beside the repository."""

from __future__ import annotations

import contextlib
import os
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


@pytest.fixture(scope="session")
def ray_local():
    """One real local Ray for the whole session (2 CPUs), shut down at the end."""
    import ray

    # workers inherit this process's environment: an MLFLOW_TRACKING_URI an earlier
    # test left behind (mlflow exports it on set_tracking_uri) must not reach them
    leaked = {k: os.environ.pop(k) for k in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
              if k in os.environ}
    ray.init(address="local", num_cpus=2, log_to_driver=False, configure_logging=False)
    os.environ.update(leaked)
    yield ray
    ray.shutdown()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh ADCRAFT_HOME (data, MLflow store, Ray results) with a small shop; the
    download cache is the project's, so tests do not fetch the OBD wheel again."""
    project_cache = get_settings().cache_dir.resolve()
    monkeypatch.setenv("ADCRAFT_HOME", str(tmp_path))
    monkeypatch.setenv("ADCRAFT_CACHE_DIR", str(project_cache))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    for key, value in SMALL_SHOP.items():
        monkeypatch.setenv(f"ADCRAFT_SHOP__{key.upper()}", str(value))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


SMALL_SHOP = {"n_products": 200, "n_shoppers": 300, "n_events": 20_000, "n_impressions": 6_000}


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A randomly initialised 2-layer Llama (width 64) with the SmolLM2 tokenizer and its
    chat template, saved as a normal model folder: a causal LM that trains in seconds."""
    from adcraft.models.tiny import tiny_causal_lm

    folder = tiny_causal_lm(tmp_path_factory.mktemp("tiny-llama"),
                            get_settings().generator_model_dir)
    return folder


API_KEY = "test-key-0123456789"  # a serving key
ADMIN_KEY = "test-admin-key-0123456789"


@pytest.fixture(scope="session")
def serving_stack(tmp_path_factory, tiny_model_dir) -> dict:
    """Settings overrides of a small, complete serving stack (shop, features, product
    index, conversion and generator champions registered in MLflow) in a tmp home."""
    from adcraft.serving.stack import build_stack, stack_settings
    from adcraft.settings import Settings

    overrides = stack_settings(tmp_path_factory.mktemp("serving-home"),
                               serving={"api_keys": [API_KEY, {"key": ADMIN_KEY, "role": "admin"}],
                                        "max_new_tokens": 8})
    build_stack(Settings(**overrides), tiny_model_dir)
    return overrides


POSTGRES_URL = os.environ.get("ADCRAFT_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> str | None:
    """None when the test PostgreSQL answers, else why not."""
    from sqlalchemy import create_engine, text

    try:
        with create_engine(POSTGRES_URL).connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means: not here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    return None


@contextlib.contextmanager
def _postgres_schema():
    """A new schema of the test PostgreSQL as a database URL; dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    from adcraft.store.db import dispose_engines

    schema = f"adcraft_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        dispose_engines()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _no_postgres() -> str | None:
    """None when the test PostgreSQL answers; else why not (failing where CI needs it)."""
    why = _postgres_reachable()
    if why is not None and os.environ.get("ADCRAFT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required here and not reachable: {why}")
    return why


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A fresh, empty store database: SQLite in a tmp folder, or a new schema of the
    machine's PostgreSQL (ADCRAFT_TEST_POSTGRES_URL, default the local `test`
    database), dropped afterwards. Without a PostgreSQL the second skips with the
    reason, unless ADCRAFT_REQUIRE_POSTGRES=1 (CI), where it fails."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    why = _no_postgres()
    if why is not None:
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL} ({why}): the store runs on SQLite here")
    with _postgres_schema() as url:
        yield url


@pytest.fixture
def shared_store_url(tmp_path) -> str:
    """A store for several processes and nodes: a fresh schema of the machine's
    PostgreSQL where it answers (as on a cluster), else SQLite in a tmp folder."""
    if _no_postgres() is not None:
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    with _postgres_schema() as url:
        yield url
