from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from kataven_hub.api_keys.models import ApiKey
from kataven_hub.core import tenancy
from kataven_hub.core.db import new_session
from sqlalchemy import update

from tests.fixtures.app import Tenant


async def mint(client: httpx.AsyncClient, tenant: Tenant, **body: object) -> dict:
    r = await client.post(
        "/api/v1/api-keys", json={"name": "ci-bot", **body}, headers=tenant.jwt_headers
    )
    assert r.status_code == 201, r.text
    return r.json()


async def set_column(tenant: Tenant, key_id: str, **values: object) -> None:
    engine = await tenancy.get().engine_for(tenant.slug)
    assert engine is not None
    async with new_session(engine) as session:
        await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(**values))
        await session.commit()


class TestCreateApiKey:
    async def test_returns_plaintext_once_and_it_works(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        created = await mint(client, tenant_a, expiry="90d")
        key = created["key"]
        assert key.startswith(f"sk_live_{tenant_a.slug}_")
        assert created["last8"] == key[-8:]
        expires = datetime.fromisoformat(created["expires_at"].replace("Z", "+00:00"))
        assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
        r = await client.get("/api/v1/agents", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200
        listed = (await client.get("/api/v1/api-keys", headers=tenant_a.headers)).json()
        row = next(k for k in listed if k["id"] == created["id"])
        assert "key" not in row
        assert key not in str(listed)

    async def test_never_expiry(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        assert (await mint(client, tenant_a))["expires_at"] is None
        assert (await mint(client, tenant_a, expiry="never"))["expires_at"] is None
        assert (await mint(client, tenant_a, expiry="1y"))["expires_at"] is not None

    @pytest.mark.parametrize("expiry", ["0d", "90", "3m", "99999d", "11y", "soon", 90])
    async def test_rejects_bad_expiry(
        self, client: httpx.AsyncClient, tenant_a: Tenant, expiry: object
    ) -> None:
        before = len((await client.get("/api/v1/api-keys", headers=tenant_a.headers)).json())
        r = await client.post(
            "/api/v1/api-keys", json={"name": "x", "expiry": expiry}, headers=tenant_a.jwt_headers
        )
        assert r.status_code == 400
        assert (
            len((await client.get("/api/v1/api-keys", headers=tenant_a.headers)).json()) == before
        )

    @pytest.mark.parametrize(
        "body", [{}, {"name": ""}, {"name": "x" * 1_000_000}, {"name": "a\x00b"}]
    )
    async def test_rejects_bad_name(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        r = await client.post("/api/v1/api-keys", json=body, headers=tenant_a.jwt_headers)
        assert r.status_code == 400

    async def test_api_key_cannot_mint_keys(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post("/api/v1/api-keys", json={"name": "x"}, headers=tenant_a.headers)
        assert r.status_code == 403
        assert r.text.startswith("Requires Hub UI auth: ")

    async def test_member_role_cannot_mint(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        from kataven_hub.accounts import service as accounts_service
        from kataven_hub.core.db import ControlSession

        async with new_session(tenancy.get().control_engine) as session:
            await accounts_service.add_user(
                ControlSession(session),
                f"m@{tenant_a.slug}.test",
                password="pw-member-1",
                account=tenant_a.slug,
                role="member",
            )
            await session.commit()
        login = await client.post(
            "/api/login", json={"email": f"m@{tenant_a.slug}.test", "password": "pw-member-1"}
        )
        headers = {
            "Authorization": f"Bearer {login.json()['token']}",
            "X-Account-ID": tenant_a.slug,
        }
        assert (await client.get("/api/v1/api-keys", headers=headers)).status_code == 200
        assert (
            await client.post("/api/v1/api-keys", json={"name": "x"}, headers=headers)
        ).status_code == 403


class TestUpdateApiKey:
    async def test_revoke_is_effective_on_next_request_and_reenable(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        created = await mint(client, tenant_a)
        auth = {"Authorization": f"Bearer {created['key']}"}
        assert (await client.get("/api/v1/agents", headers=auth)).status_code == 200
        r = await client.patch(
            f"/api/v1/api-keys/{created['id']}",
            json={"disabled": True},
            headers=tenant_a.jwt_headers,
        )
        assert r.status_code == 200
        assert r.json()["disabled"] is True
        assert (await client.get("/api/v1/agents", headers=auth)).status_code == 401
        again = await client.patch(
            f"/api/v1/api-keys/{created['id']}",
            json={"disabled": True},
            headers=tenant_a.jwt_headers,
        )
        assert again.json()["disabled_at"] == r.json()["disabled_at"]  # idempotent
        await client.patch(
            f"/api/v1/api-keys/{created['id']}",
            json={"disabled": False},
            headers=tenant_a.jwt_headers,
        )
        assert (await client.get("/api/v1/agents", headers=auth)).status_code == 200

    async def test_rename(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        created = await mint(client, tenant_a)
        r = await client.patch(
            f"/api/v1/api-keys/{created['id']}",
            json={"name": "renamed"},
            headers=tenant_a.jwt_headers,
        )
        assert r.json()["name"] == "renamed"
        assert r.json()["disabled"] is False

    async def test_api_key_caller_forbidden_and_nothing_changes(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        created = await mint(client, tenant_a)
        r = await client.patch(
            f"/api/v1/api-keys/{created['id']}", json={"disabled": True}, headers=tenant_a.headers
        )
        assert r.status_code == 403
        auth = {"Authorization": f"Bearer {created['key']}"}
        assert (await client.get("/api/v1/agents", headers=auth)).status_code == 200

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        created = await mint(client, tenant_a)
        r = await client.patch(
            f"/api/v1/api-keys/{created['id']}",
            json={"disabled": True},
            headers=tenant_b.jwt_headers,
        )
        assert r.status_code == 404
        auth = {"Authorization": f"Bearer {created['key']}"}
        assert (await client.get("/api/v1/agents", headers=auth)).status_code == 200

    @pytest.mark.parametrize("key_id", ["key_01HZZZZZZZZZZZZZZZZZZZZZZZ", "zzz", "x" * 3000])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, key_id: str
    ) -> None:
        r = await client.patch(
            f"/api/v1/api-keys/{key_id}", json={"name": "x"}, headers=tenant_a.jwt_headers
        )
        assert r.status_code == 404

    async def test_wrong_types_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        created = await mint(client, tenant_a)
        r = await client.patch(
            f"/api/v1/api-keys/{created['id']}",
            json={"disabled": "yes"},
            headers=tenant_a.jwt_headers,
        )
        assert r.status_code == 400


class TestDeleteApiKey:
    async def test_never_used_key_is_hard_deleted(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        created = await mint(client, tenant_a)
        r = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=tenant_a.jwt_headers)
        assert r.status_code == 204
        ids = [
            k["id"] for k in (await client.get("/api/v1/api-keys", headers=tenant_a.headers)).json()
        ]
        assert created["id"] not in ids

    async def test_used_key_is_disabled_and_kept(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        created = await mint(client, tenant_a)
        auth = {"Authorization": f"Bearer {created['key']}"}
        assert (await client.get("/api/v1/agents", headers=auth)).status_code == 200
        r = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=tenant_a.jwt_headers)
        assert r.status_code == 204
        rows = (await client.get("/api/v1/api-keys", headers=tenant_a.headers)).json()
        row = next(k for k in rows if k["id"] == created["id"])
        assert row["disabled"] is True
        assert row["last_used_at"] is not None
        assert (await client.get("/api/v1/agents", headers=auth)).status_code == 401

    async def test_api_key_caller_forbidden(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        created = await mint(client, tenant_a)
        r = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=tenant_a.headers)
        assert r.status_code == 403

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        created = await mint(client, tenant_a)
        r = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=tenant_b.jwt_headers)
        assert r.status_code == 404


class TestListApiKeys:
    async def test_lists_metadata_only(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await client.get("/api/v1/api-keys", headers=tenant.headers)
        assert r.status_code == 200
        [row] = r.json()
        assert set(row) >= {
            "id",
            "name",
            "last8",
            "created_at",
            "expires_at",
            "disabled",
            "last_used_at",
        }
        assert row["last8"] == tenant.key[-8:]
        assert tenant.key not in r.text

    async def test_expired_key_is_401(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        created = await mint(client, tenant_a, expiry="30d")
        await set_column(
            tenant_a, created["id"], expires_at=datetime.now(UTC) - timedelta(seconds=1)
        )
        from kataven_hub.core import auth

        auth.key_cache.clear()
        r = await client.get(
            "/api/v1/agents", headers={"Authorization": f"Bearer {created['key']}"}
        )
        assert r.status_code == 401
        assert r.text == "API key expired"
