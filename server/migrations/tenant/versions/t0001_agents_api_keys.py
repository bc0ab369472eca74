"""agents api keys

Revision ID: t0001
Revises:
Create Date: 2026-11-25 19:24:29.524101
"""

import kataven_hub.core.db
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "t0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("system_prompt", sa.Text(), nullable=False),
        sa.Column("active_prompt_id", sa.String(length=100), nullable=True),
        sa.Column("greeting_message", sa.Text(), nullable=False),
        sa.Column("greeting_mode", sa.String(length=20), nullable=False),
        sa.Column("llm_model", sa.String(length=100), nullable=False),
        sa.Column("voice_provider", sa.String(length=20), nullable=False),
        sa.Column("voice_id", sa.String(length=200), nullable=False),
        sa.Column("auth_mode", sa.String(length=20), nullable=False),
        sa.Column("ringing_enabled", sa.Boolean(), nullable=False),
        sa.Column("background_audio_enabled", sa.Boolean(), nullable=False),
        sa.Column("background_audio_volume", sa.Float(), nullable=False),
        sa.Column("noise_suppression_enabled", sa.Boolean(), nullable=False),
        sa.Column("template_id", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
    )
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agents_created_at"), ["created_at"], unique=False)

    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("last8", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("digest", name=op.f("uq_api_keys_digest")),
    )
    op.create_table(
        "agent_tools",
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("tool_name", sa.String(length=100), nullable=False),
        sa.Column(
            "config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_tools_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "tool_name", name=op.f("pk_agent_tools")),
    )


def downgrade() -> None:
    op.drop_table("agent_tools")
    op.drop_table("api_keys")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agents_created_at"))

    op.drop_table("agents")
