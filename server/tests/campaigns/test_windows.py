"""Calling windows on both backends, with the process clock under the test's control.

Contacts in three zones (Tokyo, London and New York) with a window of 09:00–20:00, Monday to
Friday, in the recipient's time. The clock is moved across a weekend (everything closed: the
dispatcher sleeps until the first opening), across Tokyo's closing (retries that would fall
after it land on its next opening), across London's and New York's openings the Monday after the
United States changed to daylight-saving time (New York opens at 13:00 UTC, not 14:00) and to
Tuesday's Tokyo opening. The carrier's own log (with the clock's time of every call) shows no
call outside its recipient's window. The clock only jumps while no call is in flight; closings
come as the clock runs on by itself.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from kataven_hub.campaigns import windows
from kataven_hub.campaigns.models import CampaignIndex
from kataven_hub.core import clock, tenancy
from kataven_hub.core.db import new_session
from kataven_hub.core.settings import get_settings
from sqlalchemy import select

from tests.campaigns.carrier_sim import count_sandbox
from tests.factories.campaigns import action, created
from tests.factories.telephony import Line, make_line, set_limits

BASE = "/api/v1/campaigns"
ZONES = {"Asia/Tokyo": "+813", "America/New_York": "+1212", "America/Los_Angeles": "+1415"}
WINDOW = {"start": "09:00", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"]}


class ManualClock:
    """The system clock moved to a chosen instant; it keeps running from there."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        self.offset = at - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def manual_clock() -> Iterator[ManualClock]:
    fake = ManualClock(datetime(2027, 3, 13, 12, tzinfo=UTC))
    previous = clock.install(fake)
    s = get_settings()
    saved = (s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS)
    s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS = 0, 500.0
    try:
        yield fake
    finally:
        clock.install(previous)
        s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS = saved


def numbers_in(zone: str, n: int) -> list[str]:
    """Valid numbers of the zone: Tokyo +81 3 NNNN NNNN, New York +1 212 NXX XXXX, Los Angeles
    +1 415 NXX XXXX."""
    prefix = ZONES[zone]
    out: set[str] = set()
    while len(out) < n:
        size = 8 if zone == "Asia/Tokyo" else 7
        tail = "".join(str(secrets.randbelow(10)) for _ in range(size - 1))
        out.add(prefix + str(2 + secrets.randbelow(7)) + tail)
    return sorted(out)


def is_open(zone: str, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(zone))
    return local.weekday() < 5 and 9 <= local.hour < 20


async def contacts(client: httpx.AsyncClient, line: Line, cid: str) -> list[dict[str, Any]]:
    r = await client.get(f"{BASE}/{cid}/contacts?limit=1000", headers=line.tenant.headers)
    assert r.status_code == 200
    return r.json()["contacts"]


async def settle(
    client: httpx.AsyncClient, line: Line, cid: str, done: Any, timeout: float = 60
) -> list[dict[str, Any]]:
    """Poll until `done(contacts)` holds and no call is in flight."""
    deadline = time.monotonic() + timeout
    while True:
        rows = await contacts(client, line, cid)
        flying = [c for c in rows if c["status"] in ("originated", "connected")]
        if not flying and done(rows):
            return rows
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def index_due(campaign_id: str) -> datetime:
    async with new_session(tenancy.get().control_engine) as session:
        row = (
            await session.scalars(
                select(CampaignIndex).where(CampaignIndex.campaign_id == campaign_id)
            )
        ).one()
        return row.due_at


async def opens_at(
    client: httpx.AsyncClient,
    line: Line,
    cid: str,
    carrier: Any,
    manual_clock: ManualClock,
    zone: str,
    opening: datetime,
    numbers: set[str],
) -> None:
    """Set the clock 10 s before `opening`: the zone's first calls come at the opening."""
    placed = len(carrier.timeline)
    manual_clock.set(opening - timedelta(seconds=10))
    await settle(
        client,
        line,
        cid,
        lambda rows: all(c["attempts"] >= 1 for c in rows if c["phone_number"] in numbers),
        timeout=90,
    )
    calls = [t for t, n, _ in carrier.timeline[placed:] if n in numbers]
    assert calls
    assert opening <= min(calls) < opening + timedelta(minutes=5)


def zone_of(number: str) -> str:
    return next(z for z, p in ZONES.items() if number.startswith(p))


async def test_three_zones_across_openings_closings_and_dst(
    client: httpx.AsyncClient, new_tenant, manual_clock: ManualClock
) -> None:
    tenant = await new_tenant()
    await set_limits(
        client, tenant, concurrent_max=10, calls_per_minute=100000, daily_calls_max=100000
    )
    line = await make_line(client, tenant, None, "sandbox")
    by_zone = {zone: numbers_in(zone, 6) for zone in ZONES}
    everyone = [n for numbers in by_zone.values() for n in numbers]
    raw = ("phone_number\n" + "\n".join(everyone) + "\n").encode()
    with count_sandbox(ring=0.02, talk=(0.05, 0.1)) as carrier:
        get_settings().SANDBOX_OUTCOME_WEIGHTS = {"busy": 0.6, "completed": 0.4}
        body = await created(
            client,
            line,
            csv=raw,
            max_concurrent_calls=3,
            retries_per_contact=2,
            retry_delay_seconds=30,
            calling_window=json.dumps({**WINDOW, "timezone": "recipient"}),
        )
        cid = body["id"]
        stored = {c["phone_number"]: c["timezone"] for c in await contacts(client, line, cid)}
        assert stored == {n: zone_of(n) for n in everyone}

        # Saturday: closed everywhere. The dispatcher sleeps until Monday 09:00 in Tokyo.
        assert (await action(client, line, cid, "start")).json()["status"] == "running"
        await asyncio.sleep(2.5)
        assert carrier.placed == []
        assert await index_due(cid) == datetime(2027, 3, 15, 0, 0, tzinfo=UTC)

        # Monday 19:59:40 in Tokyo (10:59:40 UTC): only Tokyo is open, for 15 s of dialling.
        # Busy first attempts are due again 30 s later, after the close: they move to Tuesday
        # 09:00 in Tokyo (00:00 UTC).
        manual_clock.set(datetime(2027, 3, 15, 10, 59, 40, tzinfo=UTC))
        tokyo = set(by_zone["Asia/Tokyo"])
        await settle(
            client,
            line,
            cid,
            lambda rows: all(c["attempts"] >= 1 for c in rows if c["phone_number"] in tokyo),
        )
        closing = datetime(2027, 3, 15, 11, 0, 5, tzinfo=UTC)
        await asyncio.sleep(max(0.0, (closing - manual_clock.now()).total_seconds()))
        rows = await settle(client, line, cid, lambda rows: True)
        assert set(carrier.placed) <= tokyo
        retried = [c for c in rows if c["phone_number"] in tokyo and c["status"] == "pending"]
        assert retried, "no busy outcome to retry (odds 0.6 over 6 contacts)"
        for c in retried:
            assert c["next_attempt_at"] == "2027-03-16T00:00:00Z", c

        # New York (EDT since Sunday) opens at 13:00 UTC, not 14:00 as it did on Friday.
        await opens_at(
            client,
            line,
            cid,
            carrier,
            manual_clock,
            "America/New_York",
            datetime(2027, 3, 15, 13, tzinfo=UTC),
            set(by_zone["America/New_York"]),
        )
        # Los Angeles (PDT) at 16:00 UTC; New York's retries are due meanwhile and it is open.
        await opens_at(
            client,
            line,
            cid,
            carrier,
            manual_clock,
            "America/Los_Angeles",
            datetime(2027, 3, 15, 16, tzinfo=UTC),
            set(by_zone["America/Los_Angeles"]),
        )
        placed = len(carrier.placed)

        # Tuesday 00:00:01 UTC: Tokyo opens again (its moved retries go), New York has closed
        # (its retries wait), Los Angeles is still open.
        manual_clock.set(datetime(2027, 3, 16, 0, 0, 1, tzinfo=UTC))
        await settle(
            client,
            line,
            cid,
            lambda rows: all(c["status"] != "pending" for c in rows if c["phone_number"] in tokyo),
        )
        await asyncio.sleep(1.0)
        after = carrier.placed[placed:]
        assert set(after) & tokyo
        assert not set(after) & set(by_zone["America/New_York"])
        stopped = await action(client, line, cid, "stop")  # 409: every contact was done already
        assert stopped.status_code in (200, 409)
        r = await client.get(f"{BASE}/{cid}", headers=line.tenant.headers)
        assert r.json()["status"] == "completed"

    for at, number, _ in carrier.timeline:
        assert is_open(zone_of(number), at), (number, at)


class TestWindowArithmetic:
    """The window of one zone across daylight-saving changes (pure, no clock needed)."""

    def window(self, **kw: Any) -> windows.Window:
        return windows.Window.of(
            {
                "start": "09:00",
                "end": "20:00",
                "days": list(windows.DAYS),
                "timezone": "recipient",
                **kw,
            }
        )

    def test_spring_forward_moves_the_opening_in_utc(self) -> None:
        ny = ZoneInfo("America/New_York")
        w = self.window()
        saturday_close = datetime(2027, 3, 14, 1, 0, tzinfo=UTC)  # Sat 20:00 EST
        assert not w.is_open(saturday_close, ny)
        assert w.is_open(saturday_close - timedelta(seconds=10), ny)
        assert w.next_opening(saturday_close, ny) == datetime(2027, 3, 14, 13, 0, tzinfo=UTC)
        assert w.next_opening(datetime(2027, 3, 13, 2, tzinfo=UTC), ny) == datetime(
            2027, 3, 13, 14, 0, tzinfo=UTC
        )

    def test_fall_back(self) -> None:
        london = ZoneInfo("Europe/London")
        w = self.window()
        # Sunday 2027-10-31: BST ends at 01:00 UTC; 09:00 GMT is 09:00 UTC (08:00 UTC before).
        assert w.next_opening(datetime(2027, 10, 30, 20, tzinfo=UTC), london) == datetime(
            2027, 10, 31, 9, tzinfo=UTC
        )
        assert w.next_opening(datetime(2027, 10, 29, 20, tzinfo=UTC), london) == datetime(
            2027, 10, 30, 8, tzinfo=UTC
        )

    def test_opening_inside_the_skipped_hour(self) -> None:
        ny = ZoneInfo("America/New_York")
        w = self.window(start="02:30", end="05:00")
        opening = w.next_opening(datetime(2027, 3, 14, 5, tzinfo=UTC), ny)  # Sun 00:00 EST
        assert w.is_open(opening, ny)
        assert (
            datetime(2027, 3, 14, 7, 0, tzinfo=UTC)
            <= opening
            <= datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
        )

    def test_days_and_margin(self) -> None:
        tokyo = ZoneInfo("Asia/Tokyo")
        w = self.window(days=["mon"])
        friday = datetime(2027, 3, 12, 3, tzinfo=UTC)  # Fri 12:00 JST
        assert not w.is_open(friday, tokyo)
        assert w.next_opening(friday, tokyo) == datetime(2027, 3, 15, 0, tzinfo=UTC)
        close = datetime(2027, 3, 15, 11, tzinfo=UTC)  # Mon 20:00 JST
        margin = get_settings().CAMPAIGN_WINDOW_CLOSE_MARGIN_SECONDS
        assert w.is_open(close - timedelta(seconds=margin + 1), tokyo)
        assert not w.is_open(close - timedelta(seconds=margin - 1), tokyo)
