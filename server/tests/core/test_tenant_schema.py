"""The tenant models and the tenant migrations agree, on both engines."""

from __future__ import annotations

from kataven_hub import models  # noqa: F401  (every table, for migrate.diff)
from kataven_hub.core import migrate

from tests.fixtures.app import Tenant
from tests.helpers import tenant_engine


async def test_models_match_migrations(client, tenant_a: Tenant) -> None:  # type: ignore[no-untyped-def]
    engine = await tenant_engine(tenant_a.slug)
    assert await migrate.diff(engine, "tenant") == []
