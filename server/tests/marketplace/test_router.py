from __future__ import annotations

import dataclasses

import httpx
import pytest
from kataven_hub.marketplace import templates as catalogue
from kataven_hub.playbooks.builtins import BUILTIN_PLAYBOOKS
from kataven_hub.tools.builtins import BUILTIN_TOOLS

from tests.fixtures.app import Tenant
from tests.helpers import count_rows

REQUIRED = [
    "tmpl_general_intake",
    "tmpl_appointment_booking",
    "tmpl_order_status",
    "tmpl_lead_qualification",
    "tmpl_payment_reminder",
    "tmpl_customer_survey",
    "tmpl_restaurant_reservations",
    "tmpl_it_helpdesk",
]
TEMPLATE_IDS = [t.id for t in catalogue.TEMPLATES]


class TestCatalogue:
    def test_templates_only_use_builtins(self) -> None:
        tools = {t["name"] for t in BUILTIN_TOOLS}
        playbooks = {p["name"] for p in BUILTIN_PLAYBOOKS}
        for t in catalogue.TEMPLATES:
            assert {name for name, _ in t.tools} <= tools, t.id
            assert {p for p in t.playbooks if isinstance(p, str)} <= playbooks, t.id
            assert len(t.system_prompt) > 400, t.id
            assert t.greeting_message, t.id
            assert t.voice_id, t.id
            assert all((t.playbooks, t.faqs, t.tools, t.setup_steps)), t.id


class TestListTemplates:
    async def test_lists_the_catalogue(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get("/api/v1/marketplace/templates", headers=tenant_a.headers)
        assert r.status_code == 200
        body = r.json()
        ids = [t["id"] for t in body["templates"]]
        assert set(REQUIRED) <= set(ids)
        assert body["count"] == len(ids) >= 8
        assert sum(body["category_counts"].values()) == len(ids)
        intake = next(t for t in body["templates"] if t["id"] == "tmpl_general_intake")
        assert "escalate_to_human" in intake["playbooks"]
        assert {"tool_name": "end_call", "config": {}} in intake["tools"]

    async def test_category_filter(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get(
            "/api/v1/marketplace/templates?category=sales", headers=tenant_a.headers
        )
        body = r.json()
        assert [t["id"] for t in body["templates"]] == ["tmpl_lead_qualification"]
        assert body["count"] == 1
        assert body["category_counts"]["customer_support"] >= 2
        r = await client.get("/api/v1/marketplace/templates?category=%00", headers=tenant_a.headers)
        assert r.status_code == 400

    async def test_requires_auth(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/marketplace/templates")).status_code == 401


class TestGetTemplate:
    async def test_one(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get("/v1/marketplace/templates/tmpl_it_helpdesk", headers=tenant_a.headers)
        assert r.status_code == 200
        assert r.json()["name"] == "IT Helpdesk"
        assert "never ask for" in r.json()["system_prompt"].lower()

    @pytest.mark.parametrize("ref", ["tmpl_nope", "general_intake", "x" * 3000])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        r = await client.get(f"/api/v1/marketplace/templates/{ref}", headers=tenant_a.headers)
        assert r.status_code == 404


class TestInstallTemplate:
    @pytest.mark.parametrize("template_id", TEMPLATE_IDS)
    async def test_installs_everything(
        self, client: httpx.AsyncClient, tenant_a: Tenant, template_id: str
    ) -> None:
        template = catalogue.BY_ID[template_id]
        r = await client.post(
            f"/api/v1/marketplace/templates/{template_id}/install", headers=tenant_a.headers
        )
        assert r.status_code == 201, r.text
        agent = r.json()
        assert agent["id"].startswith("agent_")
        assert agent["status"] == "draft"
        assert agent["template_id"] == template_id
        assert agent["name"] == template.name
        assert agent["system_prompt"] == template.system_prompt
        assert agent["greeting_message"] == template.greeting_message
        assert (agent["voice_provider"], agent["voice_id"]) == (
            template.voice_provider,
            template.voice_id,
        )
        assert [p["name"] for p in agent["playbooks"]] == template.playbook_names()
        assert [f["name"] for f in agent["faqs"]] == [f["name"] for f in template.faqs]
        rows = (
            await client.get(f"/api/v1/agents/{agent['id']}/tools", headers=tenant_a.headers)
        ).json()
        assert sorted((row["tool_name"], row["config"]) for row in rows) == sorted(template.tools)
        for spec in template.playbooks:
            if not isinstance(spec, str):
                pb = (
                    await client.get(f"/api/v1/playbooks/{spec['name']}", headers=tenant_a.headers)
                ).json()
                assert pb["content"] == spec["content"]
                assert pb["is_default"] is False

    async def test_twice_reuses_knowledge(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        url = "/api/v1/marketplace/templates/tmpl_lead_qualification/install"
        first = (await client.post(url, headers=tenant.headers)).json()
        faqs, playbooks = (
            await count_rows(tenant.slug, "faqs"),
            await count_rows(tenant.slug, "playbooks"),
        )
        second = await client.post(url, json={"name": "Sales Line 2"}, headers=tenant.headers)
        assert second.status_code == 201
        assert second.json()["name"] == "Sales Line 2"
        assert second.json()["id"] != first["id"]
        assert [p["id"] for p in second.json()["playbooks"]] == [
            p["id"] for p in first["playbooks"]
        ]
        assert await count_rows(tenant.slug, "faqs") == faqs
        assert await count_rows(tenant.slug, "playbooks") == playbooks
        assert len((await client.get("/api/v1/agents", headers=tenant.headers)).json()) == 2

    async def test_keeps_existing_same_named_faq(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        mine = {"name": "business_hours", "title": "Hours", "content": "We are open 24/7."}
        assert (
            await client.post("/api/v1/faqs", json=mine, headers=tenant.headers)
        ).status_code == 201
        r = await client.post(
            "/api/v1/marketplace/templates/tmpl_general_intake/install", headers=tenant.headers
        )
        assert r.status_code == 201
        hours = next(f for f in r.json()["faqs"] if f["name"] == "business_hours")
        assert hours["content"] == "We are open 24/7."

    @pytest.mark.parametrize(
        "body", [{"name": ""}, {"name": "x" * 1_000_000}, {"name": 5}, ["x"], "s"]
    )
    async def test_bad_body_is_400_and_creates_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        before = len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json())
        r = await client.post(
            "/api/v1/marketplace/templates/tmpl_general_intake/install",
            json=body,
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json()) == before

    async def test_unknown_is_404_and_creates_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        before = len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json())
        r = await client.post(
            "/api/v1/marketplace/templates/tmpl_nope/install", headers=tenant_a.headers
        )
        assert r.status_code == 404
        assert len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json()) == before

    async def test_failure_midway_leaves_nothing(
        self, client: httpx.AsyncClient, new_tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        tenant = await new_tenant()
        broken = dataclasses.replace(
            catalogue.BY_ID["tmpl_customer_survey"],
            id="tmpl_broken",
            tools=(("end_call", {}), ("no_such_tool", {})),
        )
        monkeypatch.setitem(catalogue.BY_ID, "tmpl_broken", broken)
        before = {
            t: await count_rows(tenant.slug, t)
            for t in ("agents", "playbooks", "faqs", "agent_tools")
        }
        r = await client.post(
            "/api/v1/marketplace/templates/tmpl_broken/install", headers=tenant.headers
        )
        assert r.status_code == 404
        after = {t: await count_rows(tenant.slug, t) for t in before}
        assert after == before

    async def test_installs_into_the_callers_account_only(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        before = len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json())
        r = await client.post(
            "/api/v1/marketplace/templates/tmpl_order_status/install", headers=tenant_b.jwt_headers
        )
        assert r.status_code == 201
        assert r.json()["created_by"] == tenant_b.user_id
        assert len((await client.get("/api/v1/agents", headers=tenant_a.headers)).json()) == before
        r = await client.get(f"/api/v1/agents/{r.json()['id']}", headers=tenant_a.headers)
        assert r.status_code == 404
