from __future__ import annotations

import httpx
import pytest

from tests.fixtures.app import Tenant

JSON = {"Accept": "application/json"}


async def create_agent(client: httpx.AsyncClient, tenant: Tenant, **fields: object) -> dict:
    r = await client.post(
        "/api/v1/agents", json={"name": "Front Desk", **fields}, headers=tenant.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


class TestCreateAgent:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/api/v1/agents", json={"name": "x"})
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("text/plain")

    async def test_applies_documented_defaults(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a)
        assert agent["id"].startswith("agent_")
        assert agent["category"] == "custom"
        assert agent["status"] == "draft"
        assert agent["llm_model"] == "gpt-4o"
        assert agent["voice_provider"] == "cartesia"
        assert agent["auth_mode"] == "authenticated"
        assert agent["greeting_mode"] == "interruptible"
        assert agent["playbooks"] == []
        assert agent["faqs"] == []
        assert agent["created_at"].endswith("Z")

    async def test_refuses_unknown_fields(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/v1/agents", json={"name": "X", "bogus": {"x": 1}}, headers=tenant_a.headers
        )
        assert r.status_code == 400, r.text
        assert "unknown field 'bogus'" in r.text

    async def test_tolerates_read_only_fields_of_the_read_schema(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        # template_id is a create field (it must name a marketplace template), not read-only.
        agent = await create_agent(client, tenant_a, playbooks=["p"], faqs=["f"])
        assert agent["playbooks"] == []
        assert agent["faqs"] == []

    async def test_ignores_server_set_fields(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await create_agent(
            client, tenant_a, id="agent_mine", created_by="me", created_at="1999"
        )
        assert agent["id"] != "agent_mine"
        assert agent["created_by"] != "me"

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"name": ""},
            {"name": 5},
            {"name": "x", "category": "nope"},
            {"name": "x", "status": "deleted"},
            {"name": "x", "llm_model": "gpt-2"},
            {"name": "x", "voice_provider": "acme"},
            {"name": "x" * 1_000_000},
            {"name": "nul\x00byte"},
            {"name": "x", "ringing_enabled": "yes"},
            {"name": "x", "background_audio_volume": 7},
            ["name"],
        ],
    )
    async def test_rejects_invalid_body_with_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        before = await client.get("/api/v1/agents", headers=tenant_a.headers)
        r = await client.post("/api/v1/agents", json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        after = await client.get("/api/v1/agents", headers=tenant_a.headers)
        assert len(after.json()) == len(before.json())

    async def test_malformed_json_is_400_problem(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/v1/agents",
            content=b'{"name": ',
            headers={**tenant_a.headers, **JSON, "Content-Type": "application/json"},
        )
        assert r.status_code == 400
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["status"] == 400
        assert problem["code"] == "invalid_request"
        assert "Traceback" not in r.text

    async def test_unknown_model_names_allowed_values(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/v1/agents", json={"name": "x", "llm_model": "gpt-2"}, headers=tenant_a.headers
        )
        assert r.status_code == 400
        assert "gpt-4o-mini" in r.text


class TestListAgents:
    async def test_newest_first(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        first = await create_agent(client, tenant, name="First")
        second = await create_agent(client, tenant, name="Second")
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.status_code == 200
        assert [a["id"] for a in r.json()] == [second["id"], first["id"]]

    async def test_served_on_every_mount(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent = await create_agent(client, tenant_a)
        for prefix in ("/api/v1", "/hub-api/api/v1", "/v1", "/api", "/hub-api/api"):
            r = await client.get(f"{prefix}/agents/{agent['id']}", headers=tenant_a.headers)
            assert r.status_code == 200, prefix
            assert r.json()["id"] == agent["id"]

    async def test_jwt_with_account_header(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/v1/agents", headers=tenant_a.jwt_headers)
        assert r.status_code == 200


class TestGetAgent:
    @pytest.mark.parametrize(
        "agent_id", ["agent_01HZZZZZZZZZZZZZZZZZZZZZZZ", "nope", "x" * 5000, "%00"]
    )
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, agent_id: str
    ) -> None:
        r = await client.get(f"/api/v1/agents/{agent_id}", headers=tenant_a.headers)
        assert r.status_code == 404

    async def test_other_tenant_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_b.headers)
        assert r.status_code == 404


class TestUpdateAgent:
    async def test_changes_only_given_fields(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a, description="keep me")
        r = await client.patch(
            f"/api/v1/agents/{agent['id']}", json={"status": "active"}, headers=tenant_a.headers
        )
        assert r.status_code == 200
        assert r.json()["status"] == "active"
        assert r.json()["description"] == "keep me"

    @pytest.mark.parametrize("body", [{"status": "bogus"}, {"name": None}, {"llm_model": "x"}])
    async def test_invalid_changes_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.patch(f"/api/v1/agents/{agent['id']}", json=body, headers=tenant_a.headers)
        assert r.status_code == 400
        again = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert again.json() == agent

    async def test_other_tenant_cannot_update(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.patch(
            f"/api/v1/agents/{agent['id']}", json={"name": "pwned"}, headers=tenant_b.headers
        )
        assert r.status_code == 404
        again = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert again.json()["name"] == "Front Desk"


class TestDeleteAgent:
    async def test_deletes(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.delete(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert r.status_code == 204
        r = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert r.status_code == 404

    async def test_other_tenant_cannot_delete(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.delete(f"/api/v1/agents/{agent['id']}", headers=tenant_b.headers)
        assert r.status_code == 404
        r = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert r.status_code == 200


class TestAgentTools:
    async def test_upsert_is_idempotent_on_post_and_put(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a)
        url = f"/api/v1/agents/{agent['id']}/tools"
        body = {"tool_name": "lookup_order", "config": {"store": "eu"}, "enabled": True}
        r1 = await client.post(url, json=body, headers=tenant_a.headers)
        r2 = await client.put(url, json={**body, "enabled": False}, headers=tenant_a.headers)
        assert r1.status_code == 200
        assert r2.status_code == 200
        rows = (await client.get(url, headers=tenant_a.headers)).json()
        assert len(rows) == 1
        assert rows[0]["tool_name"] == "lookup_order"
        assert rows[0]["enabled"] is False
        assert rows[0]["config"] == {"store": "eu"}
        assert rows[0]["agent_id"] == agent["id"]

    async def test_path_agent_wins(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.post(
            f"/api/v1/agents/{agent['id']}/tools",
            json={"tool_name": "end_call", "agent_id": "agent_other"},
            headers=tenant_a.headers,
        )
        assert r.status_code == 200
        assert r.json()["agent_id"] == agent["id"]

    @pytest.mark.parametrize(
        "body",
        [
            {"tool_name": "Not Snake"},
            {"tool_name": "x", "config": []},
            {"tool_name": "x", "config": {"a": "b" * 70000}},
            {},
        ],
    )
    async def test_rejects_bad_rows(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.post(
            f"/api/v1/agents/{agent['id']}/tools", json=body, headers=tenant_a.headers
        )
        assert r.status_code == 400

    @pytest.mark.parametrize("name", ["no_such_tool", "stripe_find_customer"])
    async def test_unknown_tool_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, name: str
    ) -> None:
        agent = await create_agent(client, tenant_a)
        url = f"/api/v1/agents/{agent['id']}/tools"
        r = await client.post(url, json={"tool_name": name}, headers=tenant_a.headers)
        assert r.status_code == 404
        assert (await client.get(url, headers=tenant_a.headers)).json() == []

    async def test_other_tenants_custom_tool_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        body = {"name": "b_only_tool", "category": "x"}
        r = await client.post("/api/v1/tools", json=body, headers=tenant_b.headers)
        assert r.status_code == 201
        agent = await create_agent(client, tenant_a)
        r = await client.post(
            f"/api/v1/agents/{agent['id']}/tools",
            json={"tool_name": "b_only_tool"},
            headers=tenant_a.headers,
        )
        assert r.status_code == 404

    async def test_other_tenant_agent_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent = await create_agent(client, tenant_a)
        url = f"/api/v1/agents/{agent['id']}/tools"
        r = await client.post(url, json={"tool_name": "end_call"}, headers=tenant_b.headers)
        assert r.status_code == 404
        assert (await client.get(url, headers=tenant_b.headers)).status_code == 404
        assert (await client.get(url, headers=tenant_a.headers)).json() == []
