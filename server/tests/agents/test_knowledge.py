"""Attaching playbooks and FAQs to agents, and what deleting either side does to the links."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import event

from tests.agents.test_router import create_agent
from tests.fixtures.app import Tenant
from tests.helpers import count_rows, tenant_engine, uniq


async def make_playbook(client: httpx.AsyncClient, tenant: Tenant) -> dict:
    body = {"display_name": "Returns", "name": uniq("returns"), "tool_names": ["lookup_order"]}
    r = await client.post("/api/v1/playbooks", json=body, headers=tenant.headers)
    assert r.status_code == 201
    return r.json()


async def make_faq(client: httpx.AsyncClient, tenant: Tenant) -> dict:
    body = {"title": "Hours?", "name": uniq("hours"), "summary": "9–5", "content": "Nine to five."}
    r = await client.post("/api/v1/faqs", json=body, headers=tenant.headers)
    assert r.status_code == 201
    return r.json()


KINDS = {
    "playbooks": ("playbook_id", make_playbook),
    "faqs": ("faq_id", make_faq),
}


@pytest.mark.parametrize("kind", ["playbooks", "faqs"])
class TestAttach:
    async def test_by_id_or_name_and_twice_is_noop(
        self, client: httpx.AsyncClient, tenant_a: Tenant, kind: str
    ) -> None:
        field, make = KINDS[kind]
        agent = await create_agent(client, tenant_a)
        item = await make(client, tenant_a)
        url = f"/api/v1/agents/{agent['id']}/{kind}"
        r1 = await client.post(url, json={field: item["id"]}, headers=tenant_a.headers)
        assert r1.status_code == 200, r1.text
        attached = r1.json()[kind]
        assert [x["id"] for x in attached] == [item["id"]]
        assert attached[0]["name"] == item["name"]
        if kind == "faqs":
            assert attached[0]["content"] == "Nine to five."
            assert attached[0]["title"] == "Hours?"
        else:
            assert attached[0]["tool_names"] == ["lookup_order"]
            assert "content" not in attached[0]
        r2 = await client.post(url, json={field: item["name"]}, headers=tenant_a.headers)
        assert r2.status_code == 200
        assert r2.json()[kind] == attached
        got = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert got.json()[kind] == attached

    async def test_keeps_attachment_order(
        self, client: httpx.AsyncClient, tenant_a: Tenant, kind: str
    ) -> None:
        field, make = KINDS[kind]
        agent = await create_agent(client, tenant_a)
        items = [await make(client, tenant_a) for _ in range(3)]
        for item in reversed(items):
            await client.post(
                f"/api/v1/agents/{agent['id']}/{kind}",
                json={field: item["id"]},
                headers=tenant_a.headers,
            )
        got = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert [x["id"] for x in got.json()[kind]] == [i["id"] for i in reversed(items)]

    async def test_unknown_item_or_agent_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, kind: str
    ) -> None:
        field, make = KINDS[kind]
        agent = await create_agent(client, tenant_a)
        item = await make(client, tenant_a)
        for ref in (
            "no_such_thing",
            "pb_01HZZZZZZZZZZZZZZZZZZZZZZZ",
            "faq_01HZZZZZZZZZZZZZZZZZZZZZZZ",
            "Bad Name",
        ):
            r = await client.post(
                f"/api/v1/agents/{agent['id']}/{kind}", json={field: ref}, headers=tenant_a.headers
            )
            assert r.status_code == 404
        r = await client.post(
            f"/api/v1/agents/agent_01HZZZZZZZZZZZZZZZZZZZZZZZ/{kind}",
            json={field: item["id"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 404

    @pytest.mark.parametrize("body", [{}, {"x": 1}, None, [], "s", 5])
    async def test_bad_body_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, kind: str, body
    ) -> None:
        agent = await create_agent(client, tenant_a)
        r = await client.post(
            f"/api/v1/agents/{agent['id']}/{kind}", json=body, headers=tenant_a.headers
        )
        assert r.status_code == 400

    @pytest.mark.parametrize("value", [5, "", "x" * 1_000_000, "a\x00b", ["x"]])
    async def test_bad_ref_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, kind: str, value
    ) -> None:
        field, _ = KINDS[kind]
        agent = await create_agent(client, tenant_a)
        r = await client.post(
            f"/api/v1/agents/{agent['id']}/{kind}", json={field: value}, headers=tenant_a.headers
        )
        assert r.status_code == 400

    async def test_other_account(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant, kind: str
    ) -> None:
        field, make = KINDS[kind]
        agent_a = await create_agent(client, tenant_a)
        agent_b = await create_agent(client, tenant_b)
        item_a = await make(client, tenant_a)
        for ref in (item_a["id"], item_a["name"]):
            r = await client.post(
                f"/api/v1/agents/{agent_b['id']}/{kind}",
                json={field: ref},
                headers=tenant_b.headers,
            )
            assert r.status_code == 404
        r = await client.post(
            f"/api/v1/agents/{agent_a['id']}/{kind}",
            json={field: item_a["id"]},
            headers=tenant_b.headers,
        )
        assert r.status_code == 404
        got = await client.get(f"/api/v1/agents/{agent_a['id']}", headers=tenant_a.headers)
        assert got.json()[kind] == []


@pytest.mark.parametrize("kind", ["playbooks", "faqs"])
class TestDetach:
    async def test_detach_then_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, kind: str
    ) -> None:
        field, make = KINDS[kind]
        agent = await create_agent(client, tenant_a)
        item = await make(client, tenant_a)
        keep = await make(client, tenant_a)
        for x in (item, keep):
            await client.post(
                f"/api/v1/agents/{agent['id']}/{kind}",
                json={field: x["id"]},
                headers=tenant_a.headers,
            )
        r = await client.delete(
            f"/api/v1/agents/{agent['id']}/{kind}/{item['name']}", headers=tenant_a.headers
        )
        assert r.status_code == 204
        assert r.content == b""
        got = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert [x["id"] for x in got.json()[kind]] == [keep["id"]]
        assert (
            await client.get(f"/api/v1/{kind}/{item['id']}", headers=tenant_a.headers)
        ).status_code == 200
        r = await client.delete(
            f"/api/v1/agents/{agent['id']}/{kind}/{item['id']}", headers=tenant_a.headers
        )
        assert r.status_code == 404

    async def test_unknown_and_other_account(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant, kind: str
    ) -> None:
        field, make = KINDS[kind]
        agent = await create_agent(client, tenant_a)
        item = await make(client, tenant_a)
        await client.post(
            f"/api/v1/agents/{agent['id']}/{kind}",
            json={field: item["id"]},
            headers=tenant_a.headers,
        )
        for path in (
            f"{agent['id']}/{kind}/nope",
            f"agent_01HZZZZZZZZZZZZZZZZZZZZZZZ/{kind}/{item['id']}",
            f"{agent['id']}/{kind}/{'x' * 3000}",
        ):
            assert (
                await client.delete(f"/api/v1/agents/{path}", headers=tenant_a.headers)
            ).status_code == 404
        r = await client.delete(
            f"/api/v1/agents/{agent['id']}/{kind}/{item['id']}", headers=tenant_b.headers
        )
        assert r.status_code == 404
        got = await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert [x["id"] for x in got.json()[kind]] == [item["id"]]


class TestCascades:
    async def test_deleting_knowledge_or_agent_removes_links(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        agent = await create_agent(client, tenant)
        other = await create_agent(client, tenant, name="Other")
        pb, faq = await make_playbook(client, tenant), await make_faq(client, tenant)
        for a in (agent, other):
            await client.post(
                f"/api/v1/agents/{a['id']}/playbooks",
                json={"playbook_id": pb["id"]},
                headers=tenant.headers,
            )
            await client.post(
                f"/api/v1/agents/{a['id']}/faqs", json={"faq_id": faq["id"]}, headers=tenant.headers
            )
        assert await count_rows(tenant.slug, "agent_playbooks") == 2
        assert (
            await client.delete(f"/api/v1/agents/{other['id']}", headers=tenant.headers)
        ).status_code == 204
        assert await count_rows(tenant.slug, "agent_playbooks") == 1
        assert await count_rows(tenant.slug, "agent_faqs") == 1
        assert (
            await client.get(f"/api/v1/playbooks/{pb['id']}", headers=tenant.headers)
        ).status_code == 200
        assert (
            await client.delete(f"/api/v1/playbooks/{pb['id']}", headers=tenant.headers)
        ).status_code == 204
        assert (
            await client.delete(f"/api/v1/faqs/{faq['id']}", headers=tenant.headers)
        ).status_code == 204
        got = (await client.get(f"/api/v1/agents/{agent['id']}", headers=tenant.headers)).json()
        assert got["playbooks"] == []
        assert got["faqs"] == []
        assert await count_rows(tenant.slug, "agent_playbooks") == 0
        assert await count_rows(tenant.slug, "agent_faqs") == 0


class TestListJoinsKnowledge:
    async def test_list_has_knowledge_without_n_plus_one(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        pb, faq = await make_playbook(client, tenant), await make_faq(client, tenant)
        engine = await tenant_engine(tenant.slug)
        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        async def list_queries() -> tuple[int, list[dict]]:
            statements.clear()
            event.listen(engine.sync_engine, "before_cursor_execute", count)
            try:
                r = await client.get("/api/v1/agents", headers=tenant.headers)
            finally:
                event.remove(engine.sync_engine, "before_cursor_execute", count)
            return len(statements), r.json()

        for i in range(2):
            a = await create_agent(client, tenant, name=f"A{i}")
            await client.post(
                f"/api/v1/agents/{a['id']}/playbooks",
                json={"playbook_id": pb["id"]},
                headers=tenant.headers,
            )
        await client.post(
            f"/api/v1/agents/{a['id']}/faqs", json={"faq_id": faq["id"]}, headers=tenant.headers
        )
        few, _ = await list_queries()
        for i in range(8):
            a = await create_agent(client, tenant, name=f"B{i}")
            await client.post(
                f"/api/v1/agents/{a['id']}/faqs", json={"faq_id": faq["id"]}, headers=tenant.headers
            )
        many, agents = await list_queries()
        assert len(agents) == 10
        assert many == few, statements
        assert sum(len(a["playbooks"]) for a in agents) == 2
        assert sum(len(a["faqs"]) for a in agents) == 9
        assert all(a["faqs"][0]["id"] == faq["id"] for a in agents if a["name"].startswith("B"))
