"""The audit log: every authenticated write route with its actor, sign-ins, no secrets,
filters and paging, who may read it."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx

from tests.factories.telephony import create_agent
from tests.fixtures.app import Tenant
from tests.helpers import dump_database

URL = "/api/v1/audit-events"
_WRITE = {"post", "put", "patch", "delete"}
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


async def all_events(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> list[dict]:
    out: list[dict] = []
    while True:
        r = await client.get(
            URL, params={**params, "limit": 100, "offset": len(out)}, headers=tenant.headers
        )
        assert r.status_code == 200, r.text
        page = r.json()["audit_events"]
        out += page
        if len(page) < 100:
            return out


async def key_id(client: httpx.AsyncClient, tenant: Tenant) -> str:
    r = await client.get("/api/v1/api-keys", headers=tenant.jwt_headers)
    assert r.status_code == 200, r.text
    return str(r.json()[0]["id"])


def write_routes() -> list[tuple[str, str]]:
    from kataven_hub.main import _authenticated, create_app

    app = create_app()  # the same routes as the app under test
    return sorted(
        (method, path)
        for path, method in _authenticated(app)
        if method in _WRITE and path.startswith("/api/v1/")
    )


def form_routes() -> dict[tuple[str, str], str]:
    """Write routes whose body is multipart/form-data, with the name of their file field (a
    body of the wrong kind is refused before the credential is read, so those get a form)."""
    from kataven_hub.main import create_app

    document = create_app().openapi()
    schemas = document["components"]["schemas"]
    out: dict[tuple[str, str], str] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            if form is None:
                continue
            schema = form["schema"]
            if "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            files = [
                name
                for name, field in schema.get("properties", {}).items()
                if "binary" in str(field) or "octet-stream" in str(field)
            ]
            out[(method, path)] = files[0]
    return out


class TestEveryWriteRoute:
    async def test_each_write_route_audited_with_the_key(
        self, client: httpx.AsyncClient, new_tenant: Any
    ) -> None:
        tenant = await new_tenant()
        routes = write_routes()
        assert len(routes) > 30  # the whole API, not a handful
        forms = form_routes()
        for method, template in routes:
            path = _PARAM.sub(lambda m: f"x{m.group(1)}", template)
            if (method, template) in forms:
                upload = {forms[method, template]: ("x.csv", b"x\n")}
                r = await client.request(method, path, files=upload, headers=tenant.headers)
            else:
                r = await client.request(method, path, json={}, headers=tenant.headers)
            assert r.status_code < 500, (method, template, r.status_code, r.text)
        events = await all_events(client, tenant)
        seen = {(e["method"].lower(), e["route"]) for e in events}
        assert set(routes) <= seen, sorted(set(routes) - seen)
        mine = await key_id(client, tenant)
        writes = [e for e in events if e["route"] != "/api/login"]
        assert {e["actor"] for e in writes} == {mine}
        assert {e["actor_type"] for e in writes} == {"api_key"}
        assert all(e["request_id"] for e in writes)
        # Path parameters name the resource.
        some = next(e for e in writes if e["route"] == "/api/v1/agents/{agent_id}")
        assert some["resource_type"] == "agents"
        assert some["resource_id"] == "xagent_id"


class TestActors:
    async def test_api_key_and_hub_user(self, client: httpx.AsyncClient, new_tenant: Any) -> None:
        tenant = await new_tenant()
        agent = await create_agent(client, tenant)
        r = await client.patch(
            f"/api/v1/agents/{agent['id']}", json={"name": "Renamed"}, headers=tenant.jwt_headers
        )
        assert r.status_code == 200, r.text
        events = await all_events(client, tenant, resource_type="agents")
        assert [(e["method"], e["actor_type"]) for e in events] == [
            ("PATCH", "user"),
            ("POST", "api_key"),
        ]
        patch, create = events
        assert patch["actor"] == tenant.user_id
        assert patch["resource_id"] == agent["id"]
        assert patch["status"] == 200
        assert create["resource_id"] == agent["id"]  # taken from the create answer
        assert create["status"] == 201
        assert create["route"] == "/api/v1/agents"

    async def test_refused_write_recorded_with_its_status(
        self, client: httpx.AsyncClient, new_tenant: Any
    ) -> None:
        tenant = await new_tenant()
        r = await client.post("/api/v1/agents", json={"name": ""}, headers=tenant.headers)
        assert r.status_code == 400
        events = await all_events(client, tenant, resource_type="agents")
        assert [e["status"] for e in events] == [400]

    async def test_a_refused_write_is_closed_before_its_entry_is_written(
        self, client: httpx.AsyncClient, new_tenant: Any
    ) -> None:
        """A write refused after its transaction began (on SQLite: holding the database's write
        lock) is rolled back before its audit entry is written: answered at once, recorded."""
        tenant = await new_tenant()
        started = time.monotonic()
        r = await client.delete("/api/v1/faqs/faq_nope", headers=tenant.headers)
        assert r.status_code == 404, r.text
        assert time.monotonic() - started < 5  # SQLite's busy wait is 30 s
        events = await all_events(client, tenant)
        assert [e["status"] for e in events if e["route"] == "/api/v1/faqs/{faq_id}"] == [404]

    async def test_reads_not_recorded(self, client: httpx.AsyncClient, new_tenant: Any) -> None:
        tenant = await new_tenant()
        await client.get("/api/v1/agents", headers=tenant.headers)
        assert await all_events(client, tenant, resource_type="agents") == []


class TestSignIn:
    async def test_sign_ins_recorded(self, client: httpx.AsyncClient, new_tenant: Any) -> None:
        tenant = await new_tenant()  # signed in once already
        bad = await client.post(
            "/api/login", json={"email": tenant.email, "password": "wrong-" + uuid.uuid4().hex}
        )
        assert bad.status_code == 401
        events = await all_events(client, tenant, actor=tenant.user_id, resource_type="users")
        assert [(e["route"], e["status"]) for e in events] == [
            ("/api/login", 401),
            ("/api/login", 200),
        ]
        assert all(e["actor_type"] == "user" for e in events)


class TestNoSecrets:
    async def test_secrets_in_bodies_and_answers_stored_nowhere(
        self, client: httpx.AsyncClient, new_tenant: Any
    ) -> None:
        tenant = await new_tenant()
        token = uuid.uuid4().hex  # a Twilio auth token is 32 hex digits
        creds = {"account_sid": "AC" + uuid.uuid4().hex, "auth_token": token}
        r = await client.post(
            "/api/v1/telephony/providers",
            json={"provider": "twilio", "label": "Main", "credentials": creds},
            headers=tenant.headers,
        )
        assert r.status_code == 201, r.text
        hook = await client.post(
            "/api/v1/webhook-endpoints",
            json={"url": "https://93.184.216.34/hooks"},
            headers=tenant.headers,
        )
        secret = hook.json()["secret"]
        rotated = await client.post(
            f"/api/v1/webhook-endpoints/{hook.json()['id']}/rotate-secret", headers=tenant.headers
        )
        new_secret = rotated.json()["secret"]
        dump = await dump_database(tenant.slug)
        audit = repr(dump["audit_events"])
        assert len(dump["audit_events"]) >= 4
        for value in (token, secret, new_secret, tenant.key, tenant.password, tenant.jwt):
            assert value not in audit
            assert value[6:30] not in audit


class TestListAuditEvents:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(URL)).status_code == 401

    async def test_filters_and_paging(self, client: httpx.AsyncClient, new_tenant: Any) -> None:
        tenant = await new_tenant()
        agents = [await create_agent(client, tenant, name=f"A{i}") for i in range(3)]
        first = await client.get(
            URL, params={"resource_type": "agents", "limit": 2}, headers=tenant.headers
        )
        second = await client.get(
            URL, params={"resource_type": "agents", "limit": 2, "offset": 2},
            headers=tenant.headers,
        )  # fmt: skip
        ids = [e["resource_id"] for e in first.json()["audit_events"]]
        ids += [e["resource_id"] for e in second.json()["audit_events"]]
        assert ids == [a["id"] for a in reversed(agents)]  # newest first
        one = await client.get(URL, params={"resource_id": agents[1]["id"]}, headers=tenant.headers)
        assert [e["resource_id"] for e in one.json()["audit_events"]] == [agents[1]["id"]]
        at = one.json()["audit_events"][0]["at"]
        later = await client.get(
            URL, params={"resource_type": "agents", "from": at}, headers=tenant.headers
        )
        assert len(later.json()["audit_events"]) == 2
        before = await client.get(
            URL, params={"resource_type": "agents", "to": at}, headers=tenant.headers
        )
        assert len(before.json()["audit_events"]) == 1

    async def test_bad_query_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        for params in ({"limit": 0}, {"limit": 101}, {"from": "yesterday"}, {"offset": -1}):
            r = await client.get(URL, params=params, headers=tenant_a.headers)
            assert r.status_code == 400, params

    async def test_members_refused(self, client: httpx.AsyncClient, new_tenant: Any) -> None:
        from kataven_hub.accounts import service as accounts_service
        from kataven_hub.core import tenancy
        from kataven_hub.core.db import ControlSession, new_session, sqlite_immediate
        from kataven_hub.core.sessions import commit

        tenant = await new_tenant()
        email, password = f"member@{tenant.slug}.test", uuid.uuid4().hex
        async with new_session(sqlite_immediate(tenancy.get().control_engine)) as session:
            await accounts_service.add_user(
                ControlSession(session), email, password=password, account=tenant.slug,
                role="member",
            )  # fmt: skip
            await commit(session)
        token = await client.post("/api/login", json={"email": email, "password": password})
        headers = {"Authorization": f"Bearer {token.json()['token']}", "X-Account-ID": tenant.slug}
        assert (await client.get(URL, headers=headers)).status_code == 403
        assert (await client.get(URL, headers=tenant.jwt_headers)).status_code == 200

    async def test_other_account_invisible(
        self, client: httpx.AsyncClient, new_tenant: Any
    ) -> None:
        a, b = await new_tenant(), await new_tenant()
        agent = await create_agent(client, a)
        r = await client.get(URL, params={"resource_id": agent["id"]}, headers=b.headers)
        assert r.json()["audit_events"] == []
