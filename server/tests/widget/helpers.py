"""Small factories for the widget tests: agents ready for the widget, key pairs, visitors."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.app import Tenant

ORIGIN = "https://shop.acme.test"
JSON = {"Accept": "application/json"}


def browser(origin: str = ORIGIN, **extra: str) -> dict[str, str]:
    return {"Origin": origin, **JSON, **extra}


async def make_agent(client: httpx.AsyncClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {"name": "Front Desk", "status": "active", "auth_mode": "public", **fields}
    body.setdefault("greeting_message", "Hi! How can I help?")
    r = await client.post("/api/v1/agents", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def set_policy(
    client: httpx.AsyncClient, tenant: Tenant, agent_id: str, **policy: Any
) -> dict[str, Any]:
    body = {"widget_enabled": True, **policy}
    r = await client.patch(
        f"/api/v1/agents/{agent_id}/widget-settings", json=body, headers=tenant.headers
    )
    assert r.status_code == 200, r.text
    return r.json()


async def make_key(
    client: httpx.AsyncClient,
    tenant: Tenant,
    allowlist: list[str] | None = None,
    agent_id: str | None = None,
    name: str = "acme.com production",
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "domain_allowlist": allowlist or [ORIGIN]}
    if agent_id is not None:
        body["agent_id"] = agent_id
    r = await client.post("/api/v1/widget-keys", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def ready_widget(
    client: httpx.AsyncClient, tenant: Tenant, pin: bool = False, **policy: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An active agent with its widget on, and a key allowing ORIGIN (pinned if asked)."""
    agent = await make_agent(client, tenant)
    await set_policy(client, tenant, agent["id"], **policy)
    key = await make_key(client, tenant, agent_id=agent["id"] if pin else None)
    return agent, key


async def guest(
    client: httpx.AsyncClient, key: dict[str, Any], agent_id: str | None, origin: str = ORIGIN
) -> httpx.Response:
    body = {"client_key": key["public_key"], "agent_id": agent_id}
    return await client.post("/api/v1/widget/auth/guest", json=body, headers=browser(origin))


async def user_token(
    client: httpx.AsyncClient, key: dict[str, Any], user: str = "user-42", **extra: Any
) -> httpx.Response:
    body = {"external_user_id": user, "display_name": "Ada", "email": "ada@example.com", **extra}
    headers = {"Authorization": f"Bearer {key['secret_key']}", **JSON}
    return await client.post("/api/v1/widget/auth/user-token", json=body, headers=headers)


async def exchange(
    client: httpx.AsyncClient,
    key: dict[str, Any],
    token: str,
    agent_id: str | None,
    origin: str = ORIGIN,
) -> httpx.Response:
    body = {"client_key": key["public_key"], "user_token": token, "agent_id": agent_id}
    return await client.post("/api/v1/widget/auth/exchange", json=body, headers=browser(origin))


async def refresh(
    client: httpx.AsyncClient, refresh_token: str, origin: str = ORIGIN
) -> httpx.Response:
    return await client.post(
        "/api/v1/widget/auth/refresh",
        json={"refresh_token": refresh_token},
        headers=browser(origin),
    )
