"""Usage of the account: calls and talk minutes per UTC day or hour, computed from the calls
table the same way the call cost caps count (calls by creation time; minutes of completed
calls by end time, each rounded up to a whole minute)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kataven_hub.calls import service as calls_service
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import InvalidRequest

_STEP = {"day": timedelta(days=1), "hour": timedelta(hours=1)}
_DEFAULT_SPAN = {"day": timedelta(days=30), "hour": timedelta(hours=24)}
_MAX_ROWS = {"day": 366, "hour": 24 * 31}


def _floor(value: datetime, granularity: str) -> datetime:
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    value = value.replace(minute=0, second=0, microsecond=0)
    return value.replace(hour=0) if granularity == "day" else value


def _label(value: datetime, granularity: str) -> str:
    return value.strftime("%Y-%m-%d" if granularity == "day" else "%Y-%m-%dT%H:00:00Z")


async def usage(
    session: TenantSession, start: datetime | None, end: datetime | None, granularity: str
) -> dict[str, Any]:
    """Rows for every period from the one holding `start` up to the one holding `end`
    (defaults: the last 30 days, or the last 24 hours), empty periods included."""
    step = _STEP[granularity]
    if end is not None and end.tzinfo is None:
        end = end.replace(tzinfo=UTC)  # times without an offset are UTC
    end_floor = _floor(end or utcnow(), granularity)
    last = end_floor if end is None or _floor(end, granularity) != end else end_floor - step
    first = _floor(start, granularity) if start else last - _DEFAULT_SPAN[granularity] + step
    if first > last:
        raise InvalidRequest("`from` must be before `to`")
    count = int((last - first) / step) + 1
    if count > _MAX_ROWS[granularity]:
        raise InvalidRequest(
            f"At most {_MAX_ROWS[granularity]} rows per request at {granularity} granularity"
        )
    rows: dict[str, dict[str, Any]] = {}
    for i in range(count):
        label = _label(first + i * step, granularity)
        rows[label] = {
            "period": label, "calls": 0, "answered": 0, "minutes": 0, "outbound_calls": 0,
            "inbound_calls": 0, "outbound_minutes": 0, "by_outcome": {},
        }  # fmt: skip
    window_end = last + step
    started = await calls_service.usage_started(session, first, window_end, granularity)
    for period, direction, status, answered, n in started:
        row = rows.get(period)
        if row is None:
            continue
        row["calls"] += n
        row["answered"] += n if answered else 0
        row["outbound_calls" if direction == "outbound" else "inbound_calls"] += n
        row["by_outcome"][status] = row["by_outcome"].get(status, 0) + n
    ended = await calls_service.usage_minutes(session, first, window_end, granularity)
    for period, direction, minutes in ended:
        row = rows.get(period)
        if row is None:
            continue
        row["minutes"] += minutes
        if direction == "outbound":
            row["outbound_minutes"] += minutes
    return {
        "granularity": granularity,
        "from": first,
        "to": window_end,
        "rows": list(rows.values()),
    }
