"""Concurrent-call slots heal themselves, and originate holds no transaction across the carrier."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from kataven_hub.calls import service as calls_service
from kataven_hub.calls.repository import CallRepository
from kataven_hub.carriers import registry
from kataven_hub.core.ids import new_id
from kataven_hub.core.settings import get_settings
from kataven_hub.limits import service as limits_service

from tests.calls.helpers import in_flight
from tests.calls.test_caps import _carrier_id
from tests.factories.telephony import Line, make_line, originate, set_limits
from tests.fixtures.carriers import CarrierServer
from tests.helpers import tenant_engine


async def _end(client: httpx.AsyncClient, server: CarrierServer, session_id: str) -> None:
    for cb in server.callbacks(_carrier_id(server, session_id), outcome="completed", duration=3):
        r = await server.deliver(client, cb)
        assert r.status_code in (200, 204), r.text


async def _crash_after_reserve(account: str) -> str:
    """What a process that died between the reservation and the commit of its call leaves
    behind: a slot taken under a session id that no call row has."""
    session_id = new_id("sess")

    async def never(*_: object) -> object:
        raise AssertionError("not expected here")

    limits = await limits_service.limits_for_calls(account)
    await limits_service.reserve(account, limits, never, session_id, never)
    return session_id


def forbid_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the counters are rebuilt from the calls table from here on."""

    async def rebuilt(*_: object) -> object:
        raise AssertionError("counters were rebuilt")

    monkeypatch.setattr(calls_service, "_usage", rebuilt)


class TestSelfHealingSlots:
    async def test_crashed_reservation_comes_back_after_the_grace(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=1)
        first = await originate(client, line)  # builds the counters
        assert first.status_code == 200, first.text
        await _end(client, carrier_server, first.json()["session_id"])
        assert await in_flight(tenant.slug) == 0
        forbid_rebuild(monkeypatch)
        await _crash_after_reserve(tenant.slug)
        assert await in_flight(tenant.slug) == 1
        r = await originate(client, line)
        assert r.status_code == 429  # within the grace the slot still counts
        assert r.headers["Retry-After"] == "1"
        monkeypatch.setattr(get_settings(), "CALL_SLOT_GRACE_SECONDS", 0.0)
        r = await originate(client, line)
        assert r.status_code == 200, r.text
        assert await in_flight(tenant.slug) == 1

    async def test_placed_call_keeps_its_slot_until_it_ends(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=1)
        monkeypatch.setattr(get_settings(), "CALL_SLOT_GRACE_SECONDS", 0.0)
        await _build(client, line, carrier_server)
        forbid_rebuild(monkeypatch)
        r = await originate(client, line)
        assert r.status_code == 200, r.text
        session_id = r.json()["session_id"]
        for _ in range(2):
            assert (await originate(client, line)).status_code == 429
        assert await in_flight(tenant.slug) == 1
        await _end(client, carrier_server, session_id)
        assert await in_flight(tenant.slug) == 0
        assert (await originate(client, line)).status_code == 200

    async def test_call_whose_carrier_answer_was_lost_is_failed_in_doubt(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=1)
        await _build(client, line, carrier_server)
        forbid_rebuild(monkeypatch)

        async def lost(*_: object) -> object:
            raise ConnectionResetError("database went away")

        with monkeypatch.context() as m:
            m.setattr(CallRepository, "placed", lost)
            try:
                r = await originate(client, line)
            except calls_service.CallNotRecorded:
                pass
            else:
                assert r.status_code == 500
        calls = (await client.get("/api/v1/calls", headers=tenant.headers)).json()["calls"]
        assert calls[0]["status"] == "queued"
        orphan = calls[0]["session_id"]
        assert (await originate(client, line)).status_code == 429
        monkeypatch.setattr(get_settings(), "CALL_SLOT_GRACE_SECONDS", 0.0)
        assert (await originate(client, line)).status_code == 200
        got = (await client.get(f"/api/v1/calls/{orphan}", headers=tenant.headers)).json()
        assert got["status"] == "failed"
        assert got["error"] == "outcome_unknown"


async def _build(client: httpx.AsyncClient, line: Line, server: CarrierServer) -> None:
    r = await originate(client, line)
    assert r.status_code == 200, r.text
    await _end(client, server, r.json()["session_id"])


class TestNoTransactionAcrossTheCarrier:
    async def test_two_originates_overlap_on_a_slow_carrier(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=5)
        await _build(client, line, carrier_server)
        carrier_server.create_times.clear()
        carrier_server.create_delay = 0.5
        try:
            results = await asyncio.gather(originate(client, line), originate(client, line))
        finally:
            carrier_server.create_delay = 0.0
        assert [r.status_code for r in results] == [200, 200]
        (_, a_out), (b_in, _) = sorted(carrier_server.create_times)
        assert b_in < a_out  # the second reached the carrier while the first was waiting on it
        for r in results:
            got = await client.get(
                f"/api/v1/calls/{r.json()['session_id']}", headers=tenant.headers
            )
            assert got.json()["status"] == "queued"
        assert await in_flight(tenant.slug) == 2

    async def test_no_tenant_connection_is_held_while_the_carrier_answers(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=5)
        engine = await tenant_engine(tenant.slug)
        carriers = registry.current()
        twilio = carriers.get("twilio")
        assert twilio is not None
        held: list[int] = []

        class Watching:
            provider = "twilio"

            def __getattr__(self, name: str) -> object:
                return getattr(twilio, name)

            async def place_call(self, *args: object, **kwargs: object) -> object:
                held.append(engine.pool.checkedout())
                return await twilio.place_call(*args, **kwargs)  # type: ignore[arg-type]

        with carriers.override(Watching()):  # type: ignore[arg-type]
            r = await originate(client, line)
        assert r.status_code == 200, r.text
        assert held == [0]  # the call was committed and its connection given back first
        got = await client.get(f"/api/v1/calls/{r.json()['session_id']}", headers=tenant.headers)
        assert got.json()["status"] == "queued"
