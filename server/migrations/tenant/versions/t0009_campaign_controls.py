"""campaign controls: do-not-call list, retry_on, calling windows, contact time zones

Revision ID: t0009
Revises: t0008
Create Date: 2026-12-06 07:40:00.000000
"""

import kataven_hub.core.db
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "t0009"
down_revision = "t0008"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "do_not_call",
        sa.Column("phone_number", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_number", name=op.f("pk_do_not_call")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "retry_on",
                _json(),
                server_default=sa.text('\'["busy", "no_answer", "failed"]\''),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("calling_window", _json(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "default_timezone", sa.String(length=64), server_default="UTC", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("do_not_call_skipped", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("custom_columns", _json(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("timezones", _json(), server_default=sa.text("'[]'"), nullable=False)
        )
    with op.batch_alter_table("campaign_contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign_contacts", schema=None) as batch_op:
        batch_op.drop_column("timezone")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        for column in ("timezones", "custom_columns", "do_not_call_skipped", "default_timezone",
                       "calling_window", "retry_on"):  # fmt: skip
            batch_op.drop_column(column)
    op.drop_table("do_not_call")
