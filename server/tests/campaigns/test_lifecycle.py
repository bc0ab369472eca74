"""List, get, contacts, delete and the lifecycle actions (start, pause, resume, stop), with the
concurrency budget, scheduled starts and the two-account matrix."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.factories.campaigns import action, contact_numbers, created, csv_of
from tests.factories.telephony import Line, make_line, set_limits
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer

BASE = "/api/v1/campaigns"
MISSING = "camp_01HZZZZZZZZZZZZZZZZZZZZZZZ"


@pytest.fixture
async def line(client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer) -> Line:
    # Calls placed on the session's carrier server stay in flight until a test ends them.
    return await make_line(client, await new_tenant(), carrier_server, "twilio")


async def get(client: httpx.AsyncClient, line: Line, campaign_id: str) -> dict:
    r = await client.get(f"{BASE}/{campaign_id}", headers=line.tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()


class TestListAndGet:
    async def test_list_newest_first(self, client: httpx.AsyncClient, line: Line) -> None:
        first = await created(client, line)
        second = await created(client, line)
        r = await client.get(BASE, headers=line.tenant.jwt_headers)
        assert r.status_code == 200
        assert [c["id"] for c in r.json()["campaigns"]] == [second["id"], first["id"]]

    async def test_aliases(self, client: httpx.AsyncClient, line: Line) -> None:
        c = await created(client, line)
        for prefix in ("/v1/campaigns", "/hub-api/api/v1/campaigns"):
            r = await client.get(f"{prefix}/{c['id']}", headers=line.tenant.headers)
            assert r.status_code == 200
            assert r.json()["id"] == c["id"]

    @pytest.mark.parametrize(
        "campaign_id", [MISSING, "nope", "agent_01HZZZZZZZZZZZZZZZZZZZZZZZ", "x" * 500]
    )
    async def test_unknown(self, client: httpx.AsyncClient, line: Line, campaign_id: str) -> None:
        r = await client.get(f"{BASE}/{campaign_id}", headers=line.tenant.headers)
        assert r.status_code == 404
        assert r.text == f"Campaign {campaign_id[:100]!r} not found"


class TestContacts:
    async def test_paging_and_filters(self, client: httpx.AsyncClient, line: Line) -> None:
        numbers = contact_numbers(250)
        c = await created(client, line, csv=csv_of(numbers))
        url, h = f"{BASE}/{c['id']}/contacts", line.tenant.headers
        r = (await client.get(url, headers=h)).json()
        assert (r["total"], r["limit"], r["offset"], len(r["contacts"])) == (250, 100, 0, 100)
        r = (await client.get(f"{url}?limit=7&offset=240", headers=h)).json()
        assert [x["phone_number"] for x in r["contacts"]] == numbers[240:247]
        r = (await client.get(f"{url}?page=2", headers=h)).json()
        assert r["offset"] == 200
        assert [x["phone_number"] for x in r["contacts"]] == numbers[200:]
        r = (await client.get(f"{url}?status=pending&limit=1", headers=h)).json()
        assert r["total"] == 250
        r = (await client.get(f"{url}?status=completed", headers=h)).json()
        assert (r["total"], r["contacts"]) == (0, [])

    @pytest.mark.parametrize(
        "query", ["limit=0", "limit=1001", "limit=x", "offset=-1", "status=bogus", "page=-1"]
    )
    async def test_bad_query(self, client: httpx.AsyncClient, line: Line, query: str) -> None:
        c = await created(client, line)
        r = await client.get(f"{BASE}/{c['id']}/contacts?{query}", headers=line.tenant.headers)
        assert r.status_code == 400

    async def test_unknown_campaign(self, client: httpx.AsyncClient, line: Line) -> None:
        r = await client.get(f"{BASE}/{MISSING}/contacts", headers=line.tenant.headers)
        assert r.status_code == 404


class TestTransitions:
    async def test_start_pause_resume_stop(self, client: httpx.AsyncClient, line: Line) -> None:
        c = await created(client, line, contacts=20)
        r = await action(client, line, c["id"], "start")
        assert r.status_code == 200
        assert r.json()["status"] == "running"
        assert r.json()["started_at"]
        for verb in ("start", "resume"):
            assert (await action(client, line, c["id"], verb)).status_code == 409
        assert (await action(client, line, c["id"], "pause")).json()["status"] == "paused"
        assert (await action(client, line, c["id"], "pause")).status_code == 409
        assert (await action(client, line, c["id"], "resume")).json()["status"] == "running"
        assert (await action(client, line, c["id"], "pause")).status_code == 200
        assert (await action(client, line, c["id"], "start")).json()["status"] == "running"
        r = await action(client, line, c["id"], "stop")
        body = r.json()
        assert body["status"] == "completed"
        assert body["stopped_at"]
        assert body["completed_at"]
        for verb in ("start", "pause", "resume", "stop"):
            r = await action(client, line, c["id"], verb)
            assert r.status_code == 409, verb
        contacts = (
            await client.get(f"{BASE}/{c['id']}/contacts", headers=line.tenant.headers)
        ).json()
        assert {x["status"] for x in contacts["contacts"]} <= {
            "cancelled",
            "originated",
            "connected",
        }
        assert "pending" not in {x["status"] for x in contacts["contacts"]}

    async def test_illegal_from_draft(self, client: httpx.AsyncClient, line: Line) -> None:
        c = await created(client, line)
        r = await action(client, line, c["id"], "pause")
        assert r.status_code == 409
        assert r.text == "Campaign cannot be paused: it is draft (only when running)"
        r = await action(client, line, c["id"], "resume")
        assert r.status_code == 409
        assert r.text == "Campaign cannot be resumed: it is draft (only when paused)"
        stopped = await action(client, line, c["id"], "stop")
        assert stopped.json()["status"] == "completed"
        r = await client.get(
            f"{BASE}/{c['id']}/contacts?status=cancelled", headers=line.tenant.headers
        )
        assert r.json()["total"] == 3

    @pytest.mark.parametrize("verb", ["start", "pause", "resume", "stop"])
    async def test_unknown(self, client: httpx.AsyncClient, line: Line, verb: str) -> None:
        r = await action(client, line, MISSING, verb)
        assert r.status_code == 404

    async def test_concurrency_budget(self, client: httpx.AsyncClient, line: Line) -> None:
        await set_limits(client, line.tenant, concurrent_max=10)
        a = await created(client, line, max_concurrent_calls=6)
        b = await created(client, line, max_concurrent_calls=5)
        assert (await action(client, line, a["id"], "start")).status_code == 200
        r = await action(client, line, b["id"], "start")
        assert r.status_code == 409
        assert "concurrent" in r.text
        assert (await get(client, line, b["id"]))["status"] == "draft"
        assert (await action(client, line, a["id"], "pause")).status_code == 200
        assert (await action(client, line, b["id"], "start")).status_code == 200
        r = await action(client, line, a["id"], "resume")
        assert r.status_code == 409
        assert (await get(client, line, a["id"]))["status"] == "paused"
        for cid in (a["id"], b["id"]):
            await action(client, line, cid, "stop")

    async def test_scheduled_start(self, client: httpx.AsyncClient, line: Line) -> None:
        soon = datetime.now(UTC) + timedelta(seconds=2)
        c = await created(client, line, scheduled_at=soon.isoformat())
        r = await action(client, line, c["id"], "start")
        assert r.status_code == 200
        assert r.json()["status"] == "scheduled"
        assert (await action(client, line, c["id"], "start")).status_code == 409
        r = await client.delete(f"{BASE}/{c['id']}", headers=line.tenant.headers)
        assert r.status_code == 409
        deadline = time.monotonic() + 20
        while (await get(client, line, c["id"]))["status"] == "scheduled":
            assert time.monotonic() < deadline, "the dispatcher did not start it"
            await asyncio.sleep(0.2)
        started = await get(client, line, c["id"])
        assert started["status"] == "running"
        assert datetime.fromisoformat(started["started_at"]) >= soon - timedelta(seconds=1)
        await action(client, line, c["id"], "stop")

    async def test_scheduled_stop(self, client: httpx.AsyncClient, line: Line) -> None:
        later = datetime.now(UTC) + timedelta(hours=1)
        c = await created(client, line, scheduled_at=later.isoformat())
        assert (await action(client, line, c["id"], "start")).json()["status"] == "scheduled"
        assert (await action(client, line, c["id"], "stop")).json()["status"] == "completed"


class TestDelete:
    async def test_draft_and_paused(self, client: httpx.AsyncClient, line: Line) -> None:
        c = await created(client, line)
        r = await client.delete(f"{BASE}/{c['id']}", headers=line.tenant.headers)
        assert r.status_code == 204
        assert r.content == b""
        assert (
            await client.get(f"{BASE}/{c['id']}", headers=line.tenant.headers)
        ).status_code == 404
        r = await client.get(f"{BASE}/{c['id']}/contacts", headers=line.tenant.headers)
        assert r.status_code == 404
        p = await created(client, line)
        await action(client, line, p["id"], "start")
        r = await client.delete(f"{BASE}/{p['id']}", headers=line.tenant.headers)
        assert r.status_code == 409
        assert "running" in r.text
        await action(client, line, p["id"], "pause")
        assert (
            await client.delete(f"{BASE}/{p['id']}", headers=line.tenant.headers)
        ).status_code == 204

    async def test_unknown(self, client: httpx.AsyncClient, line: Line) -> None:
        assert (
            await client.delete(f"{BASE}/{MISSING}", headers=line.tenant.headers)
        ).status_code == 404

    async def test_agent_in_use(self, client: httpx.AsyncClient, line: Line) -> None:
        c = await created(client, line)
        await action(client, line, c["id"], "start")
        r = await client.delete(f"/api/v1/agents/{line.agent['id']}", headers=line.tenant.headers)
        assert r.status_code == 409
        await action(client, line, c["id"], "stop")


class TestTwoAccounts:
    async def test_other_account_sees_nothing(
        self, client: httpx.AsyncClient, line: Line, tenant_b: Tenant
    ) -> None:
        c = await created(client, line)
        h = tenant_b.headers
        assert (await client.get(f"{BASE}/{c['id']}", headers=h)).status_code == 404
        assert (await client.get(f"{BASE}/{c['id']}/contacts", headers=h)).status_code == 404
        assert (await client.get(f"{BASE}/{c['id']}/events", headers=h)).status_code == 404
        for verb in ("start", "pause", "resume", "stop"):
            r = await client.post(f"{BASE}/{c['id']}/{verb}", headers=h)
            assert r.status_code == 404
        assert (await client.delete(f"{BASE}/{c['id']}", headers=h)).status_code == 404
        assert c["id"] not in [
            x["id"] for x in (await client.get(BASE, headers=h)).json()["campaigns"]
        ]
        assert (await get(client, line, c["id"]))["status"] == "draft"
