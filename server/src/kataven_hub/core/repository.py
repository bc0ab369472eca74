"""The base every repository shares (add, get by primary key, delete), the count of rows a
statement changed, and lookups of resources addressable by id or by snake_case name."""

from __future__ import annotations

import re
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.ext.asyncio import AsyncSession

from kataven_hub.core.ids import looks_like

SNAKE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
T_co = TypeVar("T_co", covariant=True)
M = TypeVar("M")
# ControlSession or TenantSession: the database the rows live in, so a repository of tenant
# rows cannot be handed the control session (or another tenant's: one database per tenant).
S = TypeVar("S", bound=AsyncSession)


class Repository(Generic[M, S]):
    """add/get/delete for one model (`model`); subclasses add their own statements."""

    model: type[M]

    def __init__(self, session: S) -> None:
        self.session = session

    async def get(self, row_id: str, /) -> M | None:
        return await self.session.get(self.model, row_id)

    async def add(self, row: M) -> M:
        self.session.add(row)
        await self.session.flush()
        return row

    async def delete(self, row: M) -> None:
        await self.session.delete(row)
        await self.session.flush()


async def rowcount(
    session: AsyncSession, stmt: Executable, params: dict[str, Any] | None = None
) -> int:
    """Run an INSERT, UPDATE or DELETE; how many rows it matched."""
    result = await session.execute(stmt, params)
    # DML statements give a CursorResult; the generic Result type does not say so.
    return cast(CursorResult[Any], result).rowcount


class NamedRepository(Protocol[T_co]):
    async def get(self, row_id: str, /) -> T_co | None: ...

    async def get_by_name(self, name: str, /) -> T_co | None: ...


async def by_id_or_name(repo: NamedRepository[T_co], prefix: str, ref: str) -> T_co | None:
    """The row whose id (`<prefix>_…`) or name is `ref`; None for anything else, unqueried."""
    if looks_like(prefix, ref):
        return await repo.get(ref)
    return await repo.get_by_name(ref) if SNAKE_NAME.match(ref) else None
