"""The counters primitive on both backends: atomic under concurrency, right Retry-After."""

from __future__ import annotations

import asyncio
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
