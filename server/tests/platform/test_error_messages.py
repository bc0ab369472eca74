"""Errors say what to do: which form a header takes, how to get Hub UI auth, which resource was
not found, an E.164 example, the current state of a refused transition, which tools a playbook
names that do not exist."""

from __future__ import annotations

import httpx

from tests.factories.campaigns import create_campaign
from tests.factories.telephony import add_provider, create_agent, make_line
from tests.fixtures.app import Tenant


class TestAuthentication:
    async def test_bad_authorization_header_shows_the_expected_form(
        self, client: httpx.AsyncClient
    ) -> None:
        for header in ("sk_live_x", "Token abc", "Bearer "):
            r = await client.get("/api/v1/agents", headers={"Authorization": header})
            assert r.status_code == 401
            assert "`Authorization: Bearer sk_live_…`" in r.text
            assert "X-Account-ID" in r.text

    async def test_hub_ui_routes_say_how_to_sign_in(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.patch(
            "/api/v1/call-limits", json={"concurrent_max": 1}, headers=tenant_a.headers
        )
        assert r.status_code == 403
        assert r.text.startswith("Requires Hub UI auth: API keys cannot do this.")
        assert "POST /api/login" in r.text
        assert "X-Account-ID" in r.text


class TestNotFound:
    async def test_names_the_resource_and_id(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get(
            "/api/v1/agents/agent_01HZZZZZZZZZZZZZZZZZZZZZZZ", headers=tenant_a.headers
        )
        assert r.status_code == 404
        assert r.text == "Agent 'agent_01HZZZZZZZZZZZZZZZZZZZZZZZ' not found"

    async def test_unknown_route_points_at_the_docs(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/v1/agentz", headers=tenant_a.headers)
        assert r.status_code == 404
        assert r.text == (
            "No such route: GET /api/v1/agentz (the API's routes are listed at /docs and "
            "/openapi.json)"
        )


class TestPhoneNumbers:
    async def test_json_field_shows_an_e164_example(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        provider = await add_provider(client, tenant_a, "sandbox", {}, label="e164")
        body = {"e164": "415 555 0100", "provider": "sandbox", "credentials_id": provider["id"]}
        r = await client.post("/api/v1/telephony/numbers", json=body, headers=tenant_a.headers)
        assert r.status_code == 400
        assert "must be an E.164 phone number such as +14155550100" in r.text

    async def test_csv_rows_mention_default_region(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        r = await create_campaign(client, line, csv=b"phone_number\n(415) 555-0100\n")
        assert r.status_code == 400
        assert "'(415) 555-0100' is not a valid phone number" in r.text
        assert "+14155550100" in r.text
        assert "`default_region` form field" in r.text
        ok = await create_campaign(
            client, line, csv=b"phone_number\n(415) 555-0100\n", default_region="US"
        )
        assert ok.status_code == 201, ok.text


class TestStates:
    async def test_originating_with_a_draft_agent_says_how_to_activate(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        draft = await create_agent(client, tenant, status="draft")
        body = {**line.originate_body(), "agent_id": draft["id"]}
        r = await client.post("/api/v1/calls/originate", json=body, headers=tenant.headers)
        assert r.status_code == 409
        assert r.text.startswith("Agent is draft; only active agents place calls")
        assert '{"status": "active"}' in r.text


class TestReferences:
    async def test_playbook_tool_names_must_exist(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        body = {"display_name": "Refs", "tool_names": ["end_call", "no_such_tool", "nor_this"]}
        r = await client.post("/api/v1/playbooks", json=body, headers=tenant_a.headers)
        assert r.status_code == 400
        assert r.text.startswith(
            "tool_names name tools that do not exist: 'no_such_tool', 'nor_this'"
        )
        body["tool_names"] = ["end_call"]
        r = await client.post("/api/v1/playbooks", json=body, headers=tenant_a.headers)
        assert r.status_code == 201, r.text
        r = await client.put(
            f"/api/v1/playbooks/{r.json()['id']}",
            json={"tool_names": ["ghost_tool"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert "'ghost_tool'" in r.text
