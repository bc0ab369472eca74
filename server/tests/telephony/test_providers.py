from __future__ import annotations

import secrets

import httpx
import pytest
from kataven_hub.core import tenancy
from kataven_hub.core.settings import get_settings
from sqlalchemy import text

from tests.factories.telephony import add_number, add_provider
from tests.fixtures.app import Tenant

TWILIO = {"account_sid": "AC" + "a" * 32, "auth_token": "b" * 32}
PLIVO = {"auth_id": "MA" + "A1" * 9, "auth_token": "t" * 40}
VOBIZ = {"auth_id": "MA_ABCDEF1234", "auth_token": "secret-token-123"}
URL = "/api/v1/telephony/providers"


async def _list(client: httpx.AsyncClient, tenant: Tenant) -> list[dict]:
    r = await client.get(URL, headers=tenant.headers)
    assert r.status_code == 200
    return r.json()["providers"]


class TestCreateProvider:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.post(URL, json={"provider": "twilio", "credentials": TWILIO})
        assert r.status_code == 401

    @pytest.mark.parametrize(
        ("provider", "creds"), [("twilio", TWILIO), ("plivo", PLIVO), ("vobiz", VOBIZ)]
    )
    async def test_stores_encrypted_and_never_returns_secrets(
        self, client: httpx.AsyncClient, tenant_a: Tenant, provider: str, creds: dict
    ) -> None:
        r = await client.post(
            URL,
            json={"provider": provider, "label": "Prod", "credentials": creds},
            headers=tenant_a.headers,
        )
        assert r.status_code == 201, r.text
        row = r.json()
        assert row["id"].startswith("prov_")
        assert row["provider"] == provider
        assert row["label"] == "Prod"
        assert row["credential_keys"] == sorted(creds)
        listed = await client.get(URL, headers=tenant_a.headers)
        for value in creds.values():
            assert value not in r.text
            assert value not in listed.text
        engine = await tenancy.get().engine_for(tenant_a.slug)
        async with engine.connect() as conn:
            stored = (
                await conn.execute(
                    text("SELECT credentials FROM telephony_providers WHERE id = :id"),
                    {"id": row["id"]},
                )
            ).scalar_one()
        assert stored.startswith("v1.")
        assert creds["auth_token"] not in stored

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"provider": "twilio"},
            {"provider": "twilio", "credentials": {"account_sid": "AC" + "a" * 32}},
            {"provider": "twilio", "credentials": {**TWILIO, "account_sid": "nope"}},
            {"provider": "twilio", "credentials": {**TWILIO, "extra": "x"}},
            {"provider": "plivo", "credentials": {"auth_id": "MA" + "A1" * 9}},
            {"provider": "plivo", "credentials": TWILIO},
            {"provider": "vobiz", "credentials": {"auth_id": "", "auth_token": "x" * 10}},
            {"provider": "acme", "credentials": TWILIO},
            {"provider": "twilio", "credentials": {**TWILIO, "auth_token": 5}},
            {"provider": "twilio", "credentials": [1]},
            {"provider": "twilio", "label": "x" * 1_000_000, "credentials": TWILIO},
            {"provider": "twilio", "label": "nul\x00", "credentials": TWILIO},
            ["twilio"],
        ],
    )
    async def test_invalid_is_400_and_stores_nothing(
        self, client: httpx.AsyncClient, new_tenant, body: object
    ) -> None:
        tenant = await new_tenant()
        r = await client.post(URL, json=body, headers=tenant.headers)
        assert r.status_code == 400, r.text
        assert await _list(client, tenant) == []

    async def test_malformed_json(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.post(
            URL,
            content=b'{"provider":',
            headers={**tenant_a.headers, "Content-Type": "application/json"},
        )
        assert r.status_code == 400

    async def test_no_keyring_is_503_and_nothing_stored(
        self, client: httpx.AsyncClient, new_tenant, tmp_path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tenant = await new_tenant()
        monkeypatch.setattr(get_settings(), "SECRETS_KEYRING_FILE", tmp_path / "missing.json")
        r = await client.post(
            URL, json={"provider": "twilio", "credentials": TWILIO}, headers=tenant.headers
        )
        assert r.status_code == 503
        assert r.text == "Encryption service unavailable"
        monkeypatch.undo()
        assert await _list(client, tenant) == []

    async def test_sandbox_needs_no_keys(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.post(
            URL, json={"provider": "sandbox", "credentials": {}}, headers=tenant_a.headers
        )
        assert r.status_code == 201
        assert r.json()["credential_keys"] == []

    async def test_sandbox_refused_when_disabled(
        self, client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "SANDBOX_CARRIER_ENABLED", False)
        r = await client.post(
            URL, json={"provider": "sandbox", "credentials": {}}, headers=tenant_a.headers
        )
        assert r.status_code == 400
        assert "sandbox" not in r.text


class TestListProviders:
    async def test_envelope_and_isolation(
        self, client: httpx.AsyncClient, new_tenant, tenant_b: Tenant
    ) -> None:
        tenant = await new_tenant()
        created = await add_provider(client, tenant, "twilio", TWILIO)
        rows = await _list(client, tenant)
        assert [p["id"] for p in rows] == [created["id"]]
        assert created["id"] not in (await client.get(URL, headers=tenant_b.headers)).text

    async def test_served_on_every_mount(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        for prefix in ("/api/v1", "/hub-api/api/v1", "/v1"):
            r = await client.get(f"{prefix}/telephony/providers", headers=tenant_a.headers)
            assert r.status_code == 200, prefix

    async def test_jwt_without_account_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get(URL, headers={"Authorization": tenant_a.jwt_headers["Authorization"]})
        assert r.status_code == 400
        assert r.text.startswith("Missing X-Account-ID header")


class TestDeleteProvider:
    async def test_deletes(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        row = await add_provider(client, tenant_a, "twilio", TWILIO)
        r = await client.delete(f"{URL}/{row['id']}", headers=tenant_a.headers)
        assert r.status_code == 204
        assert row["id"] not in [p["id"] for p in await _list(client, tenant_a)]

    async def test_in_use_is_409_until_numbers_go(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        row = await add_provider(client, tenant_a, "twilio", TWILIO)
        number = await add_number(client, tenant_a, "twilio", row["id"])
        r = await client.delete(f"{URL}/{row['id']}", headers=tenant_a.headers)
        assert r.status_code == 409
        assert await client.delete(
            f"/api/v1/telephony/numbers/{number['id']}", headers=tenant_a.headers
        )
        r = await client.delete(f"{URL}/{row['id']}", headers=tenant_a.headers)
        assert r.status_code == 204

    @pytest.mark.parametrize("provider_id", ["prov_01HZZZZZZZZZZZZZZZZZZZZZZZ", "nope", "x" * 3000])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, provider_id: str
    ) -> None:
        r = await client.delete(f"{URL}/{provider_id}", headers=tenant_a.headers)
        assert r.status_code == 404

    async def test_other_tenant_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        row = await add_provider(client, tenant_a, "plivo", PLIVO)
        r = await client.delete(f"{URL}/{row['id']}", headers=tenant_b.headers)
        assert r.status_code == 404
        assert row["id"] in [p["id"] for p in await _list(client, tenant_a)]


def random_twilio() -> dict[str, str]:
    return {"account_sid": "AC" + secrets.token_hex(16), "auth_token": secrets.token_hex(16)}
