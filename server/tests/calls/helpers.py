from __future__ import annotations

from kataven_hub.core.counters import Window, counters
from kataven_hub.limits.service import CONCURRENT, MINUTES


async def in_flight(account: str) -> int:
    return await counters().value(account, Window(CONCURRENT, "slots", 0, 86400))


async def minutes_today(account: str) -> int:
    return await counters().value(account, Window(MINUTES, "fixed", 0, 86400))
