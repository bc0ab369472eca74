"""Widget keys: /api/v1/widget-keys (list, create, update/revoke, delete)."""

from __future__ import annotations

import re

import httpx
import pytest
from kataven_hub.core import auth, tenancy

from tests.fixtures.app import Tenant
from tests.widget.helpers import JSON, ORIGIN, browser, make_agent, make_key, ready_widget

PK_RE = re.compile(r"^pk_live_(?P<account>[a-z0-9][a-z0-9_-]*)_[A-Za-z0-9]{40}$")
SK_RE = re.compile(r"^sk_live_(?P<account>[a-z0-9][a-z0-9_-]*)_[A-Za-z0-9]{40}$")


async def _stored_columns(account: str, key_id: str) -> dict[str, object]:
    from sqlalchemy import text

    engine = await tenancy.get().engine_for(account)
    assert engine is not None
    async with engine.connect() as conn:
        row = await conn.execute(text("SELECT * FROM widget_keys WHERE id = :id"), {"id": key_id})
        return dict(row.mappings().one())


class TestCreateWidgetKey:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/api/v1/widget-keys", json={"name": "x"})
        assert r.status_code == 401

    async def test_returns_the_pair_once_and_stores_digests(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        key = await make_key(client, tenant_a, ["acme.com", "https://www.acme.com"])
        assert key["id"].startswith("wk_")
        public = PK_RE.match(key["public_key"])
        secret = SK_RE.match(key["secret_key"])
        assert public
        assert public["account"] == tenant_a.slug
        assert secret
        assert secret["account"] == tenant_a.slug
        assert key["last8"] == key["public_key"][-8:]
        assert key["secret_last8"] == key["secret_key"][-8:]
        assert key["domain_allowlist"] == ["acme.com", "https://www.acme.com"]
        assert key["disabled"] is False
        assert key["last_used_at"] is None
        stored = await _stored_columns(tenant_a.slug, key["id"])
        assert stored["public_digest"] == auth.key_digest(key["public_key"])
        assert stored["secret_digest"] == auth.key_digest(key["secret_key"])
        assert key["public_key"] not in str(stored)
        assert key["secret_key"] not in str(stored)
        listed = (await client.get("/api/v1/widget-keys", headers=tenant_a.headers)).text
        assert key["public_key"] not in listed
        assert key["secret_key"] not in listed

    async def test_works_with_a_hub_ui_token(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/v1/widget-keys", json={"name": "ui"}, headers=tenant_a.jwt_headers
        )
        assert r.status_code == 201
        assert r.json()["domain_allowlist"] == []

    async def test_normalises_allowlist(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        key = await make_key(
            client, tenant_a, ["HTTPS://Acme.COM/", "*.acme.com", "localhost:*", "acme.COM"]
        )
        assert key["domain_allowlist"] == [
            "https://acme.com",
            "*.acme.com",
            "localhost:*",
            "acme.com",
        ]

    async def test_pins_an_agent(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent = await make_agent(client, tenant_a)
        key = await make_key(client, tenant_a, agent_id=agent["id"])
        assert key["agent_id"] == agent["id"]

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"name": ""},
            {"name": 5},
            {"name": "x" * 1_000_000},
            {"name": "nul\x00"},
            {"name": "x", "domain_allowlist": "acme.com"},
            {"name": "x", "domain_allowlist": ["https://acme.com/path"]},
            {"name": "x", "domain_allowlist": ["*"]},
            {"name": "x", "domain_allowlist": ["ftp://acme.com"]},
            {"name": "x", "domain_allowlist": [5]},
            {"name": "x", "domain_allowlist": ["nul\x00.com"]},
            {"name": "x", "domain_allowlist": ["a.com"] * 51},
            {"name": "x", "domain_allowlist": ["x" * 1_000_000]},
            {"name": "x", "agent_id": 7},
            ["name"],
        ],
    )
    async def test_rejects_invalid_body_with_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        before = len((await client.get("/api/v1/widget-keys", headers=tenant_a.headers)).json())
        r = await client.post("/api/v1/widget-keys", json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        after = len((await client.get("/api/v1/widget-keys", headers=tenant_a.headers)).json())
        assert after == before

    async def test_malformed_json_is_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.post(
            "/api/v1/widget-keys",
            content=b'{"name": ',
            headers={**tenant_a.headers, **JSON, "Content-Type": "application/json"},
        )
        assert r.status_code == 400
        assert r.json()["code"] == "invalid_request"

    @pytest.mark.parametrize("agent_id", ["agent_01HZ2N0000000000000000000Z", "nope", ""])
    async def test_unknown_agent_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, agent_id: str
    ) -> None:
        r = await client.post(
            "/api/v1/widget-keys",
            json={"name": "x", "agent_id": agent_id},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert "agent_id" in r.text

    async def test_other_accounts_agent_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent_b = await make_agent(client, tenant_b)
        r = await client.post(
            "/api/v1/widget-keys",
            json={"name": "x", "agent_id": agent_b["id"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400

    async def test_secret_key_opens_no_management_route(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        key = await make_key(client, tenant_a)
        for secret in (key["secret_key"], key["public_key"]):
            r = await client.get("/api/v1/agents", headers={"Authorization": f"Bearer {secret}"})
            assert r.status_code == 401


class TestListWidgetKeys:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/widget-keys")).status_code == 401

    async def test_newest_first_without_plaintext(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        assert (await client.get("/api/v1/widget-keys", headers=tenant.headers)).json() == []
        first = await make_key(client, tenant, name="first")
        second = await make_key(client, tenant, name="second")
        listed = (await client.get("/api/v1/widget-keys", headers=tenant.headers)).json()
        assert [k["id"] for k in listed] == [second["id"], first["id"]]
        assert "public_key" not in listed[0]
        assert "secret_key" not in listed[0]
        assert listed[0]["last8"] == second["public_key"][-8:]

    async def test_two_account_matrix(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        key = await make_key(client, tenant_a)
        listed_b = (await client.get("/api/v1/widget-keys", headers=tenant_b.headers)).json()
        assert key["id"] not in [k["id"] for k in listed_b]
        assert (
            await client.get(f"/api/v1/widget-keys/{key['id']}", headers=tenant_b.headers)
        ).status_code == 404


class TestUpdateWidgetKey:
    async def test_renames_replaces_allowlist_and_repins(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a)
        key = await make_key(client, tenant_a, ["a.com", "b.com"])
        r = await client.patch(
            f"/api/v1/widget-keys/{key['id']}",
            json={"name": "renamed", "domain_allowlist": ["c.com"], "agent_id": agent["id"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["name"] == "renamed"
        assert body["domain_allowlist"] == ["c.com"]
        assert body["agent_id"] == agent["id"]
        r = await client.patch(
            f"/api/v1/widget-keys/{key['id']}", json={"agent_id": None}, headers=tenant_a.headers
        )
        assert r.json()["agent_id"] is None
        assert r.json()["name"] == "renamed"

    async def test_revoke_is_idempotent(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        key = await make_key(client, tenant_a)
        url = f"/api/v1/widget-keys/{key['id']}"
        first = await client.patch(url, json={"disabled": True}, headers=tenant_a.headers)
        second = await client.patch(url, json={"disabled": True}, headers=tenant_a.headers)
        assert first.status_code == second.status_code == 200
        assert first.json()["disabled"] is True
        assert first.json()["disabled_at"] == second.json()["disabled_at"]
        enabled = await client.patch(url, json={"disabled": False}, headers=tenant_a.headers)
        assert enabled.json()["disabled"] is False
        assert enabled.json()["disabled_at"] is None

    async def test_revoked_key_refuses_visitors_and_its_secret(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        _agent, key = await ready_widget(client, tenant_a)
        await client.patch(
            f"/api/v1/widget-keys/{key['id']}", json={"disabled": True}, headers=tenant_a.headers
        )
        r = await client.get(
            "/api/v1/widget/config", params={"client_key": key["public_key"]}, headers=browser()
        )
        assert r.status_code == 403
        assert r.json()["code"] == "client_key_disabled"
        r = await client.post(
            "/api/v1/widget/auth/user-token",
            json={"external_user_id": "u1"},
            headers={"Authorization": f"Bearer {key['secret_key']}"},
        )
        assert r.status_code == 401

    @pytest.mark.parametrize(
        "body",
        [
            {"name": None},
            {"domain_allowlist": None},
            {"disabled": None},
            {"disabled": "yes"},
            {"domain_allowlist": ["*.com"]},
            {"agent_id": "agent_01HZ2N0000000000000000000Z"},
            {"name": "x" * 201},
        ],
    )
    async def test_rejects_invalid_body_with_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        key = await make_key(client, tenant_a)
        r = await client.patch(
            f"/api/v1/widget-keys/{key['id']}", json=body, headers=tenant_a.headers
        )
        assert r.status_code == 400, r.text
        again = await client.get(f"/api/v1/widget-keys/{key['id']}", headers=tenant_a.headers)
        assert again.json()["domain_allowlist"] == [ORIGIN]
        assert again.json()["disabled"] is False

    @pytest.mark.parametrize("key_id", ["wk_01HZ2N0000000000000000000Z", "nope", "key_x"])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, key_id: str
    ) -> None:
        r = await client.patch(
            f"/api/v1/widget-keys/{key_id}", json={"name": "x"}, headers=tenant_a.headers
        )
        assert r.status_code == 404

    async def test_other_account_is_404_and_nothing_changes(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        key = await make_key(client, tenant_a)
        url = f"/api/v1/widget-keys/{key['id']}"
        r = await client.patch(url, json={"disabled": True}, headers=tenant_b.headers)
        assert r.status_code == 404
        assert (await client.get(url, headers=tenant_a.headers)).json()["disabled"] is False


class TestDeleteWidgetKey:
    async def test_never_used_key_is_deleted(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        key = await make_key(client, tenant_a)
        url = f"/api/v1/widget-keys/{key['id']}"
        assert (await client.delete(url, headers=tenant_a.headers)).status_code == 204
        assert (await client.get(url, headers=tenant_a.headers)).status_code == 404
        r = await client.get(
            "/api/v1/widget/config", params={"client_key": key["public_key"]}, headers=browser()
        )
        assert r.status_code == 401

    async def test_used_key_is_disabled_instead(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        r = await client.get(
            "/api/v1/widget/config",
            params={"client_key": key["public_key"], "agent_id": agent["id"]},
            headers=browser(),
        )
        assert r.status_code == 200
        url = f"/api/v1/widget-keys/{key['id']}"
        assert (await client.get(url, headers=tenant_a.headers)).json()["last_used_at"] is not None
        assert (await client.delete(url, headers=tenant_a.headers)).status_code == 204
        kept = await client.get(url, headers=tenant_a.headers)
        assert kept.status_code == 200
        assert kept.json()["disabled"] is True
        assert (await client.delete(url, headers=tenant_a.headers)).status_code == 204
        r = await client.get(
            "/api/v1/widget/config", params={"client_key": key["public_key"]}, headers=browser()
        )
        assert r.status_code == 403

    async def test_other_account_is_404_and_key_survives(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        key = await make_key(client, tenant_a)
        url = f"/api/v1/widget-keys/{key['id']}"
        assert (await client.delete(url, headers=tenant_b.headers)).status_code == 404
        assert (await client.get(url, headers=tenant_a.headers)).status_code == 200

    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.delete("/api/v1/widget-keys/wk_01HZ2N0000000000000000000Z")
        assert r.status_code == 401
