"""Inbound calls: a call row per connected ring, status and recording callbacks on it, listing."""

from __future__ import annotations

import asyncio
import html
import re
import secrets
from urllib.parse import urlsplit

import httpx
import pytest
from kataven_hub.calls import tasks
from kataven_hub.carriers.sandbox import wav_tone
from kataven_hub.carriers.signatures import twilio_signature
from kataven_hub.core.settings import get_settings

from tests.calls.helpers import in_flight, minutes_today
from tests.factories.telephony import Line, make_line, originate
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import Callback, CarrierServer

PROVIDERS = ["twilio", "plivo", "vobiz"]
CALLER = "+14155550100"
URL = "/api/v1/calls"


class Ring:
    """One inbound call as its carrier reports it, with correctly signed webhooks."""

    def __init__(self, line: Line) -> None:
        self.line = line
        twilio = line.provider == "twilio"
        self.call_id = ("CA" + secrets.token_hex(16)) if twilio else secrets.token_hex(16)

    def sign(self, url: str, params: dict[str, str]) -> Callback:
        token = self.line.credentials["auth_token"]
        if self.line.provider == "twilio":
            signature = twilio_signature(token, url, params)
            return Callback("x", url, params, {"X-Twilio-Signature": signature})
        header = "X-Vobiz-Signature-V3" if self.line.provider == "vobiz" else "X-Plivo-Signature-V3"
        return CarrierServer.sign_plivo(Callback("x", url, params), token, header)

    def _base(self) -> dict[str, str]:
        to = self.line.number["e164"]
        if self.line.provider == "twilio":
            return {"CallSid": self.call_id, "From": CALLER, "To": to, "Direction": "inbound"}
        return {
            "CallUUID": self.call_id,
            "From": CALLER.lstrip("+"),
            "To": to.lstrip("+"),
            "Direction": "inbound",
        }

    def _url(self, kind: str) -> str:
        return f"{get_settings().public_base_url}/{self.line.provider}/{kind}"

    def voice(self) -> Callback:
        return self.sign(self._url("voice"), {**self._base(), "CallStatus": "ringing"})

    def status(self, status: str, duration: int = 0) -> Callback:
        params = {**self._base(), "CallStatus": status}
        if self.line.provider == "twilio":
            if status == "completed":
                params["CallDuration"] = str(duration)
        elif status in ("completed", "busy", "no-answer", "failed"):
            params.update(Event="Hangup", Duration=str(duration), HangupCause="NORMAL_CLEARING")
        return self.sign(self._url("status"), params)

    def recording(self, document: bytes, event: str = "completed") -> Callback:
        attribute = "recordingStatusCallback" if self.line.provider == "twilio" else "callbackUrl"
        match = re.search(rf'{attribute}="([^"]+)"', document.decode())
        assert match, document
        url = html.unescape(match.group(1))
        if self.line.provider == "twilio":
            params = {
                "AccountSid": self.line.credentials["account_sid"],
                "CallSid": self.call_id,
                "RecordingSid": "RE" + self.call_id[2:],
                "RecordingUrl": "https://api.twilio.example/rec",
                "RecordingStatus": event,
                "RecordingDuration": "2",
            }
        else:
            params = {
                "CallUUID": self.call_id,
                "RecordUrl": "https://media.plivo.example/rec.wav",
                "RecordingID": secrets.token_hex(8),
                "RecordingDuration": "2",
            }
        return self.sign(url, params)


async def _inbound(client: httpx.AsyncClient, tenant: Tenant) -> list[dict]:
    r = await client.get(URL, params={"direction": "inbound"}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()["calls"]


async def _ring(client: httpx.AsyncClient, server: CarrierServer, ring: Ring) -> bytes:
    r = await server.deliver(client, ring.voice())
    assert r.status_code == 200, r.text
    return r.content


class TestInboundCallRow:
    @pytest.mark.parametrize("provider", PROVIDERS)
    async def test_ring_creates_row_and_status_completes_it(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, provider: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, provider)
        ring = Ring(line)
        await _ring(client, carrier_server, ring)
        [call] = await _inbound(client, tenant)
        assert call["session_id"].startswith("sess_")
        assert call["direction"] == "inbound"
        assert call["status"] == "in_progress"
        assert (call["from_number"], call["to_number"]) == (CALLER, line.number["e164"])
        assert (call["agent_id"], call["provider"]) == (line.agent["id"], provider)
        everything = (await client.get(URL, headers=tenant.headers)).json()["calls"]
        assert [c["session_id"] for c in everything] == [call["session_id"]]
        for status in ("in-progress", "completed"):
            r = await carrier_server.deliver(client, ring.status(status, duration=61))
            assert r.status_code == 204, r.text
        r = await client.get(f"{URL}/{call['session_id']}", headers=tenant.headers)
        done = r.json()
        assert (done["status"], done["duration_seconds"]) == ("completed", 61)
        assert done["ended_at"] is not None
        # Inbound calls are outside the cost caps: no slot held or released, no minutes.
        assert await in_flight(tenant.slug) == 0
        assert await minutes_today(tenant.slug) == 0

    async def test_late_and_repeated_status_change_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server, "plivo")
        ring = Ring(line)
        await _ring(client, carrier_server, ring)
        for cb in (ring.status("completed", 30), ring.status("completed", 99)):
            assert (await carrier_server.deliver(client, cb)).status_code == 204
        assert (await carrier_server.deliver(client, ring.status("ringing"))).status_code == 204
        [call] = [
            c for c in await _inbound(client, tenant_a) if c["to_number"] == line.number["e164"]
        ]
        assert (call["status"], call["duration_seconds"]) == ("completed", 30)

    @pytest.mark.parametrize("provider", ["twilio", "vobiz"])
    async def test_retried_ring_gets_the_same_row(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        provider: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(get_settings(), "CALL_PROCESSOR_STREAM_URL", "wss://cp.example/s")
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, provider)
        ring = Ring(line)
        first = await _ring(client, carrier_server, ring)
        again = await asyncio.gather(*[_ring(client, carrier_server, ring) for _ in range(4)])
        [call] = await _inbound(client, tenant)
        assert call["session_id"].encode() in first
        assert all(doc == first for doc in again)
        other = Ring(line)
        await _ring(client, carrier_server, other)
        assert len(await _inbound(client, tenant)) == 2

    async def test_concurrent_first_rings_make_one_row(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        ring = Ring(line)
        docs = await asyncio.gather(*[_ring(client, carrier_server, ring) for _ in range(5)])
        assert len(set(docs)) == 1
        assert len(await _inbound(client, tenant)) == 1

    async def test_busy_rings_make_no_row(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        r = await client.patch(
            f"/api/v1/agents/{line.agent['id']}", json={"status": "paused"}, headers=tenant.headers
        )
        assert r.status_code == 200, r.text
        paused = Ring(line)
        assert b'<Reject reason="busy"/>' in await _ring(client, carrier_server, paused)
        await client.patch(
            f"/api/v1/telephony/numbers/{line.number['id']}",
            json={"agent_id": None},
            headers=tenant.headers,
        )
        detached = Ring(line)
        assert b'<Reject reason="busy"/>' in await _ring(client, carrier_server, detached)
        # The carrier still reports the refused call's end: verified, nothing to update.
        r = await carrier_server.deliver(client, detached.status("busy"))
        assert r.status_code == 204
        assert (await client.get(URL, headers=tenant.headers)).json()["calls"] == []

    async def test_inbound_disabled_number_is_rejected_without_row(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "plivo")
        await client.patch(
            f"/api/v1/telephony/numbers/{line.number['id']}",
            json={"inbound_enabled": False},
            headers=tenant.headers,
        )
        assert b'<Hangup reason="rejected"/>' in await _ring(client, carrier_server, Ring(line))
        assert await _inbound(client, tenant) == []


class TestInboundDocument:
    async def test_twilio_hands_the_session_to_the_runtime_and_records(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(get_settings(), "CALL_PROCESSOR_STREAM_URL", "wss://cp.example/s")
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        doc = (await _ring(client, carrier_server, Ring(line))).decode()
        [call] = await _inbound(client, tenant)
        assert f'<Parameter name="session" value="{call["session_id"]}"/>' in doc
        assert f'<Parameter name="agent_id" value="{line.agent["id"]}"/>' in doc
        assert doc.index("<Start><Recording") < doc.index("<Connect><Stream")
        assert 'recordingStatusCallbackEvent="completed absent"' in doc

    async def test_plivo_records_the_session_before_streaming(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(get_settings(), "CALL_PROCESSOR_STREAM_URL", "wss://cp.example/s")
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "plivo")
        doc = (await _ring(client, carrier_server, Ring(line))).decode()
        [call] = await _inbound(client, tenant)
        assert f"session={call['session_id']}" in doc
        record = doc.index('<Record recordSession="true" redirect="false"')
        assert record < doc.index("<Stream ")

    async def test_no_recording_requested_when_recording_is_off(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(get_settings(), "CALL_RECORDING_ENABLED", False)
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        doc = await _ring(client, carrier_server, Ring(line))
        assert b"Recording" not in doc
        [call] = await _inbound(client, tenant)
        assert call["recording_status"] is None


class TestInboundRecording:
    @pytest.mark.parametrize("provider", PROVIDERS)
    @pytest.mark.parametrize("order", ["recording_first", "status_first"])
    async def test_recording_callback_makes_it_playable(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        tenant_b: Tenant,
        carrier_server: CarrierServer,
        provider: str,
        order: str,
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server, provider)
        ring = Ring(line)
        doc = await _ring(client, carrier_server, ring)
        [call] = [
            c for c in await _inbound(client, tenant_a) if c["to_number"] == line.number["e164"]
        ]
        session_id = call["session_id"]
        recording_url = f"/api/v1/sessions/{session_id}/recording"
        r = await client.get(recording_url, headers=tenant_a.headers)
        assert r.status_code == 409
        carrier_server.recordings[ring.call_id] = wav_tone(1.0)
        steps = [ring.recording(doc), ring.status("completed", 20)]
        for cb in steps if order == "recording_first" else steps[::-1]:
            assert (await carrier_server.deliver(client, cb)).status_code == 204
        await tasks.drain()
        r = await client.get(recording_url, headers=tenant_a.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["url"].startswith(get_settings().public_base_url + "/recordings/media/")
        parts = urlsplit(body["url"])
        media = await client.get(f"{parts.path}?{parts.query}")
        assert media.content == carrier_server.recordings[ring.call_id]
        done = (await client.get(f"{URL}/{session_id}", headers=tenant_a.headers)).json()
        assert (done["status"], done["recording_status"]) == ("completed", "ready")
        # A repeated callback changes nothing; another account cannot see the session.
        again = ring.recording(doc)
        assert (await carrier_server.deliver(client, again)).status_code == 204
        assert (await client.get(recording_url, headers=tenant_a.headers)).status_code == 200
        assert (await client.get(recording_url, headers=tenant_b.headers)).status_code == 404

    async def test_absent_recording_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        ring = Ring(line)
        doc = await _ring(client, carrier_server, ring)
        [call] = [
            c for c in await _inbound(client, tenant_a) if c["to_number"] == line.number["e164"]
        ]
        r = await carrier_server.deliver(client, ring.recording(doc, event="absent"))
        assert r.status_code == 204
        r = await client.get(
            f"/api/v1/sessions/{call['session_id']}/recording", headers=tenant_a.headers
        )
        assert r.status_code == 404

    @pytest.mark.parametrize("provider", ["twilio", "plivo"])
    async def test_call_without_talk_leaves_no_pending_recording(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, provider: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, provider)
        ring = Ring(line)
        await _ring(client, carrier_server, ring)
        [call] = await _inbound(client, tenant)
        recording_url = f"/api/v1/sessions/{call['session_id']}/recording"
        assert (await client.get(recording_url, headers=tenant.headers)).status_code == 409
        r = await carrier_server.deliver(client, ring.status("failed"))
        assert r.status_code == 204
        assert (await client.get(recording_url, headers=tenant.headers)).status_code == 404


class TestInboundForgeries:
    @pytest.mark.parametrize("provider", PROVIDERS)
    async def test_forged_ring_is_403_and_makes_no_row(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, provider: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, provider)
        cb = Ring(line).voice()
        forged = Callback(cb.kind, cb.url, {**cb.params, "From": "+10000000000"}, cb.headers)
        assert (await carrier_server.deliver(client, forged)).status_code == 403
        unsigned = Callback(cb.kind, cb.url, cb.params, {})
        assert (await carrier_server.deliver(client, unsigned)).status_code == 403
        assert (await client.get(URL, headers=tenant.headers)).json()["calls"] == []

    async def test_forged_status_and_recording_change_nothing(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        tenant_b: Tenant,
        carrier_server: CarrierServer,
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        ring = Ring(line)
        doc = await _ring(client, carrier_server, ring)
        [call] = [
            c for c in await _inbound(client, tenant_a) if c["to_number"] == line.number["e164"]
        ]
        final = ring.status("completed", 20)
        tampered = Callback("x", final.url, {**final.params, "CallDuration": "9999"}, final.headers)
        assert (await carrier_server.deliver(client, tampered)).status_code == 403
        line_b = await make_line(client, tenant_b, carrier_server)
        by_b = Ring(line_b).sign(final.url, final.params)  # B's token, A's number
        assert (await carrier_server.deliver(client, by_b)).status_code == 403
        rec = ring.recording(doc)
        swapped = rec.url.replace(call["session_id"], "sess_01HZZZZZZZZZZZZZZZZZZZZZZZ")
        assert (
            await carrier_server.deliver(client, ring.sign(swapped, rec.params))
        ).status_code == 403
        forged_rec = Callback(
            "x", rec.url, {**rec.params, "RecordingStatus": "absent"}, rec.headers
        )
        assert (await carrier_server.deliver(client, forged_rec)).status_code == 403
        after = (await client.get(f"{URL}/{call['session_id']}", headers=tenant_a.headers)).json()
        assert (after["status"], after["recording_status"]) == ("in_progress", "pending")

    async def test_unknown_number_status_is_403(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/twilio/status", data={"CallSid": "CA" + "0" * 32, "To": "+19999999999"}
        )
        assert r.status_code == 403
        assert (await client.post("/plivo/recording", data={})).status_code == 403


class TestListDirection:
    async def test_filter_by_direction(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        outbound = (await originate(client, line)).json()["session_id"]
        await _ring(client, carrier_server, Ring(line))
        [inbound] = await _inbound(client, tenant)
        r = await client.get(URL, params={"direction": "outbound"}, headers=tenant.headers)
        assert [c["session_id"] for c in r.json()["calls"]] == [outbound]
        both = (await client.get(URL, headers=tenant.headers)).json()["calls"]
        assert {c["session_id"] for c in both} == {outbound, inbound["session_id"]}
        r = await client.get(URL, params={"direction": "sideways"}, headers=tenant.headers)
        assert r.status_code == 400
