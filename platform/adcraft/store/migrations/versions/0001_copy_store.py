"""the copy store: copy variants, their reviews, the serving event log

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "copy_variants",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("variant_id", sa.String(32), nullable=False),
        sa.Column("product_id", sa.String(128), nullable=False),
        sa.Column("category", sa.String(256)),
        sa.Column("segment", sa.String(256), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("passed_gate", sa.Boolean, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("predicted_ctr", sa.Float),
        sa.Column("generator_version", sa.String(128)),
        sa.Column("run_id", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("product_id", "segment", "kind", "locale", "variant_id",
                            name="uq_copy_variants_slot_text"),
    )
    op.create_index("ix_copy_variants_slot", "copy_variants",
                    ["product_id", "segment", "kind", "locale", "status"])
    op.create_index("ix_copy_variants_status", "copy_variants", ["status", "id"])
    op.create_index("ix_copy_variants_updated", "copy_variants", ["updated_at"])
    op.create_table(
        "reviews",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("copy_id", BigId, sa.ForeignKey("copy_variants.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("reviewer", sa.String(256), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before_status", sa.String(16), nullable=False),
        sa.Column("after_status", sa.String(16), nullable=False),
        sa.Column("before_text", sa.Text, nullable=False),
        sa.Column("after_text", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_reviews_copy_id", "reviews", ["copy_id"])
    op.create_table(
        "serving_events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_serving_events_request_id", "serving_events", ["request_id"])


def downgrade() -> None:
    op.drop_table("serving_events")
    op.drop_table("reviews")
    op.drop_table("copy_variants")
