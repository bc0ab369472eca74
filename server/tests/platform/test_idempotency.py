"""Idempotency-Key on writes, through HTTP on both backends (Stripe semantics, DECISIONS)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI
from kataven_hub.core import idempotency

from tests.fixtures.app import Tenant
from tests.fixtures.probe import Probe
from tests.rate_limits.test_request_limits import set_limits

NewTenant = Callable[..., Awaitable[Tenant]]
JSON = {"Accept": "application/json"}


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def agent_names(client: httpx.AsyncClient, tenant: Tenant) -> list[str]:
    r = await client.get("/api/v1/agents", headers=tenant.headers)
    assert r.status_code == 200
    return [a["name"] for a in r.json()]


class TestConcurrentRetries:
    async def test_hundred_parallel_posts_create_one_agent(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, **key()}
        body = {"name": "Only Once"}
        rs = await asyncio.gather(
            *[client.post("/api/v1/agents", json=body, headers=headers) for _ in range(100)]
        )
        first = [r for r in rs if r.status_code == 201 and "idempotent-replayed" not in r.headers]
        assert len(first) == 1
        in_flight = [r for r in rs if r.status_code == 409]
        replayed = [r for r in rs if "idempotent-replayed" in r.headers]
        assert len(in_flight) + len(replayed) == 99
        assert in_flight, "no request overlapped the first"
        assert all(r.headers["retry-after"] == "1" for r in in_flight)
        assert all("still in progress" in r.text for r in in_flight)
        assert all(r.content == first[0].content for r in replayed)
        assert await agent_names(client, tenant) == ["Only Once"]

        again = await client.post("/api/v1/agents", json=body, headers=headers)
        assert again.status_code == 201
        assert again.content == first[0].content
        assert again.headers["content-type"] == first[0].headers["content-type"]
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["x-request-id"] != first[0].headers["x-request-id"]
        assert await agent_names(client, tenant) == ["Only Once"]


class TestReplay:
    async def test_same_key_other_body_is_422(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, **key()}
        assert (
            await client.post("/api/v1/agents", json={"name": "A"}, headers=headers)
        ).status_code == 201
        r = await client.post("/api/v1/agents", json={"name": "B"}, headers=headers)
        assert r.status_code == 422
        assert "different request" in r.text
        r = await client.post("/api/v1/agents", json={"name": "B"}, headers={**headers, **JSON})
        assert r.status_code == 422
        assert r.json()["code"] == "idempotency_key_reused"
        assert await agent_names(client, tenant) == ["A"]

    async def test_same_key_other_bytes_is_422_unknown_query_400(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, **key(), "Content-Type": "application/json"}
        r = await client.post("/api/v1/agents", content=b'{"name":"A"}', headers=headers)
        assert r.status_code == 201
        r = await client.post("/api/v1/agents", content=b'{"name": "A"}', headers=headers)
        assert r.status_code == 422
        # An unknown query parameter is refused before the key is looked at (nothing claimed).
        r = await client.post("/api/v1/agents?x=1", content=b'{"name":"A"}', headers=headers)
        assert r.status_code == 400
        assert r.text.startswith("unknown query parameter 'x'")

    async def test_every_mount_is_one_path(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, **key()}
        first = await client.post("/api/v1/agents", json={"name": "A"}, headers=headers)
        for prefix in ("/v1", "/hub-api/api/v1", "/api"):
            r = await client.post(f"{prefix}/agents", json={"name": "A"}, headers=headers)
            assert r.status_code == 201, prefix
            assert r.content == first.content, prefix
            assert r.headers["idempotent-replayed"] == "true"
        assert await agent_names(client, tenant) == ["A"]

    async def test_scope_is_credential_method_and_path(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant, other = await new_tenant(), await new_tenant()
        k = key()
        a = await client.post("/api/v1/agents", json={"name": "A"}, headers={**tenant.headers, **k})
        # The same key from the owner's JWT (another credential) runs again...
        b = await client.post(
            "/api/v1/agents", json={"name": "A"}, headers={**tenant.jwt_headers, **k}
        )
        # ...and so does it in another account, or on another path.
        c = await client.post("/api/v1/agents", json={"name": "A"}, headers={**other.headers, **k})
        agent_id = a.json()["id"]
        d = await client.patch(
            f"/api/v1/agents/{agent_id}", json={"name": "A"}, headers={**tenant.headers, **k}
        )
        assert [a.status_code, b.status_code, c.status_code, d.status_code] == [201, 201, 201, 200]
        assert all("idempotent-replayed" not in r.headers for r in (a, b, c, d))
        assert a.json()["id"] != b.json()["id"]
        assert await agent_names(client, tenant) == ["A", "A"]

    async def test_delete_replays_its_204(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        agent = (
            await client.post("/api/v1/agents", json={"name": "A"}, headers=tenant.headers)
        ).json()
        headers = {**tenant.headers, **key()}
        first = await client.delete(f"/api/v1/agents/{agent['id']}", headers=headers)
        again = await client.delete(f"/api/v1/agents/{agent['id']}", headers=headers)
        assert first.status_code == again.status_code == 204
        assert again.content == b""
        assert again.headers["idempotent-replayed"] == "true"
        plain = await client.delete(f"/api/v1/agents/{agent['id']}", headers=tenant.headers)
        assert plain.status_code == 404

    async def test_get_ignores_the_header(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, **key()}
        assert (await client.get("/api/v1/agents", headers=headers)).json() == []
        await client.post("/api/v1/agents", json={"name": "A"}, headers=tenant.headers)
        r = await client.get("/api/v1/agents", headers=headers)
        assert len(r.json()) == 1
        assert "idempotent-replayed" not in r.headers

    async def test_public_routes_ignore_the_header(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        body = {"email": tenant.email, "password": tenant.password}
        headers = {"Idempotency-Key": "login-1"}
        a = await client.post("/api/login", json=body, headers=headers)
        b = await client.post("/api/login", json={**body, "password": "wrong"}, headers=headers)
        assert a.status_code == 200
        assert b.status_code == 401


class TestWhatIsStored:
    async def test_client_errors_are_replayed(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, **key()}
        first = await client.post("/api/v1/agents", json={"name": ""}, headers=headers)
        again = await client.post("/api/v1/agents", json={"name": ""}, headers=headers)
        assert first.status_code == again.status_code == 400
        assert again.content == first.content
        assert again.headers["idempotent-replayed"] == "true"
        missing = {**tenant.headers, **key()}
        r1 = await client.patch("/api/v1/agents/agent_nope", json={"name": "x"}, headers=missing)
        r2 = await client.patch("/api/v1/agents/agent_nope", json={"name": "x"}, headers=missing)
        assert r1.status_code == r2.status_code == 404
        assert r2.content == r1.content

    async def test_failed_authentication_is_not_stored(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        k = key()
        bad = {"Authorization": f"Bearer sk_live_{tenant.slug}_{'x' * 40}", **k}
        assert (
            await client.post("/api/v1/agents", json={"name": "A"}, headers=bad)
        ).status_code == 401
        assert (
            await client.post("/api/v1/agents", json={"name": "A"}, headers=k)
        ).status_code == 401
        r = await client.post("/api/v1/agents", json={"name": "A"}, headers={**tenant.headers, **k})
        assert r.status_code == 201
        assert "idempotent-replayed" not in r.headers

    async def test_rate_limited_is_not_stored(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, requests_per_day=0)
        headers = {**tenant.headers, **key()}
        r = await client.post("/api/v1/agents", json={"name": "A"}, headers=headers)
        assert r.status_code == 429
        await set_limits(tenant.slug, requests_per_day=1_000)
        r = await client.post("/api/v1/agents", json={"name": "A"}, headers=headers)
        assert r.status_code == 201
        assert "idempotent-replayed" not in r.headers

    async def test_server_errors_are_not_stored(
        self, app: FastAPI, new_tenant: NewTenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from kataven_hub.agents import service as agents_service

        tenant = await new_tenant()
        real = agents_service.create

        async def broken(*args: object, **kwargs: object) -> object:
            raise RuntimeError("database on fire")

        monkeypatch.setattr(agents_service, "create", broken)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as c:
            headers = {**tenant.headers, **key()}
            r = await c.post("/api/v1/agents", json={"name": "A"}, headers=headers)
            assert r.status_code == 500
            assert "fire" not in r.text
            monkeypatch.setattr(agents_service, "create", real)
            r = await c.post("/api/v1/agents", json={"name": "A"}, headers=headers)
            assert r.status_code == 201
            assert "idempotent-replayed" not in r.headers
            assert len((await c.get("/api/v1/agents", headers=tenant.headers)).json()) == 1

    @pytest.mark.parametrize("value", ["", "a b", "x" * 256, "tab\there", "ключ"])
    async def test_malformed_key_is_400(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, value: str
    ) -> None:
        tenant = await new_tenant()
        headers = [*tenant.headers.items(), ("Idempotency-Key", value.encode())]
        r = await client.post("/api/v1/agents", json={"name": "A"}, headers=headers)
        assert r.status_code == 400, value
        assert "Idempotency-Key" in r.text
        assert await agent_names(client, tenant) == []

    async def test_longest_valid_key(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, "Idempotency-Key": "~" * 255}
        a = await client.post("/api/v1/agents", json={"name": "A"}, headers=headers)
        b = await client.post("/api/v1/agents", json={"name": "A"}, headers=headers)
        assert a.status_code == b.status_code == 201
        assert a.content == b.content


class TestMultipart:
    async def test_multipart_replays_whatever_the_boundary(
        self, probe: Probe, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        headers = {**tenant.headers, **key()}
        files = {"file": ("contacts.csv", b"phone_number\n+14155550100\n", "text/csv")}
        first = await probe.client.post(
            "/api/v1/_probe/uploads", data={"name": "c"}, files=files, headers=headers
        )
        again = await probe.client.post(
            "/api/v1/_probe/uploads", data={"name": "c"}, files=files, headers=headers
        )
        assert first.status_code == again.status_code == 201
        assert first.request.headers["content-type"] != again.request.headers["content-type"]
        assert again.content == first.content
        assert again.headers["idempotent-replayed"] == "true"
        other = {"file": ("contacts.csv", b"phone_number\n+14155550199\n", "text/csv")}
        r = await probe.client.post(
            "/api/v1/_probe/uploads", data={"name": "c"}, files=other, headers=headers
        )
        assert r.status_code == 422
        fresh = await probe.client.post(
            "/api/v1/_probe/uploads", data={"name": "c"}, files=files, headers=tenant.headers
        )
        assert fresh.json()["upload"] == first.json()["upload"] + 1

    def test_fingerprint_ignores_only_the_boundary(self) -> None:
        def scope(boundary: str) -> dict[str, object]:
            ctype = f"multipart/form-data; boundary={boundary}".encode()
            return {"headers": [(b"content-type", ctype)], "query_string": b""}

        def body(boundary: str, value: bytes) -> bytes:
            return (
                f'--{boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n'.encode()
                + value
                + f"\r\n--{boundary}--\r\n".encode()
            )

        a = idempotency.fingerprint(scope("aaa"), body("aaa", b"1"))
        assert a == idempotency.fingerprint(scope("bbb"), body("bbb", b"1"))
        assert a != idempotency.fingerprint(scope("bbb"), body("bbb", b"2"))
