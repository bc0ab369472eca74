"""agent_tools.tool_name references tools.name (ON DELETE CASCADE)

Deleting a tool dropped every agent's row for it in the tools service, which had to import the
agents module to do so; the database does it now.

Revision ID: t0010
Revises: t0009
Create Date: 2026-12-06 11:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "t0010"
down_revision = "t0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows of a tool deleted while an agent's row for it was being written would keep the
    # constraint from being added; they name no tool, so nothing can use them.
    op.execute(sa.text("DELETE FROM agent_tools WHERE tool_name NOT IN (SELECT name FROM tools)"))
    with op.batch_alter_table("agent_tools", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_agent_tools_tool_name_tools"),
            "tools",
            ["tool_name"],
            ["name"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("agent_tools", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_agent_tools_tool_name_tools"), type_="foreignkey")
