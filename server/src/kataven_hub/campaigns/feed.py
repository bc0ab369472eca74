"""One campaign's live events in this process, shared by all of its SSE streams.

A process holds one bus subscription per campaign it streams, however many clients watch it:
each message is decoded and framed once, then handed to every stream's bounded buffer. A stream
whose buffer is full loses its oldest frames; it sees the jump in numbers and re-reads the
event log (campaigns.events), so a slow client costs the others nothing and misses nothing.
The progress snapshot is shared the same way: one read serves every stream that asks within
half a snapshot period. The feed closes its subscription when its last stream leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson

from kataven_hub.core import events as bus_mod
from kataven_hub.core import sse

log = logging.getLogger("kataven_hub.campaigns.stream")

_BUFFER = 1000  # frames a stream may fall behind before it re-reads the log
_TICK = 0.05  # seconds: how late a stream may wake after its wait for a frame timed out
Item = tuple[int, str, dict[str, Any], bytes]  # seq, event name, data, the SSE frame


class Listener:
    """One stream's view of the feed: `get` returns every frame since the last call, or None
    after about `timeout` without one (or once the bus is gone: `failed`, read the log)."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.items: deque[Item] = deque(maxlen=_BUFFER)
        self.waiter: asyncio.Future[None] | None = None
        self.deadline = 0.0
        self.failed = False

    @property
    def seen(self) -> int:
        """The highest event number the bus brought to this process."""
        return self.feed.seen

    def put(self, item: Item) -> None:
        self.items.append(item)
        self.wake()

    def fail(self) -> None:
        self.failed = True
        self.wake()

    def wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def get(self, timeout: float) -> list[Item] | None:  # noqa: ASYNC109 (a poll)
        if not self.items and not self.failed and timeout > 0:
            # No timer of its own: the feed's tick wakes it once the deadline has passed.
            loop = asyncio.get_running_loop()
            self.deadline = loop.time() + timeout
            self.waiter = loop.create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        if self.items:
            items = list(self.items)
            self.items.clear()
            return items
        return None

    async def snapshot(
        self, read: Callable[[], Awaitable[dict[str, Any] | None]], max_age: float
    ) -> tuple[dict[str, Any] | None, bytes]:
        return await self.feed.snapshot(read, max_age)


class Feed:
    def __init__(self, key: tuple[Any, ...], channel: str) -> None:
        self.key = key
        self.listeners: set[Listener] = set()
        self.seen = 0
        self.closed = False
        self.ready: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(self._run(channel))
        self.ticker = asyncio.create_task(self._tick())
        self._snapshot: tuple[float, dict[str, Any] | None, bytes] | None = None
        self._reading: asyncio.Task[tuple[float, dict[str, Any] | None, bytes]] | None = None

    async def _run(self, channel: str) -> None:
        try:
            async with bus_mod.bus().subscribe(channel) as sub:
                self.ready.set_result(True)
                # `closed` as well as the cancel: a cancel that meets a message being returned
                # (asyncio.wait_for in the in-process bus) can be lost.
                while not self.closed:
                    message = await sub.get(timeout=1.0)
                    if message is None:
                        continue
                    item = orjson.loads(message[1])
                    seq, name, data = int(item["seq"]), item["event"], item["data"]
                    self.seen = max(self.seen, seq)
                    frame = (seq, name, data, sse.event(data, name=name, id=seq))
                    for listener in self.listeners:
                        listener.put(frame)
        except Exception:
            if self.ready.done():
                log.warning("campaign event bus lost; streaming from the event log")
            else:
                log.warning("campaign event bus unavailable; streaming from the event log")
                self.ready.set_result(False)
            if _feeds.get(self.key) is self:
                del _feeds[self.key]
            for listener in self.listeners:
                listener.fail()

    async def _tick(self) -> None:
        """Wake the listeners whose wait is over: one timer for the feed instead of one per
        stream and wait (streams wait for at least `_TICK`)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(_TICK)
            now = loop.time()
            for listener in self.listeners:
                if listener.waiter is not None and listener.deadline <= now:
                    listener.wake()

    def close(self) -> None:
        self.closed = True
        self.task.cancel()
        self.ticker.cancel()

    async def snapshot(
        self, read: Callable[[], Awaitable[dict[str, Any] | None]], max_age: float
    ) -> tuple[dict[str, Any] | None, bytes]:
        if self._snapshot is None or time.monotonic() - self._snapshot[0] > max_age:
            if self._reading is None:
                self._reading = asyncio.create_task(self._read(read))
                self._reading.add_done_callback(self._done_reading)
            self._snapshot = await asyncio.shield(self._reading)
        return self._snapshot[1], self._snapshot[2]

    def _done_reading(self, task: asyncio.Task[Any]) -> None:
        self._reading = None

    @staticmethod
    async def _read(
        read: Callable[[], Awaitable[dict[str, Any] | None]],
    ) -> tuple[float, dict[str, Any] | None, bytes]:
        started = time.monotonic()
        snapshot = await read()
        return started, snapshot, b"" if snapshot is None else sse.event(snapshot)


_feeds: dict[tuple[Any, ...], Feed] = {}


@contextlib.asynccontextmanager
async def listen(account: str, campaign_id: str, channel: str) -> AsyncIterator[Listener]:
    """This stream's listener on the campaign's feed, subscribed when this returns (a message
    published from then on reaches it)."""
    key = (asyncio.get_running_loop(), account, campaign_id)
    feed = _feeds.get(key)
    if feed is None:
        feed = _feeds[key] = Feed(key, channel)
    listener = Listener(feed)
    feed.listeners.add(listener)
    try:
        if not await asyncio.shield(feed.ready):
            listener.fail()
        yield listener
    finally:
        feed.listeners.discard(listener)
        if not feed.listeners:
            if _feeds.get(key) is feed:
                del _feeds[key]
            feed.close()
