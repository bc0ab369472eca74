"""Helpers shared by the knowledge tests: direct access to an account's database."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from kataven_hub.core import tenancy
from kataven_hub.core.db import TenantSession, new_session
from sqlalchemy.ext.asyncio import AsyncEngine

JSON = {"Accept": "application/json"}
_seq = itertools.count()


def uniq(prefix: str) -> str:
    """A snake_case name no other test uses (tests share their module's accounts)."""
    return f"{prefix}_{next(_seq)}"


MISSING_IDS = ["tool_01HZZZZZZZZZZZZZZZZZZZZZZZ", "nope", "Not-Snake", "x" * 5000, "%00", "a%2Fb"]


async def tenant_engine(slug: str) -> AsyncEngine:
    engine = await tenancy.get().engine_for(slug)
    assert engine is not None
    return engine


@asynccontextmanager
async def tenant_session(slug: str) -> AsyncIterator[TenantSession]:
    async with new_session(await tenant_engine(slug)) as session:
        yield TenantSession(session)


async def dump_database(slug: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the account's database."""
    engine = await tenant_engine(slug)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
        out = {}
        for name in names:
            rows = await conn.execute(sa.select(sa.text("*")).select_from(sa.table(name)))
            out[name] = [tuple(r) for r in rows]
        return out


async def count_rows(slug: str, table: str) -> int:
    engine = await tenant_engine(slug)
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(sa.table(table))))
