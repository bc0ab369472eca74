"""The tenant migration (t0004) and the widget models agree, on both engines."""

from __future__ import annotations

import httpx
from kataven_hub import models  # noqa: F401  (every table, for migrate.diff)
from kataven_hub.core import migrate, tenancy

from tests.fixtures.app import Tenant


class TestWidgetMigration:
    async def test_models_match_migrated_database(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        engine = await tenancy.get().engine_for(tenant_a.slug)
        assert engine is not None
        assert await migrate.diff(engine, "tenant") == []
