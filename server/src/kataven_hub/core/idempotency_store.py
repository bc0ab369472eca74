"""Where Idempotency-Key records live: in-process on the embedded default, Redis otherwise.

A record is first an in-flight marker (taken with SET NX, expiring after the lock time so a
crashed process frees the key), then the stored response (expiring after the retention time).
Redis purges expired records by TTL; the in-process store sweeps them once a minute.

Why not a table: a record is written twice per keyed write and read on every retry, must expire
on its own, and is worth nothing after 24 h; Redis (or a dict in the single embedded process)
does all three in one round trip with no migration, vacuum or purge job per tenant database.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

import orjson

from kataven_hub.core import redis as redis_mod


@dataclass(frozen=True, slots=True)
class Held:
    """The key is ours now: run the request, then `save` or `release` with this marker."""

    marker: bytes


@dataclass(frozen=True, slots=True)
class InFlight:
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Stored:
    fingerprint: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


Outcome = Held | InFlight | Stored


def _in_flight(fingerprint: str, token: str) -> bytes:
    return orjson.dumps({"state": "in_flight", "fp": fingerprint, "token": token})


def encode(record: Stored) -> bytes:
    return orjson.dumps(
        {
            "state": "done",
            "fp": record.fingerprint,
            "status": record.status,
            "headers": record.headers,
            "body": record.body.decode("latin-1"),
        }
    )


def decode(raw: bytes) -> InFlight | Stored:
    data = orjson.loads(raw)
    if data["state"] == "in_flight":
        return InFlight(data["fp"])
    headers = [(str(k), str(v)) for k, v in data["headers"]]
    return Stored(data["fp"], int(data["status"]), headers, data["body"].encode("latin-1"))


class Store(Protocol):
    async def begin(self, scope: str, key: str, fingerprint: str, lock_seconds: int) -> Outcome: ...

    async def save(self, scope: str, key: str, held: Held, record: Stored, ttl: int) -> None: ...

    async def release(self, scope: str, key: str, held: Held) -> None: ...


class LocalStore:
    _SWEEP_SECONDS = 60.0

    def __init__(self, max_records: int = 100_000) -> None:
        self._items: OrderedDict[tuple[str, str], tuple[bytes, float]] = OrderedDict()
        self._max = max_records
        self._next_sweep = 0.0

    def _get(self, k: tuple[str, str], now: float) -> bytes | None:
        item = self._items.get(k)
        if item is None or item[1] <= now:
            return None
        return item[0]

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self._SWEEP_SECONDS
        for k in [k for k, (_, expires) in self._items.items() if expires <= now]:
            del self._items[k]

    async def begin(self, scope: str, key: str, fingerprint: str, lock_seconds: int) -> Outcome:
        now = time.monotonic()
        self._sweep(now)
        raw = self._get((scope, key), now)
        if raw is not None:
            return decode(raw)
        marker = _in_flight(fingerprint, uuid.uuid4().hex)
        self._items[(scope, key)] = (marker, now + lock_seconds)
        while len(self._items) > self._max:
            self._items.popitem(last=False)
        return Held(marker)

    def _owns(self, k: tuple[str, str], held: Held) -> bool:
        return self._get(k, time.monotonic()) == held.marker

    async def save(self, scope: str, key: str, held: Held, record: Stored, ttl: int) -> None:
        if self._owns((scope, key), held):
            self._items[(scope, key)] = (encode(record), time.monotonic() + ttl)
            self._items.move_to_end((scope, key))

    async def release(self, scope: str, key: str, held: Held) -> None:
        if self._owns((scope, key), held):
            del self._items[(scope, key)]


# Replace (or delete) a record only while it is still our in-flight marker: if our lock expired
# and another request took the key, we must not overwrite its record.
_SAVE = """
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  if ARGV[2] == '' then
    redis.call('DEL', KEYS[1])
  else
    redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  end
  return 1
end
return 0
"""


class RedisStore:
    def __init__(self) -> None:
        client = redis_mod.client()
        assert client is not None
        self._redis = client
        self._save = client.register_script(_SAVE)

    @staticmethod
    def _key(scope: str, key: str) -> str:
        return redis_mod.key(scope, "idem", key)

    async def begin(self, scope: str, key: str, fingerprint: str, lock_seconds: int) -> Outcome:
        name = self._key(scope, key)
        for _ in range(3):
            marker = _in_flight(fingerprint, uuid.uuid4().hex)
            if await self._redis.set(name, marker, nx=True, ex=lock_seconds):
                return Held(marker)
            raw = await self._redis.get(name)
            if raw is not None:
                return decode(raw if isinstance(raw, bytes) else raw.encode())
        return InFlight(fingerprint)  # taken and freed twice in a row: someone is busy with it

    async def save(self, scope: str, key: str, held: Held, record: Stored, ttl: int) -> None:
        await self._save(keys=[self._key(scope, key)], args=[held.marker, encode(record), ttl])

    async def release(self, scope: str, key: str, held: Held) -> None:
        await self._save(keys=[self._key(scope, key)], args=[held.marker, "", 0])


_store: Store | None = None


def store() -> Store:
    global _store
    if _store is None:
        _store = RedisStore() if redis_mod.client() is not None else LocalStore()
    return _store


def reset() -> None:
    global _store
    _store = None
