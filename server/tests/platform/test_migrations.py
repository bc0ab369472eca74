"""Both migration histories agree with the models, on both engines (`alembic check`)."""

from __future__ import annotations

import httpx
from kataven_hub import models  # noqa: F401  (every table, for migrate.diff)
from kataven_hub.core import migrate, tenancy

from tests.fixtures.app import Tenant


async def test_control_models_match_migrations(client: httpx.AsyncClient) -> None:
    assert await migrate.diff(tenancy.get().control_engine, "control") == []


async def test_tenant_models_match_migrations(client: httpx.AsyncClient, tenant_a: Tenant) -> None:
    engine = await tenancy.get().engine_for(tenant_a.slug)
    assert engine is not None
    assert await migrate.diff(engine, "tenant") == []
