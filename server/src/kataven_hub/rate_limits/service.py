"""Request rate limits: per account on every authenticated route, per client key and IP on
public routes.

Accounts: 60 requests a minute, 1,000 an hour, 10,000 a day and 20 in flight unless an operator
set other numbers (`kataven-hub limits set`, table `account_rate_limits`). Windows are fixed and
aligned to the Unix epoch (a minute window turns over at :00, days at UTC midnight); the
concurrency gauge is taken when a request is admitted and given back when its response has been
sent (a crashed process's share expires after an hour idle). One atomic counter call per request
(core/counters: a Lua script on Redis, shared by every API process) checks all four and counts
in all four only if each admits. A breach answers 429 with `Retry-After` (seconds until the
binding window turns over; 1 for the concurrency gauge) and the body
`rate_limited: per-minute (60) exceeded`.

Every authenticated response tells the client where it stands (draft-ietf-httpapi-ratelimit-
headers): `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) for the
window closest to exhaustion, and `RateLimit-Policy` (`60;w=60, 1000;w=3600, 10000;w=86400`).

`admit` runs inside authentication (core/auth guards), so every route that authenticates is
limited without code of its own. Public routes call `limit_public(request, client_key)` first:

    @router.get("/config")
    async def get_config(request: Request, client_key: str, ...):
        await rate_limits_service.limit_public(request, client_key)

Counters fail open: if Redis is unreachable a request is admitted (and a warning logged), since
refusing every request would turn a counter outage into a full outage.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from dataclasses import asdict, dataclass, replace

from fastapi import Request
from redis.exceptions import RedisError

from kataven_hub.accounts import service as accounts_service
from kataven_hub.core import metrics, tenancy
from kataven_hub.core.auth import Principal
from kataven_hub.core.counters import RedisCounters, Window, counters, seconds_left
from kataven_hub.core.db import ControlSession, new_session
from kataven_hub.core.errors import LimitExceeded, NotFound
from kataven_hub.core.middleware import at_response_end, set_response_headers
from kataven_hub.core.sessions import after_commit
from kataven_hub.core.settings import get_settings
from kataven_hub.rate_limits.models import AccountRateLimit
from kataven_hub.rate_limits.repository import RateLimitRepository
from kataven_hub.rate_limits.schemas import RateLimitsUpdate

log = logging.getLogger("kataven_hub.rate_limits")

CONCURRENCY_IDLE_SECONDS = 3600
_CONCURRENT = "req:concurrent"
_LABELS = {
    "req:minute": "per-minute",
    "req:hour": "per-hour",
    "req:day": "per-day",
    _CONCURRENT: "concurrent",
}


class RateLimited(LimitExceeded):
    code = "rate_limited"
    title = "Rate limited"
    description = "Request rate limit exceeded (see Retry-After)"


@dataclass(frozen=True, slots=True)
class RequestLimits:
    requests_per_minute: int
    requests_per_hour: int
    requests_per_day: int
    concurrent_requests: int


DEFAULTS = RequestLimits(
    requests_per_minute=60, requests_per_hour=1_000, requests_per_day=10_000, concurrent_requests=20
)


def _limits_of(row: AccountRateLimit | None) -> RequestLimits:
    if row is None:
        return DEFAULTS
    return RequestLimits(
        row.requests_per_minute,
        row.requests_per_hour,
        row.requests_per_day,
        row.concurrent_requests,
    )


async def get_limits(session: ControlSession, account: str) -> RequestLimits:
    return _limits_of(await RateLimitRepository(session).get(account))


async def set_limits(
    session: ControlSession, account: str, body: RateLimitsUpdate
) -> RequestLimits:
    """Change an account's limits (only the given fields). The caller commits; every process
    sees the change within RATE_LIMITS_CACHE_SECONDS (this one at once after the commit)."""
    if not (await accounts_service.validate(session, account))["exists"]:
        raise NotFound(f"Account {account!r} not found")
    repo = RateLimitRepository(session)
    row = await repo.get(account)
    values = {**asdict(_limits_of(row)), **body.model_dump(exclude_none=True)}
    if row is None:
        row = await repo.add(AccountRateLimit(account=account, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
        await session.flush()

    async def evict() -> None:
        _cache.pop(account, None)

    after_commit(session, evict)
    return _limits_of(row)


# -- the hot path -------------------------------------------------------------------------------
_cache: dict[str, tuple[RequestLimits, float]] = {}
_CACHE_SIZE = 10_000


async def limits_for(account: str) -> RequestLimits:
    """The account's limits, from a short in-process cache (they change rarely)."""
    now = time.monotonic()
    hit = _cache.get(account)
    if hit is not None and hit[1] > now:
        return hit[0]
    async with new_session(tenancy.get().control_engine) as session:
        limits = await get_limits(ControlSession(session), account)
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    _cache[account] = (limits, now + get_settings().RATE_LIMITS_CACHE_SECONDS)
    return limits


def clear_cache() -> None:
    _cache.clear()


def windows(limits: RequestLimits) -> list[Window]:
    return [
        Window("req:minute", "fixed", limits.requests_per_minute, 60),
        Window("req:hour", "fixed", limits.requests_per_hour, 3600),
        Window("req:day", "fixed", limits.requests_per_day, 86400),
        Window(_CONCURRENT, "gauge", limits.concurrent_requests, CONCURRENCY_IDLE_SECONDS),
    ]


class _SlotReturns:
    """Concurrency slots given back to Redis without a round trip each. A request's slot is
    returned when its response ends; the count waits in this process and travels with the
    account's next acquire (the same script, given back before the check), or after
    `FLUSH_SECONDS` as one release per account when no request came. So each request costs one
    Redis round trip, and another process sees a finished request's slot as taken for at most
    `FLUSH_SECONDS` (the limit errs on the safe side). On the embedded default (in-process
    counters) a slot is given back at once: there is no round trip to save."""

    FLUSH_SECONDS = 0.02

    def __init__(self) -> None:
        self._pending: dict[str, int] = {}
        self._flush: asyncio.TimerHandle | None = None

    def give_back(self, account: str, amount: int = 1) -> None:
        if amount <= 0:
            return
        self._pending[account] = self._pending.get(account, 0) + amount
        if self._flush is None:
            loop = asyncio.get_running_loop()
            self._flush = loop.call_later(self.FLUSH_SECONDS, self._start_flush, loop)

    def take(self, account: str) -> int:
        """What this account's next acquire gives back (`give_back` it again if the acquire
        fails)."""
        return self._pending.pop(account, 0)

    def _start_flush(self, loop: asyncio.AbstractEventLoop) -> None:
        self._flush = None
        pending, self._pending = self._pending, {}
        if pending:
            task = loop.create_task(self._send(pending))
            _flushes.add(task)
            task.add_done_callback(_flushes.discard)

    async def _send(self, pending: dict[str, int]) -> None:
        for account, amount in pending.items():
            try:
                await counters().release(account, _CONCURRENT, amount, CONCURRENCY_IDLE_SECONDS)
            except RedisError as exc:  # the gauge expires after an hour idle
                log.warning("could not release concurrency slots: %s", type(exc).__name__)

    async def flush(self) -> None:
        """Send what is waiting now (at shutdown)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        pending, self._pending = self._pending, {}
        await self._send(pending)


_returns = _SlotReturns()
_flushes: set[asyncio.Task[None]] = set()


async def flush_slot_returns() -> None:
    await _returns.flush()
    if _flushes:
        await asyncio.gather(*_flushes, return_exceptions=True)


async def admit(request: Request, principal: Principal) -> None:
    """Count this request against its account, or raise RateLimited (429)."""
    account = principal.account
    limits = await limits_for(account)
    checked = windows(limits)
    usage: list[int] = []
    batched = isinstance(counters(), RedisCounters)
    refund = _returns.take(account) if batched else 0
    if refund:
        checked[-1] = replace(checked[-1], refund=refund)
    try:
        denied = await counters().acquire(account, checked, usage=usage)
    except RedisError as exc:
        _returns.give_back(account, refund)
        log.warning("rate limit counters unavailable, admitting: %s", type(exc).__name__)
        return
    if denied is not None:
        label = _LABELS[denied.window.name]
        metrics.RATE_LIMIT_REJECTIONS.labels(scope="account", window=label).inc()
        error = RateLimited(
            f"rate_limited: {label} ({denied.window.limit}) exceeded",
            retry_after=denied.retry_after,
        )
        if denied.window.kind == "fixed":
            error.headers.update(_headers(denied.window, 0, checked))
        raise error
    set_response_headers(request, _quota_headers(checked, usage))

    released = False

    async def release() -> None:
        nonlocal released
        if released:
            return
        released = True
        if batched:
            _returns.give_back(account)
            return
        await counters().release(account, _CONCURRENT, 1, CONCURRENCY_IDLE_SECONDS)

    request.state.rate_limit_release = release
    at_response_end(request, release)


def _headers(window: Window, remaining: int, checked: list[Window]) -> dict[str, str]:
    """RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers) for the window closest to
    exhaustion, and RateLimit-Policy listing every window."""
    reset = seconds_left(window)
    policy = ", ".join(f"{w.limit};w={w.seconds}" for w in checked if w.kind == "fixed")
    return {
        "RateLimit-Limit": str(window.limit),
        "RateLimit-Remaining": str(max(0, remaining)),
        "RateLimit-Reset": str(reset),
        "RateLimit-Policy": policy,
    }


def _quota_headers(checked: list[Window], usage: list[int]) -> dict[str, str]:
    fixed = [
        (w, w.limit - used) for w, used in zip(checked, usage, strict=False) if w.kind == "fixed"
    ]
    if not fixed:
        return {}
    window, remaining = min(fixed, key=lambda item: (item[1], item[0].seconds))
    return _headers(window, remaining, checked)


async def release_early(request: Request) -> None:
    """Give this request's concurrency slot back now: for long-lived responses (SSE streams)
    that should not hold one of the account's in-flight requests for their whole life."""
    release = getattr(request.state, "rate_limit_release", None)
    if release is not None:
        await release()


async def limit_public(request: Request, client_key: str | None) -> None:
    """Limit a public (unauthenticated) request per client key and caller IP, and per client key
    overall; raise RateLimited (429) on a breach. Call it first in every public handler."""
    settings = get_settings()
    # Keys are caller-supplied: hash them, so any string makes a short, safe counter name.
    scope = "pub-" + hashlib.sha256((client_key or "").encode()).hexdigest()[:24]
    ip = request.client.host if request.client else "unknown"
    checks = [
        Window(f"ip:{ip}:minute", "fixed", settings.PUBLIC_REQUESTS_PER_MINUTE_PER_IP, 60),
        Window(f"ip:{ip}:hour", "fixed", settings.PUBLIC_REQUESTS_PER_HOUR_PER_IP, 3600),
        Window("key:minute", "fixed", settings.PUBLIC_REQUESTS_PER_MINUTE_PER_KEY, 60),
    ]
    try:
        denied = await counters().acquire(scope, checks)
    except RedisError as exc:
        log.warning("public rate limit counters unavailable, admitting: %s", type(exc).__name__)
        return
    if denied is not None:
        label = "per-hour" if denied.window.name.endswith(":hour") else "per-minute"
        metrics.RATE_LIMIT_REJECTIONS.labels(scope="public", window=label).inc()
        raise RateLimited(
            f"rate_limited: {label} ({denied.window.limit}) exceeded",
            retry_after=denied.retry_after,
        )
