from __future__ import annotations

import asyncio
import time
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from kataven_hub.calls import tasks
from kataven_hub.core import tenancy
from kataven_hub.core.settings import get_settings
from kataven_hub.recordings import storage
from sqlalchemy import text

from tests.calls.test_caps import _carrier_id
from tests.factories.telephony import make_line, originate
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + "?" + parts.query


async def completed_call(client: httpx.AsyncClient, tenant: Tenant, server: CarrierServer) -> str:
    line = await make_line(client, tenant, server)
    r = await originate(client, line)
    session_id = r.json()["session_id"]
    for cb in server.callbacks(_carrier_id(server, session_id), "completed", duration=20):
        await server.deliver(client, cb)
    await tasks.drain()
    return session_id


class TestGetRecording:
    async def test_twilio_recording_end_to_end(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        session_id = await completed_call(client, tenant_a, carrier_server)
        call = (await client.get(f"/api/v1/calls/{session_id}", headers=tenant_a.headers)).json()
        assert call["recording_status"] == "ready"
        r = await client.get(f"/api/v1/sessions/{session_id}/recording", headers=tenant_a.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["content_type"] == "audio/wav"
        assert body["duration_seconds"] == 2
        expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00")).timestamp()
        assert 295 <= expires - time.time() <= 301
        assert body["url"].startswith(get_settings().public_base_url + "/recordings/media/")
        media = await client.get(_path(body["url"]))
        assert media.status_code == 200
        assert media.headers["content-type"] == "audio/wav"
        sid = _carrier_id(carrier_server, session_id)
        assert media.content == carrier_server.recordings[sid]

    async def test_signed_url_cannot_be_forged_or_reused_late(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        session_id = await completed_call(client, tenant_a, carrier_server)
        url = (
            await client.get(f"/api/v1/sessions/{session_id}/recording", headers=tenant_a.headers)
        ).json()["url"]
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        forged = f"{parts.path}?expires={int(query['expires'][0]) + 1000}&sig={query['sig'][0]}"
        assert (await client.get(forged)).status_code == 404
        other = parts.path.replace(tenant_a.slug, "someone-else")
        assert (await client.get(f"{other}?{parts.query}")).status_code == 404
        assert (
            await client.get(f"/recordings/media/../../secrets/keyring.json?{parts.query}")
        ).status_code == 404
        store = storage.get()
        assert isinstance(store, storage.LocalStorage)
        key = parts.path.removeprefix("/recordings/media/")
        late, _ = await store.url(key, -1)
        assert (await client.get(_path(late))).status_code == 404

    async def test_not_ready_is_409(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        session_id = await completed_call(client, tenant_a, carrier_server)
        engine = await tenancy.get().engine_for(tenant_a.slug)
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE calls SET recording_status = 'pending' WHERE id = :id"),
                {"id": session_id},
            )
        r = await client.get(f"/api/v1/sessions/{session_id}/recording", headers=tenant_a.headers)
        assert r.status_code == 409
        assert r.text == "Recording not ready"

    async def test_no_recording_is_404(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        tenant_b: Tenant,
        carrier_server: CarrierServer,
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        queued = (await originate(client, line)).json()["session_id"]
        done = await completed_call(client, tenant_a, carrier_server)
        for session_id, tenant in (
            (queued, tenant_a),
            ("sess_01HZZZZZZZZZZZZZZZZZZZZZZZ", tenant_a),
            ("nope", tenant_a),
            (done, tenant_b),
        ):
            r = await client.get(f"/api/v1/sessions/{session_id}/recording", headers=tenant.headers)
            assert r.status_code == 404, session_id

    async def test_not_configured_is_503(
        self, client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "RECORDINGS_BACKEND", "none")
        storage.reset()
        try:
            r = await client.get(
                "/api/v1/sessions/sess_01HZZZZZZZZZZZZZZZZZZZZZZZ/recording",
                headers=tenant_a.headers,
            )
            assert r.status_code == 503
            assert r.text == "Recording playback not configured"
        finally:
            monkeypatch.undo()
            storage.reset()

    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/sessions/sess_01HZZZZZZZZZZZZZZZZZZZZZZZ/recording")
        assert r.status_code == 401


class TestSandboxCalls:
    async def _wait(
        self, client: httpx.AsyncClient, tenant: Tenant, session_id: str, until: set[str]
    ) -> dict:
        for _ in range(200):
            call = (await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)).json()
            if call["status"] in until and call["recording_status"] != "pending":
                return call
            await asyncio.sleep(0.02)
        raise AssertionError(f"call stuck at {call}")

    @pytest.fixture
    def fast_sandbox(self, monkeypatch: pytest.MonkeyPatch) -> None:
        settings = get_settings()
        monkeypatch.setattr(settings, "SANDBOX_RING_SECONDS", 0.01)
        monkeypatch.setattr(settings, "SANDBOX_TALK_SECONDS", (1.2, 1.4))

    async def test_answered_call_plays_a_real_wav(
        self, client: httpx.AsyncClient, new_tenant, fast_sandbox, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "SANDBOX_OUTCOME_WEIGHTS", {"completed": 1.0})
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        r = await originate(client, line)
        assert r.status_code == 200
        assert r.json()["provider"] == "sandbox"
        call = await self._wait(client, tenant, r.json()["session_id"], {"completed"})
        assert call["duration_seconds"] == 1
        assert call["answered_at"] is not None
        assert call["recording_status"] == "ready"
        rec = (
            await client.get(
                f"/api/v1/sessions/{call['session_id']}/recording", headers=tenant.headers
            )
        ).json()
        media = await client.get(_path(rec["url"]))
        assert media.status_code == 200
        assert media.content[:4] == b"RIFF"
        assert media.content[8:12] == b"WAVE"
        limits = (await client.get("/api/v1/call-limits", headers=tenant.headers)).json()
        results = [await originate(client, line) for _ in range(limits["concurrent_max"])]
        assert all(x.status_code == 200 for x in results)  # the finished call gave its slot back

    @pytest.mark.parametrize(
        ("outcome", "status"), [("busy", "busy"), ("no_answer", "no_answer"), ("failed", "failed")]
    )
    async def test_unanswered_outcomes(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        fast_sandbox,
        monkeypatch: pytest.MonkeyPatch,
        outcome: str,
        status: str,
    ) -> None:
        monkeypatch.setattr(get_settings(), "SANDBOX_OUTCOME_WEIGHTS", {outcome: 1.0})
        line = await make_line(client, tenant_a, None, "sandbox")
        r = await originate(client, line)
        call = await self._wait(client, tenant_a, r.json()["session_id"], {status})
        assert call["duration_seconds"] == 0
        assert call["recording_status"] is None
        assert (
            await client.get(
                f"/api/v1/sessions/{call['session_id']}/recording", headers=tenant_a.headers
            )
        ).status_code == 404
