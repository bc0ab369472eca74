"""Atomic multi-window counters: check every window, and only if all admit, count in all.

Used for request rate limits and call cost caps. Two backends with one behaviour:
- in-process (embedded default; one API process): plain dicts, atomic because no `await`
  separates the check from the update;
- Redis (production; shared by every process): one Lua script per call, so concurrent callers
  on any number of processes never admit more than a limit.

Window kinds:
- `fixed`: a counter per aligned window (`seconds` long, aligned to the Unix epoch, so daily
  windows turn over at UTC midnight); `Retry-After` = until the window ends;
- `sliding`: the events of the last `seconds` (a sorted set); `Retry-After` = until the oldest
  event leaves the window;
- `gauge`: a level (in-flight requests) taken with `cost` and given back with `release()`; it
  expires after `seconds` without change, so a crashed holder cannot pin it;
- `slots`: named holders (a call's session id, the `member` of `acquire`), each taken with the
  time it was taken; `keep()` marks a holder as confirmed, `drop()` gives its slot back (twice
  is harmless), and `unkept()` lists holders never confirmed, so a caller that crashed between
  taking a slot and confirming it can be found and its slot reclaimed, and `kept()` lists the
  confirmed ones (checked against the database when a release may have been lost). The set
  expires after `seconds` without change.
A limit of 0 blocks the dimension. `cost=0` only checks (e.g. "minutes used today < budget").
"""

from __future__ import annotations

import math
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, Protocol

from kataven_hub.core import redis as redis_mod

Kind = Literal["fixed", "sliding", "gauge", "slots"]


@dataclass(frozen=True, slots=True)
class Window:
    name: str  # e.g. "rl:minute", "calls:concurrent"
    kind: Kind
    limit: int
    seconds: int
    cost: int = 1
    # A gauge only: given back before the check, in the same round trip (a release that
    # waited for the next acquire instead of costing a round trip of its own).
    refund: int = 0


class MarkMissing(Exception):
    """`acquire(require=...)`: the marker is not set, so nothing was counted."""


@dataclass(frozen=True, slots=True)
class Denied:
    window: Window
    retry_after: int  # whole seconds, at least 1


class Counters(Protocol):
    async def acquire(
        self, scope: str, windows: list[Window], now: float | None = None, member: str = "",
        require: str | None = None, usage: list[int] | None = None,
    ) -> Denied | None:  # fmt: skip
        """Admit (and count in every window) or deny without counting anything. `member`
        names the holder in `slots` windows; with `require`, raise MarkMissing (counting
        nothing) unless that marker is set (see `mark`). When admitted and `usage` is given,
        it receives each window's level after counting (e.g. for RateLimit headers)."""
        ...

    async def keep(self, scope: str, name: str, member: str, idle_seconds: int) -> None:
        """Confirm a holder of a `slots` window (nothing if it holds no slot)."""
        ...

    async def drop(self, scope: str, name: str, member: str, idle_seconds: int) -> bool:
        """Give back a holder's slot; True when it held one."""
        ...

    async def unkept(self, scope: str, name: str, taken_before: float) -> list[str]:
        """Holders of a `slots` window taken before `taken_before` and never confirmed."""
        ...

    async def kept(self, scope: str, name: str) -> list[str]:
        """Holders of a `slots` window that were confirmed."""
        ...

    async def set_slots(
        self, scope: str, name: str, members: dict[str, float | None], idle_seconds: int
    ) -> None:
        """Replace a `slots` window's holders: member → time taken, None when confirmed."""
        ...

    async def release(
        self, scope: str, name: str, amount: int = 1, idle_seconds: int = 3600
    ) -> None:
        """Give back `amount` of a gauge (never below zero)."""
        ...

    async def add(self, scope: str, window: Window, amount: int, now: float | None = None) -> None:
        """Count `amount` in a fixed window without a check (e.g. minutes of a finished call)."""
        ...

    async def value(self, scope: str, window: Window, now: float | None = None) -> int: ...

    async def set_gauge(
        self, scope: str, name: str, level: int, idle_seconds: int = 3600
    ) -> None: ...

    async def exists(self, scope: str, name: str) -> bool: ...

    async def mark(self, scope: str, name: str) -> None: ...


def _fixed_slot(window: Window, now: float) -> tuple[int, int]:
    index = int(now // window.seconds)
    return index, max(1, math.ceil((index + 1) * window.seconds - now))


def seconds_left(window: Window, now: float | None = None) -> int:
    """Whole seconds until a fixed window turns over (at least 1)."""
    return _fixed_slot(window, time.time() if now is None else now)[1]


class LocalCounters:
    _SWEEP_SECONDS = 60.0

    def __init__(self) -> None:
        self._fixed: dict[tuple[str, str, int], int] = defaultdict(int)
        self._fixed_ends: dict[tuple[str, str, int], float] = {}
        self._sliding: dict[tuple[str, str], list[float]] = defaultdict(list)
        self._gauges: dict[tuple[str, str], tuple[int, float]] = {}
        # (scope, name) → ({holder: time taken, or inf once kept}, last change)
        self._slots: dict[tuple[str, str], tuple[dict[str, float], float]] = {}
        self._marks: set[tuple[str, str]] = set()
        self._next_sweep = 0.0

    def _count_fixed(self, scope: str, w: Window, now: float, amount: int) -> None:
        index = _fixed_slot(w, now)[0]
        self._fixed[(scope, w.name, index)] += amount
        self._fixed_ends[(scope, w.name, index)] = (index + 1) * w.seconds

    def _sweep(self, now: float) -> None:
        """Forget fixed windows that are over, once a minute, so memory stays flat."""
        if time.monotonic() < self._next_sweep:
            return
        self._next_sweep = time.monotonic() + self._SWEEP_SECONDS
        for key in [k for k, end in self._fixed_ends.items() if end < now - 60]:
            self._fixed.pop(key, None)
            del self._fixed_ends[key]

    def _gauge(self, scope: str, window_name: str, idle: int, now: float) -> int:
        level, touched = self._gauges.get((scope, window_name), (0, now))
        return 0 if now - touched > idle else level

    def _holders(self, scope: str, name: str, idle: int, now: float) -> dict[str, float]:
        holders, touched = self._slots.get((scope, name), ({}, now))
        if now - touched > idle:
            holders = {}
        self._slots[(scope, name)] = (holders, now)
        return holders

    async def acquire(
        self, scope: str, windows: list[Window], now: float | None = None, member: str = "",
        require: str | None = None, usage: list[int] | None = None,
    ) -> Denied | None:  # fmt: skip
        now = time.time() if now is None else now
        for w in windows:
            if w.refund and w.kind == "gauge":
                level = self._gauge(scope, w.name, w.seconds, now)
                self._gauges[(scope, w.name)] = (max(0, level - w.refund), now)
        if require is not None and (scope, require) not in self._marks:
            raise MarkMissing(require)
        self._sweep(now)
        for w in windows:
            if w.kind == "fixed":
                index, retry = _fixed_slot(w, now)
                current = self._fixed.get((scope, w.name, index), 0)
            elif w.kind == "sliding":
                events = self._sliding[(scope, w.name)]
                while events and events[0] <= now - w.seconds:
                    events.pop(0)
                current = len(events)
                retry = max(1, math.ceil(events[0] + w.seconds - now)) if events else w.seconds
            elif w.kind == "slots":
                held = self._slots.get((scope, w.name))
                current = 0 if held is None or now - held[1] > w.seconds else len(held[0])
                retry = 1
            else:
                current = self._gauge(scope, w.name, w.seconds, now)
                retry = 1
            if w.limit <= 0 or current + w.cost > w.limit or (w.cost == 0 and current >= w.limit):
                return Denied(w, retry)
        for w in windows:
            if w.kind == "fixed":
                self._count_fixed(scope, w, now, w.cost)
                level = self._fixed[(scope, w.name, _fixed_slot(w, now)[0])]
            elif w.kind == "sliding":
                self._sliding[(scope, w.name)].extend([now] * w.cost)
                level = len(self._sliding[(scope, w.name)])
            elif w.kind == "slots":
                holders = self._holders(scope, w.name, w.seconds, now)
                if w.cost > 0:
                    holders[member] = now
                level = len(holders)
            else:
                level = self._gauge(scope, w.name, w.seconds, now) + w.cost
                self._gauges[(scope, w.name)] = (level, now)
            if usage is not None:
                usage.append(level)
        return None

    async def release(
        self, scope: str, name: str, amount: int = 1, idle_seconds: int = 3600
    ) -> None:
        now = time.time()
        level = self._gauge(scope, name, idle_seconds, now)
        self._gauges[(scope, name)] = (max(0, level - amount), now)

    async def keep(self, scope: str, name: str, member: str, idle_seconds: int) -> None:
        holders = self._holders(scope, name, idle_seconds, time.time())
        if member in holders:
            holders[member] = math.inf

    async def drop(self, scope: str, name: str, member: str, idle_seconds: int) -> bool:
        return self._holders(scope, name, idle_seconds, time.time()).pop(member, None) is not None

    async def unkept(self, scope: str, name: str, taken_before: float) -> list[str]:
        holders = self._slots.get((scope, name), ({}, 0.0))[0]
        return [m for m, taken in holders.items() if taken <= taken_before]

    async def kept(self, scope: str, name: str) -> list[str]:
        holders = self._slots.get((scope, name), ({}, 0.0))[0]
        return [m for m, taken in holders.items() if taken == math.inf]

    async def set_slots(
        self, scope: str, name: str, members: dict[str, float | None], idle_seconds: int
    ) -> None:
        holders = {m: math.inf if t is None else t for m, t in members.items()}
        self._slots[(scope, name)] = (holders, time.time())

    async def add(self, scope: str, window: Window, amount: int, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._count_fixed(scope, window, now, amount)

    async def value(self, scope: str, window: Window, now: float | None = None) -> int:
        now = time.time() if now is None else now
        if window.kind == "fixed":
            return self._fixed.get((scope, window.name, _fixed_slot(window, now)[0]), 0)
        if window.kind == "sliding":
            return sum(
                1 for t in self._sliding.get((scope, window.name), []) if t > now - window.seconds
            )
        if window.kind == "slots":
            held = self._slots.get((scope, window.name))
            return 0 if held is None or now - held[1] > window.seconds else len(held[0])
        return self._gauge(scope, window.name, window.seconds, now)

    async def set_gauge(self, scope: str, name: str, level: int, idle_seconds: int = 3600) -> None:
        self._gauges[(scope, name)] = (max(0, level), time.time())

    async def exists(self, scope: str, name: str) -> bool:
        return (scope, name) in self._marks

    async def mark(self, scope: str, name: str) -> None:
        self._marks.add((scope, name))


# KEYS[i]: the key of window i, then optionally a marker that must exist. ARGV: now (seconds,
# float), a unique member, then per window: kind, limit, seconds, cost, fixed-window retry,
# refund. Refunds are given back first, whatever follows. Returns {0, level of each window
# after counting} when admitted, -1 (the marker is missing; nothing counted), or
# {index (1-based), retry_after} when denied.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local n = (#ARGV - 2) / 6
for i = 1, n do
  local base = 2 + (i - 1) * 6
  local refund = tonumber(ARGV[base + 6])
  if refund > 0 then
    local v = tonumber(redis.call('GET', KEYS[i]) or '0') - refund
    if v < 0 then v = 0 end
    redis.call('SET', KEYS[i], v, 'EX', tonumber(ARGV[base + 3]))
  end
end
if #KEYS > n and redis.call('EXISTS', KEYS[n + 1]) == 0 then
  return -1
end
for i = 1, n do
  local base = 2 + (i - 1) * 6
  local kind, limit = ARGV[base + 1], tonumber(ARGV[base + 2])
  local seconds, cost = tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
  local current, retry = 0, tonumber(ARGV[base + 5])
  if kind == 'fixed' then
    current = tonumber(redis.call('GET', KEYS[i]) or '0')
  elseif kind == 'slots' then
    current = redis.call('ZCARD', KEYS[i])
    retry = 1
  elseif kind == 'sliding' then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - seconds)
    current = redis.call('ZCARD', KEYS[i])
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    retry = seconds
    if oldest[2] then retry = math.max(1, math.ceil(tonumber(oldest[2]) + seconds - now)) end
  else
    current = tonumber(redis.call('GET', KEYS[i]) or '0')
    retry = 1
  end
  if limit <= 0 or current + cost > limit or (cost == 0 and current >= limit) then
    return {i, retry}
  end
end
for i = 1, n do
  local base = 2 + (i - 1) * 6
  local kind, seconds, cost = ARGV[base + 1], tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
  if cost > 0 then
    if kind == 'fixed' then
      redis.call('INCRBY', KEYS[i], cost)
      redis.call('EXPIRE', KEYS[i], seconds + 60)
    elseif kind == 'sliding' then
      for c = 1, cost do redis.call('ZADD', KEYS[i], now, member .. ':' .. c) end
      redis.call('EXPIRE', KEYS[i], seconds + 60)
    elseif kind == 'slots' then
      redis.call('ZADD', KEYS[i], now, member)
      redis.call('EXPIRE', KEYS[i], seconds)
    else
      redis.call('INCRBY', KEYS[i], cost)
      redis.call('EXPIRE', KEYS[i], seconds)
    end
  end
end
local levels = {0}
for i = 1, n do
  local kind = ARGV[2 + (i - 1) * 6 + 1]
  if kind == 'slots' or kind == 'sliding' then
    levels[i + 1] = redis.call('ZCARD', KEYS[i])
  else
    levels[i + 1] = tonumber(redis.call('GET', KEYS[i]) or '0')
  end
end
return levels
"""

_RELEASE = """
local v = tonumber(redis.call('GET', KEYS[1]) or '0') - tonumber(ARGV[1])
if v < 0 then v = 0 end
redis.call('SET', KEYS[1], v, 'EX', tonumber(ARGV[2]))
return v
"""


class RedisCounters:
    def __init__(self) -> None:
        client = redis_mod.client()
        assert client is not None
        self._redis = client
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    def _key(self, scope: str, w: Window, now: float) -> str:
        if w.kind == "fixed":
            return redis_mod.key(scope, "ctr", w.name, str(_fixed_slot(w, now)[0]))
        return redis_mod.key(scope, "ctr", w.name)

    async def acquire(
        self, scope: str, windows: list[Window], now: float | None = None, member: str = "",
        require: str | None = None, usage: list[int] | None = None,
    ) -> Denied | None:  # fmt: skip
        now = time.time() if now is None else now
        args: list[str | int | float] = [repr(now), member or uuid.uuid4().hex]
        for w in windows:
            retry = _fixed_slot(w, now)[1] if w.kind == "fixed" else 1
            args += [w.kind, w.limit, w.seconds, w.cost, retry, w.refund]
        keys = [self._key(scope, w, now) for w in windows]
        if require is not None:
            keys.append(redis_mod.key(scope, "mark", require))
        result = await self._acquire(keys=keys, args=args)
        if result == -1:
            raise MarkMissing(require)
        if int(result[0]) == 0:
            if usage is not None:
                usage.extend(int(level) for level in result[1:])
            return None
        index, retry = int(result[0]), int(result[1])
        return Denied(windows[index - 1], max(1, retry))

    async def release(
        self, scope: str, name: str, amount: int = 1, idle_seconds: int = 3600
    ) -> None:
        await self._release(keys=[redis_mod.key(scope, "ctr", name)], args=[amount, idle_seconds])

    async def keep(self, scope: str, name: str, member: str, idle_seconds: int) -> None:
        key = redis_mod.key(scope, "ctr", name)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {member: math.inf}, xx=True)
            pipe.expire(key, idle_seconds)
            await pipe.execute()

    async def drop(self, scope: str, name: str, member: str, idle_seconds: int) -> bool:
        key = redis_mod.key(scope, "ctr", name)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(key, member)
            pipe.expire(key, idle_seconds)
            removed, _ = await pipe.execute()
        return bool(removed)

    async def unkept(self, scope: str, name: str, taken_before: float) -> list[str]:
        key = redis_mod.key(scope, "ctr", name)
        members = await self._redis.zrangebyscore(key, "-inf", repr(taken_before))
        return [m.decode() if isinstance(m, bytes) else str(m) for m in members]

    async def kept(self, scope: str, name: str) -> list[str]:
        key = redis_mod.key(scope, "ctr", name)
        members = await self._redis.zrangebyscore(key, "+inf", "+inf")
        return [m.decode() if isinstance(m, bytes) else str(m) for m in members]

    async def set_slots(
        self, scope: str, name: str, members: dict[str, float | None], idle_seconds: int
    ) -> None:
        key = redis_mod.key(scope, "ctr", name)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if members:
                pipe.zadd(key, {m: math.inf if t is None else t for m, t in members.items()})
                pipe.expire(key, idle_seconds)
            await pipe.execute()

    async def add(self, scope: str, window: Window, amount: int, now: float | None = None) -> None:
        now = time.time() if now is None else now
        key = self._key(scope, window, now)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(key, amount)
            pipe.expire(key, window.seconds + 60)
            await pipe.execute()

    async def value(self, scope: str, window: Window, now: float | None = None) -> int:
        now = time.time() if now is None else now
        key = self._key(scope, window, now)
        if window.kind == "sliding":
            return int(await self._redis.zcount(key, now - window.seconds, "+inf"))
        if window.kind == "slots":
            return int(await self._redis.zcard(key))
        return int(await self._redis.get(key) or 0)

    async def set_gauge(self, scope: str, name: str, level: int, idle_seconds: int = 3600) -> None:
        await self._redis.set(redis_mod.key(scope, "ctr", name), max(0, level), ex=idle_seconds)

    async def exists(self, scope: str, name: str) -> bool:
        return bool(await self._redis.exists(redis_mod.key(scope, "mark", name)))

    async def mark(self, scope: str, name: str) -> None:
        await self._redis.set(redis_mod.key(scope, "mark", name), 1)


_counters: Counters | None = None


def counters() -> Counters:
    """The process's backend: Redis when configured, in-process otherwise."""
    global _counters
    if _counters is None:
        _counters = RedisCounters() if redis_mod.client() is not None else LocalCounters()
    return _counters


def reset() -> None:
    global _counters
    _counters = None
