"""Migrations apply from empty on SQLite and on PostgreSQL, leave the schema the tables
module describes, and are safe to run again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from adcraft.store.db import current_revision, head_revision, make_engine, store_engine, upgrade
from adcraft.store.tables import metadata


def test_migrations_apply_from_empty_and_match_the_tables(database_url):
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    assert not set(inspect(engine).get_table_names()) & set(metadata.tables)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:  # what autogenerate would write next: nothing
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    upgrade(engine)  # again: a no-op
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_process_engine_migrates_on_first_use(database_url):
    engine = store_engine(database_url)
    assert current_revision(engine) == head_revision()
    assert store_engine(database_url) is engine
