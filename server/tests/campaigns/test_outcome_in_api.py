"""A call of a campaign that ends at an API process which runs no dispatcher still lands on
its contact at once (kataven_hub.wiring subscribes campaigns to `CallEnded` in every process).

Production layout on PostgreSQL + Redis: one API process (`KATAVEN_DISPATCHER_EMBEDDED=false`)
and one `kataven-hub dispatcher` process, whose sweep of calls in flight is pushed out of
reach (an hour): the contact's outcome can only come from the API that applied the carrier's
status callback, and it is there when that callback's answer is."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests.campaigns.test_crash import Cluster, _contacts, _tenant, cluster  # noqa: F401
from tests.factories.campaigns import action, contact_numbers, created, csv_of
from tests.factories.telephony import make_line, set_limits
from tests.fixtures.carriers import CarrierServer
from tests.fixtures.processes import start_api


async def _dialled(
    http: httpx.AsyncClient, line: Any, cid: str, carrier: CarrierServer
) -> dict[str, Any]:
    """The contact once the dispatcher has recorded the carrier's answer (its call id)."""
    deadline = time.monotonic() + 60
    while True:
        contacts = await _contacts(http, line.tenant, cid)
        if carrier.calls and contacts[0]["status"] == "originated" and contacts[0]["call_id"]:
            return contacts[0]
        assert time.monotonic() < deadline, f"the dispatcher never dialled: {contacts}"
        await asyncio.sleep(0.1)


async def test_outcome_recorded_by_the_api_that_got_the_callback(cluster: Cluster) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=cluster.api, timeout=30) as http:
        carrier = CarrierServer()  # sends no callback on its own: the test delivers them
        await carrier.start()
        cluster.env["KATAVEN_TWILIO_API_BASE_URL"] = carrier.base_url
        cluster.env["KATAVEN_DISPATCH_SWEEP_SECONDS"] = "3600"
        api = await asyncio.to_thread(start_api, cluster.env, int(cluster.api.rsplit(":", 1)[1]))
        cluster.procs.append(api)
        try:
            tenant = await _tenant(cluster, http)
            line = await make_line(http, tenant, carrier, "twilio")
            await set_limits(http, tenant, concurrent_max=10, calls_per_minute=1000,
                             daily_calls_max=1000)  # fmt: skip
            csv = csv_of(contact_numbers(1))
            campaign = await created(
                http, line, csv=csv, max_concurrent_calls=1, retries_per_contact=0
            )
            cid = campaign["id"]
            assert (await action(http, line, cid, "start")).status_code == 200
            cluster.dispatcher()
            contact = await _dialled(http, line, cid, carrier)
            (call_id,) = carrier.calls
            for cb in carrier.callbacks(call_id, "completed", duration=12):
                r = await carrier.deliver(http, cb)
                assert r.status_code in (200, 204), r.text
            # One round trip: the final callback has been answered, nothing else happened.
            (landed,) = await _contacts(http, tenant, cid)
            assert landed["id"] == contact["id"]
            assert landed["status"] == "completed", landed
            assert landed["call_id"] == contact["call_id"]
        finally:
            await carrier.stop()
