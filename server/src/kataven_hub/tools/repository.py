from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import Repository
from kataven_hub.tools.models import Tool


class ToolRepository(Repository[Tool, TenantSession]):
    model = Tool

    def _filtered(self, type_: str | None, search: str | None) -> list[Any]:
        where: list[Any] = []
        if type_ is not None:
            where.append(Tool.implementation_type == type_)
        if search:
            where.append(
                or_(
                    Tool.name.icontains(search, autoescape=True),
                    Tool.display_name.icontains(search, autoescape=True),
                    Tool.description.icontains(search, autoescape=True),
                )
            )
        return where

    async def page(
        self, category: str | None, type_: str | None, search: str | None, limit: int, offset: int
    ) -> tuple[list[Tool], int, dict[str, int]]:
        """One page, the total matching, and counts per category (ignoring `category`)."""
        where = self._filtered(type_, search)
        counts_stmt = select(Tool.category, func.count()).where(*where).group_by(Tool.category)
        counts = {c: n for c, n in await self.session.execute(counts_stmt)}
        if category is not None:
            where.append(Tool.category == category)
        total = counts.get(category, 0) if category is not None else sum(counts.values())
        stmt = select(Tool).where(*where).order_by(Tool.name).limit(limit).offset(offset)
        return list(await self.session.scalars(stmt)), total, dict(sorted(counts.items()))

    async def get_by_name(self, name: str) -> Tool | None:
        return await self.session.scalar(select(Tool).where(Tool.name == name))

    async def by_names(self, names: list[str]) -> list[Tool]:
        return list(await self.session.scalars(select(Tool).where(Tool.name.in_(names))))

    async def defaults(self) -> list[Tool]:
        stmt = select(Tool).where(Tool.is_default.is_(True)).order_by(Tool.name)
        return list(await self.session.scalars(stmt))

    async def of_integration(self, integration_id: str) -> list[Tool]:
        stmt = select(Tool).where(Tool.integration_id == integration_id).order_by(Tool.name)
        return list(await self.session.scalars(stmt))
