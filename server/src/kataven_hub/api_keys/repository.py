from __future__ import annotations

from sqlalchemy import select, update

from kataven_hub.api_keys.models import ApiKey
from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import Repository


class ApiKeyRepository(Repository[ApiKey, TenantSession]):
    model = ApiKey

    async def list(self) -> list[ApiKey]:
        stmt = select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        return list(await self.session.scalars(stmt))

    async def get_by_digest(self, digest: str) -> ApiKey | None:
        return await self.session.scalar(select(ApiKey).where(ApiKey.digest == digest))

    async def touch(self, key_id: str, when: object) -> None:
        await self.session.execute(
            update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when)
        )
