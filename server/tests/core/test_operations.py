"""Operational surface: health, readiness, OpenAPI, offline docs, request ids, wire format."""

from __future__ import annotations

import httpx
from kataven_hub import models  # noqa: F401  (every table, for migrate.diff)
from kataven_hub.core import migrate, tenancy

from tests.fixtures.app import Tenant


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).text == "ok"
    r = await client.get("/readyz")
    assert r.status_code == 200


async def test_openapi_is_31_documents_errors_and_never_422(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert schema["openapi"] == "3.1.0"
    assert "/api/v1/agents" in schema["paths"]
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            # 422 only ever means an Idempotency-Key reused with another request, never validation.
            if "422" in codes:
                assert "dempotency" in op["responses"]["422"]["description"], (method, path)
            if path.startswith("/api/v1/widget/"):  # public visitor routes
                assert op.get("security") in (None, [], [{"bearerAuth": []}]), (method, path)
            elif path.startswith("/api/v1/"):
                assert {"400", "401", "403"} <= codes, (method, path)
                assert op["security"] == [{"bearerAuth": []}], (method, path)
    get_agent = schema["paths"]["/api/v1/agents/{agent_id}"]["get"]
    assert "404" in get_agent["responses"]


async def test_docs_work_offline(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.split("<script")[1].split(">")[0]  # no CDN script
    for asset in ("/_docs-assets/swagger-ui-bundle.js", "/_docs-assets/swagger-ui.css"):
        r = await client.get(asset)
        assert r.status_code == 200
        assert len(r.content) > 1000


async def test_request_id_is_returned_and_kept(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert len(r.headers["x-request-id"]) == 32
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith stuff"})
    assert r.headers["x-request-id"] != "bad id\twith stuff"


async def test_problem_json_carries_request_id(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/agents", headers={"Accept": "application/json"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["request_id"] == r.headers["x-request-id"]
    assert r.json()["code"] == "unauthorized"


async def test_unknown_route_and_method(client: httpx.AsyncClient, tenant_a: Tenant) -> None:
    r = await client.get("/api/v1/nope", headers=tenant_a.headers)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/plain")
    r = await client.put("/api/v1/agents", headers=tenant_a.headers)
    assert r.status_code == 405


async def test_oversized_body_is_413_and_stores_nothing(
    client: httpx.AsyncClient, tenant_a: Tenant
) -> None:
    before = len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json())
    r = await client.post(
        "/api/v1/agents",
        content=b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}',
        headers={**tenant_a.headers, "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json()) == before


async def test_wrong_content_type_is_400(client: httpx.AsyncClient, tenant_a: Tenant) -> None:
    r = await client.post(
        "/api/v1/agents",
        content=b"name=x",
        headers={**tenant_a.headers, "Content-Type": "text/plain"},
    )
    assert r.status_code == 400


async def test_models_and_migrations_agree(app, tenant_a: Tenant) -> None:
    registry = tenancy.get()
    assert await migrate.diff(registry.control_engine, "control") == []
    engine = await registry.engine_for(tenant_a.slug)
    assert engine is not None
    assert await migrate.diff(engine, "tenant") == []


async def test_tenant_tables_have_no_account_column(app, tenant_a: Tenant) -> None:
    from kataven_hub.core.db import TenantBase

    for table in TenantBase.metadata.tables.values():
        assert not any("account" in column.name for column in table.columns), table.name
