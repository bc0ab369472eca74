"""Run the two Alembic histories (control, tenant) on an async engine of either dialect."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

import kataven_hub
from kataven_hub.core.db import ControlBase, TenantBase, make_engine

History = Literal["control", "tenant"]
MIGRATIONS_DIR = Path(kataven_hub.__file__).resolve().parents[2] / "migrations"


def _config(history: History, connection: Any = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR / history))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(engine: AsyncEngine, history: History, revision: str = "head") -> None:
    def run(sync_conn: Any) -> None:
        command.upgrade(_config(history, sync_conn), revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def current(engine: AsyncEngine) -> str | None:
    def run(sync_conn: Any) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(run)


async def diff(engine: AsyncEngine, history: History) -> list[Any]:
    """Differences between the models and a migrated database (empty when they agree). The
    caller imports the models first (`kataven_hub.models`): core imports no domain module."""

    metadata = ControlBase.metadata if history == "control" else TenantBase.metadata

    def run(sync_conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, metadata))

    async with engine.connect() as conn:
        return await conn.run_sync(run)


def revision(history: History, message: str, engine_url: str) -> None:
    """Autogenerate a revision against a database at head (used by `make migration`)."""

    async def go() -> None:
        engine = make_engine(engine_url)
        await upgrade(engine, history)

        def run(sync_conn: Any) -> None:
            command.revision(_config(history, sync_conn), message=message, autogenerate=True)

        async with engine.begin() as conn:
            await conn.run_sync(run)
        await engine.dispose()

    asyncio.run(go())
