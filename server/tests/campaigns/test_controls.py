"""Campaign controls (spec 16): the do-not-call list, retry_on, PATCH, appended contacts,
preflight (agreeing with create on every count, hostile CSVs included) and the CSV export.
Both backends; dialling goes through the sandbox carrier, counted on the carrier's side."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from kataven_hub.core.settings import get_settings

from tests.campaigns.carrier_sim import count_sandbox
from tests.factories.campaigns import action, contact_numbers, create_campaign, created, csv_of
from tests.factories.telephony import Line, make_line, originate, set_limits
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer

BASE = "/api/v1/campaigns"
JSON = {"Accept": "application/json"}
TERMINAL = {"completed", "failed", "cancelled", "skipped"}


@pytest.fixture
def fast_dispatch() -> Any:
    s = get_settings()
    saved = (s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS)
    s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS = 0, 500.0
    yield s
    s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS = saved


@pytest.fixture
async def line(client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer) -> Line:
    return await make_line(client, await new_tenant(), carrier_server, "twilio")


@pytest.fixture
async def sandbox_line(client: httpx.AsyncClient, new_tenant) -> Line:
    tenant = await new_tenant()
    await set_limits(
        client, tenant, concurrent_max=20, calls_per_minute=100000, daily_calls_max=100000
    )
    return await make_line(client, tenant, None, "sandbox")


async def contacts_of(client: httpx.AsyncClient, line: Line, cid: str) -> list[dict[str, Any]]:
    r = await client.get(f"{BASE}/{cid}/contacts?limit=1000", headers=line.tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()["contacts"]


async def finished(client: httpx.AsyncClient, line: Line, cid: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = await client.get(f"{BASE}/{cid}", headers=line.tenant.headers)
        if r.json()["status"] in ("completed", "failed"):
            return r.json()
        assert time.monotonic() < deadline, "campaign did not finish"
        await asyncio.sleep(0.2)


async def dnc_add(client: httpx.AsyncClient, tenant: Tenant, number: str, **kw: Any) -> Any:
    return await client.post(
        "/api/v1/dnc", json={"phone_number": number, **kw}, headers=tenant.headers
    )


class TestDoNotCallList:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/dnc")).status_code == 401

    async def test_add_list_remove(self, client: httpx.AsyncClient, line: Line) -> None:
        tenant = line.tenant
        (a, b) = contact_numbers(2)
        r = await dnc_add(client, tenant, a, reason="asked us")
        assert r.status_code == 201, r.text
        assert r.json()["phone_number"] == a
        assert r.json()["reason"] == "asked us"
        again = await dnc_add(client, tenant, a)
        assert again.status_code == 200
        national = "(" + b[2:5] + ") " + b[5:8] + "-" + b[8:]
        assert (await dnc_add(client, tenant, national)).status_code == 400  # no country code
        assert (await dnc_add(client, tenant, "+1 " + b[2:])).json()["phone_number"] == b
        listed = await client.get("/api/v1/dnc", headers=tenant.headers)
        assert {n["phone_number"] for n in listed.json()["numbers"]} == {a, b}
        assert listed.json()["total"] == 2
        one = await client.get("/api/v1/dnc", params={"phone_number": a}, headers=tenant.headers)
        assert [n["phone_number"] for n in one.json()["numbers"]] == [a]
        assert (await client.delete(f"/api/v1/dnc/{a}", headers=tenant.headers)).status_code == 204
        assert (await client.delete(f"/api/v1/dnc/{a}", headers=tenant.headers)).status_code == 404
        encoded = b.replace("+", "%2B")
        r = await client.delete(f"/api/v1/dnc/{encoded}", headers=tenant.headers)
        assert r.status_code == 204
        assert (await client.get("/api/v1/dnc", headers=tenant.headers)).json()["total"] == 0

    async def test_bad_bodies(self, client: httpx.AsyncClient, line: Line) -> None:
        for body in ({}, {"phone_number": "x"}, {"phone_number": 5}, {"phone_number": "+1\x00"}):
            r = await client.post("/api/v1/dnc", json=body, headers=line.tenant.headers)
            assert r.status_code == 400, body

    async def test_import(self, client: httpx.AsyncClient, line: Line) -> None:
        a, b, c = contact_numbers(3)
        raw = f"Phone_Number,reason\n{a},moved\n{b},\n{a},again\n\n{c},x\n".encode()
        files = {"file": ("dnc.csv", raw, "text/csv")}
        r = await client.post(
            "/api/v1/dnc/import", files=files, data={"reason": "bulk"}, headers=line.tenant.headers
        )
        assert r.status_code == 200, r.text
        assert r.json() == {"rows": 3, "added": 3, "already_listed": 0, "duplicates_skipped": 1}
        r = await client.get("/api/v1/dnc", headers=line.tenant.headers)
        reasons = {n["phone_number"]: n["reason"] for n in r.json()["numbers"]}
        assert reasons == {a: "moved", b: "bulk", c: "x"}
        r = await client.post("/api/v1/dnc/import", files=files, headers=line.tenant.headers)
        assert r.json()["already_listed"] == 3
        (d,) = contact_numbers(1)
        bad = {"file": ("dnc.csv", f"phone_number\n{d}\n+1000\n".encode(), "text/csv")}
        r = await client.post("/api/v1/dnc/import", files=bad, headers=line.tenant.headers)
        assert r.status_code == 400
        assert "line 3" in r.text
        r = await client.get("/api/v1/dnc", params={"phone_number": d}, headers=line.tenant.headers)
        assert r.json()["total"] == 0  # nothing stored

    async def test_originate_refused(self, client: httpx.AsyncClient, line: Line) -> None:
        (a,) = contact_numbers(1)
        await dnc_add(client, line.tenant, a)
        r = await client.post(
            "/api/v1/calls/originate",
            json=line.originate_body(a),
            headers={**line.tenant.headers, **JSON},
        )
        assert r.status_code == 403
        assert r.json()["code"] == "do_not_call"
        other = await originate(client, line)
        assert other.status_code == 200, other.text

    async def test_other_account_unaffected(
        self, client: httpx.AsyncClient, line: Line, new_tenant
    ) -> None:
        (a,) = contact_numbers(1)
        await dnc_add(client, line.tenant, a)
        other = await new_tenant()
        assert (await client.get("/api/v1/dnc", headers=other.headers)).json()["total"] == 0

    async def test_skipped_at_ingest(self, client: httpx.AsyncClient, line: Line) -> None:
        numbers = contact_numbers(4)
        await dnc_add(client, line.tenant, numbers[1])
        body = await created(client, line, csv=csv_of(numbers))
        assert body["contacts_total"] == 4
        assert body["do_not_call_skipped"] == 1
        contacts = await contacts_of(client, line, body["id"])
        skipped = [c for c in contacts if c["status"] == "skipped"]
        assert [c["phone_number"] for c in skipped] == [numbers[1]]
        assert skipped[0]["failure_reason"] == "do_not_call"
        assert skipped[0]["attempts"] == 0

    async def test_listed_while_running_never_dialled(
        self, client: httpx.AsyncClient, sandbox_line: Line, fast_dispatch
    ) -> None:
        line = sandbox_line
        numbers = contact_numbers(30)
        with count_sandbox(talk=(0.2, 0.3)) as carrier:
            get_settings().SANDBOX_OUTCOME_WEIGHTS = {"completed": 1.0}
            body = await created(client, line, csv=csv_of(numbers), max_concurrent_calls=2)
            assert (await action(client, line, body["id"], "start")).status_code == 200
            deadline = time.monotonic() + 60
            while len(carrier.placed) < 4:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            late = numbers[-12:]
            for number in late:
                assert (await dnc_add(client, line.tenant, number)).status_code == 201
            placed_before = set(carrier.placed)
            await finished(client, line, body["id"])
            await asyncio.sleep(0.3)
        dialled_after = set(carrier.placed) - placed_before
        assert not dialled_after & set(late)
        contacts = {c["phone_number"]: c for c in await contacts_of(client, line, body["id"])}
        for number in late:
            if number not in placed_before:
                assert contacts[number]["status"] == "skipped", contacts[number]
                assert contacts[number]["failure_reason"] == "do_not_call"
                assert contacts[number]["attempts"] == 0
        assert Counter(carrier.placed) == Counter(
            n for n, c in contacts.items() for _ in range(c["attempts"])
        )


class TestRetryOn:
    async def test_default_and_invalid(self, client: httpx.AsyncClient, line: Line) -> None:
        body = await created(client, line)
        assert body["retry_on"] == ["busy", "no_answer", "failed"]
        body = await created(client, line, retry_on="failed,busy")
        assert body["retry_on"] == ["busy", "failed"]
        r = await create_campaign(client, line, retry_on="busy,voicemail")
        assert r.status_code == 400
        assert "retry_on" in r.text

    @pytest.mark.parametrize(("outcome", "retried"), [("no_answer", False), ("busy", True)])
    async def test_only_listed_outcomes_retry(
        self,
        client: httpx.AsyncClient,
        sandbox_line: Line,
        fast_dispatch,
        outcome: str,
        retried: bool,
    ) -> None:
        line = sandbox_line
        with count_sandbox() as carrier:
            get_settings().SANDBOX_OUTCOME_WEIGHTS = {outcome: 1.0}
            body = await created(
                client,
                line,
                csv=csv_of(contact_numbers(5)),
                retries_per_contact=2,
                retry_delay_seconds=0,
                retry_on="busy",
            )
            await action(client, line, body["id"], "start")
            await finished(client, line, body["id"])
        contacts = await contacts_of(client, line, body["id"])
        assert {c["status"] for c in contacts} == {"failed"}
        assert {c["attempts"] for c in contacts} == ({3} if retried else {1})
        assert {c["last_outcome"] for c in contacts} == {outcome}
        assert len(carrier.placed) == sum(c["attempts"] for c in contacts)


class TestUpdateCampaign:
    async def test_draft_fields(self, client: httpx.AsyncClient, line: Line) -> None:
        body = await created(client, line)
        when = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
        window = {"start": "08:30", "end": "21:00", "days": ["sat", "mon"], "timezone": "recipient"}
        change = {
            "name": "Renamed",
            "max_concurrent_calls": 3,
            "retries_per_contact": 2,
            "retry_delay_seconds": 600,
            "retry_on": ["no_answer"],
            "calling_window": window,
            "default_timezone": "America/Chicago",
            "scheduled_at": when.isoformat(),
        }
        r = await client.patch(f"{BASE}/{body['id']}", json=change, headers=line.tenant.headers)
        assert r.status_code == 200, r.text
        got = r.json()
        for key in (
            "name",
            "max_concurrent_calls",
            "retries_per_contact",
            "retry_delay_seconds",
            "retry_on",
            "default_timezone",
        ):
            assert got[key] == change[key], key
        assert got["calling_window"] == {**window, "days": ["mon", "sat"]}
        assert datetime.fromisoformat(got["scheduled_at"]) == when
        r = await client.patch(
            f"{BASE}/{body['id']}",
            json={"calling_window": None, "scheduled_at": None},
            headers=line.tenant.headers,
        )
        assert r.json()["calling_window"] is None
        assert r.json()["scheduled_at"] is None
        assert r.json()["name"] == "Renamed"

    @pytest.mark.parametrize(
        "change",
        [
            {"name": None},
            {"name": ""},
            {"max_concurrent_calls": 0},
            {"max_concurrent_calls": "5"},
            {"retries_per_contact": 6},
            {"retry_delay_seconds": 10},
            {"retry_on": ["voicemail"]},
            {"calling_window": {"start": "20:00", "end": "09:00"}},
            {"calling_window": {"start": "9am"}},
            {"calling_window": {"days": []}},
            {"calling_window": {"timezone": "Mars/Olympus"}},
            {"calling_window": {"timezone": "../../etc/passwd"}},
            {"default_timezone": "Nowhere"},
            {"scheduled_at": "2020-01-01T00:00:00Z"},
            {"scheduled_at": "2099-01-01T00:00:00"},
        ],
    )
    async def test_invalid(self, client: httpx.AsyncClient, line: Line, change: dict) -> None:
        body = await created(client, line)
        r = await client.patch(f"{BASE}/{body['id']}", json=change, headers=line.tenant.headers)
        assert r.status_code == 400, (change, r.text)
        after = (await client.get(f"{BASE}/{body['id']}", headers=line.tenant.headers)).json()
        assert after == body  # nothing changed

    async def test_states(self, client: httpx.AsyncClient, line: Line) -> None:
        r = await client.patch(
            f"{BASE}/camp_01HZZZZZZZZZZZZZZZZZZZZZZZ",
            json={"name": "x"},
            headers=line.tenant.headers,
        )
        assert r.status_code == 404
        body = await created(client, line)
        assert (await action(client, line, body["id"], "start")).json()["status"] == "running"
        r = await client.patch(
            f"{BASE}/{body['id']}", json={"name": "x"}, headers=line.tenant.headers
        )
        assert r.status_code == 409
        assert (await action(client, line, body["id"], "pause")).json()["status"] == "paused"
        r = await client.patch(
            f"{BASE}/{body['id']}", json={"name": "x"}, headers=line.tenant.headers
        )
        assert r.status_code == 200
        assert (await action(client, line, body["id"], "stop")).status_code == 200
        r = await client.patch(
            f"{BASE}/{body['id']}", json={"name": "y"}, headers=line.tenant.headers
        )
        assert r.status_code == 409

    async def test_scheduled_moves(self, client: httpx.AsyncClient, line: Line) -> None:
        when = datetime.now(UTC) + timedelta(hours=3)
        body = await created(client, line, scheduled_at=when.isoformat())
        assert (await action(client, line, body["id"], "start")).json()["status"] == "scheduled"
        later = (when + timedelta(hours=1)).replace(microsecond=0)
        r = await client.patch(
            f"{BASE}/{body['id']}",
            json={"scheduled_at": later.isoformat()},
            headers=line.tenant.headers,
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "scheduled"
        assert datetime.fromisoformat(r.json()["scheduled_at"]) == later

    async def test_budget_checked_again(self, client: httpx.AsyncClient, line: Line) -> None:
        await set_limits(client, line.tenant, concurrent_max=10)
        running = await created(client, line, max_concurrent_calls=8)
        assert (await action(client, line, running["id"], "start")).status_code == 200
        draft = await created(client, line, max_concurrent_calls=2)
        r = await client.patch(
            f"{BASE}/{draft['id']}", json={"max_concurrent_calls": 3}, headers=line.tenant.headers
        )
        assert r.status_code == 409
        assert "budget" in r.text
        got = (await client.get(f"{BASE}/{draft['id']}", headers=line.tenant.headers)).json()
        assert got["max_concurrent_calls"] == 2
        r = await client.patch(
            f"{BASE}/{draft['id']}", json={"max_concurrent_calls": 1}, headers=line.tenant.headers
        )
        assert r.status_code == 200
        await action(client, line, running["id"], "stop")


class TestAddContacts:
    async def test_append_deduplicated(self, client: httpx.AsyncClient, line: Line) -> None:
        first = contact_numbers(3)
        body = await created(client, line, csv=csv_of(first))
        more = contact_numbers(2)
        raw = (
            f"phone_number,name,tier\n{more[0]},A,1\n{first[1]},B,2\n{more[1]},C,3\n{more[0]},D,4\n"
        )
        await dnc_add(client, line.tenant, more[1])
        files = {"contacts": ("more.csv", raw.encode(), "text/csv")}
        r = await client.post(
            f"{BASE}/{body['id']}/contacts", files=files, headers=line.tenant.headers
        )
        assert r.status_code == 200, r.text
        got = r.json()
        assert (got["added"], got["duplicates_skipped"], got["do_not_call_skipped"]) == (2, 2, 1)
        assert got["campaign"]["contacts_total"] == 5
        assert got["campaign"]["duplicates_skipped"] == 2
        assert got["campaign"]["do_not_call_skipped"] == 1
        contacts = await contacts_of(client, line, body["id"])
        assert [c["phone_number"] for c in contacts] == [*first, *more]
        assert contacts[3]["custom_fields"] == {"name": "A", "tier": "1"}
        assert contacts[4]["status"] == "skipped"

    async def test_bad_rows_and_states(self, client: httpx.AsyncClient, line: Line) -> None:
        body = await created(client, line, contacts=2)
        bad = {"contacts": ("x.csv", b"phone_number\n+14152000000\nnope\n", "text/csv")}
        r = await client.post(
            f"{BASE}/{body['id']}/contacts", files=bad, headers=line.tenant.headers
        )
        assert r.status_code == 400
        assert len(await contacts_of(client, line, body["id"])) == 2  # nothing added
        good = {"contacts": ("x.csv", csv_of(contact_numbers(1)), "text/csv")}
        await action(client, line, body["id"], "start")
        r = await client.post(
            f"{BASE}/{body['id']}/contacts", files=good, headers=line.tenant.headers
        )
        assert r.status_code == 409
        await action(client, line, body["id"], "pause")
        r = await client.post(
            f"{BASE}/{body['id']}/contacts", files=good, headers=line.tenant.headers
        )
        assert r.status_code == 200
        assert r.json()["campaign"]["contacts_total"] == 3
        await action(client, line, body["id"], "stop")


class TestExport:
    async def test_every_contact_with_outcome(
        self, client: httpx.AsyncClient, sandbox_line: Line, fast_dispatch
    ) -> None:
        line = sandbox_line
        numbers = contact_numbers(6)
        hostile = ['=HYPERLINK("http://x")', "+1+1", "-5", "@SUM(A1)", "\tx", 'plain, "quoted"']
        rows = ["phone_number,note,=evil"] + [
            f'{n},"{h.replace(chr(34), chr(34) * 2)}",v{i}'
            for i, (n, h) in enumerate(zip(numbers, hostile, strict=True))
        ]
        await dnc_add(client, line.tenant, numbers[5])
        with count_sandbox() as carrier:
            get_settings().SANDBOX_OUTCOME_WEIGHTS = {"busy": 1.0}
            body = await created(
                client,
                line,
                csv=("\n".join(rows) + "\n").encode(),
                retries_per_contact=1,
                retry_delay_seconds=0,
            )
            await action(client, line, body["id"], "start")
            await finished(client, line, body["id"])
        r = await client.get(f"{BASE}/{body['id']}/contacts.csv", headers=line.tenant.headers)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(r.text)))
        assert table[0] == [
            "phone_number",
            "note",
            "'=evil",
            "contact_id",
            "status",
            "attempts",
            "last_outcome",
            "failure_reason",
            "call_ids",
            "timezone",
            "next_attempt_at",
            "completed_at",
        ]
        data = table[1:]
        assert [row[0] for row in data] == numbers
        assert [row[1] for row in data[:5]] == ["'" + h for h in hostile[:5]]
        assert data[5][1] == hostile[5]
        for row in data[:5]:
            assert row[4:8] == ["failed", "2", "busy", "busy"]
            assert len(row[8].split()) == 2
            assert all(i.startswith("sess_") for i in row[8].split())
            assert row[9] == "America/Los_Angeles"
            assert row[11].endswith("Z")
        assert data[5][4:9] == ["skipped", "0", "", "do_not_call", ""]
        assert len(carrier.placed) == 10

    async def test_unknown_and_other_account(
        self, client: httpx.AsyncClient, line: Line, new_tenant
    ) -> None:
        body = await created(client, line)
        other = await new_tenant()
        r = await client.get(f"{BASE}/{body['id']}/contacts.csv", headers=other.headers)
        assert r.status_code == 404


HOSTILE = [
    b"",
    b"phone_number,name\n",
    b"phone,name\n+12025550123,x\n",
    b"phone_number,phone_number\n+12025550123,+12025550124\n",
    b"phone_number,name\n+12025550123,Jos\xe9\n",
    b"phone_number,name\n+12025550123,a\x00b\n",
    b"phone_number,name\n+12025550123\n",
    b"phone_number,name\n+12025550123,x,y\n",
    b'phone_number,name\n+12025550123,"unterminated\n',
    b"phone_number,name\n,x\n",
    b'\xef\xbb\xbfPhone_Number,note\r\n+12025550123,"a, b"\r\n\r\n,\r\n+12025550123,dup\r\n',
    b"phone_number\n" + b"".join(f"+1{i:03d}\n".encode() for i in range(30)),
    b"phone_number\n+12025550123\n+1000\n+14152001234\n+12025550123\n(202) 555-0199\n",
]


class TestPreflight:
    @pytest.mark.parametrize("raw", HOSTILE)
    async def test_agrees_with_create(
        self, client: httpx.AsyncClient, line: Line, raw: bytes
    ) -> None:
        before = len((await client.get(BASE, headers=line.tenant.headers)).json()["campaigns"])
        data = {"name": "p", "agent_id": line.agent["id"], "phone_number_id": line.number["id"]}
        files = {"contacts": ("c.csv", raw, "text/csv")}
        headers = {**line.tenant.headers, **JSON}
        pre = await client.post(f"{BASE}/preflight", data=data, files=files, headers=headers)
        assert pre.status_code == 200, pre.text
        report = pre.json()
        after = len((await client.get(BASE, headers=line.tenant.headers)).json()["campaigns"])
        assert after == before  # nothing stored
        made = await client.post(BASE, data=data, files=files, headers=headers)
        if made.status_code == 201:
            campaign = made.json()
            assert report["accepted"] is True
            assert report["error"] is None
            assert report["contacts_total"] == campaign["contacts_total"]
            assert report["duplicates"] == campaign["duplicates_skipped"]
            assert report["do_not_call"] == campaign["do_not_call_skipped"]
            assert report["invalid"] == []
        else:
            assert made.status_code == 400, made.text
            problem = made.json()
            assert report["accepted"] is False
            assert report["error"] == problem["detail"]
            lines = [e["line"] for e in problem.get("errors") or []]
            assert [i["row"] for i in report["invalid"]][: len(lines)] == lines

    async def test_counts_and_estimate(self, client: httpx.AsyncClient, line: Line) -> None:
        numbers = contact_numbers(100)
        await dnc_add(client, line.tenant, numbers[0])
        raw = csv_of([*numbers, numbers[3], "+1000", "nope"])
        today = datetime.now(UTC).weekday()
        closed = {
            "start": "09:00",
            "end": "20:00",
            "timezone": "UTC",
            "days": [
                d
                for i, d in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
                if i != today
            ],
        }
        data = {
            "name": "p",
            "agent_id": line.agent["id"],
            "phone_number_id": line.number["id"],
            "max_concurrent_calls": "5",
            "calling_window": json.dumps(closed),
        }
        files = {"contacts": ("c.csv", raw, "text/csv")}
        r = await client.post(
            f"{BASE}/preflight", data=data, files=files, headers=line.tenant.headers
        )
        assert r.status_code == 200, r.text
        report = r.json()
        assert report["accepted"] is False
        assert (report["contacts_total"], report["valid"], report["duplicates"]) == (100, 99, 1)
        assert report["do_not_call"] == 1
        assert report["invalid_total"] == 2
        assert [i["row"] for i in report["invalid"]] == [103, 104]
        assert "not a valid phone number" in report["invalid"][0]["reason"]
        assert report["outside_calling_window_now"] == 99
        # 99 calls of 60 s on 5 lines (calls_per_minute 30 allows 5 a minute): 20 minutes.
        assert report["estimated_minutes_to_finish"] == 20
        assert report["average_call_seconds"] == 60.0

    async def test_form_errors_match_create(self, client: httpx.AsyncClient, line: Line) -> None:
        for field, value in [
            ("max_concurrent_calls", "0"),
            ("calling_window", "{"),
            ("default_timezone", "Nowhere"),
            ("agent_id", "agent_nope"),
        ]:
            data = {
                "name": "p",
                "agent_id": line.agent["id"],
                "phone_number_id": line.number["id"],
                field: value,
            }
            files = {"contacts": ("c.csv", csv_of(contact_numbers(1)), "text/csv")}
            pre = await client.post(
                f"{BASE}/preflight", data=data, files=files, headers=line.tenant.headers
            )
            made = await client.post(BASE, data=data, files=files, headers=line.tenant.headers)
            assert pre.status_code == made.status_code == 400, (field, pre.text)
            assert pre.text == made.text


def frames_of(text: str) -> list[dict[str, Any]]:
    out = []
    for block in text.split("\n\n"):
        frame: dict[str, Any] = {}
        for part in block.split("\n"):
            if part and not part.startswith(":"):
                key, _, value = part.partition(": ")
                frame[key] = json.loads(value) if key == "data" else value
        if frame:
            out.append(frame)
    return out


class TestEvents:
    async def test_updates_are_events(self, client: httpx.AsyncClient, line: Line) -> None:
        body = await created(client, line, contacts=2)
        cid = body["id"]
        r = await client.patch(f"{BASE}/{cid}", json={"name": "New"}, headers=line.tenant.headers)
        assert r.status_code == 200
        files = {"contacts": ("x.csv", csv_of(contact_numbers(2)), "text/csv")}
        r = await client.post(f"{BASE}/{cid}/contacts", files=files, headers=line.tenant.headers)
        assert r.status_code == 200
        await action(client, line, cid, "stop")
        r = await client.get(f"{BASE}/{cid}/events", headers=line.tenant.headers)
        updated = [f["data"] for f in frames_of(r.text) if f.get("event") == "updated"]
        assert updated[0]["changes"] == {"name": "New"}
        assert (updated[1]["contacts_added"], updated[1]["contacts_total"]) == (2, 4)

    async def test_snapshot_counts_contacts_waiting_for_their_window(
        self, client: httpx.AsyncClient, line: Line
    ) -> None:
        s = get_settings()
        saved = (s.CAMPAIGN_SSE_SNAPSHOT_SECONDS, s.CAMPAIGN_SSE_MAX_SECONDS)
        s.CAMPAIGN_SSE_SNAPSHOT_SECONDS, s.CAMPAIGN_SSE_MAX_SECONDS = 0.2, 1.0
        today = datetime.now(UTC).weekday()
        days = [
            d for i, d in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]) if i != today
        ]
        window = {"start": "00:00", "end": "24:00", "days": days, "timezone": "UTC"}
        try:
            body = await created(client, line, contacts=3, calling_window=json.dumps(window))
            assert (await action(client, line, body["id"], "start")).status_code == 200
            r = await client.get(f"{BASE}/{body['id']}/events", headers=line.tenant.headers)
        finally:
            s.CAMPAIGN_SSE_SNAPSHOT_SECONDS, s.CAMPAIGN_SSE_MAX_SECONDS = saved
        snapshots = [f["data"] for f in frames_of(r.text) if "event" not in f]
        assert snapshots
        assert snapshots[-1]["waiting_for_window"] == 3
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
        assert snapshots[-1]["next_window_at"] == f"{tomorrow}T00:00:00Z"
        assert (await contacts_of(client, line, body["id"]))[0]["status"] == "pending"
        await action(client, line, body["id"], "stop")


class TestUploadSize:
    async def test_csv_routes_take_files_past_the_json_body_cap(
        self, client: httpx.AsyncClient, line: Line
    ) -> None:
        """The body cap for JSON (2 MB) does not apply to the CSV uploads (10 MB)."""
        numbers = contact_numbers(25_000)
        raw = ("phone_number,pad\n" + "".join(f"{n},{'p' * 90}\n" for n in numbers)).encode()
        assert len(raw) > get_settings().MAX_BODY_BYTES
        data = {"name": "p", "agent_id": line.agent["id"], "phone_number_id": line.number["id"]}
        files = {"contacts": ("c.csv", raw, "text/csv")}
        h = line.tenant.headers
        pre = await client.post(f"{BASE}/preflight", data=data, files=files, headers=h)
        assert pre.status_code == 200, pre.text[:200]
        assert pre.json()["contacts_total"] == 25_000
        body = await created(client, line, contacts=1)
        added = await client.post(f"{BASE}/{body['id']}/contacts", files=files, headers=h)
        assert added.status_code == 200, added.text[:200]
        dnc = {"file": ("d.csv", raw, "text/csv")}
        r = await client.post("/api/v1/dnc/import", files=dnc, headers=h)
        assert r.status_code == 200, r.text[:200]
        assert r.json()["added"] == 25_000
