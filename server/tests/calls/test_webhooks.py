"""Carrier status and voice webhooks: signatures, idempotency, ordering, routing."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest
from kataven_hub.carriers.signatures import twilio_signature
from kataven_hub.core.settings import get_settings
from sqlalchemy import event

from tests.calls.helpers import in_flight, minutes_today
from tests.calls.test_caps import _carrier_id
from tests.factories.telephony import Line, make_line, originate, set_limits
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import Callback, CarrierServer
from tests.helpers import tenant_engine


async def _call(client: httpx.AsyncClient, line: Line, server: CarrierServer) -> tuple[str, str]:
    r = await originate(client, line)
    assert r.status_code == 200, r.text
    session_id = r.json()["session_id"]
    return session_id, _carrier_id(server, session_id)


async def _get(client: httpx.AsyncClient, tenant: Tenant, session_id: str) -> dict:
    r = await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)
    assert r.status_code == 200
    return r.json()


def _fresh(server: CarrierServer, line: Line, cb: Callback) -> Callback:
    """A redelivery: Plivo-style carriers sign each attempt with a new nonce."""
    if line.provider == "twilio":
        return cb
    header = "X-Vobiz-Signature-V3" if line.provider == "vobiz" else "X-Plivo-Signature-V3"
    return server.sign_plivo(cb, line.credentials["auth_token"], header)


class TestStatusCallbacks:
    @pytest.mark.parametrize("provider", ["twilio", "plivo", "vobiz"])
    async def test_three_shuffled_deliveries_apply_once(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, provider: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, provider)
        await set_limits(client, tenant, concurrent_max=5)
        session_id, carrier_id = await _call(client, line, carrier_server)
        other, _ = await _call(client, line, carrier_server)
        assert await in_flight(tenant.slug) == 2
        callbacks = carrier_server.callbacks(carrier_id, outcome="completed", duration=61)
        deliveries = [_fresh(carrier_server, line, cb) for cb in callbacks for _ in range(3)]
        random.Random(7).shuffle(deliveries)
        half = len(deliveries) // 2
        for cb in deliveries[:half]:
            r = await carrier_server.deliver(client, cb)
            assert r.status_code in (200, 204), r.text
        results = await asyncio.gather(
            *[carrier_server.deliver(client, cb) for cb in deliveries[half:]]
        )
        assert all(r.status_code in (200, 204) for r in results), [r.text for r in results]
        call = await _get(client, tenant, session_id)
        assert call["status"] == "completed"
        assert call["duration_seconds"] == 61
        assert call["ended_at"] is not None
        assert await minutes_today(tenant.slug) == 2  # 61 s → 2 minutes, counted once
        assert await in_flight(tenant.slug) == 1  # released once: the other call still holds one
        assert (await _get(client, tenant, other))["status"] == "queued"

    async def test_a_callback_reads_the_call_once(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        session_id, carrier_id = await _call(client, line, carrier_server)
        engine = await tenant_engine(tenant.slug)
        statements: list[str] = []

        def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        try:
            # No talk time: no recording fetch reads the call in the background meanwhile.
            cb = carrier_server.callbacks(carrier_id, outcome="completed", duration=0)[-1]
            r = await carrier_server.deliver(client, cb)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", seen)
        assert r.status_code == 204, r.text
        reads = [s for s in statements if s.lstrip().startswith("SELECT") and "FROM calls" in s]
        assert len(reads) == 1, statements
        assert (await _get(client, tenant, session_id))["status"] == "completed"

    async def test_late_ringing_never_overwrites_terminal(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        session_id, carrier_id = await _call(client, line, carrier_server)
        callbacks = carrier_server.callbacks(carrier_id, outcome="busy")
        for cb in reversed(callbacks):
            await carrier_server.deliver(client, cb)
        call = await _get(client, tenant_a, session_id)
        assert call["status"] == "busy"
        assert call["duration_seconds"] == 0

    async def test_progress_in_order(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server, "plivo")
        session_id, carrier_id = await _call(client, line, carrier_server)
        ring, answer, hangup = carrier_server.callbacks(carrier_id, outcome="completed", duration=5)
        await carrier_server.deliver(client, ring)
        assert (await _get(client, tenant_a, session_id))["status"] == "ringing"
        r = await carrier_server.deliver(client, answer)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/xml")
        assert b"<Speak>Hello from Kataven</Speak>" in r.content
        call = await _get(client, tenant_a, session_id)
        assert call["status"] == "in_progress"
        assert call["answered_at"] is not None
        await carrier_server.deliver(client, hangup)
        assert (await _get(client, tenant_a, session_id))["status"] == "completed"


class TestRejectedCallbacks:
    async def _setup(
        self,
        client: httpx.AsyncClient,
        tenant: Tenant,
        server: CarrierServer,
        provider: str = "twilio",
    ):
        line = await make_line(client, tenant, server, provider)
        session_id, carrier_id = await _call(client, line, server)
        final = server.callbacks(carrier_id, outcome="completed", duration=30)[-1]
        return line, session_id, final

    async def _unchanged(self, client: httpx.AsyncClient, tenant: Tenant, session_id: str) -> None:
        assert (await _get(client, tenant, session_id))["status"] == "queued"

    async def test_forged_signature(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        _, session_id, final = await self._setup(client, tenant_a, carrier_server)
        forged = Callback(
            final.kind,
            final.url,
            final.params,
            {"X-Twilio-Signature": twilio_signature("0" * 32, final.url, final.params)},
        )
        for cb in (forged, Callback(final.kind, final.url, final.params, {})):
            r = await carrier_server.deliver(client, cb)
            assert r.status_code == 403
        await self._unchanged(client, tenant_a, session_id)

    async def test_tampered_params(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        _, session_id, final = await self._setup(client, tenant_a, carrier_server)
        tampered = Callback(
            final.kind, final.url, {**final.params, "CallDuration": "99999"}, final.headers
        )
        assert (await carrier_server.deliver(client, tampered)).status_code == 403
        await self._unchanged(client, tenant_a, session_id)

    async def test_wrong_url(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line, session_id, final = await self._setup(client, tenant_a, carrier_server)
        other_path = Callback(
            final.kind,
            final.url.replace("/twilio/status", "/plivo/status"),
            final.params,
            final.headers,
        )
        assert (await carrier_server.deliver(client, other_path)).status_code == 403
        signed_elsewhere = "https://evil.example/twilio/status?" + final.url.split("?", 1)[1]
        resigned = Callback(
            final.kind,
            final.url,
            final.params,
            {
                "X-Twilio-Signature": twilio_signature(
                    line.credentials["auth_token"], signed_elsewhere, final.params
                )
            },
        )
        assert (await carrier_server.deliver(client, resigned)).status_code == 403
        await self._unchanged(client, tenant_a, session_id)

    async def test_replayed_plivo_nonce(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server, "plivo")
        session_id, carrier_id = await _call(client, line, carrier_server)
        ring = carrier_server.callbacks(carrier_id, outcome="busy")[0]
        assert (await carrier_server.deliver(client, ring)).status_code == 204
        final = carrier_server.callbacks(carrier_id, outcome="busy")[-1]
        replay = Callback(final.kind, final.url, final.params, dict(ring.headers))
        assert (await carrier_server.deliver(client, replay)).status_code == 403
        assert (await carrier_server.deliver(client, ring)).status_code == 403
        assert (await _get(client, tenant_a, session_id))["status"] == "ringing"

    async def test_another_accounts_call(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        tenant_b: Tenant,
        carrier_server: CarrierServer,
    ) -> None:
        _, session_a, final_a = await self._setup(client, tenant_a, carrier_server)
        line_b = await make_line(client, tenant_b, carrier_server)
        # B's carrier credentials signing a callback aimed at A's call.
        url = final_a.url
        signed_by_b = Callback(
            "status",
            url,
            final_a.params,
            {
                "X-Twilio-Signature": twilio_signature(
                    line_b.credentials["auth_token"], url, final_a.params
                )
            },
        )
        assert (await carrier_server.deliver(client, signed_by_b)).status_code == 403
        # A's session id under B's account.
        swapped = url.replace(f"account={tenant_a.slug}", f"account={tenant_b.slug}")
        cb = Callback(
            "status",
            swapped,
            final_a.params,
            {
                "X-Twilio-Signature": twilio_signature(
                    line_b.credentials["auth_token"], swapped, final_a.params
                )
            },
        )
        assert (await carrier_server.deliver(client, cb)).status_code == 403
        await self._unchanged(client, tenant_a, session_a)

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "?account=x",
            "?account=Bad!&session=sess_01HZZZZZZZZZZZZZZZZZZZZZZZ",
            "?account=nobody&session=sess_01HZZZZZZZZZZZZZZZZZZZZZZZ",
            "?account=a&session=" + "x" * 5000,
        ],
    )
    async def test_garbage_targets(self, client: httpx.AsyncClient, query: str) -> None:
        r = await client.post(f"/twilio/status{query}", data={"CallStatus": "completed"})
        assert r.status_code == 403

    async def test_unknown_provider_path_is_404(self, client: httpx.AsyncClient) -> None:
        assert (await client.post("/acme/status", data={})).status_code == 404


class TestInboundVoice:
    def _signed(self, line: Line, params: dict[str, str]) -> Callback:
        url = get_settings().public_base_url + f"/{line.provider}/voice"
        if line.provider == "twilio":
            return Callback(
                "voice",
                url,
                params,
                {
                    "X-Twilio-Signature": twilio_signature(
                        line.credentials["auth_token"], url, params
                    )
                },
            )
        return CarrierServer.sign_plivo(
            Callback("voice", url, params), line.credentials["auth_token"]
        )

    def _params(self, line: Line) -> dict[str, str]:
        if line.provider == "twilio":
            return {
                "CallSid": "CA" + "1" * 32,
                "From": "+14155550100",
                "To": line.number["e164"],
                "CallStatus": "ringing",
                "Direction": "inbound",
            }
        return {
            "CallUUID": "u-1",
            "From": "14155550100",
            "To": line.number["e164"].lstrip("+"),
            "CallStatus": "ringing",
            "Direction": "inbound",
        }

    async def test_routes_to_pinned_agent(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        r = await carrier_server.deliver(client, self._signed(line, self._params(line)))
        assert r.status_code == 200
        assert b"<Say>Hello from Kataven</Say><Hangup/>" in r.content

    async def test_connects_to_call_processor(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(get_settings(), "CALL_PROCESSOR_STREAM_URL", "wss://cp.example/stream")
        line = await make_line(client, tenant_a, carrier_server)
        r = await carrier_server.deliver(client, self._signed(line, self._params(line)))
        assert b'<Connect><Stream url="wss://cp.example/stream?account=' in r.content
        assert line.agent["id"].encode() in r.content

    async def test_plivo_inbound(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server, "plivo")
        r = await carrier_server.deliver(client, self._signed(line, self._params(line)))
        assert r.status_code == 200
        assert b"<Speak>Hello from Kataven</Speak>" in r.content

    async def test_detached_and_inactive_are_busy(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        await client.patch(
            f"/api/v1/agents/{line.agent['id']}",
            json={"status": "paused"},
            headers=tenant_a.headers,
        )
        r = await carrier_server.deliver(client, self._signed(line, self._params(line)))
        assert b'<Reject reason="busy"/>' in r.content
        await client.patch(
            f"/api/v1/telephony/numbers/{line.number['id']}",
            json={"agent_id": None},
            headers=tenant_a.headers,
        )
        r = await carrier_server.deliver(client, self._signed(line, self._params(line)))
        assert b'<Reject reason="busy"/>' in r.content

    async def test_unknown_number_rejected(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        params = {**self._params(line), "To": "+19999999999"}
        r = await carrier_server.deliver(client, self._signed(line, params))
        assert r.status_code == 200
        assert b'<Reject reason="rejected"/>' in r.content

    async def test_forged_inbound_is_403(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        cb = self._signed(line, self._params(line))
        forged = Callback(cb.kind, cb.url, {**cb.params, "From": "+10000000000"}, cb.headers)
        assert (await carrier_server.deliver(client, forged)).status_code == 403
