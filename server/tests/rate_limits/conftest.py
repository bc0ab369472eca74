from __future__ import annotations

import math
import time

import pytest
from kataven_hub.core import counters as counters_mod


class FakeClock:
    """Wall time for the counters, frozen where a test puts it (monotonic time stays real)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    @staticmethod
    def monotonic() -> float:
        return time.monotonic()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Today 05:07:10.25 UTC: 49.75 s left in the minute, 3,169.75 s in the hour."""
    today = math.floor(time.time() / 86400) * 86400
    fake = FakeClock(today + 5 * 3600 + 7 * 60 + 10.25)
    monkeypatch.setattr(counters_mod, "time", fake)
    return fake
