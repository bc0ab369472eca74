from __future__ import annotations

import httpx

from tests.factories.campaigns import created
from tests.factories.telephony import make_line


async def test_smoke(client: httpx.AsyncClient, tenant_a, carrier_server) -> None:
    line = await make_line(client, tenant_a, carrier_server, "twilio")
    c = await created(client, line, contacts=5)
    assert c["contacts_total"] == 5
    r = await client.get(f"/api/v1/campaigns/{c['id']}/contacts", headers=tenant_a.headers)
    assert r.status_code == 200 and r.json()["total"] == 5, r.text
