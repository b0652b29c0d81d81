"""Engines and migrations. `engine_for(settings)` opens the database the settings name
(`database_url`, default SQLite under home) with the pragmas each backend needs;
`upgrade(engine)` applies every Alembic migration not yet applied (from empty, too)."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_MS = 10_000  # another process holds the write lock: wait this long


def sqlite_url(home: str | Path) -> str:
    """The embedded default: one SQLite file under `home`."""
    return f"sqlite:///{Path(home).resolve() / 'adcraft.db'}"


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`. SQLite: WAL (readers never wait for the writer), a busy
    timeout for the other processes' writes, foreign keys on, and FULL sync, so a
    committed row survives power loss, not only `kill -9`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000},
                               **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                           f"busy_timeout={SQLITE_BUSY_MS}"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url",
                           engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


MIGRATION_LOCK = 0x61646372  # PostgreSQL advisory lock held while migrating ("adcr")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to `revision` on `engine`'s database. Replicas starting
    together take turns: PostgreSQL under an advisory lock; on SQLite the loser of the
    race finds the schema already there."""
    config = alembic_config(engine)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                   {"k": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except Exception:
        if revision != "head" or current_revision(engine) != head_revision():
            raise
        log.info("another process migrated the store first")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config(create_engine("sqlite://"))).get_current_head()


_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def store_engine(url: str) -> Engine:
    """The process's engine for `url`, migrated to the newest schema on first use."""
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = make_engine(url)
            if current_revision(engine) != head_revision():
                log.info("migrating the store at %s to revision %s",
                         engine.url.render_as_string(), head_revision())
                upgrade(engine)
            engine = _ENGINES[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every engine `store_engine` opened (tests dropping their databases)."""
    for engine in list(_ENGINES.values()):
        engine.dispose()
    _ENGINES.clear()
