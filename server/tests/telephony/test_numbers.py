from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from kataven_hub.core import tenancy
from kataven_hub.core.db import new_session, utcnow
from kataven_hub.telephony.models import NumberOwner
from sqlalchemy import update

from tests.factories.telephony import add_number, add_provider, create_agent, unique_e164
from tests.fixtures.app import Tenant
from tests.telephony.test_providers import PLIVO, random_twilio

URL = "/api/v1/telephony/numbers"


async def _numbers(client: httpx.AsyncClient, tenant: Tenant, **params: str) -> list[dict]:
    r = await client.get(URL, params=params, headers=tenant.headers)
    assert r.status_code == 200
    return r.json()["numbers"]


class TestCreateNumber:
    async def test_defaults_and_pin(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        agent = await create_agent(client, tenant_a)
        e164 = unique_e164()
        r = await client.post(
            URL,
            json={
                "e164": e164,
                "provider": "twilio",
                "credentials_id": prov["id"],
                "agent_id": agent["id"],
                "id": "num_mine",
            },
            headers=tenant_a.headers,
        )
        assert r.status_code == 201, r.text
        row = r.json()
        assert row["id"].startswith("num_")
        assert row["id"] != "num_mine"
        assert row["e164"] == e164
        assert row["agent_id"] == agent["id"]
        assert row["inbound_enabled"] is True
        assert row["outbound_enabled"] is True
        assert row["id"] in [n["id"] for n in await _numbers(client, tenant_a)]

    @pytest.mark.parametrize(
        "e164",
        ["12025550123", "+1", "+1202555012345678", "+0202555012", "+1202-555-0123", "+1\x00"],
    )
    async def test_bad_e164_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, e164: str
    ) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        r = await client.post(
            URL,
            json={"e164": e164, "provider": "twilio", "credentials_id": prov["id"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400

    async def test_rule_violations_are_400(
        self, client: httpx.AsyncClient, new_tenant, tenant_b: Tenant
    ) -> None:
        tenant = await new_tenant()
        prov = await add_provider(client, tenant, "twilio", random_twilio())
        foreign = await add_provider(client, tenant_b, "twilio", random_twilio())
        foreign_agent = await create_agent(client, tenant_b)
        bodies = [
            {"provider": "twilio", "credentials_id": "prov_01HZZZZZZZZZZZZZZZZZZZZZZZ"},
            {"provider": "twilio", "credentials_id": foreign["id"]},
            {"provider": "plivo", "credentials_id": prov["id"]},
            {"provider": "twilio", "credentials_id": prov["id"], "agent_id": foreign_agent["id"]},
            {"provider": "twilio", "credentials_id": prov["id"], "agent_id": "nope"},
            {"provider": "twilio", "credentials_id": prov["id"], "inbound_enabled": "yes"},
            {"provider": "twilio"},
        ]
        for body in bodies:
            r = await client.post(URL, json={"e164": unique_e164(), **body}, headers=tenant.headers)
            assert r.status_code == 400, body
        assert await _numbers(client, tenant) == []

    async def test_duplicate_in_same_account(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        row = await add_number(client, tenant_a, "twilio", prov["id"])
        r = await client.post(
            URL,
            json={"e164": row["e164"], "provider": "twilio", "credentials_id": prov["id"]},
            headers=tenant_a.headers,
        )
        assert r.status_code == 400
        assert "duplicate number" in r.text

    async def test_duplicate_across_accounts_reveals_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        prov_a = await add_provider(client, tenant_a, "twilio", random_twilio())
        prov_b = await add_provider(client, tenant_b, "plivo", PLIVO)
        row = await add_number(client, tenant_a, "twilio", prov_a["id"])
        r = await client.post(
            URL,
            json={"e164": row["e164"], "provider": "plivo", "credentials_id": prov_b["id"]},
            headers=tenant_b.headers,
        )
        assert r.status_code == 400
        assert r.text == "duplicate number"
        assert tenant_a.slug not in r.text
        assert row["e164"] not in [n["e164"] for n in await _numbers(client, tenant_b)]

    async def test_concurrent_claims_one_winner(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        import asyncio

        e164 = unique_e164()
        provs = [
            await add_provider(client, t, "twilio", random_twilio()) for t in (tenant_a, tenant_b)
        ]
        results = await asyncio.gather(
            *[
                client.post(
                    URL,
                    json={"e164": e164, "provider": "twilio", "credentials_id": p["id"]},
                    headers=t.headers,
                )
                for t, p in ((tenant_a, provs[0]), (tenant_b, provs[1]))
                for _ in range(3)
            ]
        )
        assert sorted(r.status_code for r in results) == [201, 400, 400, 400, 400, 400]

    async def test_released_number_can_move_accounts(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        prov_a = await add_provider(client, tenant_a, "twilio", random_twilio())
        prov_b = await add_provider(client, tenant_b, "twilio", random_twilio())
        row = await add_number(client, tenant_a, "twilio", prov_a["id"])
        assert (
            await client.delete(f"{URL}/{row['id']}", headers=tenant_a.headers)
        ).status_code == 204
        moved = await add_number(client, tenant_b, "twilio", prov_b["id"], e164=row["e164"])
        assert moved["e164"] == row["e164"]

    async def test_stale_map_row_is_reclaimed(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        """A map row whose tenant row never committed must not block the number forever."""
        e164 = unique_e164()
        async with new_session(tenancy.get().control_engine) as control:
            control.add(
                NumberOwner(
                    e164=e164, account=tenant_a.slug, number_id="num_01HZZZZZZZZZZZZZZZZZZZZZZZ"
                )
            )
            await control.commit()
        prov_b = await add_provider(client, tenant_b, "twilio", random_twilio())
        body = {"e164": e164, "provider": "twilio", "credentials_id": prov_b["id"]}
        r = await client.post(URL, json=body, headers=tenant_b.headers)
        assert r.status_code == 400  # within the grace period: could still be committing
        async with new_session(tenancy.get().control_engine) as control:
            await control.execute(
                update(NumberOwner)
                .where(NumberOwner.e164 == e164)
                .values(created_at=utcnow() - timedelta(hours=1))
            )
            await control.commit()
        r = await client.post(URL, json=body, headers=tenant_b.headers)
        assert r.status_code == 201, r.text


class TestListNumbers:
    async def test_filter_by_agent_and_isolation(
        self, client: httpx.AsyncClient, new_tenant, tenant_b: Tenant
    ) -> None:
        tenant = await new_tenant()
        prov = await add_provider(client, tenant, "twilio", random_twilio())
        agent = await create_agent(client, tenant)
        pinned = await add_number(client, tenant, "twilio", prov["id"], agent_id=agent["id"])
        loose = await add_number(client, tenant, "twilio", prov["id"])
        assert {n["id"] for n in await _numbers(client, tenant)} == {pinned["id"], loose["id"]}
        assert [n["id"] for n in await _numbers(client, tenant, agent_id=agent["id"])] == [
            pinned["id"]
        ]
        assert await _numbers(client, tenant_b, agent_id=agent["id"]) == []


class TestUpdateNumber:
    async def test_pin_unpin_and_flags(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        agent = await create_agent(client, tenant_a)
        row = await add_number(client, tenant_a, "twilio", prov["id"])
        url = f"{URL}/{row['id']}"
        r = await client.patch(url, json={"agent_id": agent["id"]}, headers=tenant_a.headers)
        assert r.status_code == 204
        assert r.content == b""
        got = {n["id"]: n for n in await _numbers(client, tenant_a)}[row["id"]]
        assert got["agent_id"] == agent["id"]
        await client.patch(url, json={"outbound_enabled": False}, headers=tenant_a.headers)
        got = {n["id"]: n for n in await _numbers(client, tenant_a)}[row["id"]]
        assert got["agent_id"] == agent["id"]
        assert got["outbound_enabled"] is False
        r = await client.patch(url, json={"agent_id": None}, headers=tenant_a.headers)
        assert r.status_code == 204
        got = {n["id"]: n for n in await _numbers(client, tenant_a)}[row["id"]]
        assert got["agent_id"] is None

    @pytest.mark.parametrize(
        "body",
        [
            {"agent_id": "agent_01HZZZZZZZZZZZZZZZZZZZZZZZ"},
            {"agent_id": 5},
            {"inbound_enabled": None},
        ],
    )
    async def test_invalid_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: dict
    ) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        row = await add_number(client, tenant_a, "twilio", prov["id"])
        r = await client.patch(f"{URL}/{row['id']}", json=body, headers=tenant_a.headers)
        assert r.status_code == 400

    async def test_other_tenant_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        row = await add_number(client, tenant_a, "twilio", prov["id"])
        r = await client.patch(
            f"{URL}/{row['id']}", json={"inbound_enabled": False}, headers=tenant_b.headers
        )
        assert r.status_code == 404
        got = {n["id"]: n for n in await _numbers(client, tenant_a)}[row["id"]]
        assert got["inbound_enabled"] is True

    @pytest.mark.parametrize("number_id", ["num_01HZZZZZZZZZZZZZZZZZZZZZZZ", "bad"])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, number_id: str
    ) -> None:
        r = await client.patch(
            f"{URL}/{number_id}", json={"agent_id": None}, headers=tenant_a.headers
        )
        assert r.status_code == 404

    async def test_deleting_agent_unpins(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        agent = await create_agent(client, tenant_a)
        row = await add_number(client, tenant_a, "twilio", prov["id"], agent_id=agent["id"])
        assert (
            await client.delete(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        ).status_code == 204
        got = {n["id"]: n for n in await _numbers(client, tenant_a)}[row["id"]]
        assert got["agent_id"] is None


class TestDeleteNumber:
    async def test_deletes(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        row = await add_number(client, tenant_a, "twilio", prov["id"])
        r = await client.delete(f"{URL}/{row['id']}", headers=tenant_a.headers)
        assert r.status_code == 204
        assert row["id"] not in [n["id"] for n in await _numbers(client, tenant_a)]
        assert (
            await client.delete(f"{URL}/{row['id']}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_other_tenant_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        prov = await add_provider(client, tenant_a, "twilio", random_twilio())
        row = await add_number(client, tenant_a, "twilio", prov["id"])
        assert (
            await client.delete(f"{URL}/{row['id']}", headers=tenant_b.headers)
        ).status_code == 404
        assert row["id"] in [n["id"] for n in await _numbers(client, tenant_a)]
