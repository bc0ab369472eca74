from __future__ import annotations

from sqlalchemy import select

from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import Repository
from kataven_hub.faqs.models import Faq


class FaqRepository(Repository[Faq, TenantSession]):
    model = Faq

    async def list(self, category: str | None) -> list[Faq]:
        stmt = select(Faq).order_by(Faq.name)
        if category is not None:
            stmt = stmt.where(Faq.category == category)
        return list(await self.session.scalars(stmt))

    async def get_by_name(self, name: str) -> Faq | None:
        return await self.session.scalar(select(Faq).where(Faq.name == name))
