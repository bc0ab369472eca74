"""Campaign helpers: valid contact numbers, CSV bodies and create/start calls through HTTP."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import httpx

from tests.factories.telephony import Line

_numbers = itertools.count(secrets.randbelow(10**6) * 1000)


def contact_numbers(n: int) -> list[str]:
    """n distinct valid US numbers (+1 415 NXX XXXX) never used before in this process."""
    out = []
    for _ in range(n):
        k = next(_numbers) % (8 * 10**6)
        out.append(f"+1415{2 + k // 10**6}{k % 10**6:06d}")
    return out


def csv_of(numbers: list[str], extra: bool = True) -> bytes:
    lines = ["phone_number,name,plan" if extra else "phone_number"]
    for i, n in enumerate(numbers):
        lines.append(f"{n},Person {i},basic" if extra else n)
    return ("\n".join(lines) + "\n").encode()


async def create_campaign(
    client: httpx.AsyncClient, line: Line, csv: bytes | None = None, *, contacts: int = 3,
    headers: dict[str, str] | None = None, **fields: Any,
) -> httpx.Response:  # fmt: skip
    data = {
        "name": "Spring promo",
        "agent_id": line.agent["id"],
        "phone_number_id": line.number["id"],
    }
    data.update({k: str(v) for k, v in fields.items()})
    body = csv if csv is not None else csv_of(contact_numbers(contacts))
    files = {"contacts": ("contacts.csv", body, "text/csv")}
    return await client.post(
        "/api/v1/campaigns", data=data, files=files, headers=headers or line.tenant.headers
    )


async def created(client: httpx.AsyncClient, line: Line, **kw: Any) -> dict[str, Any]:
    r = await create_campaign(client, line, **kw)
    assert r.status_code == 201, r.text
    return r.json()


async def action(
    client: httpx.AsyncClient, line: Line, campaign_id: str, verb: str
) -> httpx.Response:
    return await client.post(f"/api/v1/campaigns/{campaign_id}/{verb}", headers=line.tenant.headers)
