from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import Repository
from kataven_hub.widget.keys.models import WidgetKey


class WidgetKeyRepository(Repository[WidgetKey, TenantSession]):
    model = WidgetKey

    async def list(self) -> list[WidgetKey]:
        stmt = select(WidgetKey).order_by(WidgetKey.created_at.desc(), WidgetKey.id.desc())
        return list(await self.session.scalars(stmt))

    async def get_by_public_digest(self, digest: str) -> WidgetKey | None:
        return await self.session.scalar(select(WidgetKey).where(WidgetKey.public_digest == digest))

    async def get_by_secret_digest(self, digest: str) -> WidgetKey | None:
        return await self.session.scalar(select(WidgetKey).where(WidgetKey.secret_digest == digest))

    async def touch(self, key_id: str, when: datetime) -> None:
        await self.session.execute(
            update(WidgetKey).where(WidgetKey.id == key_id).values(last_used_at=when)
        )
