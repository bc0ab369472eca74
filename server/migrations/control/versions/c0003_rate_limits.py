"""account rate limits

Revision ID: c0003
Revises: c0001
Create Date: 2026-11-25 20:00:00.000000
"""

import kataven_hub.core.db
import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_rate_limits",
        sa.Column("account", sa.String(length=63), nullable=False),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("requests_per_hour", sa.Integer(), nullable=False),
        sa.Column("requests_per_day", sa.Integer(), nullable=False),
        sa.Column("concurrent_requests", sa.Integer(), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account"],
            ["accounts.slug"],
            name=op.f("fk_account_rate_limits_account_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_account_rate_limits")),
    )


def downgrade() -> None:
    op.drop_table("account_rate_limits")
