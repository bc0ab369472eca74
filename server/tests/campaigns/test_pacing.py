"""Dial pacing (dispatcher/pacing.py) against the calls-per-minute cap it paces for: the cap's
own counter (a sliding 60 s, on both backends) is asked about every dial the pacer allows, a
little later than the pacer allowed it, as a dial is counted when its originate runs."""

from __future__ import annotations

import random
import uuid

from kataven_hub.core import counters as counters_mod
from kataven_hub.core.counters import Window
from kataven_hub.dispatcher.pacing import WINDOW_SECONDS, Pacer

START = 1_000_000.0


async def paced_against_the_cap(
    per_minute: int, seconds: float, tick: float, lag: float, want: int = 5
) -> tuple[int, int]:
    """Run the pacer for `seconds` of simulated time, asking for `want` dials every `tick`;
    count each allowed dial on the cap `lag × random()` seconds later. (dials, refused)."""
    rng = random.Random(per_minute)
    pacer, account, rate = Pacer(), "acct", per_minute / 60
    counted: list[float] = []
    t = START
    while t < START + seconds:
        granted = pacer.take(account, want, rate, now=t, per_minute=per_minute)
        counted.extend(t + lag * rng.random() for _ in range(granted))
        t += tick
    cap = Window("calls:minute", "sliding", per_minute, 60)
    scope = "pacing-" + uuid.uuid4().hex[:8]
    refused = 0
    for at in sorted(counted):
        if await counters_mod.counters().acquire(scope, [cap], now=at) is not None:
            refused += 1
    return len(counted), refused


async def test_dials_at_the_per_minute_cap_are_never_refused(app) -> None:
    # A one-second burst on top of the steady rate would be the 121st dial of some minute.
    dials, refused = await paced_against_the_cap(120, seconds=200, tick=0.05, lag=0.9)
    assert refused == 0
    # ...and the cap is still used: at least the rate of `per_minute` over the pacer's window
    assert dials >= 120 * 200 / WINDOW_SECONDS - 1


async def test_a_slow_tick_still_keeps_to_the_cap(app) -> None:
    dials, refused = await paced_against_the_cap(30, seconds=150, tick=0.7, lag=0.5, want=50)
    assert refused == 0
    # (asked every 0.7 s for a dial every 2 s, the pacer lets one go every third tick)
    assert dials >= 150 / 2.1 - 1


def test_dials_given_back_free_their_room_in_the_minute() -> None:
    pacer = Pacer()
    assert pacer.take("a", 10, 100.0, now=0.0, per_minute=10) == 10
    assert pacer.take("a", 10, 100.0, now=1.0, per_minute=10) == 0  # the minute is full
    pacer.give_back("a", 4)  # four of them were not placed
    assert pacer.take("a", 10, 100.0, now=1.0, per_minute=10) == 4
    assert pacer.take("a", 10, 100.0, now=2.0, per_minute=10) == 0


def test_a_full_minute_is_waited_out_not_polled() -> None:
    pacer = Pacer()
    assert pacer.take("a", 5, 5.0, now=0.0, per_minute=5) == 5
    assert pacer.take("a", 5, 5.0, now=10.0, per_minute=5) == 0
    assert pacer.wait_hint("a", now=10.0) == WINDOW_SECONDS - 10.0
    assert pacer.take("a", 5, 5.0, now=WINDOW_SECONDS, per_minute=5) == 5


def test_without_a_per_minute_cap_the_bucket_alone_paces() -> None:
    pacer = Pacer()
    assert pacer.take("a", 100, 10.0, now=0.0) == 10  # one second's worth at once
    assert pacer.take("a", 100, 10.0, now=0.5) == 5
    assert pacer.take("a", 100, 10.0, now=100.0) == 10
