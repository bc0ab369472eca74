"""POST /api/v1/calls/{session_id}/hangup: through each carrier's API (the local carrier
server) and the sandbox; 409 once the call is over."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from kataven_hub.core.settings import get_settings

from tests.calls.test_caps import _carrier_id
from tests.factories.telephony import make_line, originate
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer


def _hangup(client: httpx.AsyncClient, tenant: Tenant, session_id: str) -> Any:
    return client.post(f"/api/v1/calls/{session_id}/hangup", headers=tenant.headers)


class TestHangupCall:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/api/v1/calls/sess_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z/hangup")
        assert r.status_code == 401

    async def test_unknown_404(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await _hangup(client, tenant_a, "sess_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z")
        assert r.status_code == 404

    async def test_twilio_updates_call_to_completed(
        self, client: httpx.AsyncClient, new_tenant: Any, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "twilio")
        session_id = (await originate(client, line)).json()["session_id"]
        sid = _carrier_id(carrier_server, session_id)
        callbacks = carrier_server.callbacks(sid, outcome="completed", duration=12)
        for cb in callbacks[:4]:  # initiated, ringing, answered (voice), in-progress
            await carrier_server.deliver(client, cb)
        r = await _hangup(client, tenant, session_id)
        assert r.status_code == 202, r.text
        assert r.json()["status"] == "in_progress"
        posts = [
            x for x in carrier_server.requests("twilio", "POST") if x.path.endswith(f"/{sid}.json")
        ]
        assert posts[-1].data["Status"] == "completed"
        assert posts[-1].auth_id == line.credentials["account_sid"]
        await carrier_server.deliver(client, callbacks[4])  # the carrier's final callback
        call = (await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)).json()
        assert call["status"] == "completed"
        again = await _hangup(client, tenant, session_id)
        assert again.status_code == 409
        assert "ended" in again.text

    @pytest.mark.parametrize("provider", ["plivo", "vobiz"])
    async def test_plivo_shaped_deletes_the_call(
        self,
        client: httpx.AsyncClient,
        new_tenant: Any,
        carrier_server: CarrierServer,
        provider: str,
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, provider)
        session_id = (await originate(client, line)).json()["session_id"]
        request_uuid = _carrier_id(carrier_server, session_id)
        leg = carrier_server.calls[request_uuid].leg_id
        callbacks = carrier_server.callbacks(request_uuid, outcome="completed", duration=5)
        await carrier_server.deliver(client, callbacks[0])  # ringing: the leg id is known
        r = await _hangup(client, tenant, session_id)
        assert r.status_code == 202, r.text
        deletes = carrier_server.requests(provider, "DELETE")
        assert deletes[-1].path.endswith(f"/Call/{leg}/")
        assert carrier_server.calls[leg].status == "canceled"

    async def test_plivo_ringing_request_cancelled(
        self, client: httpx.AsyncClient, new_tenant: Any, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "plivo")
        session_id = (await originate(client, line)).json()["session_id"]
        request_uuid = _carrier_id(carrier_server, session_id)
        r = await _hangup(client, tenant, session_id)
        assert r.status_code == 202, r.text
        deletes = carrier_server.requests("plivo", "DELETE")
        assert deletes[-1].path.endswith(f"/Request/{request_uuid}/")

    async def test_carrier_refusal_is_502(
        self, client: httpx.AsyncClient, new_tenant: Any, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "twilio")
        session_id = (await originate(client, line)).json()["session_id"]
        sid = _carrier_id(carrier_server, session_id)
        carrier_server.calls.pop(sid)  # the carrier no longer knows the call
        r = await _hangup(client, tenant, session_id)
        assert r.status_code == 502
        call = (await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)).json()
        assert call["status"] == "queued"

    async def test_other_account_404(
        self,
        client: httpx.AsyncClient,
        new_tenant: Any,
        tenant_b: Tenant,
        carrier_server: CarrierServer,
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "twilio")
        session_id = (await originate(client, line)).json()["session_id"]
        r = await _hangup(client, tenant_b, session_id)
        assert r.status_code == 404


class TestSandboxHangup:
    @pytest.fixture(autouse=True)
    def _slow_sandbox(self, monkeypatch: pytest.MonkeyPatch) -> None:
        settings = get_settings()
        monkeypatch.setattr(settings, "SANDBOX_OUTCOME_WEIGHTS", {"completed": 1.0})
        monkeypatch.setattr(settings, "SANDBOX_TALK_SECONDS", (60.0, 60.0))
        monkeypatch.setattr(settings, "CALL_RECORDING_ENABLED", False)

    async def _status(self, client: httpx.AsyncClient, tenant: Tenant, session_id: str) -> str:
        r = await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)
        return str(r.json()["status"])

    async def _until(
        self, client: httpx.AsyncClient, tenant: Tenant, session_id: str, status: str
    ) -> None:
        for _ in range(200):
            if await self._status(client, tenant, session_id) == status:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"call never reached {status}")

    async def test_answered_call_completes(
        self, client: httpx.AsyncClient, new_tenant: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "SANDBOX_RING_SECONDS", 0.05)
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        session_id = (await originate(client, line)).json()["session_id"]
        await self._until(client, tenant, session_id, "in_progress")
        r = await _hangup(client, tenant, session_id)
        assert r.status_code == 202, r.text
        await self._until(client, tenant, session_id, "completed")
        call = (await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)).json()
        assert 1 <= call["duration_seconds"] < 60
        assert (await _hangup(client, tenant, session_id)).status_code == 409

    async def test_ringing_call_canceled(
        self, client: httpx.AsyncClient, new_tenant: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(get_settings(), "SANDBOX_RING_SECONDS", 30.0)
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        session_id = (await originate(client, line)).json()["session_id"]
        await self._until(client, tenant, session_id, "ringing")
        r = await _hangup(client, tenant, session_id)
        assert r.status_code == 202, r.text
        await self._until(client, tenant, session_id, "canceled")
        assert (await _hangup(client, tenant, session_id)).status_code == 409
