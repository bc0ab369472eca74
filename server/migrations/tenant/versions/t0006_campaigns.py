"""campaigns contacts events

Revision ID: t0006
Revises: t0003
Create Date: 2026-11-25 19:48:05.196344
"""

import kataven_hub.core.db
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "t0006"
down_revision = "t0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("phone_number_id", sa.String(length=40), nullable=False),
        sa.Column("max_concurrent_calls", sa.Integer(), nullable=False),
        sa.Column("retries_per_contact", sa.Integer(), nullable=False),
        sa.Column("retry_delay_seconds", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("failure_reason", sa.String(length=300), nullable=True),
        sa.Column("contacts_total", sa.Integer(), nullable=False),
        sa.Column("duplicates_skipped", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaigns_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_campaigns_phone_number_id"), ["phone_number_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_campaigns_status"), ["status"], unique=False)

    op.create_table(
        "campaign_contacts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("campaign_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("phone_number", sa.String(length=16), nullable=False),
        sa.Column(
            "custom_fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=12), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_token", sa.Integer(), server_default="0", nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=True),
        sa.Column("last_outcome", sa.String(length=20), nullable=True),
        sa.Column("failure_reason", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_contacts_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_contacts")),
    )
    with op.batch_alter_table("campaign_contacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_contacts_campaign_status_seq",
            ["campaign_id", "status", "seq"],
            unique=False,
        )

    op.create_table(
        "campaign_events",
        sa.Column("campaign_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event", sa.String(length=10), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_events_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "seq", name=op.f("pk_campaign_events")),
    )


def downgrade() -> None:
    op.drop_table("campaign_events")
    with op.batch_alter_table("campaign_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_contacts_campaign_status_seq")

    op.drop_table("campaign_contacts")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_status"))
        batch_op.drop_index(batch_op.f("ix_campaigns_phone_number_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_created_at"))
        batch_op.drop_index(batch_op.f("ix_campaigns_agent_id"))

    op.drop_table("campaigns")
