"""crews, engineer speeds and preferred engineers (contract 1.2)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engineers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("duration_factor", sa.Double(), nullable=False, server_default="1.0")
        )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crew", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("preferred_engineers", sa.JSON(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lead", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        # a crew job has one stop per member on its day
        batch_op.drop_constraint("uq_assignment_job_day", type_="unique")
        batch_op.create_unique_constraint("uq_assignment_job_day", ["day", "job_id", "engineer_id"])


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint("uq_assignment_job_day", type_="unique")
        batch_op.create_unique_constraint("uq_assignment_job_day", ["day", "job_id"])
        batch_op.drop_column("lead")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("preferred_engineers")
        batch_op.drop_column("crew")
    with op.batch_alter_table("engineers", schema=None) as batch_op:
        batch_op.drop_column("duration_factor")
