"""Small helpers that set up agents, carrier credentials, numbers and limits through HTTP."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer


def unique_e164() -> str:
    return (
        "+1" + str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(9))
    )


async def create_agent(
    client: httpx.AsyncClient, tenant: Tenant, status: str = "active", **fields: Any
) -> dict:
    body = {"name": "Caller", "status": status, "greeting_message": "Hello from Kataven", **fields}
    r = await client.post("/api/v1/agents", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def add_provider(
    client: httpx.AsyncClient,
    tenant: Tenant,
    provider: str,
    credentials: dict[str, str],
    label: str = "Main",
) -> dict:
    body = {"provider": provider, "label": label, "credentials": credentials}
    r = await client.post("/api/v1/telephony/providers", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def add_number(
    client: httpx.AsyncClient, tenant: Tenant, provider: str, credentials_id: str, **fields: Any
) -> dict:
    body = {"e164": unique_e164(), "provider": provider, "credentials_id": credentials_id, **fields}
    r = await client.post("/api/v1/telephony/numbers", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def set_limits(client: httpx.AsyncClient, tenant: Tenant, **limits: int) -> dict:
    r = await client.patch("/api/v1/call-limits", json=limits, headers=tenant.jwt_headers)
    assert r.status_code == 200, r.text
    return r.json()


@dataclass
class Line:
    """An active agent, a provider credential and a number pinned to the agent."""

    tenant: Tenant
    provider: str
    credentials: dict[str, str]
    provider_id: str
    agent: dict
    number: dict

    def originate_body(self, to: str | None = None) -> dict[str, str]:
        return {
            "from_number": self.number["e164"],
            "to_number": to or unique_e164(),
            "agent_id": self.agent["id"],
        }


async def make_line(
    client: httpx.AsyncClient,
    tenant: Tenant,
    server: CarrierServer | None,
    provider: str = "twilio",
) -> Line:
    if provider == "twilio":
        assert server is not None
        creds = server.new_twilio_account()
    elif provider in ("plivo", "vobiz"):
        assert server is not None
        creds = server.new_plivo_account(provider)
    else:
        creds = {}
    prov = await add_provider(client, tenant, provider, creds)
    agent = await create_agent(client, tenant)
    number = await add_number(client, tenant, provider, prov["id"], agent_id=agent["id"])
    return Line(tenant, provider, creds, prov["id"], agent, number)


async def originate(client: httpx.AsyncClient, line: Line, **overrides: str) -> httpx.Response:
    return await client.post(
        "/api/v1/calls/originate",
        json={**line.originate_body(), **overrides},
        headers=line.tenant.headers,
    )
