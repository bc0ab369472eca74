"""How a campaign moves forward: what the dispatcher does in one step of one campaign, how a
dial attempt is recorded and placed, and how call outcomes land on contacts.

Fencing. A dispatcher serves a campaign under a lease (control DB) whose token it first writes
to the campaign row (`take_over`, only ever upwards). Every dispatcher transaction on the
campaign starts with `fence`: an UPDATE that matches only while the row still carries that
token, which also row-locks the campaign until commit, so a dispatcher that lost its lease
(paused, partitioned) can no longer write. Writes about one attempt after the carrier answered
are guarded by the contact's own token and attempt number instead (no campaign lock per dial).

An attempt is recorded (contact `originated`, attempts + 1, committed) before the carrier is
called. The contact's `call_id` is committed with the carrier's answer (calls.service commits
the call row itself just before asking the carrier). An `originated` contact without a call_id
after `DISPATCH_IN_DOUBT_SECONDS` (a crash, an unexpected error) is settled by the call rows:
with no call recorded for the attempt the carrier was never asked, so the contact goes back to
pending and its attempt is given back; with one, the carrier request may or may not have gone
out, so it is never dialled again and is marked `failed` with reason `outcome_unknown`. A call
that exists but went silent for `DISPATCH_RECONCILE_AFTER_SECONDS` is looked up at the carrier
by its carrier id.

Campaign controls (spec 16): a claim takes only contacts whose calling window is open now
(campaigns/windows.py) and skips, unrecorded, those whose number is on the do-not-call list by
then; a retry is scheduled at the next opening of the contact's window, and only for the
outcomes in the campaign's `retry_on`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kataven_hub.campaigns import events, machine, windows
from kataven_hub.campaigns.models import (
    CANCELLED,
    CONNECTED,
    DO_NOT_CALL,
    ORIGINATED,
    PENDING,
    RUNNING,
    SKIPPED,
    Campaign,
    CampaignContact,
)
from kataven_hub.campaigns.repository import CampaignRepository
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.dnc import service as dnc_service

log = logging.getLogger("kataven_hub.campaigns.progress")


@dataclass
class Claimed:
    contact_id: str
    phone_number: str
    attempt: int
    custom_fields: dict[str, Any] = field(default_factory=dict)  # handed to the call
    timezone: str | None = None  # the recipient's zone (calling windows)


@dataclass
class StepResult:
    fenced: bool = False  # the lease is gone: stop serving this campaign
    status: str | None = None
    drained: bool = False  # terminal and nothing in flight: the index row can go
    idle_until: datetime | None = None  # nothing to do before this (release the lease)
    claimed: list[Claimed] = field(default_factory=list)
    campaign: dict[str, Any] = field(default_factory=dict)


async def take_over(session: TenantSession, campaign_id: str, token: int) -> bool:
    """Write a new lease token to the campaign (never downwards). False: a newer lease exists
    or the campaign is gone."""
    return await CampaignRepository(session).take_over(campaign_id, token)


async def fence(session: TenantSession, campaign_id: str, token: int) -> Campaign | None:
    return await CampaignRepository(session).fence(campaign_id, token)


async def lock(session: TenantSession, campaign_id: str) -> None:
    """Lock order: the campaign row before any of its contacts (as `fence` does), so contact
    writes outside a dispatcher step cannot deadlock with one."""
    await CampaignRepository(session).lock_campaign(campaign_id)


async def in_flight(session: TenantSession, campaign_id: str) -> list[CampaignContact]:
    return await CampaignRepository(session).in_flight(campaign_id)


async def in_flight_count(session: TenantSession, campaign_id: str) -> int:
    return await CampaignRepository(session).in_flight_count(campaign_id)


async def claim(
    session: TenantSession, campaign: Campaign, n: int, token: int, now: datetime
) -> list[Claimed]:
    """Record the next `n` due attempts (pending → originated) and their events: contacts
    whose window is open now; a number listed as do-not-call meanwhile is skipped instead."""
    zones = windows.open_zones(campaign, now)
    if zones is not None and not zones:
        return []  # every window is closed
    repo = CampaignRepository(session)
    rows = await repo.claim_due(campaign.id, n, token, now, zones)
    listed = await dnc_service.listed_among(session, [r.phone_number for r in rows])
    skipped = await repo.skip_claimed(
        campaign.id, [r.id for r in rows if r.phone_number in listed], now
    )
    rows = [r for r in rows if r.phone_number not in listed]
    await events.record(session, _account(session), campaign.id, [
        *[("contact", events.contact_event(r, SKIPPED, PENDING, now, reason=DO_NOT_CALL))
          for r in skipped],
        *[("contact", events.contact_event(r, ORIGINATED, PENDING, now)) for r in rows],
    ], now)  # fmt: skip
    return [
        Claimed(r.id, r.phone_number, r.attempts, r.custom_fields or {}, r.timezone) for r in rows
    ]


async def skip_listed(
    session: TenantSession, claimed: Claimed, campaign_id: str, token: int
) -> None:
    """An attempt originate refused because the number was listed meanwhile: skipped."""
    now = utcnow()
    repo = CampaignRepository(session)
    await repo.lock_campaign(campaign_id)
    row = await repo.skip_attempt(campaign_id, claimed.contact_id, token, claimed.attempt, now)
    if row is not None:
        event = events.contact_event(row, SKIPPED, ORIGINATED, now, reason=DO_NOT_CALL)
        await events.record(session, _account(session), campaign_id, [("contact", event)], now)


async def next_due(
    session: TenantSession, campaign: Campaign, now: datetime
) -> tuple[bool, datetime | None]:
    """(any pending contact, the earliest time one of them may be dialled: its retry time,
    moved to the next opening of its calling window)."""
    repo = CampaignRepository(session)
    if not campaign.calling_window:
        count, earliest = await repo.pending_due(campaign.id)
        return bool(count), earliest
    found: list[datetime] = []
    for zone, count, timed, first in await repo.pending_due_by_zone(campaign.id):
        due = now if count > timed or first is None or first <= now else first
        found.append(windows.next_opening(campaign, zone, due))
    return bool(found), min(found, default=None)


def _account(session: TenantSession) -> str:
    account = session.info.get("account")
    assert isinstance(account, str), "tenant sessions used by campaigns carry info['account']"
    return account


async def set_status(
    session: TenantSession,
    campaign: Campaign,
    status: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    previous = campaign.status
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if status == RUNNING and campaign.started_at is None:
        values["started_at"] = now
    if status in ("completed", "failed"):
        values["completed_at"] = now
    if reason is not None or status == RUNNING:
        values["failure_reason"] = reason
    await CampaignRepository(session).write_status(campaign.id, values)
    campaign.status = status
    await events.record(session, _account(session), campaign.id, [
        ("status", events.status_event(status, previous, now, reason))
    ], now)  # fmt: skip


async def fail_campaign(
    session: TenantSession, campaign: Campaign, reason: str, now: datetime
) -> None:
    """A terminal error (the number or agent is gone or unusable): the campaign fails and its
    pending contacts are cancelled; calls in flight finish."""
    await set_status(
        session, campaign, machine.campaign_target("fail", campaign.status), now, reason
    )
    rows = await CampaignRepository(session).cancel_pending(campaign.id, now, "campaign_failed")
    await events.record(session, _account(session), campaign.id, [
        ("contact", events.contact_event(r, CANCELLED, PENDING, now, reason="campaign_failed"))
        for r in rows
    ], now)  # fmt: skip


async def outcome(
    session: TenantSession, contact: CampaignContact, campaign: Campaign, call_status: str,
    now: datetime, *, reason: str | None = None, final: bool = False,
) -> bool:  # fmt: skip
    """Land a finished attempt on its contact (completed, retry later, or failed; `final`: an
    attempt in doubt, never retried; see machine.landed). Guarded on the contact still being
    in flight on that same call: applying twice changes nothing. The caller holds the
    campaign's lock (`lock` or `fence`)."""
    move = machine.landed(
        campaign, call_status, contact.attempts, contact.timezone, now, reason=reason, final=final
    )
    if not await CampaignRepository(session).land_attempt(contact, call_status, now, move):
        return False
    extra = {
        "call_id": contact.call_id,
        "outcome": call_status,
        "reason": move.values.get("failure_reason"),
        "retry_at": events.iso(move.values.get("next_attempt_at")),
    }
    await events.record(session, _account(session), campaign.id, [
        ("contact", events.contact_event(contact, move.status, contact.status, now, **extra))
    ], now)  # fmt: skip
    return True


async def connected(
    session: TenantSession, contact: CampaignContact, campaign_id: str, now: datetime
) -> None:
    repo = CampaignRepository(session)
    await repo.lock_campaign(campaign_id)
    if await repo.mark_connected(campaign_id, contact.id, contact.call_id, now):
        event = events.contact_event(contact, CONNECTED, ORIGINATED, now, call_id=contact.call_id)
        await events.record(session, _account(session), campaign_id, [("contact", event)], now)


async def placed(
    session: TenantSession, claimed: Claimed, campaign_id: str, token: int, call_id: str
) -> bool:
    """Attach the placed call to its attempt (same transaction as the call row)."""
    return await CampaignRepository(session).attach_call(
        campaign_id, claimed.contact_id, token, claimed.attempt, call_id, utcnow()
    )


async def not_placed(
    session: TenantSession, claimed: Claimed, campaign_id: str, token: int, retry_at: datetime,
    reason: str,
) -> None:  # fmt: skip
    """Undo an attempt the carrier never saw (a cap was reached first): back to pending, or
    cancelled when the campaign was stopped (or failed) meanwhile."""
    now = utcnow()
    repo = CampaignRepository(session)
    await repo.lock_campaign(campaign_id)
    move = machine.given_back(await repo.status_of(campaign_id), retry_at, now)
    row = await repo.give_back(
        campaign_id, claimed.contact_id, token, claimed.attempt, now, move.status, move.values
    )
    if row is not None:
        live = move.status == PENDING
        extra = {"reason": reason, "retry_at": events.iso(retry_at) if live else None}
        await events.record(session, _account(session), campaign_id, [
            ("contact", events.contact_event(row, move.status, ORIGINATED, now, **extra))
        ], now)  # fmt: skip
