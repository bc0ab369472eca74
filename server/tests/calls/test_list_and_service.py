from __future__ import annotations

import random

import httpx
import pytest
from kataven_hub.calls import events as call_events
from kataven_hub.calls import service as calls_service
from kataven_hub.core import tenancy
from kataven_hub.core.db import TenantSession, new_session
from kataven_hub.core.sessions import commit

from tests.calls.test_caps import _carrier_id
from tests.factories.telephony import make_line, originate
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer

URL = "/api/v1/calls"


class TestListCalls:
    async def test_newest_first_paged_and_filtered(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        ids = [(await originate(client, line)).json()["session_id"] for _ in range(3)]
        for cb in carrier_server.callbacks(_carrier_id(carrier_server, ids[0]), "busy"):
            await carrier_server.deliver(client, cb)
        r = await client.get(URL, headers=tenant.headers)
        assert r.status_code == 200
        body = r.json()
        assert [c["session_id"] for c in body["calls"]] == ids[::-1]
        assert (body["limit"], body["offset"]) == (50, 0)
        page = (
            await client.get(URL, params={"limit": 1, "offset": 1}, headers=tenant.headers)
        ).json()
        assert [c["session_id"] for c in page["calls"]] == [ids[1]]
        busy = (await client.get(URL, params={"status": "busy"}, headers=tenant.headers)).json()
        assert [c["session_id"] for c in busy["calls"]] == [ids[0]]

    @pytest.mark.parametrize(
        "params",
        [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"status": "bogus"}, {"limit": "x"}],
    )
    async def test_bad_query_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, params: dict
    ) -> None:
        assert (await client.get(URL, params=params, headers=tenant_a.headers)).status_code == 400

    async def test_isolation_and_auth(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant, carrier_server
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        session_id = (await originate(client, line)).json()["session_id"]
        assert session_id not in (await client.get(URL, headers=tenant_b.headers)).text
        assert (await client.get(URL)).status_code == 401


class TestGetCall:
    @pytest.mark.parametrize("session_id", ["sess_01HZZZZZZZZZZZZZZZZZZZZZZZ", "nope", "x" * 3000])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, session_id: str
    ) -> None:
        assert (
            await client.get(f"{URL}/{session_id}", headers=tenant_a.headers)
        ).status_code == 404

    async def test_other_tenant_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant, carrier_server
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        session_id = (await originate(client, line)).json()["session_id"]
        r = await client.get(f"{URL}/{session_id}", headers=tenant_b.headers)
        assert r.status_code == 404


class TestServiceOriginate:
    async def test_campaign_path_and_terminal_listener(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        """Campaigns dial through `calls.service.originate` and learn outcomes from
        the `CallEnded` event, once per call however often the carrier repeats itself."""
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        seen: list[calls_service.CallEnded] = []

        async def listener(ended: calls_service.CallEnded) -> None:
            if ended.account == tenant.slug:
                seen.append(ended)

        call_events.subscribe(listener)
        try:
            engine = await tenancy.get().engine_for(tenant.slug)
            async with new_session(engine) as raw:
                session = TenantSession(raw)
                call = await calls_service.originate(
                    session, tenant.slug, line.number["e164"], "+14155550100", line.agent["id"],
                    campaign_id="camp_01HZZZZZZZZZZZZZZZZZZZZZZZ", contact_id="ct_1",
                )  # fmt: skip
                await commit(session)
            listed = await client.get(
                URL,
                params={"campaign_id": "camp_01HZZZZZZZZZZZZZZZZZZZZZZZ"},
                headers=tenant.headers,
            )
            assert [c["session_id"] for c in listed.json()["calls"]] == [call.id]
            assert listed.json()["calls"][0]["contact_id"] == "ct_1"
            callbacks = carrier_server.callbacks(_carrier_id(carrier_server, call.id), "no-answer")
            deliveries = callbacks * 3
            random.Random(3).shuffle(deliveries)
            for cb in deliveries:
                await carrier_server.deliver(client, cb)
        finally:
            call_events.unsubscribe(listener)
        assert len(seen) == 1
        assert seen[0].session_id == call.id
        assert seen[0].status == "no_answer"
        assert seen[0].campaign_id == "camp_01HZZZZZZZZZZZZZZZZZZZZZZZ"
        assert seen[0].contact_id == "ct_1"
