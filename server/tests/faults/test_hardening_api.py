"""Hardening on the in-process app (SQLite + in-process, PostgreSQL + Redis): an unhandled error
is a clean 500 on a kept-alive connection, a request that cannot get a database connection in
time is a 503 with Retry-After, sign-ins are throttled, `validate` keeps accounts private,
readiness names what failed, and the smaller input rules (413 format, template_id, one
contacts file)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from tests.factories.campaigns import contact_numbers, csv_of
from tests.factories.telephony import make_line
from tests.fixtures.app import Tenant
from tests.fixtures.backends import Backend
from tests.fixtures.processes import free_port


@contextlib.asynccontextmanager
async def _served(app: FastAPI) -> AsyncIterator[int]:
    """The app (already started) served by uvicorn on a free port."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


def _exchange(sock: socket.socket, path: str) -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: hub\r\nAccept: application/json\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return head + b"\r\n\r\n" + body


async def test_unhandled_error_is_a_clean_500_on_a_kept_connection(app: Any) -> None:
    """A real server (uvicorn) closes the client's connection when an exception escapes the
    application; ours answers 500 instead and the connection serves the next request."""
    from kataven_hub.main import create_app

    async def boom() -> None:
        raise RuntimeError("a bug")

    served = create_app()  # the same middleware and handlers (its lifespan is not needed)
    served.add_api_route("/_test/boom", boom, include_in_schema=False)
    async with _served(served) as port:

        def talk() -> tuple[bytes, bytes]:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                first = _exchange(sock, "/_test/boom")
                second = _exchange(sock, "/healthz")  # the same connection, still open
            return first, second

        first, second = await asyncio.to_thread(talk)
    assert first.startswith(b"HTTP/1.1 500")
    assert b'"code":"internal_error"' in first
    assert b"x-request-id" in first.lower()
    assert second.startswith(b"HTTP/1.1 200")


async def test_no_connection_in_time_is_503_with_retry_after(
    client: httpx.AsyncClient, backend: Backend, new_tenant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the process's tenant budget is one connection, held by another account;
    a request for a second account waits, then gets 503 + Retry-After (never a 500). Once the
    connection is back, the same request succeeds. (SQLite has no budget: plain 200s.)"""
    from kataven_hub.core import tenancy
    from kataven_hub.core.db import new_session

    holder: Tenant = await new_tenant()
    other: Tenant = await new_tenant()
    registry = tenancy.get()
    monkeypatch.setattr(registry.settings, "DB_TENANT_CONNECTIONS_MAX", 1)
    monkeypatch.setattr(registry.settings, "DB_CONNECT_WAIT_SECONDS", 0.5)
    await registry.forget(other.slug)  # its pool is empty: a request must open a connection
    engine = await registry.engine_for(holder.slug)
    assert engine is not None
    await registry.forget(holder.slug)
    engine = await registry.engine_for(holder.slug)
    assert engine is not None
    for slug in [s for s in list(registry._engines) if s not in (holder.slug, other.slug)]:
        await registry.forget(slug)
    async with new_session(engine) as session:
        await session.connection()  # checked out: the whole budget
        r = await client.get(
            "/api/v1/agents", headers={**other.headers, "Accept": "application/json"}
        )
        if backend.is_postgres:
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "1"
            assert r.json()["code"] == "database_busy"
        else:
            assert r.status_code == 200
    r = await client.get("/api/v1/agents", headers=other.headers)
    assert r.status_code == 200, r.text


@pytest.fixture
def caller_ip() -> str:
    import secrets

    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def _from(app: FastAPI, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://hub.test")


async def test_login_is_throttled_per_account(
    app: FastAPI, new_tenant: Any, caller_ip: str
) -> None:
    tenant: Tenant = await new_tenant()
    async with _from(app, caller_ip) as http:
        for _ in range(5):
            r = await http.post("/api/login", json={"email": tenant.email, "password": "wrong"})
            assert r.status_code == 401
        r = await http.post("/api/login", json={"email": tenant.email, "password": "wrong"})
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 60
        # The right password waits too (no oracle while throttled).
        r = await http.post("/api/login", json={"email": tenant.email, "password": tenant.password})
        assert r.status_code == 429
    async with _from(app, caller_ip.rsplit(".", 1)[0] + ".254") as http:  # another IP
        r = await http.post("/api/login", json={"email": tenant.email, "password": tenant.password})
        assert r.status_code == 429  # per account, whatever the IP
    # Another account from the first IP is unaffected (5 failures < the IP's 20).
    other: Tenant = await new_tenant()
    async with _from(app, caller_ip) as http:
        r = await http.post("/api/login", json={"email": other.email, "password": other.password})
        assert r.status_code == 200


async def test_login_is_throttled_per_ip(app: FastAPI, new_tenant: Any, caller_ip: str) -> None:
    tenant: Tenant = await new_tenant()
    async with _from(app, caller_ip) as http:
        for i in range(20):
            r = await http.post(
                "/api/login", json={"email": f"nobody{i}@{caller_ip}.test", "password": "x"}
            )
            assert r.status_code == 401
        r = await http.post("/api/login", json={"email": tenant.email, "password": tenant.password})
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1


async def test_validate_does_not_tell_which_accounts_exist_without_the_directory(
    client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kataven_hub.core.settings import get_settings

    known = (await client.get(f"/api/accounts/validate/{tenant_a.slug}")).json()
    unknown = (await client.get("/api/accounts/validate/no-such-account-xyz")).json()
    assert known["exists"] is True  # the directory is on in these tests
    assert unknown["exists"] is False
    monkeypatch.setattr(get_settings(), "ACCOUNT_DIRECTORY_ENABLED", False)
    known = (await client.get(f"/api/accounts/validate/{tenant_a.slug}")).json()
    unknown = (await client.get("/api/accounts/validate/no-such-account-xyz")).json()
    assert {k: v for k, v in known.items() if k != "account"} == {"valid": True, "exists": True}
    assert {k: v for k, v in unknown.items() if k != "account"} == {"valid": True, "exists": True}
    reserved = (await client.get("/api/accounts/validate/kataven-admin")).json()
    assert reserved["exists"] is False


async def test_readyz_names_an_unusable_keyring(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kataven_hub.core import secrets

    assert (await client.get("/readyz")).text == "ok"
    monkeypatch.setattr(secrets, "keyring", lambda: None)
    r = await client.get("/readyz")
    assert r.status_code == 503
    assert r.text == "keyring: unavailable\n"


async def test_413_speaks_json_when_asked(client: httpx.AsyncClient, tenant_a: Tenant) -> None:
    from kataven_hub.core.settings import get_settings

    big = b"x" * (get_settings().MAX_BODY_BYTES + 1)
    headers = {**tenant_a.headers, "Content-Type": "application/json"}
    r = await client.post("/api/v1/agents", content=big, headers=headers)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("text/plain")
    r = await client.post(
        "/api/v1/agents", content=big, headers={**headers, "Accept": "application/json"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "payload_too_large"
    assert r.json()["request_id"] == r.headers["x-request-id"]


async def test_agent_create_keeps_a_marketplace_template_id(
    client: httpx.AsyncClient, tenant_a: Tenant
) -> None:
    templates = (await client.get("/api/v1/marketplace/templates", headers=tenant_a.headers)).json()
    template_id = templates["templates"][0]["id"]
    body = {"name": "From a template", "template_id": template_id}
    r = await client.post("/api/v1/agents", json=body, headers=tenant_a.headers)
    assert r.status_code == 201, r.text
    assert r.json()["template_id"] == template_id
    r = await client.get(f"/api/v1/agents/{r.json()['id']}", headers=tenant_a.headers)
    assert r.json()["template_id"] == template_id
    before = len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json())
    body = {"name": "Bad template", "template_id": "no-such-template"}
    r = await client.post("/api/v1/agents", json=body, headers=tenant_a.headers)
    assert r.status_code == 400, r.text
    assert "template_id" in r.text
    assert len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json()) == before


async def test_a_second_contacts_file_is_refused(
    client: httpx.AsyncClient, new_tenant: Any
) -> None:
    tenant: Tenant = await new_tenant()
    line = await make_line(client, tenant, None, "sandbox")
    data = {"name": "Two files", "agent_id": line.agent["id"], "phone_number_id": line.number["id"]}
    files = [
        ("contacts", ("a.csv", csv_of(contact_numbers(2)), "text/csv")),
        ("contacts", ("b.csv", csv_of(contact_numbers(2)), "text/csv")),
    ]
    r = await client.post("/api/v1/campaigns", data=data, files=files, headers=tenant.headers)
    assert r.status_code == 400, r.text
    assert "one contacts file" in r.text
    listed = (await client.get("/api/v1/campaigns", headers=tenant.headers)).json()
    assert listed["campaigns"] == []  # nothing stored
    r = await client.post("/api/v1/campaigns", data=data, files=files[:1], headers=tenant.headers)
    assert r.status_code == 201, r.text


async def test_a_write_whose_connection_dies_is_a_503(
    backend: Backend, new_tenant: Any, client: httpx.AsyncClient
) -> None:
    """PostgreSQL: the server ends the connection in the middle of a write transaction (after
    its checkout ping). Not retried (the write may not be repeatable): 503 with Retry-After,
    rendered by the same handler every route uses. (SQLite has no server to lose.)"""
    from kataven_hub.core import errors, tenancy
    from kataven_hub.core.db import new_session
    from sqlalchemy import text
    from starlette.requests import Request

    from tests.fixtures.backends import pg_admin

    tenant: Tenant = await new_tenant()
    engine = await tenancy.get().engine_for(tenant.slug)
    assert engine is not None
    if not backend.is_postgres:
        assert engine.dialect.name == "sqlite"
        return
    caught: BaseException | None = None
    async with new_session(engine) as session:
        pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        admin = await pg_admin()
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        try:
            await session.execute(text("UPDATE agents SET name = name WHERE false"))
        except Exception as exc:
            caught = exc
    assert caught is not None
    assert errors.database_unavailable(caught)
    scope = {"type": "http", "method": "POST", "path": "/", "headers": [], "state": {}}
    response = errors.render_unexpected(Request(scope), caught)  # type: ignore[arg-type]
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    r = await client.get("/api/v1/agents", headers=tenant.headers)  # the pool healed
    assert r.status_code == 200
