from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select

from kataven_hub.core.db import TenantSession
from kataven_hub.integrations.models import InstalledIntegration, IntegrationCredential


class IntegrationRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def installed(self) -> dict[str, InstalledIntegration]:
        return {r.id: r for r in await self.session.scalars(select(InstalledIntegration))}

    async def get(self, integration_id: str) -> InstalledIntegration | None:
        return await self.session.get(InstalledIntegration, integration_id)

    async def keys_set(self) -> dict[str, list[str]]:
        """Credential key names per installed integration (never the values)."""
        stmt = select(IntegrationCredential.integration_id, IntegrationCredential.key).order_by(
            IntegrationCredential.key
        )
        out: dict[str, list[str]] = defaultdict(list)
        for integration_id, key in await self.session.execute(stmt):
            out[integration_id].append(key)
        return out

    async def credentials(self, integration_id: str) -> list[IntegrationCredential]:
        stmt = select(IntegrationCredential).where(
            IntegrationCredential.integration_id == integration_id
        )
        return list(await self.session.scalars(stmt))

    async def add(self, row: InstalledIntegration) -> InstalledIntegration:
        self.session.add(row)
        await self.session.flush()
        return row

    async def replace_credentials(
        self, integration_id: str, rows: list[IntegrationCredential]
    ) -> None:
        await self.session.execute(
            delete(IntegrationCredential).where(
                IntegrationCredential.integration_id == integration_id
            )
        )
        self.session.add_all(rows)
        await self.session.flush()

    async def delete(self, row: InstalledIntegration) -> None:
        await self.session.delete(row)
        await self.session.flush()
