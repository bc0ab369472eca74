"""The counters primitive on both backends: atomic under concurrency, right Retry-After."""

from __future__ import annotations

import asyncio
import time
import uuid

from kataven_hub.core import counters as counters_mod
from kataven_hub.core.counters import Window


def scope() -> str:
    return "test-" + uuid.uuid4().hex[:8]


async def test_concurrent_acquires_never_exceed_limit(app) -> None:
    c = counters_mod.counters()
    s = scope()
    windows = [Window("m", "fixed", 10, 60), Window("g", "gauge", 1000, 3600)]
    results = await asyncio.gather(*[c.acquire(s, windows, now=1000.0) for _ in range(50)])
    admitted = [r for r in results if r is None]
    assert len(admitted) == 10
    denied = [r for r in results if r is not None]
    assert all(d.window.name == "m" and d.retry_after == 20 for d in denied)  # 1000 → 1020
    assert await c.value(s, windows[1], now=1000.0) == 10  # denied calls counted nothing


async def test_denial_counts_nothing_in_other_windows(app) -> None:
    c = counters_mod.counters()
    s = scope()
    g = Window("g", "gauge", 2, 3600)
    day = Window("d", "fixed", 100, 86400)
    assert await c.acquire(s, [day, g]) is None
    assert await c.acquire(s, [day, g]) is None
    denied = await c.acquire(s, [day, g])
    assert denied is not None
    assert denied.window.name == "g"
    assert await c.value(s, day) == 2
    await c.release(s, "g")
    assert await c.acquire(s, [day, g]) is None


async def test_sliding_window_retry_after(app) -> None:
    c = counters_mod.counters()
    s = scope()
    w = Window("cpm", "sliding", 2, 60)
    assert await c.acquire(s, [w], now=100.0) is None
    assert await c.acquire(s, [w], now=130.0) is None
    denied = await c.acquire(s, [w], now=150.0)
    assert denied is not None
    assert denied.retry_after == 10
    assert await c.acquire(s, [w], now=161.0) is None


async def test_zero_limit_blocks_and_check_only_windows(app) -> None:
    c = counters_mod.counters()
    s = scope()
    assert (await c.acquire(s, [Window("z", "fixed", 0, 60)])) is not None
    minutes = Window("min", "fixed", 5, 86400, cost=0)
    assert await c.acquire(s, [minutes]) is None
    await c.add(s, minutes, 5)
    assert (await c.acquire(s, [minutes])) is not None


async def test_release_never_goes_below_zero(app) -> None:
    c = counters_mod.counters()
    s = scope()
    g = Window("g", "gauge", 1, 3600)
    await c.release(s, "g", 3)
    assert await c.value(s, g) == 0
    assert await c.acquire(s, [g]) is None
    assert await c.acquire(s, [g]) is not None


async def test_slots_are_named_confirmed_and_listed_when_unconfirmed(app) -> None:
    c = counters_mod.counters()
    s = scope()
    slots = Window("calls", "slots", 2, 3600)
    day = Window("d", "fixed", 100, 86400)
    t = time.time() - 10
    assert await c.acquire(s, [slots, day], now=t, member="a") is None
    assert await c.acquire(s, [slots, day], now=t + 1, member="b") is None
    denied = await c.acquire(s, [slots, day], now=t + 2, member="c")
    assert denied is not None
    assert denied.window.name == "calls"
    assert denied.retry_after == 1
    assert await c.value(s, slots) == 2
    await c.keep(s, "calls", "a", 3600)
    await c.keep(s, "calls", "never-taken", 3600)  # nothing to confirm: no slot appears
    assert await c.unkept(s, "calls", t + 0.5) == []
    assert await c.unkept(s, "calls", t + 1) == ["b"]
    assert await c.drop(s, "calls", "b", 3600) is True
    assert await c.drop(s, "calls", "b", 3600) is False  # twice is harmless
    assert await c.value(s, slots) == 1
    assert await c.acquire(s, [slots], member="c") is None
    await c.set_slots(s, "calls", {"x": None, "y": 50.0}, 3600)
    assert await c.value(s, slots) == 2
    assert await c.unkept(s, "calls", 100.0) == ["y"]


async def test_acquire_requires_its_marker(app) -> None:
    c = counters_mod.counters()
    s = scope()
    w = Window("d", "fixed", 100, 86400)
    try:
        await c.acquire(s, [w], require="built")
    except counters_mod.MarkMissing:
        pass
    else:
        raise AssertionError("acquired without the marker")
    assert await c.value(s, w) == 0  # nothing counted
    await c.mark(s, "built")
    assert await c.acquire(s, [w], require="built") is None
    assert await c.value(s, w) == 1
