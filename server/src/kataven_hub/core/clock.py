"""The process's wall clock.

`core.db.utcnow()` reads it, so everything that decides by the time of day (campaign calling
windows, retry times, the due times of dispatcher leases) follows one clock. Production keeps
the system clock; tests install one they can move across openings, closings and
daylight-saving changes instead of waiting for them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


_current: Clock = SystemClock()


def now() -> datetime:
    return _current.now()


def install(clock: Clock) -> Clock:
    """Use `clock` from now on; returns the one it replaces (to put back)."""
    global _current
    previous, _current = _current, clock
    return previous
