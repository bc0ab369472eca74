from __future__ import annotations

import httpx
import pytest
from kataven_hub.playbooks.builtins import BUILTIN_PLAYBOOKS

from tests.fixtures.app import Tenant
from tests.helpers import JSON, MISSING_IDS, uniq

BUILTIN_NAMES = sorted(p["name"] for p in BUILTIN_PLAYBOOKS)
CONTENT = "## Refunds\n1. Find the order.\n2. Offer a refund within **30 days**.\n"


async def create_playbook(client: httpx.AsyncClient, tenant: Tenant, **fields: object) -> dict:
    body = {"display_name": "Refund Workflow", "name": uniq("refund_workflow"), **fields}
    r = await client.post("/api/v1/playbooks", json=body, headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def total(client: httpx.AsyncClient, tenant: Tenant) -> int:
    return (await client.get("/api/v1/playbooks", headers=tenant.headers)).json()["total"]


class TestListPlaybooks:
    async def test_builtins_and_envelope(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        body = (await client.get("/api/v1/playbooks?limit=3", headers=tenant.headers)).json()
        assert body["total"] == len(BUILTIN_NAMES)
        assert body["count"] == 3
        assert body["has_next"] is True
        assert body["has_prev"] is False
        assert body["next_offset"] == 3
        assert body["prev_offset"] == 0
        assert sum(body["category_counts"].values()) == len(BUILTIN_NAMES)
        everything = (
            await client.get("/api/v1/playbooks?limit=100", headers=tenant.headers)
        ).json()
        assert [p["name"] for p in everything["playbooks"]] == BUILTIN_NAMES
        for p in everything["playbooks"]:
            assert p["is_default"] is True
            assert p["tool_names"]
            assert "content" not in p
        one = (
            await client.get("/api/v1/playbooks/escalate_to_human", headers=tenant.headers)
        ).json()
        assert one["content"].startswith("## ")
        assert "transfer_call" in one["content"]

    async def test_search_is_a_name_prefix(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        mine = await create_playbook(
            client, tenant_a, display_name="Escalation Matrix", name="zz_escalation"
        )
        for term in ("escal", "ESCAL"):
            r = await client.get(
                f"/api/v1/playbooks?search={term}&limit=100", headers=tenant_a.headers
            )
            assert [p["name"] for p in r.json()["playbooks"]] == ["escalate_to_human"]
        r = await client.get("/api/v1/playbooks?search=zz_&limit=100", headers=tenant_a.headers)
        assert [p["name"] for p in r.json()["playbooks"]] == [mine["name"]]
        for term in ("human", "%", "z_z", "_"):  # a prefix of the name only, wildcards literal
            r = await client.get(
                "/api/v1/playbooks", params={"search": term}, headers=tenant_a.headers
            )
            assert r.json()["total"] == 0, term

    async def test_category_filter(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get(
            "/api/v1/playbooks?category=operations&limit=100", headers=tenant_a.headers
        )
        body = r.json()
        assert body["playbooks"]
        assert {p["category"] for p in body["playbooks"]} == {"operations"}
        assert body["total"] == body["category_counts"]["operations"]
        assert "customer_support" in body["category_counts"]

    @pytest.mark.parametrize(
        "query", ["limit=0", "limit=101", "offset=-1", "search=%00", "limit=1.5"]
    )
    async def test_bad_query_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, query: str
    ) -> None:
        assert (
            await client.get(f"/api/v1/playbooks?{query}", headers=tenant_a.headers)
        ).status_code == 400

    async def test_unversioned_mount(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        assert (await client.get("/api/playbooks", headers=tenant_a.headers)).status_code == 200


class TestCreatePlaybook:
    async def test_name_derived_from_display_name(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        r = await client.post(
            "/api/v1/playbooks",
            json={
                "display_name": "  Café Hours & Holidays! ",
                "content": CONTENT,
                "tool_names": ["end_call"],
                "tags": ["hours"],
                "is_default": True,
            },
            headers=tenant.headers,
        )
        assert r.status_code == 201, r.text
        pb = r.json()
        assert pb["id"].startswith("pb_")
        assert pb["name"] == "cafe_hours_holidays"
        assert pb["display_name"] == "Café Hours & Holidays!"
        assert pb["content"] == CONTENT
        assert pb["category"] == "custom"
        assert pb["is_default"] is False
        assert (
            await client.get("/api/v1/playbooks/cafe_hours_holidays", headers=tenant.headers)
        ).json() == pb
        r = await client.post(
            "/api/v1/playbooks", json={"display_name": "2 Step Check"}, headers=tenant.headers
        )
        assert r.json()["name"] == "n2_step_check"

    async def test_duplicate_is_409(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        pb = await create_playbook(client, tenant_a)
        for body in ({"display_name": "X", "name": pb["name"]}, {"display_name": "Call Wrap-up"}):
            r = await client.post(
                "/api/v1/playbooks", json=body, headers={**tenant_a.headers, **JSON}
            )
            assert r.status_code == 409
            assert r.json()["code"] == "conflict"

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"name": "only_name"},
            {"display_name": ""},
            {"display_name": "🙂🙂"},
            {"display_name": "日本語"},
            {"display_name": "x", "name": "Not Snake"},
            {"display_name": "x" * 201},
            {"display_name": "nul\x00"},
            {"display_name": "x", "content": "c" * 1_000_000},
            {"display_name": "x", "content": "\x00"},
            {"display_name": "x", "tool_names": ["Bad Name"]},
            {"display_name": "x", "tool_names": "end_call"},
            {"display_name": "x", "tags": [1]},
            {"display_name": "x", "category": ""},
            {"display_name": 7},
        ],
    )
    async def test_invalid_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        before = await total(client, tenant_a)
        r = await client.post("/api/v1/playbooks", json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        assert await total(client, tenant_a) == before


class TestGetPlaybook:
    async def test_by_id_and_name(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        pb = await create_playbook(client, tenant_a, content=CONTENT)
        for ref in (pb["id"], pb["name"]):
            r = await client.get(f"/api/v1/playbooks/{ref}", headers=tenant_a.headers)
            assert r.status_code == 200
            assert r.json()["content"] == CONTENT

    @pytest.mark.parametrize("ref", [*MISSING_IDS, "pb_01HZZZZZZZZZZZZZZZZZZZZZZZ"])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        assert (
            await client.get(f"/api/v1/playbooks/{ref}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        pb = await create_playbook(client, tenant_a)
        for ref in (pb["id"], pb["name"]):
            assert (
                await client.get(f"/api/v1/playbooks/{ref}", headers=tenant_b.headers)
            ).status_code == 404


class TestUpdatePlaybook:
    async def test_partial_update(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        pb = await create_playbook(client, tenant_a, description="keep", content=CONTENT)
        r = await client.put(
            f"/api/v1/playbooks/{pb['id']}",
            json={"content": "## New", "tool_names": ["send_sms"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 200
        body = r.json()
        assert body["content"] == "## New"
        assert body["tool_names"] == ["send_sms"]
        assert body["description"] == "keep"
        assert body["name"] == pb["name"]
        assert body["modified_from_default"] is False

    async def test_builtin_update_sets_modified(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        r = await client.put(
            "/api/v1/playbooks/call_wrap_up", json={"content": "Bye."}, headers=tenant.headers
        )
        assert r.status_code == 200
        assert r.json()["modified_from_default"] is True
        assert r.json()["is_default"] is True

    @pytest.mark.parametrize(
        "body",
        [
            {"name": "other"},
            {"content": None},
            {"display_name": ""},
            {"content": "x" * 1_000_000},
            {"tool_names": ["X"]},
        ],
    )
    async def test_invalid_changes_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        pb = await create_playbook(client, tenant_a, content=CONTENT)
        r = await client.put(f"/api/v1/playbooks/{pb['id']}", json=body, headers=tenant_a.headers)
        assert r.status_code == 400
        assert (
            await client.get(f"/api/v1/playbooks/{pb['id']}", headers=tenant_a.headers)
        ).json() == pb

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        pb = await create_playbook(client, tenant_a, content=CONTENT)
        r = await client.put(
            f"/api/v1/playbooks/{pb['id']}", json={"content": "x"}, headers=tenant_b.headers
        )
        assert r.status_code == 404
        assert (
            await client.get(f"/api/v1/playbooks/{pb['id']}", headers=tenant_a.headers)
        ).json() == pb


class TestDeletePlaybook:
    async def test_deletes_custom(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        pb = await create_playbook(client, tenant_a)
        assert (
            await client.delete(f"/api/v1/playbooks/{pb['name']}", headers=tenant_a.headers)
        ).status_code == 204
        assert (
            await client.get(f"/api/v1/playbooks/{pb['id']}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_builtin_is_403(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.delete("/api/v1/playbooks/escalate_to_human", headers=tenant_a.headers)
        assert r.status_code == 403
        assert (
            await client.get("/api/v1/playbooks/escalate_to_human", headers=tenant_a.headers)
        ).status_code == 200

    @pytest.mark.parametrize("ref", MISSING_IDS)
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        assert (
            await client.delete(f"/api/v1/playbooks/{ref}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        pb = await create_playbook(client, tenant_a)
        assert (
            await client.delete(f"/api/v1/playbooks/{pb['id']}", headers=tenant_b.headers)
        ).status_code == 404
        assert (
            await client.get(f"/api/v1/playbooks/{pb['id']}", headers=tenant_a.headers)
        ).status_code == 200
