"""Call limits (cost caps): the stored values per account, and the live counters behind them.

Four dimensions, checked and reserved in one atomic `counters().acquire` (one Lua script on
Redis): `concurrent_max` (a slot per call, named by its session id, held from the originate
until the call's terminal state), `calls_per_minute` (sliding 60 s), `daily_calls_max` and
`daily_minutes_max` (UTC days; minutes are added when a call completes, rounded up). 0 blocks
a dimension.

Slots heal themselves. A slot is taken before the call row exists and confirmed (`slot_kept`)
once the carrier has taken the call; a process that dies in between leaves an unconfirmed slot.
When the concurrent cap refuses a call, slots left unconfirmed for `CALL_SLOT_GRACE_SECONDS`
are checked against the calls table (`reclaim`): a call that is missing, over, or never reached
the carrier gives its slot back at once, without a counters rebuild. Confirmed slots are
checked the same way (at most every `CALL_SLOT_RECONCILE_SECONDS` per account): a call that
ended while Redis was unreachable could not give its slot back, and the counters converge to
the calls in flight instead of refusing calls for good.

Counters are a cache of what the calls table says. When they are missing (a Redis flush, a new
in-process backend after a restart), the first caller rebuilds them from the database under a
claim, then sets a marker. Redis errors fail closed: 503 for new calls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.exceptions import RedisError

from kataven_hub.core import tenancy
from kataven_hub.core.counters import MarkMissing, Window, counters
from kataven_hub.core.db import ControlSession, new_session, utcnow
from kataven_hub.core.errors import LimitExceeded, ServiceUnavailable
from kataven_hub.core.sessions import after_commit
from kataven_hub.core.settings import get_settings
from kataven_hub.limits.models import DEFAULTS, CallLimit
from kataven_hub.limits.repository import CallLimitRepository
from kataven_hub.limits.schemas import CallLimitsUpdate

log = logging.getLogger("kataven_hub.limits")

CONCURRENT, MINUTE, DAY, MINUTES = "calls:slots", "calls:minute", "calls:day", "calls:minutes"
# The marker names the counters' layout: a new layout rebuilds from the calls table once.
_BUILT, _REBUILD = "calls:built:slots", "calls:rebuild"
REASONS = {
    CONCURRENT: "Concurrent call limit reached",
    MINUTE: "Call rate limit",
    DAY: "Daily call limit reached",
    MINUTES: "Daily minute budget exhausted",
}
_DAY_SECONDS = 86400
_LIMITS_TTL_SECONDS = 5.0
_limits_cache: dict[str, tuple[dict[str, int], float]] = {}
_reconciled: dict[str, float] = {}  # account → when its confirmed slots were last checked


class CallLimitReached(LimitExceeded):
    code = "call_limit_reached"
    title = "Call limit reached"
    description = "A call cost cap is reached (see Retry-After)"


class CountersUnavailable(ServiceUnavailable):
    code = "counters_unavailable"
    description = "Call limit counters unavailable; no new calls until they are back"


@dataclass(frozen=True, slots=True)
class Usage:
    """What the calls table says, to rebuild counters from."""

    # Calls not yet over: session id → when its slot was taken, while still unconfirmed.
    in_flight: dict[str, float | None]
    started_last_minute: int
    started_today: int
    minutes_today: int


# -- stored values ------------------------------------------------------------------------------
async def get_limits(control: ControlSession, account: str) -> dict[str, int]:
    row = await CallLimitRepository(control).get(account)
    if row is None:
        return dict(DEFAULTS)
    return {k: getattr(row, k) for k in DEFAULTS}


async def update_limits(
    control: ControlSession, account: str, body: CallLimitsUpdate, updated_by: str | None = None
) -> dict[str, int]:
    repo = CallLimitRepository(control)
    row = await repo.get(account)
    if row is None:
        row = await repo.add(CallLimit(account=account, **DEFAULTS))
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(row, field, value)
    row.updated_by = updated_by
    row.updated_at = utcnow()
    await control.flush()
    after_commit(control, lambda: _forget_limits(account))
    return {k: getattr(row, k) for k in DEFAULTS}


async def limits_for_calls(account: str) -> dict[str, int]:
    """The caps the originate path applies: read from the control database, cached in this
    process for a few seconds (a change made through another process applies within
    `_LIMITS_TTL_SECONDS`; through this one, at once)."""
    hit = _limits_cache.get(account)
    if hit is not None and time.monotonic() - hit[1] < _LIMITS_TTL_SECONDS:
        return hit[0]
    async with new_session(tenancy.get().control_engine) as control:
        limits = await get_limits(ControlSession(control), account)
    _limits_cache[account] = (limits, time.monotonic())
    while len(_limits_cache) > 10_000:
        _limits_cache.pop(next(iter(_limits_cache)))
    return limits


async def _forget_limits(account: str) -> None:
    _limits_cache.pop(account, None)


# -- live counters -----------------------------------------------------------------------------
def windows(limits: dict[str, int]) -> list[Window]:
    idle = get_settings().CALL_SLOT_IDLE_SECONDS
    return [
        Window(CONCURRENT, "slots", limits["concurrent_max"], idle),
        Window(MINUTE, "sliding", limits["calls_per_minute"], 60),
        Window(DAY, "fixed", limits["daily_calls_max"], _DAY_SECONDS),
        Window(MINUTES, "fixed", limits["daily_minutes_max"], _DAY_SECONDS, cost=0),
    ]


Reclaim = Callable[[list[str]], Awaitable[set[str]]]


async def reserve(
    account: str,
    limits: dict[str, int],
    usage: Callable[[], Awaitable[Usage]],
    session_id: str,
    reclaim: Reclaim,
) -> None:
    """Check every cap and count one call (its slot named `session_id`) in all of them, or
    raise 429 counting nothing. `reclaim(session_ids)`: which of these unconfirmed slots still
    belong to a live call (the others are given back)."""
    c = counters()
    try:
        try:  # the built marker is checked in the same round trip as the caps
            denied = await c.acquire(account, windows(limits), member=session_id, require=_BUILT)
        except MarkMissing:
            await _ensure_built(account, usage)
            denied = await c.acquire(account, windows(limits), member=session_id)
        if (
            denied is not None
            and denied.window.name == CONCURRENT
            and await _reclaim(account, reclaim)
        ):
            denied = await c.acquire(account, windows(limits), member=session_id)
    except RedisError:
        log.warning("counters unavailable for %s; refusing new calls", account)
        raise CountersUnavailable() from None
    if denied is not None:
        raise CallLimitReached(REASONS[denied.window.name], retry_after=denied.retry_after)


async def _reclaim(account: str, reclaim: Reclaim) -> bool:
    """Give back the slots whose call is not live: unconfirmed ones older than the grace, and
    (at most every CALL_SLOT_RECONCILE_SECONDS) confirmed ones, whose release may have been
    lost to a Redis failure. True when any came back."""
    settings = get_settings()
    c = counters()
    stale = await c.unkept(account, CONCURRENT, time.time() - settings.CALL_SLOT_GRACE_SECONDS)
    now = time.monotonic()
    if _reconciled.get(account, 0.0) <= now - settings.CALL_SLOT_RECONCILE_SECONDS:
        _reconciled[account] = now
        while len(_reconciled) > 10_000:
            _reconciled.pop(next(iter(_reconciled)))
        stale += await c.kept(account, CONCURRENT)
    if not stale:
        return False
    live = await reclaim(stale)
    idle = settings.CALL_SLOT_IDLE_SECONDS
    freed = False
    for session_id in stale:
        if session_id in live:
            await c.keep(account, CONCURRENT, session_id, idle)
        else:
            freed = await c.drop(account, CONCURRENT, session_id, idle) or freed
            log.warning("reclaimed the call slot of %s (%s): no live call", session_id, account)
    return freed


async def slot_kept(account: str, session_id: str) -> None:
    """The call holding this slot is placed and committed: keep it until the call ends."""
    try:
        await counters().keep(
            account, CONCURRENT, session_id, get_settings().CALL_SLOT_IDLE_SECONDS
        )
    except RedisError:  # it stays unconfirmed: the next reclaim finds the call live
        log.warning("could not confirm the call slot of %s", session_id)


async def unreserve(account: str, session_id: str) -> None:
    """Give back a reservation whose call never started (decrypt or carrier failure). The
    attempt still counts toward the per-minute rate; the slot and the daily count come back."""
    try:
        idle = get_settings().CALL_SLOT_IDLE_SECONDS
        if await counters().drop(account, CONCURRENT, session_id, idle):
            await counters().add(account, Window(DAY, "fixed", 0, _DAY_SECONDS), -1)
    except RedisError:
        log.warning("could not give back a call reservation for %s", account)


async def call_ended(account: str, session_id: str, minutes: int) -> None:
    """Release the call's concurrent slot and count its talk minutes (once per call)."""
    try:
        drop = counters().drop(
            account, CONCURRENT, session_id, get_settings().CALL_SLOT_IDLE_SECONDS
        )
        if minutes > 0:
            add = counters().add(account, Window(MINUTES, "fixed", 0, _DAY_SECONDS), minutes)
            await asyncio.gather(drop, add)
        else:
            await drop
    except RedisError:
        log.warning("could not release a call slot for %s (rebuilt on the next flush)", account)


async def _ensure_built(account: str, usage: Callable[[], Awaitable[Usage]]) -> None:
    c = counters()
    if await c.exists(account, _BUILT):
        return
    claim = Window(_REBUILD, "gauge", 1, 30)
    if await c.acquire(account, [claim]) is not None:
        for _ in range(40):  # another caller is rebuilding: wait for its marker
            await asyncio.sleep(0.05)
            if await c.exists(account, _BUILT):
                return
        return
    try:
        if await c.exists(account, _BUILT):
            return
        u = await usage()
        idle = get_settings().CALL_SLOT_IDLE_SECONDS
        await c.set_slots(account, CONCURRENT, u.in_flight, idle)
        for name, amount in ((DAY, u.started_today), (MINUTES, u.minutes_today)):
            current = await c.value(account, Window(name, "fixed", 0, _DAY_SECONDS))
            if amount > current:
                await c.add(account, Window(name, "fixed", 0, _DAY_SECONDS), amount - current)
        current = await c.value(account, Window(MINUTE, "sliding", 0, 60))
        if u.started_last_minute > current:
            burst = Window(MINUTE, "sliding", 10**9, 60, cost=u.started_last_minute - current)
            await c.acquire(account, [burst])
        await c.mark(account, _BUILT)
    finally:
        await c.release(account, _REBUILD, 1, 30)
