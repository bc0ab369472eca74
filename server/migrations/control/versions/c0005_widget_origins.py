"""widget origins

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-06 08:05:00.000000
"""

import kataven_hub.core.db
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "widget_origins",
        sa.Column("account", sa.String(length=63), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column(
            "domain_allowlist",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account"],
            ["accounts.slug"],
            name=op.f("fk_widget_origins_account_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account", "key_id", name=op.f("pk_widget_origins")),
    )


def downgrade() -> None:
    op.drop_table("widget_origins")
