from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from kataven_hub.tools.builtins import BUILTIN_TOOLS

from tests.fixtures.app import Tenant
from tests.helpers import JSON, MISSING_IDS, count_rows, uniq

BUILTIN_NAMES = sorted(t["name"] for t in BUILTIN_TOOLS)
HTTP_CONFIG = {"method": "GET", "url": "https://inventory.example.com/stock/{sku}"}


async def create_tool(client: httpx.AsyncClient, tenant: Tenant, **fields: object) -> dict:
    body = {"name": uniq("check_stock"), "category": "inventory", **fields}
    r = await client.post("/api/v1/tools", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def total(client: httpx.AsyncClient, tenant: Tenant) -> int:
    r = await client.get("/api/v1/tools", headers=tenant.headers)
    return r.json()["total"]


class TestBuiltins:
    async def test_seeded_into_every_new_account(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        r = await client.get("/api/v1/tools?limit=100", headers=tenant.headers)
        assert r.status_code == 200
        tools = r.json()["tools"]
        assert [t["name"] for t in tools] == BUILTIN_NAMES
        for name in (
            "end_call",
            "transfer_call",
            "send_sms",
            "lookup_order",
            "book_appointment",
            "http_request",
        ):
            assert name in BUILTIN_NAMES
        for tool in tools:
            assert tool["is_default"] is True
            assert tool["modified_from_default"] is False
            assert tool["schema"]["type"] == "object"
            assert tool["schema"]["properties"]
            assert tool["description"]
            assert tool["default_version"]
            assert tool["implementation_type"] in ("python", "http")
            if tool["implementation_type"] == "python":
                assert "def run(args, context)" in tool["implementation_code"]
            else:
                assert tool["implementation_config"]["url"]


class TestListTools:
    async def test_envelope_and_paging(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await client.get("/api/v1/tools", headers=tenant.headers)
        body = r.json()
        n = len(BUILTIN_NAMES)
        assert body["count"] == 10
        assert body["limit"] == 10
        assert body["offset"] == 0
        assert body["total"] == n
        assert body["has_next"] is True
        assert body["has_prev"] is False
        assert body["next_offset"] == 10
        assert body["prev_offset"] == 0
        assert sum(body["category_counts"].values()) == n
        seen: list[str] = []
        offset = 0
        while True:
            page = (
                await client.get(f"/api/v1/tools?limit=7&offset={offset}", headers=tenant.headers)
            ).json()
            seen += [t["name"] for t in page["tools"]]
            if not page["has_next"]:
                break
            offset = page["next_offset"]
        assert seen == BUILTIN_NAMES
        assert page["has_prev"] is True
        assert page["prev_offset"] == offset - 7

    async def test_offset_past_the_end(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        body = (await client.get("/api/v1/tools?offset=5000", headers=tenant_a.headers)).json()
        assert body["tools"] == []
        assert body["count"] == 0
        assert body["has_next"] is False
        assert body["has_prev"] is True

    async def test_category_filter_keeps_other_counts(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        body = (
            await client.get("/api/v1/tools?category=calendar&limit=100", headers=tenant.headers)
        ).json()
        assert body["tools"]
        assert {t["category"] for t in body["tools"]} == {"calendar"}
        assert body["total"] == body["category_counts"]["calendar"] == len(body["tools"])
        assert "call_control" in body["category_counts"]
        body = (await client.get("/api/v1/tools?category=nothing", headers=tenant.headers)).json()
        assert body["total"] == 0
        assert body["tools"] == []

    @pytest.mark.parametrize("kind", ["python", "http"])
    async def test_type_filter(
        self, client: httpx.AsyncClient, tenant_a: Tenant, kind: str
    ) -> None:
        body = (
            await client.get(f"/api/v1/tools?type={kind}&limit=100", headers=tenant_a.headers)
        ).json()
        assert body["tools"]
        assert {t["implementation_type"] for t in body["tools"]} == {kind}

    async def test_search_is_substring_over_three_fields(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        await create_tool(client, tenant, name="zeta", display_name="Quokka Finder")
        await create_tool(client, tenant, name="omega", description="finds a QUOKKA nearby")
        for term in ("quokka", "QUOKKA", "okk"):
            body = (await client.get(f"/api/v1/tools?search={term}", headers=tenant.headers)).json()
            assert [t["name"] for t in body["tools"]] == ["omega", "zeta"], term
        body = (
            await client.get("/api/v1/tools?search=appointment&limit=100", headers=tenant.headers)
        ).json()
        assert {"book_appointment", "cancel_appointment"} <= {t["name"] for t in body["tools"]}

    @pytest.mark.parametrize("term", ["%", "end%call", "e_d_c"])
    async def test_search_wildcards_are_literal(
        self, client: httpx.AsyncClient, tenant_a: Tenant, term: str
    ) -> None:
        r = await client.get("/api/v1/tools", params={"search": term}, headers=tenant_a.headers)
        assert r.status_code == 200
        assert r.json()["total"] == 0

    @pytest.mark.parametrize(
        "query",
        [
            "limit=0",
            "limit=101",
            "limit=-1",
            "limit=abc",
            "offset=-1",
            "offset=x",
            "type=ruby",
            "search=" + "x" * 1000,
            "search=a%00b",
            "category=%00",
        ],
    )
    async def test_bad_query_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, query: str
    ) -> None:
        r = await client.get(f"/api/v1/tools?{query}", headers=tenant_a.headers)
        assert r.status_code == 400, r.text

    async def test_requires_auth(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/tools")).status_code == 401

    async def test_every_mount(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        for prefix in ("/api/v1", "/api", "/v1", "/hub-api/api/v1"):
            r = await client.get(f"{prefix}/tools/end_call", headers=tenant_a.headers)
            assert r.status_code == 200, prefix


class TestCreateTool:
    async def test_creates_custom_tool(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        schema = {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]}
        tool = await create_tool(
            client,
            tenant,
            name="check_stock",
            schema=schema,
            implementation_type="http",
            implementation_config=HTTP_CONFIG,
            tags=["stock"],
            id="tool_mine",
            is_default=True,
        )
        assert tool["id"].startswith("tool_")
        assert tool["id"] != "tool_mine"
        assert tool["name"] == "check_stock"
        assert tool["display_name"] == "Check Stock"
        assert tool["schema"] == schema
        assert tool["tags"] == ["stock"]
        assert tool["is_default"] is False
        assert tool["modified_from_default"] is False
        assert tool["integration_id"] is None
        assert tool["created_at"].endswith("Z")
        again = await client.get(f"/api/v1/tools/{tool['id']}", headers=tenant.headers)
        assert again.json() == tool
        assert await total(client, tenant) == len(BUILTIN_NAMES) + 1

    async def test_defaults(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        tool = await create_tool(client, tenant_a, name="stock_level_report")
        assert tool["display_name"] == "Stock Level Report"
        assert tool["implementation_type"] == "python"
        assert tool["implementation_code"] == ""
        assert tool["schema"] == {"type": "object", "properties": {}}
        assert tool["description"] == ""
        assert tool["tags"] == []

    async def test_python_source_with_run(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        code = "def run(args, context):\n    return {'ok': True}\n"
        tool = await create_tool(client, tenant_a, implementation_code=code)
        assert tool["implementation_code"] == code

    async def test_duplicate_name_is_409(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        tool = await create_tool(client, tenant_a)
        for name in ("end_call", tool["name"]):
            r = await client.post(
                "/api/v1/tools",
                json={"name": name, "category": "x"},
                headers={**tenant_a.headers, **JSON},
            )
            assert r.status_code == 409
            assert r.json()["code"] == "conflict"
        assert (
            await client.get(f"/api/v1/tools/{tool['id']}", headers=tenant_a.headers)
        ).json() == tool

    @pytest.mark.parametrize(
        "body",
        [
            {"category": "x"},
            {"name": "check_stock"},
            {"name": "Check Stock", "category": "x"},
            {"name": "1check", "category": "x"},
            {"name": "check-stock", "category": "x"},
            {"name": "x" * 101, "category": "x"},
            {"name": "a\x00b", "category": "x"},
            {"name": "ok", "category": ""},
            {"name": "ok", "category": "x", "schema": []},
            {"name": "ok", "category": "x", "schema": "object"},
            {"name": "ok", "category": "x", "schema": 5},
            {"name": "ok", "category": "x", "schema": None},
            {"name": "ok", "category": "x", "schema": {"type": "string"}},
            {"name": "ok", "category": "x", "schema": {"type": "object", "properties": []}},
            {"name": "ok", "category": "x", "schema": {"properties": {"a": {"type": "text"}}}},
            {"name": "ok", "category": "x", "schema": {"properties": {"a": 5}}},
            {"name": "ok", "category": "x", "schema": {"required": "a"}},
            {"name": "ok", "category": "x", "schema": {"required": ["a", "a"]}},
            {"name": "ok", "category": "x", "schema": {"properties": {"a": {"pattern": "("}}}},
            {"name": "ok", "category": "x", "schema": {"properties": {"a": {"enum": []}}}},
            {"name": "ok", "category": "x", "schema": {"properties": {"a": {"maxLength": -1}}}},
            {"name": "ok", "category": "x", "schema": {"anyOf": "x"}},
            {"name": "ok", "category": "x", "schema": {"description": "\x00"}},
            {"name": "ok", "category": "x", "schema": {"x": "y" * 70_000}},
            {"name": "ok", "category": "x", "implementation_type": "ruby"},
            {"name": "ok", "category": "x", "implementation_type": "http"},
            {
                "name": "ok",
                "category": "x",
                "implementation_type": "http",
                "implementation_config": {"url": "ftp://x"},
            },
            {
                "name": "ok",
                "category": "x",
                "implementation_type": "http",
                "implementation_config": {"url": "https://x", "method": "TRACE"},
            },
            {"name": "ok", "category": "x", "implementation_code": "def run(:"},
            {"name": "ok", "category": "x", "implementation_code": "x = 1"},
            {"name": "ok", "category": "x", "implementation_code": "(" * 1000},
            {"name": "ok", "category": "x", "implementation_config": []},
            {"name": "ok", "category": "x", "description": "d" * 1_000_000},
            {"name": "ok", "category": "x", "description": "nul\x00"},
            {"name": "ok", "category": "x", "tags": "a"},
            {"name": "ok", "category": "x", "tags": ["t"] * 51},
            {"name": "ok", "category": "x", "tags": [""]},
            {"name": 5, "category": "x"},
            ["name"],
        ],
    )
    async def test_invalid_is_400_and_stores_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        before = await total(client, tenant_a)
        r = await client.post("/api/v1/tools", json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        assert await total(client, tenant_a) == before

    async def test_deep_schema_is_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        schema: dict = {"type": "object"}
        for _ in range(40):
            schema = {"type": "object", "properties": {"a": schema}}
        r = await client.post(
            "/api/v1/tools",
            json={"name": "deep", "category": "x", "schema": schema},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert "nested deeper" in r.text

    async def test_malformed_json(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.post(
            "/api/v1/tools",
            content=b'{"name": ',
            headers={**tenant_a.headers, "Content-Type": "application/json"},
        )
        assert r.status_code == 400


class TestGetTool:
    async def test_by_id_and_name(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        by_name = await client.get("/api/v1/tools/transfer_call", headers=tenant_a.headers)
        assert by_name.status_code == 200
        by_id = await client.get(f"/api/v1/tools/{by_name.json()['id']}", headers=tenant_a.headers)
        assert by_id.json() == by_name.json()

    @pytest.mark.parametrize("ref", MISSING_IDS)
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        r = await client.get(f"/api/v1/tools/{ref}", headers=tenant_a.headers)
        assert r.status_code == 404

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        tool = await create_tool(client, tenant_a, name="only_in_a")
        for ref in (tool["id"], tool["name"]):
            assert (
                await client.get(f"/api/v1/tools/{ref}", headers=tenant_b.headers)
            ).status_code == 404
        a_builtin = (await client.get("/api/v1/tools/end_call", headers=tenant_a.headers)).json()
        r = await client.get(f"/api/v1/tools/{a_builtin['id']}", headers=tenant_b.headers)
        assert r.status_code == 404


class TestUpdateTool:
    async def test_partial_update(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        tool = await create_tool(client, tenant_a, description="keep", tags=["a"])
        schema = {"type": "object", "properties": {"q": {"type": "integer", "minimum": 1}}}
        r = await client.put(
            f"/api/v1/tools/{tool['name']}",
            json={"schema": schema, "name": tool["name"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["schema"] == schema
        assert body["description"] == "keep"
        assert body["tags"] == ["a"]
        assert body["modified_from_default"] is False
        assert body["updated_at"] >= tool["updated_at"]

    async def test_updating_builtin_sets_modified(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        r = await client.put("/api/v1/tools/send_sms", json={}, headers=tenant.headers)
        assert r.status_code == 200
        assert r.json()["modified_from_default"] is False
        r = await client.put(
            "/api/v1/tools/send_sms",
            json={"description": "Text the caller."},
            headers=tenant.headers,
        )
        assert r.json()["modified_from_default"] is True
        assert r.json()["is_default"] is True
        got = await client.get("/api/v1/tools/send_sms", headers=tenant.headers)
        assert got.json()["description"] == "Text the caller."

    @pytest.mark.parametrize(
        "body",
        [
            {"name": "renamed"},
            {"description": None},
            {"schema": None},
            {"schema": ["x"]},
            {"schema": {"type": "array"}},
            {"implementation_type": "http"},
            {"implementation_code": "print('no run')"},
            {"category": ""},
            {"description": "x" * 1_000_000},
            {"tags": [5]},
        ],
    )
    async def test_invalid_changes_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        before = (await client.get("/api/v1/tools/take_message", headers=tenant_a.headers)).json()
        r = await client.put("/api/v1/tools/take_message", json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        after = (await client.get("/api/v1/tools/take_message", headers=tenant_a.headers)).json()
        assert after == before

    async def test_switch_to_http_with_url(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        tool = await create_tool(client, tenant_a)
        r = await client.put(
            f"/api/v1/tools/{tool['id']}",
            json={"implementation_type": "http", "implementation_config": HTTP_CONFIG},
            headers=tenant_a.headers,
        )
        assert r.status_code == 200
        assert r.json()["implementation_type"] == "http"

    async def test_unknown_and_other_account_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        tool = await create_tool(client, tenant_a, name="a_private_tool", description="orig")
        for ref in (tool["id"], tool["name"], "tool_01HZZZZZZZZZZZZZZZZZZZZZZZ"):
            r = await client.put(
                f"/api/v1/tools/{ref}", json={"description": "x"}, headers=tenant_b.headers
            )
            assert r.status_code == 404
        got = await client.get(f"/api/v1/tools/{tool['id']}", headers=tenant_a.headers)
        assert got.json()["description"] == "orig"


class TestDeleteTool:
    async def test_deletes_custom_and_its_agent_rows(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        tool = await create_tool(client, tenant, name="check_stock")
        agent = (
            await client.post("/api/v1/agents", json={"name": "A"}, headers=tenant.headers)
        ).json()
        url = f"/api/v1/agents/{agent['id']}/tools"
        await client.post(url, json={"tool_name": "check_stock"}, headers=tenant.headers)
        await client.post(url, json={"tool_name": "end_call"}, headers=tenant.headers)
        r = await client.delete(f"/api/v1/tools/{tool['id']}", headers=tenant.headers)
        assert r.status_code == 204
        assert (
            await client.get(f"/api/v1/tools/{tool['id']}", headers=tenant.headers)
        ).status_code == 404
        rows = (await client.get(url, headers=tenant.headers)).json()
        assert [row["tool_name"] for row in rows] == ["end_call"]
        assert await count_rows(tenant.slug, "agent_tools") == 1
        await create_tool(client, tenant, name="check_stock")  # the name is free; no row comes back
        assert [
            row["tool_name"] for row in (await client.get(url, headers=tenant.headers)).json()
        ] == ["end_call"]

    async def test_delete_by_name(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        tool = await create_tool(client, tenant_a)
        assert (
            await client.delete(f"/api/v1/tools/{tool['name']}", headers=tenant_a.headers)
        ).status_code == 204
        assert (
            await client.get(f"/api/v1/tools/{tool['id']}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_builtin_is_403(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.delete("/api/v1/tools/end_call", headers={**tenant_a.headers, **JSON})
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"
        assert (
            await client.get("/api/v1/tools/end_call", headers=tenant_a.headers)
        ).status_code == 200

    @pytest.mark.parametrize("ref", MISSING_IDS)
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        assert (
            await client.delete(f"/api/v1/tools/{ref}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        tool = await create_tool(client, tenant_a, name="a_keeps_this")
        for ref in (tool["id"], tool["name"]):
            assert (
                await client.delete(f"/api/v1/tools/{ref}", headers=tenant_b.headers)
            ).status_code == 404
        assert (
            await client.get(f"/api/v1/tools/{tool['id']}", headers=tenant_a.headers)
        ).status_code == 200


class TestReseeding:
    async def test_refreshes_unmodified_builtins_only(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        from kataven_hub.playbooks import service as playbooks_service
        from kataven_hub.tools import service as tools_service

        from tests.helpers import tenant_engine, tenant_session

        tenant = await new_tenant()
        r = await client.put(
            "/api/v1/tools/send_sms", json={"description": "Mine."}, headers=tenant.headers
        )
        assert r.status_code == 200
        engine = await tenant_engine(tenant.slug)
        async with engine.begin() as conn:  # as if seeded by an older release
            await conn.execute(
                sa.text("UPDATE tools SET description = 'old', default_version = '2000.1'")
            )
        async with tenant_session(tenant.slug) as session:
            await tools_service.seed_builtins(session)
            await tools_service.seed_builtins(session)  # idempotent
            await playbooks_service.seed_builtins(session)
            await session.commit()
        tools = (await client.get("/api/v1/tools?limit=100", headers=tenant.headers)).json()
        by_name = {t["name"]: t for t in tools["tools"]}
        assert tools["total"] == len(BUILTIN_NAMES)
        assert by_name["send_sms"]["description"] == "old"  # modified: left alone
        assert by_name["end_call"]["description"] != "old"
        assert by_name["end_call"]["default_version"] != "2000.1"

    async def test_migrate_seeds_accounts_created_before_the_builtins(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        from kataven_hub.accounts import service as accounts_service

        from tests.helpers import tenant_engine

        tenant = await new_tenant()
        engine = await tenant_engine(tenant.slug)
        async with engine.begin() as conn:  # an account from before built-ins existed
            await conn.execute(sa.text("DELETE FROM tools"))
            await conn.execute(sa.text("DELETE FROM playbooks"))
        await accounts_service.seed_tenant(engine)  # what `kataven-hub migrate` runs
        assert await total(client, tenant) == len(BUILTIN_NAMES)
        r = await client.get("/api/v1/playbooks/escalate_to_human", headers=tenant.headers)
        assert r.status_code == 200
