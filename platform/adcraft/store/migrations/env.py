"""Alembic's environment: migrations run on the connection `store.db.upgrade` hands in
(or, from the `alembic` command line, on `sqlalchemy.url`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from adcraft.store.tables import metadata

config = context.config


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as fresh:
        run(fresh)
