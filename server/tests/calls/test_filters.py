"""GET /api/v1/calls filters: agent_id, status, direction and the creation window from/to."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from tests.campaigns.carrier_sim import count_sandbox
from tests.factories.telephony import make_line, originate


def _shift(stamp: str, seconds: float) -> str:
    when = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return when.isoformat().replace("+00:00", "Z")


async def _ids(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> set[str]:
    r = await client.get("/api/v1/calls", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return {c["session_id"] for c in r.json()["calls"]}


class TestListFilters:
    async def test_agent_direction_status_and_window(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        first = await make_line(client, tenant, None, "sandbox")
        second = await make_line(client, tenant, None, "sandbox")
        with count_sandbox(ring=30.0):  # calls stay ringing while the test reads them
            a = (await originate(client, first)).json()
            b = (await originate(client, second)).json()
        h = tenant.headers
        assert await _ids(client, h) == {a["session_id"], b["session_id"]}
        assert await _ids(client, h, agent_id=first.agent["id"]) == {a["session_id"]}
        assert await _ids(client, h, agent_id="agent_none") == set()
        assert await _ids(client, h, direction="outbound") == {a["session_id"], b["session_id"]}
        assert await _ids(client, h, direction="inbound") == set()
        assert await _ids(client, h, status="completed") == set()
        both = await _ids(client, h, **{"from": _shift(a["created_at"], -1)})
        assert both == {a["session_id"], b["session_id"]}
        # `to` is exclusive: a window ending at b's creation holds a only.
        window = {"from": a["created_at"], "to": b["created_at"]}
        assert await _ids(client, h, **window) == {a["session_id"]}
        assert await _ids(client, h, **{"from": _shift(b["created_at"], 1)}) == set()

    async def test_bad_windows_are_400(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        for params in (
            {"from": "yesterday"},
            {"from": "2026-01-01T00:00:00"},  # no time zone
            {"to": "0.5"},  # not a Unix timestamp either
            {"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
            {"direction": "sideways"},
        ):
            r = await client.get("/api/v1/calls", params=params, headers=tenant.headers)
            assert r.status_code == 400, params
