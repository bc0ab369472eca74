from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select

from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import Repository
from kataven_hub.integrations.models import InstalledIntegration, IntegrationCredential


class IntegrationRepository(Repository[InstalledIntegration, TenantSession]):
    model = InstalledIntegration

    async def installed(self) -> dict[str, InstalledIntegration]:
        return {r.id: r for r in await self.session.scalars(select(InstalledIntegration))}

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
