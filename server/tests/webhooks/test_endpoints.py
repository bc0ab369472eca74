"""Webhook endpoints: CRUD, the secret shown once, rotation, filters, tenancy, refused URLs."""

from __future__ import annotations

import httpx
import pytest
from kataven_hub.core.settings import get_settings

from tests.fixtures.app import Tenant
from tests.helpers import tenant_session
from tests.webhooks.receiver import Receiver

URL = "/api/v1/webhook-endpoints"


async def create(
    client: httpx.AsyncClient, tenant: Tenant, url: str, **fields: object
) -> httpx.Response:
    return await client.post(URL, json={"url": url, **fields}, headers=tenant.headers)


class TestCreateWebhookEndpoint:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.post(URL, json={"url": "https://example.com/h"})
        assert r.status_code == 401

    async def test_secret_shown_once(
        self, client: httpx.AsyncClient, tenant_a: Tenant, receiver: Receiver
    ) -> None:
        r = await create(client, tenant_a, receiver.url, events=["call.completed"])
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["secret"].startswith("whsec_")
        assert body["events"] == ["call.completed"]
        assert body["disabled"] is False
        got = await client.get(f"{URL}/{body['id']}", headers=tenant_a.headers)
        assert got.status_code == 200
        assert "secret" not in got.json()
        listed = await client.get(URL, headers=tenant_a.headers)
        assert body["id"] in [e["id"] for e in listed.json()["webhook_endpoints"]]
        assert body["secret"] not in listed.text

    async def test_secret_encrypted_at_rest(
        self, client: httpx.AsyncClient, tenant_a: Tenant, receiver: Receiver
    ) -> None:
        body = (await create(client, tenant_a, receiver.url)).json()
        async with tenant_session(tenant_a.slug) as session:
            from sqlalchemy import text

            stored = (
                await session.execute(
                    text("SELECT secret FROM webhook_endpoints WHERE id = :id"), {"id": body["id"]}
                )
            ).scalar_one()
        assert body["secret"] not in stored
        assert body["secret"].removeprefix("whsec_") not in stored

    async def test_default_events_all(
        self, client: httpx.AsyncClient, tenant_a: Tenant, receiver: Receiver
    ) -> None:
        r = await create(client, tenant_a, receiver.url)
        assert r.json()["events"] == ["*"]

    @pytest.mark.parametrize(
        "body",
        [
            {"url": "https://example.com/h", "events": ["call.exploded"]},
            {"url": "https://example.com/h", "events": []},
            {"url": "ftp://example.com/h"},
            {"url": "not a url"},
            {"url": "https://user:pw@example.com/h"},
            {"events": ["*"]},
            {"url": 5},
        ],
    )
    async def test_bad_body_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict[str, object]
    ) -> None:
        before = await client.get(URL, headers=tenant_a.headers)
        r = await client.post(URL, json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        after = await client.get(URL, headers=tenant_a.headers)
        assert len(after.json()["webhook_endpoints"]) == len(before.json()["webhook_endpoints"])

    async def test_http_refused_when_not_allowed(
        self, client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ALLOW_HTTP", False)
        r = await create(client, tenant_a, "http://93.184.216.34/hooks")
        assert r.status_code == 400
        assert "https" in r.text


class TestRefusedDestinations:
    """With private destinations not allowed (the production default)."""

    @pytest.fixture(autouse=True)
    def _strict(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS", False)

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:9/hooks",
            "http://10.0.0.1/hooks",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:9/hooks",
            "http://localhost:9/hooks",
            "http://[::ffff:127.0.0.1]/hooks",
            "http://0.0.0.0/hooks",
            "http://192.168.1.10/hooks",
        ],
    )
    async def test_refused_at_creation(
        self, client: httpx.AsyncClient, tenant_a: Tenant, url: str
    ) -> None:
        r = await create(client, tenant_a, url)
        assert r.status_code == 400, r.text
        assert "refused" in r.text

    async def test_refused_on_update(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS", True)
        endpoint = (await create(client, tenant_a, "http://127.0.0.1:9/h")).json()
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS", False)
        r = await client.patch(
            f"{URL}/{endpoint['id']}", json={"url": "http://10.0.0.1/h"}, headers=tenant_a.headers
        )
        assert r.status_code == 400
        got = await client.get(f"{URL}/{endpoint['id']}", headers=tenant_a.headers)
        assert got.json()["url"] == "http://127.0.0.1:9/h"

    async def test_metadata_refused_even_when_private_allowed(
        self, client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS", True)
        r = await create(client, tenant_a, "http://169.254.169.254/latest/meta-data/")
        assert r.status_code == 400

    async def test_public_address_accepted(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await create(client, tenant_a, "https://93.184.216.34/hooks")
        assert r.status_code == 201, r.text


class TestUpdateWebhookEndpoint:
    async def test_change_filter_and_disable(
        self, client: httpx.AsyncClient, tenant_a: Tenant, receiver: Receiver
    ) -> None:
        endpoint = (await create(client, tenant_a, receiver.url)).json()
        r = await client.patch(
            f"{URL}/{endpoint['id']}",
            json={"events": ["campaign.completed", "campaign.completed"], "disabled": True,
                  "description": "CRM"},
            headers=tenant_a.headers,
        )  # fmt: skip
        assert r.status_code == 200, r.text
        assert r.json()["events"] == ["campaign.completed"]
        assert r.json()["disabled"] is True
        assert r.json()["description"] == "CRM"
        test = await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant_a.headers)
        assert test.status_code == 409

    async def test_null_refused(
        self, client: httpx.AsyncClient, tenant_a: Tenant, receiver: Receiver
    ) -> None:
        endpoint = (await create(client, tenant_a, receiver.url)).json()
        r = await client.patch(
            f"{URL}/{endpoint['id']}", json={"url": None}, headers=tenant_a.headers
        )
        assert r.status_code == 400

    async def test_unknown_404(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.patch(
            f"{URL}/whep_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z", json={}, headers=tenant_a.headers
        )
        assert r.status_code == 404


class TestDeleteWebhookEndpoint:
    async def test_deleted(
        self, client: httpx.AsyncClient, tenant_a: Tenant, receiver: Receiver
    ) -> None:
        endpoint = (await create(client, tenant_a, receiver.url)).json()
        r = await client.delete(f"{URL}/{endpoint['id']}", headers=tenant_a.headers)
        assert r.status_code == 204
        again = await client.get(f"{URL}/{endpoint['id']}", headers=tenant_a.headers)
        assert again.status_code == 404


class TestTenancy:
    async def test_other_account_sees_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant, receiver: Receiver
    ) -> None:
        endpoint = (await create(client, tenant_a, receiver.url)).json()
        for method, path in [
            ("GET", f"{URL}/{endpoint['id']}"),
            ("PATCH", f"{URL}/{endpoint['id']}"),
            ("DELETE", f"{URL}/{endpoint['id']}"),
            ("POST", f"{URL}/{endpoint['id']}/rotate-secret"),
            ("POST", f"{URL}/{endpoint['id']}/test"),
            ("GET", f"{URL}/{endpoint['id']}/deliveries"),
        ]:
            kwargs = {"json": {}} if method == "PATCH" else {}
            r = await client.request(method, path, headers=tenant_b.headers, **kwargs)
            assert r.status_code == 404, (method, path)
        listed = await client.get(URL, headers=tenant_b.headers)
        assert endpoint["id"] not in listed.text
