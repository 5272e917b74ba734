"""assets: installed units with a maintenance cycle, and the unit a job services

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("contract_id", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("cycle_days", sa.Integer(), nullable=False),
        sa.Column("tolerance_days", sa.Integer(), nullable=False),
        sa.Column("last_visit", sa.Date(), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.CheckConstraint("cycle_days >= 1", name="ck_asset_cycle"),
        sa.CheckConstraint(
            "tolerance_days >= 0 AND tolerance_days < cycle_days", name="ck_asset_tolerance"
        ),
        sa.CheckConstraint("duration_min > 0", name="ck_asset_duration"),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"]),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assets_site_id", "assets", ["site_id"], unique=False)
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("asset_id", sa.String(length=40), nullable=True))
        batch_op.create_index("ix_jobs_asset_id", ["asset_id"], unique=False)
        batch_op.create_foreign_key("fk_jobs_asset_id", "assets", ["asset_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint("fk_jobs_asset_id", type_="foreignkey")
        batch_op.drop_index("ix_jobs_asset_id")
        batch_op.drop_column("asset_id")
    op.drop_index("ix_assets_site_id", table_name="assets")
    op.drop_table("assets")
