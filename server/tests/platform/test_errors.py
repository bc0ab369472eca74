"""Shared error handling the fuzzer relies on: 405 names every allowed method, a unique-key race
is a 409 (never a 500), JSON values the database cannot store are a 400, PATCH refuses nulls."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.fixtures.app import Tenant


class TestMethodNotAllowed:
    @pytest.mark.parametrize(
        ("path", "allowed"),
        [
            ("/api/v1/agents", {"GET", "POST"}),
            ("/v1/agents/agent_x", {"GET", "PATCH", "DELETE"}),
            ("/api/v1/agents/agent_x/tools", {"GET", "POST", "PUT"}),
            ("/api/v1/api-keys/key_x", {"PATCH", "DELETE"}),
        ],
    )
    async def test_allow_lists_every_method(
        self, client: httpx.AsyncClient, tenant_a: Tenant, path: str, allowed: set[str]
    ) -> None:
        r = await client.request("TRACE", path, headers=tenant_a.headers)
        assert r.status_code == 405
        assert set(r.headers["allow"].split(", ")) == allowed


class TestConstraintRaces:
    async def test_concurrent_upserts_never_fail_with_500(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post("/api/v1/agents", json={"name": "Racer"}, headers=tenant_a.headers)
        url = f"/api/v1/agents/{r.json()['id']}/tools"
        body = {"tool_name": "end_call"}
        rs = await asyncio.gather(
            *[client.post(url, json=body, headers=tenant_a.headers) for _ in range(12)]
        )
        statuses = {r.status_code for r in rs}
        assert statuses <= {200, 409}, statuses
        assert 200 in statuses
        for r in rs:
            if r.status_code == 409:
                assert r.headers["retry-after"] == "1"
        rows = (await client.get(url, headers=tenant_a.headers)).json()
        assert [row["tool_name"] for row in rows] == ["end_call"]


class TestHostileJson:
    @pytest.mark.parametrize(
        "config",
        [b'{"a": NaN}', b'{"a": Infinity}', b'{"a": [1, -Infinity]}', b'{"a\\u0000": 1}'],
    )
    async def test_values_no_database_stores_are_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, config: bytes
    ) -> None:
        r = await client.post("/api/v1/agents", json={"name": "J"}, headers=tenant_a.headers)
        url = f"/api/v1/agents/{r.json()['id']}/tools"
        body = b'{"tool_name": "end_call", "config": ' + config + b"}"
        headers = {**tenant_a.headers, "Content-Type": "application/json"}
        r = await client.post(url, content=body, headers=headers)
        assert r.status_code == 400, r.text
        assert (await client.get(url, headers=tenant_a.headers)).json() == []

    async def test_big_integers_are_stored(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post("/api/v1/agents", json={"name": "J"}, headers=tenant_a.headers)
        url = f"/api/v1/agents/{r.json()['id']}/tools"
        config = {"big": 2**80, "deep": [[[{"k": -(2**70)}]]]}
        r = await client.post(
            url, json={"tool_name": "end_call", "config": config}, headers=tenant_a.headers
        )
        assert r.status_code == 200, r.text
        assert r.json()["config"] == config


class TestUpdateBodies:
    async def test_null_is_refused_where_not_nullable(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = (
            await client.post("/api/v1/agents", json={"name": "N"}, headers=tenant_a.headers)
        ).json()
        url = f"/api/v1/agents/{agent['id']}"
        r = await client.patch(url, json={"status": None}, headers=tenant_a.headers)
        assert r.status_code == 400
        assert "status cannot be null" in r.text
        r = await client.patch(url, json={"active_prompt_id": None}, headers=tenant_a.headers)
        assert r.status_code == 200
        assert r.json()["active_prompt_id"] is None

    async def test_schema_says_so(self, client: httpx.AsyncClient) -> None:
        schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
        update = schemas["AgentUpdate"]["properties"]
        assert "anyOf" not in update["status"]
        assert {"type": "null"} in update["active_prompt_id"]["anyOf"]
        assert {"type": "null"} in schemas["AgentCreate"]["properties"]["status"]["anyOf"]
