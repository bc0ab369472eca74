"""The campaign event log and its live stream.

Every contact and campaign transition is appended to `campaign_events` in the transaction that
makes it, numbered per campaign under the campaign row's lock (so numbers commit in order), and
published on the bus after the commit. The log is the source of truth: the bus only says "there
is more". A subscriber that sees a number it did not expect (a message dropped by a full queue,
messages of two processes crossing) re-reads the log from the last number it sent, so a slow or
stuck client costs the publishers nothing and misses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from kataven_hub.campaigns.models import CONTACT_DONE
from kataven_hub.campaigns.repository import CampaignRepository
from kataven_hub.core import events as bus_mod
from kataven_hub.core.db import TenantSession
from kataven_hub.core.sessions import after_commit
from kataven_hub.webhooks import outbox as webhooks_outbox

log = logging.getLogger("kataven_hub.campaigns.events")

WAKE_CHANNEL = "dispatcher:wake"
# Set on a session whose transaction already claimed every free line of the campaign for the
# dispatcher that serves it (dialer.call_ended): its events need not wake the dispatchers.
SERVED = "campaign_served"
_HELD = "campaign_events_held"
_PUBLISH_EACH_UP_TO = 50  # a bigger batch publishes only its last number (readers fill in)


def channel(account: str, campaign_id: str) -> str:
    return f"campaigns:{account}:{campaign_id}"


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def contact_event(
    row: Any, status: str, previous: str, now: datetime, **extra: Any
) -> dict[str, Any]:
    """The `contact` event of one transition (`row` has id, phone_number, attempts)."""
    data = {
        "contact_id": row.id,
        "phone_number": row.phone_number,
        "status": status,
        "previous": previous,
        "attempts": row.attempts,
        "at": iso(now),
    }
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def status_event(
    status: str, previous: str, now: datetime, reason: str | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "previous": previous, "at": iso(now)}
    if reason:
        data["reason"] = reason
    return data


async def record(
    session: TenantSession,
    account: str,
    campaign_id: str,
    items: Iterable[tuple[str, dict[str, Any]]],
    now: datetime,
) -> None:
    """Append events (kind, data) to the log; they are published once the session commits.
    Inside `hold(session)` they are only gathered, and written together by `write_held`."""
    items = list(items)
    if not items:
        return
    held = session.info.get(_HELD)
    if held is not None:
        held.setdefault((account, campaign_id), []).extend(items)
        return
    await _write(session, account, campaign_id, items, now)


def hold(session: TenantSession) -> None:
    """Gather this transaction's events until `write_held` (one numbering update and one insert
    per campaign instead of one each per `record`); the caller holds the campaigns' locks."""
    session.info[_HELD] = {}


async def write_held(session: TenantSession, now: datetime) -> None:
    held: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = session.info.pop(_HELD, {})
    for (account, campaign_id), items in held.items():
        await _write(session, account, campaign_id, items, now)


async def _write(
    session: TenantSession,
    account: str,
    campaign_id: str,
    items: list[tuple[str, dict[str, Any]]],
    now: datetime,
) -> None:
    repo = CampaignRepository(session)
    last = await repo.next_event_seqs(campaign_id, len(items))
    first = last - len(items) + 1
    rows = [
        {
            "campaign_id": campaign_id,
            "seq": first + i,
            "event": kind,
            "data": data,
            "created_at": now,
        }
        for i, (kind, data) in enumerate(items)
    ]
    await repo.add_events(rows)
    await webhooks_outbox.emit_many(session, account, webhook_events(campaign_id, items))
    publish = rows if len(rows) <= _PUBLISH_EACH_UP_TO else rows[-1:]
    messages = [
        orjson.dumps({"seq": r["seq"], "event": r["event"], "data": r["data"]}) for r in publish
    ]
    wake = any(kind == "status" for kind, _ in items) or any(
        d.get("status") not in ("originated", "connected") for k, d in items if k == "contact"
    )

    async def send() -> None:
        bus = bus_mod.bus()
        try:
            for message in messages:
                await bus.publish(channel(account, campaign_id), message)
            if wake and not session.info.get(SERVED):
                await bus.publish(WAKE_CHANNEL, f"{account}:{campaign_id}".encode())
        except Exception:  # the log has them; readers catch up from it
            log.warning("could not publish campaign events", exc_info=True)

    after_commit(session, send)


def webhook_events(
    campaign_id: str, items: list[tuple[str, dict[str, Any]]]
) -> list[tuple[str, dict[str, Any]]]:
    """The webhook events (`campaign.*`) of these log entries: campaign status changes, and
    contacts reaching a final status (completed, failed, cancelled)."""
    out = []
    for kind, data in items:
        event = None
        if kind == "status":
            event = _WEBHOOK_OF_STATUS.get(data["status"])
            if data["status"] == "running" and data.get("previous") == "paused":
                event = "campaign.resumed"
        elif kind == "contact" and data.get("status") in CONTACT_DONE:
            event = "campaign.contact_finished"
        if event is not None:
            out.append((event, {"campaign_id": campaign_id, **data}))
    return out


_WEBHOOK_OF_STATUS = {
    "running": "campaign.started",
    "paused": "campaign.paused",
    "completed": "campaign.completed",
    "failed": "campaign.failed",
}


async def wake_dispatchers(account: str, campaign_id: str) -> None:
    try:
        await bus_mod.bus().publish(WAKE_CHANNEL, f"{account}:{campaign_id}".encode())
    except Exception:
        log.warning("could not wake the dispatchers", exc_info=True)
