from __future__ import annotations

import httpx
import pytest

from tests.fixtures.app import Tenant
from tests.helpers import JSON, MISSING_IDS, uniq

HOURS = {
    "title": "What are your business hours?",
    "summary": "Mon–Fri 9am–6pm Pacific.",
    "content": "We're open Monday to Friday, 9 am to 6 pm Pacific time.",
    "category": "general",
    "tags": ["hours", "general"],
}


async def create_faq(client: httpx.AsyncClient, tenant: Tenant, **fields: object) -> dict:
    r = await client.post(
        "/api/v1/faqs", json={**HOURS, "name": uniq("hours"), **fields}, headers=tenant.headers
    )
    assert r.status_code == 201, r.text
    return r.json()


async def count(client: httpx.AsyncClient, tenant: Tenant) -> int:
    return (await client.get("/api/v1/faqs", headers=tenant.headers)).json()["count"]


class TestListFaqs:
    async def test_envelope_by_name(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        assert (await client.get("/api/v1/faqs", headers=tenant.headers)).json() == {
            "faqs": [],
            "count": 0,
        }
        b = await create_faq(client, tenant, name="b_parking", category="location")
        a = await create_faq(client, tenant, name="a_hours")
        r = await client.get("/api/v1/faqs", headers=tenant.headers)
        assert r.json() == {"faqs": [a, b], "count": 2}
        r = await client.get("/api/v1/faqs?category=location", headers=tenant.headers)
        assert r.json() == {"faqs": [b], "count": 1}
        assert (await client.get("/api/faqs", headers=tenant.headers)).json()["count"] == 2

    async def test_bad_filter_is_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        assert (
            await client.get("/api/v1/faqs?category=a%00", headers=tenant_a.headers)
        ).status_code == 400


class TestCreateFaq:
    async def test_creates(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        faq = await create_faq(client, tenant_a, id="faq_mine")
        assert faq["id"].startswith("faq_")
        assert faq["id"] != "faq_mine"
        for key, value in HOURS.items():
            assert faq[key] == value
        assert (
            await client.get(f"/api/v1/faqs/{faq['id']}", headers=tenant_a.headers)
        ).json() == faq

    async def test_name_derived_from_title(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await client.post(
            "/api/v1/faqs", json={"title": "Do you ship abroad?"}, headers=tenant.headers
        )
        assert r.status_code == 201
        assert r.json()["name"] == "do_you_ship_abroad"
        assert r.json()["category"] == "general"

    async def test_duplicate_is_409(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        faq = await create_faq(client, tenant_a)
        r = await client.post(
            "/api/v1/faqs",
            json={"title": "Other", "name": faq["name"]},
            headers={**tenant_a.headers, **JSON},
        )
        assert r.status_code == 409

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"summary": "no title"},
            {"title": ""},
            {"title": "!!!"},
            {"title": "x", "name": "Bad-Name"},
            {"title": "x" * 501},
            {"title": "x", "content": "y" * 1_000_000},
            {"title": "x", "summary": "nul\x00"},
            {"title": "x", "tags": "a"},
            {"title": ["x"]},
        ],
    )
    async def test_invalid_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        before = await count(client, tenant_a)
        assert (
            await client.post("/api/v1/faqs", json=body, headers=tenant_a.headers)
        ).status_code == 400
        assert await count(client, tenant_a) == before


class TestGetFaq:
    async def test_by_id_and_name(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        faq = await create_faq(client, tenant_a)
        for ref in (faq["id"], faq["name"]):
            assert (await client.get(f"/api/v1/faqs/{ref}", headers=tenant_a.headers)).json() == faq

    @pytest.mark.parametrize("ref", [*MISSING_IDS, "faq_01HZZZZZZZZZZZZZZZZZZZZZZZ"])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        r = await client.get(f"/api/v1/faqs/{ref}", headers=tenant_a.headers)
        assert r.status_code == 404
        if ref.startswith("faq_"):
            assert r.text == "FAQ not found"

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        faq = await create_faq(client, tenant_a)
        for ref in (faq["id"], faq["name"]):
            assert (
                await client.get(f"/api/v1/faqs/{ref}", headers=tenant_b.headers)
            ).status_code == 404


class TestUpdateFaq:
    async def test_partial_update(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        faq = await create_faq(client, tenant_a)
        r = await client.put(
            f"/api/v1/faqs/{faq['name']}", json={"summary": "Daily 8–8."}, headers=tenant_a.headers
        )
        assert r.status_code == 200
        assert r.json()["summary"] == "Daily 8–8."
        assert r.json()["content"] == HOURS["content"]

    @pytest.mark.parametrize(
        "body", [{"name": "renamed"}, {"title": None}, {"title": ""}, {"tags": [None]}]
    )
    async def test_invalid_changes_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        faq = await create_faq(client, tenant_a)
        assert (
            await client.put(f"/api/v1/faqs/{faq['id']}", json=body, headers=tenant_a.headers)
        ).status_code == 400
        assert (
            await client.get(f"/api/v1/faqs/{faq['id']}", headers=tenant_a.headers)
        ).json() == faq

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        faq = await create_faq(client, tenant_a)
        r = await client.put(
            f"/api/v1/faqs/{faq['id']}", json={"title": "pwned"}, headers=tenant_b.headers
        )
        assert r.status_code == 404
        assert (
            await client.get(f"/api/v1/faqs/{faq['id']}", headers=tenant_a.headers)
        ).json() == faq


class TestDeleteFaq:
    async def test_deletes(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        faq = await create_faq(client, tenant_a)
        assert (
            await client.delete(f"/api/v1/faqs/{faq['id']}", headers=tenant_a.headers)
        ).status_code == 204
        assert (
            await client.get(f"/api/v1/faqs/{faq['id']}", headers=tenant_a.headers)
        ).status_code == 404

    @pytest.mark.parametrize("ref", MISSING_IDS)
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        assert (
            await client.delete(f"/api/v1/faqs/{ref}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_other_account_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        faq = await create_faq(client, tenant_a)
        assert (
            await client.delete(f"/api/v1/faqs/{faq['name']}", headers=tenant_b.headers)
        ).status_code == 404
        assert (
            await client.get(f"/api/v1/faqs/{faq['id']}", headers=tenant_a.headers)
        ).status_code == 200
