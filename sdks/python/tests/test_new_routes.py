"""Webhook endpoints, the audit log, usage, do-not-call, hang-up and the campaign controls
through the SDK (sync and async) against a real `kataven-hub api` process; webhook
deliveries go to a receiver on loopback."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import kataven
import pytest
from kataven import AsyncKatavenClient, KatavenClient
from sdk_support import unique_e164
from test_integration import line, wait_for


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST (headers and body)."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        received = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int) -> None:
        deadline = time.time() + 30
        while len(self.posts) < count and time.time() < deadline:
            time.sleep(0.1)
        assert len(self.posts) >= count, f"{len(self.posts)} deliveries arrived, not {count}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()


def signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks signature: HMAC-SHA256 of `id.timestamp.body`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return f"v1,{expected}" in headers["webhook-signature"].split()


def wait_delivered(client: KatavenClient, endpoint_id: str, delivery_id: str) -> dict[str, Any]:
    deadline = time.time() + 30
    while time.time() < deadline:
        rows = client.webhook_endpoints.list_deliveries(endpoint_id)["deliveries"]
        row = next(r for r in rows if r["id"] == delivery_id)
        if row["status"] == "delivered":
            return dict(row)
        time.sleep(0.2)
    raise AssertionError(f"delivery {delivery_id} was not delivered")


class TestWebhookEndpoints:
    def test_lifecycle_ping_signature_retry(
        self, client: KatavenClient, receiver: Receiver
    ) -> None:
        created = client.webhook_endpoints.create(
            receiver.url, events=["call.completed"], description="ops"
        )
        secret = created["secret"]
        assert secret.startswith("whsec_")
        endpoint_id = created["id"]
        got = client.webhook_endpoints.get(endpoint_id)
        assert (got["url"], got["events"], got["description"]) == (
            receiver.url, ["call.completed"], "ops",
        )  # fmt: skip
        assert "secret" not in got
        listed = client.webhook_endpoints.list()["webhook_endpoints"]
        assert endpoint_id in {e["id"] for e in listed}
        assert all("secret" not in e for e in listed)

        ping = client.webhook_endpoints.test(endpoint_id)
        assert (ping["endpoint_id"], ping["event_type"]) == (endpoint_id, "ping")
        receiver.wait(1)
        headers, body = receiver.posts[0]
        assert headers["webhook-id"] == ping["event_id"]
        assert signed_by(secret, headers, body)
        delivered = wait_delivered(client, endpoint_id, ping["id"])
        assert delivered["response_status"] == 204
        done = client.webhook_endpoints.list_deliveries(endpoint_id, status="delivered", limit=5)
        assert ping["id"] in {d["id"] for d in done["deliveries"]}
        assert done["limit"] == 5

        again = client.webhook_endpoints.retry_delivery(endpoint_id, ping["id"])
        assert (again["id"], again["status"]) == (ping["id"], "pending")
        receiver.wait(2)
        assert receiver.posts[1][0]["webhook-id"] == ping["event_id"]  # same event id

        rotated = client.webhook_endpoints.rotate_secret(endpoint_id)
        assert rotated["secret"].startswith("whsec_")
        assert rotated["secret"] != secret
        client.webhook_endpoints.test(endpoint_id)
        receiver.wait(3)
        h3, b3 = receiver.posts[2]
        assert signed_by(rotated["secret"], h3, b3)
        assert signed_by(secret, h3, b3)  # both signatures during the overlap

        updated = client.webhook_endpoints.update(endpoint_id, disabled=True, description="off")
        assert updated["disabled"] is True
        with pytest.raises(kataven.ConflictError):
            client.webhook_endpoints.test(endpoint_id)
        client.webhook_endpoints.delete(endpoint_id)
        with pytest.raises(kataven.NotFoundError):
            client.webhook_endpoints.get(endpoint_id)
        with pytest.raises(kataven.NotFoundError):
            client.webhook_endpoints.retry_delivery(endpoint_id, ping["id"])

    def test_bad_url_is_a_validation_error(self, client: KatavenClient) -> None:
        with pytest.raises(kataven.BadRequestError):
            client.webhook_endpoints.create("ftp://example.com/x")


def audited(client: KatavenClient, resource_id: str, count: int) -> None:
    """Wait until the audit log holds `count` events of the resource (written just after the
    request's answer)."""
    deadline = time.time() + 15
    while time.time() < deadline:
        if len(client.audit_events.list(resource_id=resource_id)["audit_events"]) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} audit events for {resource_id}")


class TestAuditAndUsage:
    def test_audit_events_filter_and_page(self, client: KatavenClient) -> None:
        agent = client.agents.create(name="Audited")
        client.agents.update(agent["id"], description="changed")
        audited(client, agent["id"], 2)
        page = client.audit_events.list(resource_id=agent["id"], limit=1)
        assert page["limit"] == 1
        assert len(page["audit_events"]) == 1
        every = list(client.audit_events.iter(resource_id=agent["id"], page_size=1))
        assert [e["method"] for e in every] == ["PATCH", "POST"]  # newest first
        assert {e["resource_id"] for e in every} == {agent["id"]}
        later = client.audit_events.list(resource_id=agent["id"], from_="2999-01-01T00:00:00Z")
        assert later["audit_events"] == []

    def test_usage_counts_a_call(self, client: KatavenClient) -> None:
        agent_id, _number_id, e164 = line(client)
        call = client.calls.originate(e164, unique_e164(), agent_id)
        wait_for(client, call["session_id"], {"completed", "busy"})
        usage = client.usage.get(granularity="day")
        assert usage["granularity"] == "day"
        assert sum(r["calls"] for r in usage["rows"]) >= 1
        hourly = client.usage.get(granularity="hour")
        assert hourly["granularity"] == "hour"
        with pytest.raises(kataven.BadRequestError):
            client.usage.get(granularity="week")


class TestCallsAndDnc:
    def test_hangup_and_call_filters(self, client: KatavenClient) -> None:
        agent_id, _number_id, e164 = line(client)
        hung: dict[str, Any] | None = None
        for _ in range(5):
            call = client.calls.originate(e164, unique_e164(), agent_id)
            deadline = time.time() + 5
            while hung is None and time.time() < deadline:
                try:
                    hung = dict(client.calls.hangup(call["session_id"]))
                except kataven.ConflictError as exc:
                    if "already ended" in exc.message:
                        break
                    time.sleep(0.02)  # not taken by the carrier yet
            if hung is not None:
                break
        assert hung is not None, "no call could be hung up while in flight"
        ended = wait_for(client, hung["session_id"], {"completed", "canceled"})
        assert ended["status"] in {"completed", "canceled"}
        with pytest.raises(kataven.ConflictError):
            client.calls.hangup(hung["session_id"])
        with pytest.raises(kataven.NotFoundError):
            client.calls.hangup("sess_nope")

        mine = client.calls.list(agent_id=agent_id, direction="outbound", limit=100)["calls"]
        assert hung["session_id"] in {c["session_id"] for c in mine}
        assert {c["agent_id"] for c in mine} == {agent_id}
        assert client.calls.list(agent_id=agent_id, from_="2999-01-01T00:00:00Z")["calls"] == []
        assert client.calls.list(agent_id=agent_id, to="2000-01-01T00:00:00Z")["calls"] == []

    def test_dnc_add_list_import_delete(self, client: KatavenClient, tmp_path: Path) -> None:
        number = unique_e164()
        first = client.dnc.add(number, reason="asked")
        assert (first["phone_number"], first["reason"]) == (number, "asked")
        assert client.dnc.add(number, reason="again")["reason"] == "again"  # 200, updated
        found = client.dnc.list(phone_number=number)
        assert [n["phone_number"] for n in found["numbers"]] == [number]

        a, b = unique_e164(), unique_e164()
        csv = tmp_path / "dnc.csv"
        csv.write_text(f"phone_number,reason\n{a},x\n{b},\n{a},y\n")
        result = client.dnc.import_csv(csv, reason="bulk")
        assert (result["added"], result["duplicates_skipped"]) == (2, 1)
        assert client.dnc.list(phone_number=b)["numbers"][0]["reason"] == "bulk"
        with pytest.raises(kataven.BadRequestError):
            client.dnc.import_csv(b"phone_number\nnot-a-number\n")

        client.dnc.delete(number)
        assert client.dnc.list(phone_number=number)["numbers"] == []
        with pytest.raises(kataven.NotFoundError):
            client.dnc.delete(number)


class TestCampaignControls:
    def test_preflight_create_update_add_export(
        self, client: KatavenClient, tmp_path: Path
    ) -> None:
        agent_id, number_id, _ = line(client)
        blocked = unique_e164()
        client.dnc.add(blocked)
        numbers = [unique_e164() for _ in range(3)]
        csv = ("phone_number,name\n" + "".join(f"{n},=cmd\n" for n in numbers)).encode()
        csv += f"{blocked},b\nbad,c\n".encode()
        window = {"start": "09:00", "end": "20:00", "days": ["mon", "tue"], "timezone": "UTC"}
        report = client.campaigns.preflight(
            "Pre", agent_id, number_id, csv, retry_on=["busy"], calling_window=window
        )
        assert report["accepted"] is False
        assert (report["invalid_total"], report["do_not_call"]) == (1, 1)
        assert "Pre" not in {c["name"] for c in client.campaigns.list()["campaigns"]}

        good = csv.replace(b"bad,c\n", b"")
        campaign = client.campaigns.create(
            "Controls", agent_id, number_id, good, retry_on=["busy", "no_answer"],
            calling_window=window, default_timezone="Europe/Paris",
        )  # fmt: skip
        assert campaign["retry_on"] == ["busy", "no_answer"]
        assert campaign["calling_window"] is not None
        assert campaign["calling_window"]["start"] == "09:00"
        assert campaign["default_timezone"] == "Europe/Paris"
        drafts = client.campaigns.list(status="draft")["campaigns"]
        assert campaign["id"] in {c["id"] for c in drafts}
        assert client.campaigns.list(status="completed")["campaigns"] == [] or campaign[
            "id"
        ] not in {c["id"] for c in client.campaigns.list(status="completed")["campaigns"]}

        updated = client.campaigns.update(campaign["id"], name="Renamed", calling_window=None)
        assert (updated["name"], updated["calling_window"]) == ("Renamed", None)
        extra = unique_e164()
        added = client.campaigns.add_contacts(
            campaign["id"], f"phone_number\n{extra}\n{numbers[0]}\n".encode()
        )
        assert (added["added"], added["duplicates_skipped"]) == (1, 1)

        out = tmp_path / "export.csv"
        written = client.campaigns.export(campaign["id"], out)
        text = out.read_text()
        assert written == len(out.read_bytes())
        header, *rows = text.strip().splitlines()
        assert header.startswith("phone_number,name,contact_id,status")
        assert len(rows) == 5  # three, the do-not-call one (skipped), the added one
        assert "'=cmd" in text  # a formula is neutralised
        buffer = io.BytesIO()
        assert client.campaigns.export(campaign["id"], buffer) == written
        assert buffer.getvalue().decode() == text
        with pytest.raises(kataven.NotFoundError):
            client.campaigns.export("camp_nope", tmp_path / "none.csv")


async def test_async_twins(aclient: AsyncKatavenClient, tmp_path: Path) -> None:
    created = await aclient.webhook_endpoints.create("http://127.0.0.1:9/hooks", disabled=True)
    assert created["secret"].startswith("whsec_")
    assert (await aclient.webhook_endpoints.get(created["id"]))["disabled"] is True
    assert created["id"] in {
        e["id"] for e in (await aclient.webhook_endpoints.list())["webhook_endpoints"]
    }
    rotated = await aclient.webhook_endpoints.rotate_secret(created["id"])
    assert rotated["secret"] != created["secret"]
    updated = await aclient.webhook_endpoints.update(created["id"], description="async")
    assert updated["description"] == "async"
    deliveries = await aclient.webhook_endpoints.list_deliveries(created["id"])
    assert deliveries["deliveries"] == []
    with pytest.raises(kataven.ConflictError):
        await aclient.webhook_endpoints.test(created["id"])
    with pytest.raises(kataven.NotFoundError):
        await aclient.webhook_endpoints.retry_delivery(created["id"], "whd_nope")
    await aclient.webhook_endpoints.delete(created["id"])

    events: list[Any] = []
    for _ in range(75):  # written just after each answer
        events = (await aclient.audit_events.list(resource_id=created["id"]))["audit_events"]
        if {e["method"] for e in events} >= {"POST", "PATCH", "DELETE"}:
            break
        await asyncio.sleep(0.2)
    assert {e["method"] for e in events} >= {"POST", "PATCH", "DELETE"}
    streamed = [e async for e in aclient.audit_events.iter(resource_id=created["id"])]
    assert [e["id"] for e in streamed] == [e["id"] for e in events]
    assert (await aclient.usage.get())["granularity"] == "day"

    number = unique_e164()
    assert (await aclient.dnc.add(number))["phone_number"] == number
    assert (await aclient.dnc.list(phone_number=number))["total"] == 1
    imported = await aclient.dnc.import_csv(f"phone_number\n{unique_e164()}\n".encode())
    assert imported["added"] == 1
    await aclient.dnc.delete(number)
    with pytest.raises(kataven.NotFoundError):
        await aclient.calls.hangup("sess_nope")

    provider = await aclient.telephony.create_provider("sandbox")
    agent = await aclient.agents.create(name="Async controls", status="active")
    line_ = await aclient.telephony.create_number(
        unique_e164(), "sandbox", provider["id"], agent_id=agent["id"]
    )
    csv = f"phone_number\n{unique_e164()}\n".encode()
    report = await aclient.campaigns.preflight("P", agent["id"], line_["id"], csv)
    assert (report["accepted"], report["valid"]) == (True, 1)
    campaign = await aclient.campaigns.create("A", agent["id"], line_["id"], csv)
    assert (await aclient.campaigns.update(campaign["id"], name="B"))["name"] == "B"
    added = await aclient.campaigns.add_contacts(
        campaign["id"], f"phone_number\n{unique_e164()}\n".encode()
    )
    assert added["added"] == 1
    assert campaign["id"] in {c["id"] for c in (await aclient.campaigns.list("draft"))["campaigns"]}
    out = tmp_path / "a.csv"
    written = await aclient.campaigns.export(campaign["id"], out)
    assert written == out.stat().st_size
    assert len(out.read_text().strip().splitlines()) == 3
