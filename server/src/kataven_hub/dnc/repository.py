"""Every query on the do-not-call list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import rowcount
from kataven_hub.dnc.models import DoNotCall


class DncRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def get(self, phone_number: str) -> DoNotCall | None:
        return await self.session.get(DoNotCall, phone_number, populate_existing=True)

    async def any(self) -> bool:
        stmt = select(DoNotCall.phone_number).limit(1)
        return (await self.session.execute(stmt)).first() is not None

    async def listed_among(self, numbers: list[str]) -> set[str]:
        if not numbers:
            return set()
        stmt = select(DoNotCall.phone_number).where(DoNotCall.phone_number.in_(numbers))
        return set(await self.session.scalars(stmt))

    async def page(
        self, limit: int, offset: int, phone_number: str | None
    ) -> tuple[list[DoNotCall], int]:
        where = [] if phone_number is None else [DoNotCall.phone_number == phone_number]
        total = (
            await self.session.execute(select(func.count()).select_from(DoNotCall).where(*where))
        ).scalar_one()
        stmt = (
            select(DoNotCall)
            .where(*where)
            .order_by(DoNotCall.created_at.desc(), DoNotCall.phone_number)
        )
        rows = await self.session.scalars(stmt.limit(limit).offset(offset))
        return list(rows), int(total)

    async def add_missing(self, rows: list[dict[str, Any]]) -> int:
        """Insert the rows whose number is not listed yet; returns how many were new."""
        if not rows:
            return 0
        make = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = make(DoNotCall).values(rows).on_conflict_do_nothing(index_elements=["phone_number"])
        result = await self.session.execute(stmt.returning(DoNotCall.phone_number))
        return len(result.all())

    async def remove(self, phone_number: str) -> bool:
        stmt = delete(DoNotCall).where(DoNotCall.phone_number == phone_number)
        return await rowcount(self.session, stmt) == 1
