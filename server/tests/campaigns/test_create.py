"""POST /api/v1/campaigns: the form, its ranges, and hostile CSVs (nothing stored on failure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.factories.campaigns import contact_numbers, create_campaign, created, csv_of
from tests.factories.telephony import Line, add_number, create_agent, make_line
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer

MB = 1024 * 1024


@pytest.fixture
async def line(client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer) -> Line:
    return await make_line(client, tenant_a, carrier_server, "twilio")


async def campaign_count(client: httpx.AsyncClient, tenant: Tenant) -> int:
    r = await client.get("/api/v1/campaigns", headers=tenant.headers)
    assert r.status_code == 200
    return len(r.json()["campaigns"])


async def rejected(client: httpx.AsyncClient, line: Line, status: int, **kw) -> str:
    before = await campaign_count(client, line.tenant)
    r = await create_campaign(client, line, **kw)
    assert r.status_code == status, r.text
    assert await campaign_count(client, line.tenant) == before  # nothing stored
    return r.text


class TestCreateCampaign:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient, line: Line) -> None:
        r = await create_campaign(client, line, headers={"X-Nothing": "1"})
        assert r.status_code == 401

    async def test_defaults_and_contacts(self, client: httpx.AsyncClient, line: Line) -> None:
        numbers = contact_numbers(4)
        body = await created(client, line, csv=csv_of(numbers))
        assert body["id"].startswith("camp_")
        assert body["status"] == "draft"
        assert body["max_concurrent_calls"] == 5
        assert body["retries_per_contact"] == 0
        assert body["retry_delay_seconds"] == 300
        assert body["scheduled_at"] is None
        assert body["contacts_total"] == 4
        assert body["duplicates_skipped"] == 0
        assert body["agent_id"] == line.agent["id"]
        assert body["phone_number_id"] == line.number["id"]
        assert body["created_by"]
        assert body["started_at"] is None
        r = await client.get(
            f"/api/v1/campaigns/{body['id']}/contacts", headers=line.tenant.headers
        )
        contacts = r.json()["contacts"]
        assert [c["phone_number"] for c in contacts] == numbers
        assert contacts[0]["custom_fields"] == {"name": "Person 0", "plan": "basic"}
        assert all(c["status"] == "pending" and c["attempts"] == 0 for c in contacts)
        assert all(c["id"].startswith("ct_") for c in contacts)

    async def test_every_field(self, client: httpx.AsyncClient, line: Line) -> None:
        when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
        body = await created(client, line, max_concurrent_calls=100, retries_per_contact=5,
                             retry_delay_seconds=60, scheduled_at=when.isoformat())  # fmt: skip
        assert (body["max_concurrent_calls"], body["retries_per_contact"]) == (100, 5)
        assert body["retry_delay_seconds"] == 60
        assert datetime.fromisoformat(body["scheduled_at"]) == when

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("max_concurrent_calls", 0), ("max_concurrent_calls", 101),
            ("max_concurrent_calls", "x"),
            ("retries_per_contact", -1), ("retries_per_contact", 6), ("retry_delay_seconds", 59),
            ("retry_delay_seconds", "1.5"), ("scheduled_at", "tomorrow"),
            ("scheduled_at", "2020-01-01T00:00:00Z"), ("scheduled_at", "2099-01-01T00:00:00"),
            ("name", ""), ("name", "x" * 201), ("name", "a\x00b"), ("default_region", "XX"),
        ],
    )  # fmt: skip
    async def test_invalid_field(
        self, client: httpx.AsyncClient, line: Line, field: str, value: object
    ) -> None:
        text = await rejected(client, line, 400, **{field: value})
        assert field in text

    async def test_unknown_agent_and_number(self, client: httpx.AsyncClient, line: Line) -> None:
        assert "agent_id" in await rejected(
            client, line, 400, agent_id="agent_01HZZZZZZZZZZZZZZZZZZZZZZZ"
        )
        assert "phone_number_id" in await rejected(client, line, 400, phone_number_id="num_nope")

    async def test_other_accounts_agent(
        self, client: httpx.AsyncClient, line: Line, tenant_b: Tenant
    ) -> None:
        foreign = await create_agent(client, tenant_b)
        await rejected(client, line, 400, agent_id=foreign["id"])

    async def test_number_outbound_disabled(self, client: httpx.AsyncClient, line: Line) -> None:
        number = await add_number(
            client, line.tenant, "twilio", line.provider_id, outbound_enabled=False
        )
        assert "outbound" in await rejected(client, line, 400, phone_number_id=number["id"])

    async def test_missing_file(self, client: httpx.AsyncClient, line: Line) -> None:
        data = {"name": "x", "agent_id": line.agent["id"], "phone_number_id": line.number["id"]}
        r = await client.post("/api/v1/campaigns", data=data, headers=line.tenant.headers)
        assert r.status_code == 400
        assert "contacts" in r.text
        inline = {**data, "contacts": "phone_number\n+12025550123"}  # a field, not a file
        r = await client.post("/api/v1/campaigns", data=inline, headers=line.tenant.headers)
        assert r.status_code == 400

    async def test_json_body(self, client: httpx.AsyncClient, line: Line) -> None:
        r = await client.post("/api/v1/campaigns", json={"name": "x"}, headers=line.tenant.headers)
        assert r.status_code == 400


class TestCsv:
    async def test_bom_crlf_quotes(self, client: httpx.AsyncClient, line: Line) -> None:
        a, b = contact_numbers(2)
        raw = (f'\ufeffPhone_Number,note,"city, state"\r\n{a},"hello, world","Austin, TX"\r\n'
               f'{b},"two\r\nlines ""quoted""",x\r\n\r\n,,\r\n').encode()  # fmt: skip
        body = await created(client, line, csv=raw)
        assert body["contacts_total"] == 2
        r = await client.get(
            f"/api/v1/campaigns/{body['id']}/contacts", headers=line.tenant.headers
        )
        fields = [c["custom_fields"] for c in r.json()["contacts"]]
        assert fields == [{"note": "hello, world", "city, state": "Austin, TX"},
                          {"note": 'two\r\nlines "quoted"', "city, state": "x"}]  # fmt: skip

    async def test_duplicates_keep_first_row(self, client: httpx.AsyncClient, line: Line) -> None:
        a, b = contact_numbers(2)
        raw = f"phone_number,n\n{a},1\n{b},2\n{a},3\n{a},4\n".encode()
        body = await created(client, line, csv=raw)
        assert (body["contacts_total"], body["duplicates_skipped"]) == (2, 2)
        r = await client.get(
            f"/api/v1/campaigns/{body['id']}/contacts", headers=line.tenant.headers
        )
        assert [c["custom_fields"]["n"] for c in r.json()["contacts"]] == ["1", "2"]

    async def test_national_numbers_with_default_region(
        self, client: httpx.AsyncClient, line: Line
    ) -> None:
        raw = b"phone_number\n(202) 555-0123\n+1 415 200 1234\n"
        body = await created(client, line, csv=raw, default_region="us")
        r = await client.get(
            f"/api/v1/campaigns/{body['id']}/contacts", headers=line.tenant.headers
        )
        assert [c["phone_number"] for c in r.json()["contacts"]] == ["+12025550123", "+14152001234"]
        assert "line 2" in await rejected(client, line, 400, csv=raw)

    async def test_bad_rows_named_first_20(self, client: httpx.AsyncClient, line: Line) -> None:
        good = contact_numbers(5)
        rows = [*good, *[f"+1{i:03d}" for i in range(30)]]
        headers = {**line.tenant.headers, "Accept": "application/json"}
        r = await create_campaign(client, line, csv=csv_of(rows, extra=False), headers=headers)
        assert r.status_code == 400
        problem = r.json()
        assert len(problem["errors"]) == 20
        assert problem["errors"][0]["line"] == 7
        assert "line 7" in problem["detail"]
        assert "first 20" in problem["detail"]

    @pytest.mark.parametrize(
        ("raw", "needle"),
        [
            (b"", "empty"),
            (b"phone_number,name\n", "no contacts"),
            (b"phone,name\n+12025550123,x\n", "phone_number"),
            (b"phone_number,phone_number\n+12025550123,+12025550124\n", "phone_number"),
            (b"phone_number,name\n+12025550123,Jos\xe9\n", "line 2"),
            (b"phone_number,name\n+12025550123,a\x00b\n", "NUL"),
            (b"phone_number,name\n+12025550123\n", "line 2"),
            (b"phone_number,name\n+12025550123,x,y\n", "line 2"),
            (b'phone_number,name\n+12025550123,"unterminated\n', "line"),
            (b"phone_number,name\n,x\n", "empty"),
        ],
    )
    async def test_hostile(
        self, client: httpx.AsyncClient, line: Line, raw: bytes, needle: str
    ) -> None:
        assert needle in await rejected(client, line, 400, csv=raw)

    async def test_ten_megabyte_single_line(self, client: httpx.AsyncClient, line: Line) -> None:
        raw = b"phone_number,blob\n+12025550123," + b"x" * (10 * MB - 40) + b"\n"
        assert len(raw) <= 10 * MB
        assert "line 2" in await rejected(client, line, 400, csv=raw)

    async def test_over_ten_megabytes(self, client: httpx.AsyncClient, line: Line) -> None:
        head = b"phone_number,pad\n"
        row = b"+12025550123," + b"p" * 80 + b"\n"
        raw = head + row * ((10 * MB - len(head)) // len(row))
        raw += b"+" * (10 * MB + 1 - len(raw))
        assert len(raw) == 10 * MB + 1
        assert "too large" in await rejected(client, line, 413, csv=raw)

    async def test_exactly_ten_megabytes_accepted(
        self, client: httpx.AsyncClient, line: Line
    ) -> None:
        numbers = contact_numbers(3)
        raw = csv_of(numbers)
        raw += b"\n" * (10 * MB - len(raw))
        body = await created(client, line, csv=raw)
        assert body["contacts_total"] == 3
