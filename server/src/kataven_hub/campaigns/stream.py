"""`GET /campaigns/{id}/events`: the live SSE stream of one campaign (DECISIONS).

- `event: contact` per contact transition and `event: status` per campaign state change, each
  with `id:` (its number in the campaign's event log);
- an unnamed snapshot (counts by status, in flight, progress) every 2 s while running;
- `: heartbeat` every 15 s; `event: end` once the campaign is completed or failed, then close;
- after `CAMPAIGN_SSE_MAX_SECONDS`, `event: reconnect` and close (the client resumes).

Replay: subscribe first, then read the log after `Last-Event-ID`, then go live; live messages
at or below the last number sent are skipped, and a jump in numbers re-reads the log, so a
reconnecting client gets every later event exactly once. No database session is held while
streaming: each read opens a short session of its own.

Without the bus (Redis unreachable when the stream starts, or lost while it runs) the stream
goes on from the event log alone, read every second: the same events, a little later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.campaigns.events import channel, iso
from kataven_hub.campaigns.models import CAMPAIGN_TERMINAL, RUNNING
from kataven_hub.campaigns.repository import CampaignRepository
from kataven_hub.campaigns.schemas import progress_of
from kataven_hub.core import events as bus_mod
from kataven_hub.core import sse
from kataven_hub.core.db import TenantSession, new_session, utcnow
from kataven_hub.core.settings import get_settings

_PAGE = 500
log = logging.getLogger("kataven_hub.campaigns.stream")


class _State:
    def __init__(self, last: int) -> None:
        self.last = last
        self.status: str | None = None
        self.ended = False


_POLL_SECONDS = 1.0
_POLL: tuple[str, bytes] = ("", b"")  # "read the log": the bus is unavailable


class _Live:
    """The campaign's bus subscription, or polling of the event log once the bus fails."""

    def __init__(self, sub: bus_mod.Subscription | None) -> None:
        self.sub = sub

    async def get(self, timeout: float) -> tuple[str, bytes] | None:  # noqa: ASYNC109 (a poll)
        if self.sub is not None:
            try:
                return await self.sub.get(timeout=timeout)
            except Exception:
                log.warning("campaign event bus lost; streaming from the event log")
                self.sub = None
        await asyncio.sleep(min(timeout, _POLL_SECONDS))
        return _POLL


@contextlib.asynccontextmanager
async def _live(account: str, campaign_id: str) -> AsyncIterator[_Live]:
    async with contextlib.AsyncExitStack() as stack:
        sub: bus_mod.Subscription | None
        try:
            sub = await stack.enter_async_context(
                bus_mod.bus().subscribe(channel(account, campaign_id))
            )
        except Exception:
            log.warning("campaign event bus unavailable; streaming from the event log")
            sub = None
        yield _Live(sub)


async def stream(
    engine: AsyncEngine, account: str, campaign_id: str, after: int
) -> AsyncIterator[bytes]:
    s = get_settings()
    state = _State(after)
    async with _live(account, campaign_id) as sub:
        async for chunk in _catch_up(engine, campaign_id, state):
            yield chunk
        if state.ended:
            return
        started = now = time.monotonic()
        next_snapshot, next_heartbeat = now, now + s.CAMPAIGN_SSE_HEARTBEAT_SECONDS
        while True:
            now = time.monotonic()
            if state.status == RUNNING and now >= next_snapshot:
                snapshot = await _snapshot(engine, campaign_id, state)
                if snapshot is None or snapshot["event_seq"] > state.last:
                    async for chunk in _catch_up(engine, campaign_id, state):
                        yield chunk
                    if state.ended:
                        return
                if snapshot is not None and state.status == RUNNING:
                    yield sse.event(snapshot)
                next_snapshot = now + s.CAMPAIGN_SSE_SNAPSHOT_SECONDS
            if now >= next_heartbeat:
                yield sse.comment("heartbeat")
                next_heartbeat = now + s.CAMPAIGN_SSE_HEARTBEAT_SECONDS
            if now - started >= s.CAMPAIGN_SSE_MAX_SECONDS:
                yield sse.event({"last_event_id": state.last}, name="reconnect")
                return
            wait = min(next_heartbeat, started + s.CAMPAIGN_SSE_MAX_SECONDS) - now
            if state.status == RUNNING:
                wait = min(wait, next_snapshot - now)
            message = await sub.get(timeout=max(0.05, min(wait, 1.0)))
            if message is None:
                continue
            if message is _POLL:
                async for chunk in _catch_up(engine, campaign_id, state):
                    yield chunk
                if state.ended:
                    return
                continue
            item = orjson.loads(message[1])
            seq = int(item["seq"])
            if seq <= state.last:
                continue  # already sent (the replay/live seam)
            if seq == state.last + 1:
                yield _frame(state, seq, item["event"], item["data"])
                if state.ended:
                    yield sse.event({"status": state.status}, name="end")
            else:  # a gap: the log has what the bus dropped
                async for chunk in _catch_up(engine, campaign_id, state):
                    yield chunk
            if state.ended:
                return


def _frame(state: _State, seq: int, name: str, data: dict[str, Any]) -> bytes:
    state.last = seq
    if name == "status":
        state.status = data.get("status")
        state.ended = state.status in CAMPAIGN_TERMINAL
    return sse.event(data, name=name, id=seq)


async def _catch_up(engine: AsyncEngine, campaign_id: str, state: _State) -> AsyncIterator[bytes]:
    """Every logged event after the last one sent, then the campaign's status (ending the
    stream for a campaign that is completed, failed or deleted)."""
    while True:
        async with new_session(engine) as session:
            repo = CampaignRepository(TenantSession(session))
            # The campaign first: a terminal status read here has its event in `rows`.
            campaign = await repo.get(campaign_id)
            rows = await repo.events_after(campaign_id, state.last, _PAGE)
        for row in rows:
            yield _frame(state, row.seq, row.event, row.data)
        if len(rows) == _PAGE:
            continue
        # Everything logged so far is sent: a completed/failed (or deleted) campaign ends here.
        state.status = campaign.status if campaign is not None else "deleted"
        state.ended = campaign is None or campaign.status in CAMPAIGN_TERMINAL
        if state.ended:
            yield sse.event({"status": state.status}, name="end")
        return


async def _snapshot(engine: AsyncEngine, campaign_id: str, state: _State) -> dict[str, Any] | None:
    async with new_session(engine) as session:
        repo = CampaignRepository(TenantSession(session))
        campaign = await repo.get(campaign_id)
        if campaign is None:
            return None
        counts = await repo.counts(campaign_id)
    return {
        "campaign_id": campaign_id,
        "status": campaign.status,
        **progress_of(counts),
        "event_seq": campaign.event_seq,
        "at": iso(utcnow()),
    }
