"""`GET /campaigns/{id}/events`: the live SSE stream of one campaign (DECISIONS).

- `event: contact` per contact transition (`skipped` with reason `do_not_call` for a number
  listed after the campaign started) and `event: status` per campaign state change, each
  with `id:` (its number in the campaign's event log); `event: updated` when the campaign is
  changed (PATCH: `changes`) or contacts are added (`contacts_added`, `contacts_total`);
- an unnamed snapshot (counts by status, in flight, progress; with a calling window also
  `waiting_for_window`, the pending contacts whose window is closed, and `next_window_at`, when
  the first of them opens) every 2 s while running;
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
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.campaigns import feed, windows
from kataven_hub.campaigns.events import channel, iso
from kataven_hub.campaigns.models import CAMPAIGN_TERMINAL, RUNNING
from kataven_hub.campaigns.repository import CampaignRepository
from kataven_hub.campaigns.schemas import progress_of
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
_POLL: list[feed.Item] = []  # "read the log": the bus is unavailable


async def _next(live: feed.Listener, timeout: float) -> list[feed.Item] | None:  # noqa: ASYNC109
    """The frames published since the last call (None after `timeout` without one), or `_POLL`
    every second once the bus is gone."""
    if not live.failed:
        items = await live.get(timeout)
        if items is not None or not live.failed:
            return items
        return _POLL  # lost while waiting: read the log at once
    items = await live.get(0)
    if items is not None:
        return items
    await asyncio.sleep(min(timeout, _POLL_SECONDS))
    return _POLL


async def stream(
    engine: AsyncEngine, account: str, campaign_id: str, after: int
) -> AsyncIterator[bytes]:
    s = get_settings()
    state = _State(after)
    async with feed.listen(account, campaign_id, channel(account, campaign_id)) as live:
        async for chunk in _catch_up(engine, campaign_id, state):
            yield chunk
        if state.ended:
            return
        started = now = time.monotonic()
        next_snapshot, next_heartbeat = now, now + s.CAMPAIGN_SSE_HEARTBEAT_SECONDS
        while True:
            now = time.monotonic()
            if state.status == RUNNING and now >= next_snapshot:
                snapshot, frame = await live.snapshot(
                    lambda: _snapshot(engine, campaign_id), s.CAMPAIGN_SSE_SNAPSHOT_SECONDS / 2
                )
                # Numbers the bus has not brought: a message lost on the way (read the log).
                # Those it has brought are in this stream's buffer, or their loss shows as a
                # jump in numbers there.
                if snapshot is None or snapshot["event_seq"] > max(state.last, live.seen):
                    async for chunk in _catch_up(engine, campaign_id, state):
                        yield chunk
                    if state.ended:
                        return
                if snapshot is not None and state.status == RUNNING:
                    yield frame
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
            items = await _next(live, max(0.05, min(wait, 1.0)))
            if items is None:
                continue
            out, gap = [], items is _POLL
            for seq, name, data, frame in items:
                if seq <= state.last:
                    continue  # already sent (the replay/live seam)
                if seq != state.last + 1:
                    gap = True  # the log has what the bus or the buffer dropped
                    break
                _advance(state, seq, name, data)
                out.append(frame)
                if state.ended:
                    out.append(sse.event({"status": state.status}, name="end"))
                    break
            if out:
                yield b"".join(out)  # a stream that fell behind catches up in one write
            if gap and not state.ended:
                async for chunk in _catch_up(engine, campaign_id, state):
                    yield chunk
            if state.ended:
                return


def _advance(state: _State, seq: int, name: str, data: dict[str, Any]) -> None:
    state.last = seq
    if name == "status":
        state.status = data.get("status")
        state.ended = state.status in CAMPAIGN_TERMINAL


def _frame(state: _State, seq: int, name: str, data: dict[str, Any]) -> bytes:
    _advance(state, seq, name, data)
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


async def _snapshot(engine: AsyncEngine, campaign_id: str) -> dict[str, Any] | None:
    async with new_session(engine) as session:
        repo = CampaignRepository(TenantSession(session))
        campaign = await repo.get(campaign_id)
        if campaign is None:
            return None
        counts = await repo.counts(campaign_id)
        waiting = await _waiting(repo, campaign) if campaign.calling_window else None
    extra = (
        {} if waiting is None else {"waiting_for_window": waiting[0], "next_window_at": waiting[1]}
    )
    return {
        **extra,
        "campaign_id": campaign_id,
        "status": campaign.status,
        **progress_of(counts),
        "event_seq": campaign.event_seq,
        "at": iso(utcnow()),
    }


async def _waiting(repo: CampaignRepository, campaign: Any) -> tuple[int, str | None]:
    now = utcnow()
    count, first = 0, None
    for zone, n in await repo.pending_by_zone(campaign.id):
        opening = windows.next_opening(campaign, zone, now)
        if opening > now:
            count += n
            first = opening if first is None else min(first, opening)
    return count, iso(first)
