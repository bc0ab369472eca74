"""Alembic environment for the tenant database (run through kataven_hub.core.migrate)."""

from alembic import context
from kataven_hub import models  # noqa: F401  (registers every table)
from kataven_hub.core.db import TenantBase

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations with 'kataven-hub migrate' (or 'make migration')")

context.configure(
    connection=connection,
    target_metadata=TenantBase.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
