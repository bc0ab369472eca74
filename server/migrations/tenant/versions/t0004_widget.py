"""widget

Revision ID: t0004
Revises: t0001
Create Date: 2026-11-25 19:32:20.195393
"""

import kataven_hub.core.db
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "widget_keys",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_digest", sa.String(length=64), nullable=False),
        sa.Column("public_last8", sa.String(length=8), nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=False),
        sa.Column("secret_last8", sa.String(length=8), nullable=False),
        sa.Column(
            "domain_allowlist",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("agent_id", sa.String(length=40), nullable=True),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_widget_keys")),
        sa.UniqueConstraint("public_digest", name=op.f("uq_widget_keys_public_digest")),
        sa.UniqueConstraint("secret_digest", name=op.f("uq_widget_keys_secret_digest")),
    )
    op.create_table(
        "widget_refresh_tokens",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("family_id", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("widget_key_id", sa.String(length=40), nullable=False),
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("visitor_id", sa.String(length=200), nullable=False),
        sa.Column(
            "profile",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_widget_refresh_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_widget_refresh_tokens_digest")),
    )
    with op.batch_alter_table("widget_refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_widget_refresh_tokens_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_widget_refresh_tokens_family_id"), ["family_id"], unique=False
        )

    op.create_table(
        "widget_settings",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("primary_color", sa.String(length=7), nullable=True),
        sa.Column("accent_color", sa.String(length=7), nullable=True),
        sa.Column("logo_url", sa.String(length=2048), nullable=True),
        sa.Column("launcher_position", sa.String(length=2), nullable=True),
        sa.Column("launcher_label", sa.String(length=60), nullable=True),
        sa.Column("privacy_notice", sa.Text(), nullable=True),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_widget_settings")),
    )
    op.create_table(
        "widget_token_redemptions",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("expires_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_widget_token_redemptions")),
    )
    with op.batch_alter_table("widget_token_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_widget_token_redemptions_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "agent_widget_settings",
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("widget_enabled", sa.Boolean(), nullable=False),
        sa.Column("auth_mode", sa.String(length=10), nullable=True),
        sa.Column("greeting_override", sa.Text(), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_widget_settings_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_agent_widget_settings")),
    )


def downgrade() -> None:
    op.drop_table("agent_widget_settings")
    with op.batch_alter_table("widget_token_redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_widget_token_redemptions_expires_at"))

    op.drop_table("widget_token_redemptions")
    op.drop_table("widget_settings")
    with op.batch_alter_table("widget_refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_widget_refresh_tokens_family_id"))
        batch_op.drop_index(batch_op.f("ix_widget_refresh_tokens_expires_at"))

    op.drop_table("widget_refresh_tokens")
    op.drop_table("widget_keys")
