"""Publish/subscribe: in-process queues on the embedded default, Redis pub/sub otherwise.

Messages are bytes. Subscribers get every message published after they subscribed; a slow
subscriber never blocks a publisher (its queue drops the oldest message when full, and the
subscriber is expected to re-read durable state, e.g. an event log, to fill the gap).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Protocol

from redis.asyncio.client import PubSub

from kataven_hub.core import redis as redis_mod

_QUEUE_SIZE = 1000


class Bus(Protocol):
    async def publish(self, channel: str, message: bytes) -> None: ...

    def subscribe(self, *channels: str) -> contextlib.AbstractAsyncContextManager[Subscription]: ...


class Subscription(Protocol):
    async def get(self, timeout: float) -> tuple[str, bytes] | None:  # noqa: ASYNC109 (a poll)
        """The next message, or None after `timeout` seconds without one."""
        ...


class _LocalSubscription:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(_QUEUE_SIZE)
        self.dropped = 0

    def put(self, item: tuple[str, bytes]) -> None:
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(item)

    async def get(self, timeout: float) -> tuple[str, bytes] | None:  # noqa: ASYNC109 (a poll)
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class LocalBus:
    def __init__(self) -> None:
        self._subs: dict[str, set[_LocalSubscription]] = defaultdict(set)

    async def publish(self, channel: str, message: bytes) -> None:
        for sub in list(self._subs.get(channel, ())):
            sub.put((channel, message))

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[_LocalSubscription]:
        sub = _LocalSubscription()
        for ch in channels:
            self._subs[ch].add(sub)
        try:
            yield sub
        finally:
            for ch in channels:
                self._subs[ch].discard(sub)
                if not self._subs[ch]:
                    del self._subs[ch]


class _RedisSubscription:
    def __init__(self, pubsub: PubSub, prefix: str) -> None:
        self.pubsub = pubsub
        self.prefix = prefix

    async def get(self, timeout: float) -> tuple[str, bytes] | None:  # noqa: ASYNC109 (a poll)
        msg = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
        if msg is None:
            return None
        channel = msg["channel"]
        channel = channel.decode() if isinstance(channel, bytes) else channel
        return (channel[len(self.prefix) :], msg["data"])


class RedisBus:
    async def publish(self, channel: str, message: bytes) -> None:
        client = redis_mod.client()
        assert client is not None
        await client.publish(redis_mod.key("bus", channel), message)

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[_RedisSubscription]:
        client = redis_mod.client()
        assert client is not None
        pubsub = client.pubsub()
        prefix = redis_mod.key("bus", "")
        try:
            await pubsub.subscribe(*[prefix + ch for ch in channels])
            yield _RedisSubscription(pubsub, prefix)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()


_bus: Bus | None = None


def bus() -> Bus:
    global _bus
    if _bus is None:
        _bus = RedisBus() if redis_mod.client() is not None else LocalBus()
    return _bus


def spans_processes() -> bool:
    """True when a message reaches every process of the installation (Redis). The in-process
    bus of the embedded default reaches only this one: the operator command, another process,
    cannot tell a running API about a change through it."""
    return redis_mod.client() is not None


def reset() -> None:
    global _bus
    _bus = None
