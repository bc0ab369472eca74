"""knowledge: tools, playbooks, FAQs, agent links, integrations and their credentials

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-25 19:39:20.076534
"""

import kataven_hub.core.db
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "t0002"
down_revision = "t0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faqs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faqs")),
        sa.UniqueConstraint("name", name=op.f("uq_faqs_name")),
    )
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faqs_category"), ["category"], unique=False)

    op.create_table(
        "integrations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("installed_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
    )
    op.create_table(
        "playbooks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "tool_names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("modified_from_default", sa.Boolean(), nullable=False),
        sa.Column("default_version", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbooks")),
        sa.UniqueConstraint("name", name=op.f("uq_playbooks_name")),
    )
    with op.batch_alter_table("playbooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_playbooks_category"), ["category"], unique=False)

    op.create_table(
        "tools",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "args_schema",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("implementation_type", sa.String(length=20), nullable=False),
        sa.Column(
            "implementation_config",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("implementation_code", sa.Text(), nullable=False),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("modified_from_default", sa.Boolean(), nullable=False),
        sa.Column("default_version", sa.String(length=40), nullable=True),
        sa.Column("integration_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tools")),
        sa.UniqueConstraint("name", name=op.f("uq_tools_name")),
    )
    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tools_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tools_integration_id"), ["integration_id"], unique=False
        )

    op.create_table(
        "agent_faqs",
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("faq_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_faqs_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["faq_id"], ["faqs.id"], name=op.f("fk_agent_faqs_faq_id_faqs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agent_id", "faq_id", name=op.f("pk_agent_faqs")),
    )
    with op.batch_alter_table("agent_faqs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_faqs_faq_id"), ["faq_id"], unique=False)

    op.create_table(
        "agent_playbooks",
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("playbook_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_playbooks_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["playbook_id"],
            ["playbooks.id"],
            name=op.f("fk_agent_playbooks_playbook_id_playbooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "playbook_id", name=op.f("pk_agent_playbooks")),
    )
    with op.batch_alter_table("agent_playbooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_playbooks_playbook_id"), ["playbook_id"], unique=False
        )

    op.create_table(
        "integration_credentials",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("integration_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", kataven_hub.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_integration_credentials_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_credentials")),
        sa.UniqueConstraint(
            "integration_id", "key", name=op.f("uq_integration_credentials_integration_id_key")
        ),
    )
    with op.batch_alter_table("agent_tools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_tools_tool_name"), ["tool_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agent_tools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_tools_tool_name"))

    op.drop_table("integration_credentials")
    with op.batch_alter_table("agent_playbooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_playbooks_playbook_id"))

    op.drop_table("agent_playbooks")
    with op.batch_alter_table("agent_faqs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_faqs_faq_id"))

    op.drop_table("agent_faqs")
    with op.batch_alter_table("tools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tools_integration_id"))
        batch_op.drop_index(batch_op.f("ix_tools_category"))

    op.drop_table("tools")
    with op.batch_alter_table("playbooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_playbooks_category"))

    op.drop_table("playbooks")
    op.drop_table("integrations")
    with op.batch_alter_table("faqs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faqs_category"))

    op.drop_table("faqs")
