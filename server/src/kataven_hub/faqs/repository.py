from __future__ import annotations

from sqlalchemy import select

from kataven_hub.core.db import TenantSession
from kataven_hub.faqs.models import Faq


class FaqRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def list(self, category: str | None) -> list[Faq]:
        stmt = select(Faq).order_by(Faq.name)
        if category is not None:
            stmt = stmt.where(Faq.category == category)
        return list(await self.session.scalars(stmt))

    async def get(self, faq_id: str) -> Faq | None:
        return await self.session.get(Faq, faq_id)

    async def get_by_name(self, name: str) -> Faq | None:
        return await self.session.scalar(select(Faq).where(Faq.name == name))

    async def add(self, faq: Faq) -> Faq:
        self.session.add(faq)
        await self.session.flush()
        return faq

    async def delete(self, faq: Faq) -> None:
        await self.session.delete(faq)
        await self.session.flush()
