"""`POST /campaigns/preflight`: what create would make of a body, with nothing stored.

The form is checked by the same code as create's (a bad field is the same 400), and the CSV is
read by the same reader (campaigns/ingest.py), streamed the same way, so the two agree on
every count: `contacts_total` and `duplicates` are create's `contacts_total` and
`duplicates_skipped`, `do_not_call` its `do_not_call_skipped`, and `error` is the message of
create's 400 when it would refuse the file. Unlike create, preflight reads on past bad rows, so
it counts them all and lists the first 100.

The estimate covers one attempt per valid contact: lines = min(max_concurrent_calls, the
account's concurrent_max), each call lasting the account's average (completed calls; 60 s
until it has `CAMPAIGN_ESTIMATE_MIN_HISTORY_CALLS`), at most calls_per_minute (and the
dispatcher's rate); when the daily caps bind, each further day adds 24 h. Waiting for calling
windows is not in it (`outside_calling_window_now` says how many would wait right now).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.calls import service as calls_service
from kataven_hub.campaigns import ingest, windows
from kataven_hub.core import tenancy
from kataven_hub.core.db import ControlSession, TenantSession, new_session, utcnow
from kataven_hub.core.settings import get_settings
from kataven_hub.limits import service as limits_service


async def run(
    engine: AsyncEngine, account: str, body: Any, csv: IO[bytes],
    check: Callable[[TenantSession], Awaitable[None]],
) -> dict[str, Any]:  # fmt: skip
    settings = get_settings()
    # A read-only session: on SQLite a write transaction would hold the database's write lock
    # (and stall the dispatcher) for as long as the file takes to read.
    async with new_session(engine) as raw:
        session = TenantSession(raw)
        session.info["account"] = account
        await check(session)
        parser = ingest.Parser(
            csv, body.default_region, settings.CAMPAIGN_CSV_FIELD_MAX_BYTES, keep_going=True,
            max_errors=settings.CAMPAIGN_PREFLIGHT_MAX_INVALID,
        )  # fmt: skip
        report = _empty()
        try:
            parser.header()
        except ingest.InvalidCsv as exc:
            return {**report, "error": exc.message}
        screen = await ingest.DncScreen.open(session)
        window = windows.Window.of(body.calling_window) if body.calling_window else None
        now = utcnow()
        closed: dict[str | None, bool] = {}
        outside = 0
        async for rows in ingest.batches(parser):
            listed = await screen.of(rows)
            if window is None:
                continue
            for _, number, _, zone in rows:
                if number in listed:
                    continue
                shut = closed.get(zone)
                if shut is None:
                    name = window.zone_name(zone, body.default_timezone)
                    shut = closed[zone] = not window.is_open(now, windows.zone(name))
                outside += shut
        average = await _average_call_seconds(session)
    problem = parser.problem()
    valid = parser.total - screen.listed
    return {
        **report,
        "accepted": problem is None,
        "error": None if problem is None else problem.message,
        "contacts_total": parser.total,
        "valid": valid,
        "invalid": [
            {"row": e["line"], "reason": r}
            for e, r in zip(parser.errors, parser.reasons, strict=True)
        ],
        "invalid_total": parser.invalid,
        "duplicates": parser.duplicates,
        "do_not_call": screen.listed,
        "outside_calling_window_now": outside,
        "estimated_minutes_to_finish": await _estimate(account, body, valid, average),
        "average_call_seconds": round(average, 1),
    }


def _empty() -> dict[str, Any]:
    return {
        "accepted": False, "error": None, "contacts_total": 0, "valid": 0, "invalid": [],
        "invalid_total": 0, "duplicates": 0, "do_not_call": 0, "outside_calling_window_now": 0,
        "estimated_minutes_to_finish": None,
        "average_call_seconds": get_settings().CAMPAIGN_ESTIMATE_DEFAULT_CALL_SECONDS,
    }  # fmt: skip


async def _average_call_seconds(session: TenantSession) -> float:
    settings = get_settings()
    found = await calls_service.average_duration(
        session, settings.CAMPAIGN_ESTIMATE_MIN_HISTORY_CALLS
    )
    return found if found is not None else settings.CAMPAIGN_ESTIMATE_DEFAULT_CALL_SECONDS


async def _estimate(account: str, body: Any, calls: int, average: float) -> int | None:
    async with new_session(tenancy.get().control_engine) as control:
        limits = await limits_service.get_limits(ControlSession(control), account)
    lines = min(body.max_concurrent_calls, limits["concurrent_max"])
    per_minute = min(limits["calls_per_minute"], get_settings().DISPATCH_MAX_CPS * 60)
    if calls == 0:
        return 0
    if lines <= 0 or per_minute <= 0 or limits["daily_calls_max"] <= 0:
        return None
    rate = min(lines * 60 / max(average, 1.0), per_minute)  # calls a minute
    if limits["daily_minutes_max"] <= 0:
        return None
    minutes_per_call = max(1, math.ceil(average / 60))  # the daily budget rounds calls up
    per_day = min(limits["daily_calls_max"], limits["daily_minutes_max"] // minutes_per_call)
    if per_day <= 0:
        return None
    days, rest = divmod(calls, per_day)
    if rest == 0:
        days, rest = days - 1, per_day
    return days * 1440 + math.ceil(rest / rate)
