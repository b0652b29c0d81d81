"""The store's tables (SQLAlchemy Core). Change them only with a new migration under
`store/migrations/versions` (the test suite checks the two agree)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()
# an autoincrementing 64-bit key (SQLite autoincrements only INTEGER PRIMARY KEY)
BigId = BigInteger().with_variant(Integer(), "sqlite")

SOURCES = ("generator", "template", "human", "edited")
STATUSES = ("proposed", "approved", "rejected", "retired")
ACTIONS = ("approve", "auto_approve", "reject", "edit", "retire")

copy_variants = Table(
    "copy_variants", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("variant_id", String(32), nullable=False),  # serving.bandit.variant_id of the text
    Column("product_id", String(128), nullable=False),
    Column("category", String(256)),
    Column("segment", String(256), nullable=False),  # features.profiles.segment_of; "all"
    Column("kind", String(32), nullable=False),
    Column("locale", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("passed_gate", Boolean, nullable=False),
    Column("findings", JSON, nullable=False),  # the gate's findings, each with its span
    Column("predicted_ctr", Float),
    Column("generator_version", String(128)),
    Column("run_id", String(64)),  # the batch run (MLflow run id) that proposed it
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("product_id", "segment", "kind", "locale", "variant_id",
                     name="uq_copy_variants_slot_text"),
)
Index("ix_copy_variants_slot", copy_variants.c.product_id, copy_variants.c.segment,
      copy_variants.c.kind, copy_variants.c.locale, copy_variants.c.status)
Index("ix_copy_variants_status", copy_variants.c.status, copy_variants.c.id)
Index("ix_copy_variants_updated", copy_variants.c.updated_at)

reviews = Table(
    "reviews", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("copy_id", BigId, ForeignKey("copy_variants.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("reviewer", String(256), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(16), nullable=False),
    Column("before_status", String(16), nullable=False),
    Column("after_status", String(16), nullable=False),
    Column("before_text", Text, nullable=False),
    Column("after_text", Text, nullable=False),
    Column("note", Text),
)

serving_events = Table(
    "serving_events", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # served | feedback
    Column("request_id", String(64), nullable=False, index=True),
    Column("ts", DateTime(timezone=True), nullable=False),
    Column("record", JSON, nullable=False),  # the whole record (serving.eventlog)
)
