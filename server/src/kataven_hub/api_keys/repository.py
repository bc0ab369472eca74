from __future__ import annotations

from sqlalchemy import select, update

from kataven_hub.api_keys.models import ApiKey
from kataven_hub.core.db import TenantSession


class ApiKeyRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def list(self) -> list[ApiKey]:
        stmt = select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        return list(await self.session.scalars(stmt))

    async def get(self, key_id: str) -> ApiKey | None:
        return await self.session.get(ApiKey, key_id)

    async def get_by_digest(self, digest: str) -> ApiKey | None:
        return await self.session.scalar(select(ApiKey).where(ApiKey.digest == digest))

    async def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        await self.session.flush()
        return key

    async def delete(self, key: ApiKey) -> None:
        await self.session.delete(key)
        await self.session.flush()

    async def touch(self, key_id: str, when: object) -> None:
        await self.session.execute(
            update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when)
        )
