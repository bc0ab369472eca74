from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import Repository
from kataven_hub.playbooks.models import Playbook

# Lists never need the markdown body (up to 100 kB each); reading it by mistake raises.
_NO_CONTENT = defer(Playbook.content, raiseload=True)


class PlaybookRepository(Repository[Playbook, TenantSession]):
    model = Playbook

    async def page(
        self, category: str | None, search: str | None, limit: int, offset: int
    ) -> tuple[list[Playbook], int, dict[str, int]]:
        where: list[Any] = []
        if search:
            # Names are lowercase: a lowercased prefix matches alike on SQLite and PostgreSQL.
            where.append(Playbook.name.startswith(search.lower(), autoescape=True))
        counts_stmt = (
            select(Playbook.category, func.count()).where(*where).group_by(Playbook.category)
        )
        counts = {c: n for c, n in await self.session.execute(counts_stmt)}
        if category is not None:
            where.append(Playbook.category == category)
        total = counts.get(category, 0) if category is not None else sum(counts.values())
        stmt = (
            select(Playbook).options(_NO_CONTENT).where(*where)
            .order_by(Playbook.name).limit(limit).offset(offset)
        )  # fmt: skip
        return list(await self.session.scalars(stmt)), total, dict(sorted(counts.items()))

    async def get_by_name(self, name: str) -> Playbook | None:
        return await self.session.scalar(select(Playbook).where(Playbook.name == name))

    async def by_names(self, names: list[str]) -> list[Playbook]:
        return list(await self.session.scalars(select(Playbook).where(Playbook.name.in_(names))))
