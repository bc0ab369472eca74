"""The route wrapper commits the control session before the tenant session, whatever the order
of the handler's parameters (core/sessions.py explains why)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.sessions import (
    ControlSessionDep,
    TenantSessionDep,
    TransactionalRoute,
    after_commit,
)

from tests.fixtures.app import Tenant


def _router(committed: list[str]) -> APIRouter:
    router = APIRouter(prefix="/api/v1/_commit_order", route_class=TransactionalRoute)

    def record(kind: str) -> object:
        async def action() -> None:
            committed.append(kind)

        return action

    @router.post("/tenant-first")
    async def tenant_first(
        principal: PrincipalDep, session: TenantSessionDep, control: ControlSessionDep
    ) -> dict[str, str]:
        after_commit(session, record("tenant"))  # type: ignore[arg-type]
        after_commit(control, record("control"))  # type: ignore[arg-type]
        return {"ok": "yes"}

    @router.post("/control-first")
    async def control_first(
        principal: PrincipalDep, control: ControlSessionDep, session: TenantSessionDep
    ) -> dict[str, str]:
        after_commit(session, record("tenant"))  # type: ignore[arg-type]
        after_commit(control, record("control"))  # type: ignore[arg-type]
        return {"ok": "yes"}

    return router


@pytest.fixture
async def committed(app: FastAPI) -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    """A second app on the session app's state (like tests/fixtures/probe.py) with two routes
    that take both sessions, in either parameter order."""
    from kataven_hub.main import create_app

    order: list[str] = []
    second = create_app()
    second.include_router(_router(order))
    transport = httpx.ASGITransport(app=second)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client, order


@pytest.mark.parametrize("route", ["tenant-first", "control-first"])
async def test_control_commits_before_tenant(
    committed: tuple[httpx.AsyncClient, list[str]], tenant_a: Tenant, route: str
) -> None:
    client, order = committed
    r = await client.post(f"/api/v1/_commit_order/{route}", headers=tenant_a.headers)
    assert r.status_code == 200, r.text
    assert order == ["control", "tenant"]
