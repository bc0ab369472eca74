"""Emitting events: the transactional outbox.

`emit` writes the event and one delivery row per subscribed endpoint into the session of the
change it reports, so both commit together: a rolled-back change sends nothing, a committed one
is delivered (at least once) by a worker, even if this process dies right after the commit.
Committing wakes the workers through the bus; they also poll, so a lost wake-up only delays.
"""

from __future__ import annotations

import logging
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


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def matches(subscribed: list[str], event_type: str) -> bool:
    return "*" in subscribed or event_type in subscribed


async def emit(
    session: TenantSession,
    account: str,
    event_type: str,
    data: dict[str, Any],
    *,
    endpoint_id: str | None = None,
) -> str | None:
    """Queue `event_type` for every enabled endpoint subscribed to it (or only `endpoint_id`,
    whatever its filters: the test ping) in `session`'s transaction. Returns the event id, or
    None when no endpoint wants it (nothing is written)."""
    ids = await emit_many(session, account, [(event_type, data)], endpoint_id=endpoint_id)
    return ids[0] if ids else None


async def emit_many(
    session: TenantSession,
    account: str,
    items: list[tuple[str, dict[str, Any]]],
    *,
    endpoint_id: str | None = None,
) -> list[str]:
    """`emit` for several events of one transaction (one look at the endpoints, one insert
    per table). Returns the ids of the events written."""
    if not items:
        return []
    repo = WebhookRepository(session)
    filters = [(endpoint_id, ["*"])] if endpoint_id else await repo.enabled_filters()
    if not filters:
        return []
    now = utcnow()
    created = iso(now)
    events: list[tuple[str, str, dict[str, Any], list[str]]] = []
    for event_type, data in items:
        targets = [e for e, subscribed in filters if e and matches(subscribed, event_type)]
        if targets:
            event_id = new_id("evt")
            payload = {
                "id": event_id, "type": event_type, "created_at": created, "account": account,
                "data": data,
            }  # fmt: skip
            events.append((event_id, event_type, payload, targets))
    if not events:
        return []
    await repo.add_events(events, now)
    if not session.info.get(_WAKE_PENDING):
        session.info[_WAKE_PENDING] = True

        async def wake_once() -> None:
            session.info.pop(_WAKE_PENDING, None)
            await wake(account)

        after_commit(session, wake_once)
    return [e[0] for e in events]


async def wake(account: str) -> None:
    """Tell the delivery workers there is work (after the commit that queued it)."""
    try:
        await bus_mod.bus().publish(WAKE_CHANNEL, account.encode())
    except Exception:  # the workers poll as well
        log.warning("could not wake the webhook workers", exc_info=True)
