"""engineer calendars: absences and the on-call rota

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("engineer_id", sa.String(length=40), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=240), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name="ck_absence_days"),
        sa.ForeignKeyConstraint(["engineer_id"], ["engineers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_engineer_id"), ["engineer_id"], unique=False)
    op.create_table(
        "on_call_duties",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("region_id", sa.String(length=40), nullable=False),
        sa.Column("engineer_id", sa.String(length=40), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('"end" > start', name="ck_on_call_times"),
        sa.ForeignKeyConstraint(["engineer_id"], ["engineers.id"]),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("on_call_duties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_on_call_duties_engineer_id"), ["engineer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_on_call_duties_region_id"), ["region_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("on_call_duties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_on_call_duties_region_id"))
        batch_op.drop_index(batch_op.f("ix_on_call_duties_engineer_id"))
    op.drop_table("on_call_duties")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_engineer_id"))
    op.drop_table("absences")
