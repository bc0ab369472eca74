"""Failed sign-ins, counted per account (the e-mail given) and per caller IP.

Past `LOGIN_FAILURES_PER_*[0]` failures in a minute the caller waits for that minute to end,
past `[1]` in an hour for the hour to end (429 with Retry-After), so guessing slows from a
few tries a minute to a few an hour. Successful sign-ins are not counted. Counters live where
the rate limits do (Redis in production) and, like them, fail open while Redis is down.
"""

from __future__ import annotations

import hashlib
import logging

from fastapi import Request
from redis.exceptions import RedisError

from kataven_hub.core.counters import Window, counters
from kataven_hub.core.errors import LimitExceeded
from kataven_hub.core.settings import get_settings

log = logging.getLogger("kataven_hub.accounts.throttle")


class LoginThrottled(LimitExceeded):
    code = "login_throttled"
    title = "Too many failed sign-ins"
    description = "Too many failed sign-ins; retry after the Retry-After delay"


def _scopes(request: Request, email: str) -> list[tuple[str, tuple[int, int]]]:
    settings = get_settings()
    ip = request.client.host if request.client else "unknown"
    # Hashed: any string makes a short, safe counter name (and no e-mail sits in Redis keys).
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]
    address = hashlib.sha256(ip.encode()).hexdigest()[:24]
    return [
        (f"login-user-{account}", settings.LOGIN_FAILURES_PER_ACCOUNT),
        (f"login-ip-{address}", settings.LOGIN_FAILURES_PER_IP),
    ]


def _windows(limits: tuple[int, int], cost: int) -> list[Window]:
    per_minute, per_hour = limits
    return [
        Window("login:minute", "fixed", per_minute, 60, cost=cost),
        Window("login:hour", "fixed", per_hour, 3600, cost=cost),
    ]


async def check(request: Request, email: str) -> None:
    """Raise LoginThrottled (429) while this account or this IP has failed too often."""
    for scope, limits in _scopes(request, email):
        try:
            denied = await counters().acquire(scope, _windows(limits, 0))
        except RedisError as exc:
            log.warning("sign-in throttle unavailable, admitting: %s", type(exc).__name__)
            return
        if denied is not None:
            raise LoginThrottled(
                "Too many failed sign-ins; retry later", retry_after=denied.retry_after
            )


async def failed(request: Request, email: str) -> None:
    """Count one failed sign-in for the account and the IP."""
    for scope, limits in _scopes(request, email):
        try:
            for window in _windows(limits, 0):
                await counters().add(scope, window, 1)
        except RedisError as exc:
            log.warning("sign-in failure not counted: %s", type(exc).__name__)
