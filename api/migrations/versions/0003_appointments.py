"""appointments: the arrival window booked for a job

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appointment_start", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("appointment_end", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            "ck_job_appointment",
            "(appointment_start IS NULL AND appointment_end IS NULL)"
            " OR appointment_end > appointment_start",
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint("ck_job_appointment", type_="check")
        batch_op.drop_column("appointment_end")
        batch_op.drop_column("appointment_start")
