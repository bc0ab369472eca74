"""Emitting events: the transactional outbox.

`emit` writes one delivery row per subscribed endpoint (carrying the event's body) into the
session of the change it reports, in one INSERT … SELECT over the endpoints, so the event and
the change commit together: a rolled-back change sends nothing, a committed one
is delivered (at least once) by a worker, even if this process dies right after the commit.
Committing wakes the workers through the bus; they also poll, so a lost wake-up only delays.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kataven_hub.core import events as bus_mod
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.ids import new_id
from kataven_hub.core.sessions import after_commit
from kataven_hub.webhooks.repository import WebhookRepository

log = logging.getLogger("kataven_hub.webhooks")

CALL_EVENTS = (
    "call.queued",
    "call.ringing",
    "call.in_progress",
    "call.completed",
    "call.failed",
    "call.recording_ready",
)
CAMPAIGN_EVENTS = (
    "campaign.started",
    "campaign.paused",
    "campaign.resumed",
    "campaign.completed",
    "campaign.failed",
    "campaign.contact_finished",
)
EVENT_TYPES = (*CALL_EVENTS, *CAMPAIGN_EVENTS)
PING = "ping"
WAKE_CHANNEL = "webhooks:wake"
_WAKE_PENDING = "webhooks_wake_pending"
_waking: set[asyncio.Task[None]] = set()


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def event_filter(events: Sequence[str]) -> str:
    """The stored form of an endpoint's event list that `queue` matches with LIKE."""
    return ",*," if "*" in events else "," + ",".join(events) + ","


async def emit(
    session: TenantSession,
    account: str,
    event_type: str,
    data: dict[str, Any],
    *,
    endpoint_id: str | None = None,
) -> str | None:
    """Queue `event_type` for every enabled endpoint subscribed to it (or only `endpoint_id`,
    whatever its filters: the test ping) in `session`'s transaction. Returns the event id
    (None: the ping's endpoint is gone)."""
    event = _event(account, event_type, data)
    repo = WebhookRepository(session)
    if endpoint_id is not None:
        if not await repo.queue_for(endpoint_id, event, utcnow()):
            return None
    else:
        await repo.queue(event, utcnow())
    _wake_after_commit(session, account)
    return str(event["id"])


async def emit_many(
    session: TenantSession, account: str, items: list[tuple[str, dict[str, Any]]]
) -> list[str]:
    """`emit` for several events of one transaction (one look at the endpoints, one batched
    insert). Returns the events' ids."""
    if not items:
        return []
    events = [_event(account, event_type, data) for event_type, data in items]
    if await WebhookRepository(session).queue_many(events, utcnow()):
        _wake_after_commit(session, account)
    return [str(e["id"]) for e in events]


def _event(account: str, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    event_id = new_id("evt")
    payload = {
        "id": event_id, "type": event_type, "created_at": iso(utcnow()), "account": account,
        "data": data,
    }  # fmt: skip
    return {"id": event_id, "type": event_type, "payload": payload}


def _wake_after_commit(session: TenantSession, account: str) -> None:
    if session.info.get(_WAKE_PENDING):
        return
    session.info[_WAKE_PENDING] = True

    async def wake_once() -> None:
        # Sent in the background: the request that made the change does not wait for it.
        session.info.pop(_WAKE_PENDING, None)
        task = asyncio.create_task(wake(account))
        _waking.add(task)
        task.add_done_callback(_waking.discard)

    after_commit(session, wake_once)


async def wake(account: str) -> None:
    """Tell the delivery workers there is work (after the commit that queued it)."""
    try:
        await bus_mod.bus().publish(WAKE_CHANNEL, account.encode())
    except Exception:  # the workers poll as well
        log.warning("could not wake the webhook workers", exc_info=True)
