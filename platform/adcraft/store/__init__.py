"""The store: what many processes share, in a real database through SQLAlchemy.

SQLite (WAL) under `ADCRAFT_HOME` is the embedded default; a cluster sets
`ADCRAFT_DATABASE_URL` to PostgreSQL. Tables (`store.tables`): copy variants and their
reviews (`store.copy`), and the serving event log (`serving.eventlog`). The schema is
made and moved by Alembic migrations (`store.db.upgrade`, `adcraft db upgrade`).
"""
