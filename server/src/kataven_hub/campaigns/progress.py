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
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from kataven_hub.campaigns import events
from kataven_hub.campaigns.models import (
    CANCELLED,
    COMPLETED,
    CONNECTED,
    FAILED,
    IN_FLIGHT,
    ORIGINATED,
    PAUSED,
    PENDING,
    RUNNING,
    SCHEDULED,
    Campaign,
    CampaignContact,
)
from kataven_hub.core.db import TenantSession, utcnow

log = logging.getLogger("kataven_hub.campaigns.progress")
RETRYABLE = frozenset({"busy", "no_answer", "failed", "canceled"})


@dataclass
class Claimed:
    contact_id: str
    phone_number: str
    attempt: int
    custom_fields: dict[str, Any] = field(default_factory=dict)  # handed to the call


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
    stmt = (
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.lease_token <= token)
        .values(lease_token=token)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]


async def fence(session: TenantSession, campaign_id: str, token: int) -> Campaign | None:
    stmt = (
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.lease_token == token)
        .values(lease_token=token)
        .returning(Campaign)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.scalars(stmt)).first()


async def lock(session: TenantSession, campaign_id: str) -> None:
    """Lock order: the campaign row before any of its contacts (as `fence` does), so contact
    writes outside a dispatcher step cannot deadlock with one."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            select(Campaign.id).where(Campaign.id == campaign_id).with_for_update()
        )


def _contact_update(campaign_id: str) -> Any:
    return (
        update(CampaignContact)
        .where(CampaignContact.campaign_id == campaign_id)
        .execution_options(synchronize_session=False)
    )


async def in_flight(session: TenantSession, campaign_id: str) -> list[CampaignContact]:
    stmt = select(CampaignContact).where(
        CampaignContact.campaign_id == campaign_id, CampaignContact.status.in_(IN_FLIGHT)
    )
    return list(await session.scalars(stmt))


async def in_flight_count(session: TenantSession, campaign_id: str) -> int:
    stmt = select(func.count()).where(
        CampaignContact.campaign_id == campaign_id, CampaignContact.status.in_(IN_FLIGHT)
    )
    return int((await session.execute(stmt)).scalar_one())


async def claim(
    session: TenantSession, campaign: Campaign, n: int, token: int, now: datetime
) -> list[Claimed]:
    """Record the next `n` due attempts (pending → originated) and their events."""
    due = (
        select(CampaignContact.id)
        .where(
            CampaignContact.campaign_id == campaign.id,
            CampaignContact.status == PENDING,
            (CampaignContact.next_attempt_at.is_(None)) | (CampaignContact.next_attempt_at <= now),
        )
        .order_by(CampaignContact.seq)
        .limit(n)
    )
    values = {
        "status": ORIGINATED, "attempts": CampaignContact.attempts + 1, "claimed_at": now,
        "updated_at": now, "lease_token": token, "call_id": None, "next_attempt_at": None,
    }  # fmt: skip
    stmt = _contact_update(campaign.id)
    if session.get_bind().dialect.name == "postgresql":
        # A CTE, not `id IN (subquery)`: PostgreSQL may rescan a LIMIT … FOR UPDATE SKIP LOCKED
        # subquery once per outer row and so claim more than n rows.
        picked = due.with_for_update(skip_locked=True).cte("due")
        stmt = stmt.where(CampaignContact.id == picked.c.id)
    else:
        stmt = stmt.where(CampaignContact.id.in_(due.scalar_subquery()))
    stmt = stmt.values(**values).returning(
        CampaignContact.id, CampaignContact.phone_number, CampaignContact.attempts,
        CampaignContact.custom_fields,
    )  # fmt: skip
    rows = sorted((await session.execute(stmt)).all(), key=lambda r: r.id)
    await events.record(session, _account(session), campaign.id, [
        ("contact", events.contact_event(r, ORIGINATED, PENDING, now)) for r in rows
    ], now)  # fmt: skip
    return [Claimed(r.id, r.phone_number, r.attempts, r.custom_fields or {}) for r in rows]


async def next_due(session: TenantSession, campaign_id: str) -> tuple[bool, datetime | None]:
    """(any pending contact, the earliest retry time among them)."""
    stmt = select(func.count(), func.min(CampaignContact.next_attempt_at)).where(
        CampaignContact.campaign_id == campaign_id, CampaignContact.status == PENDING
    )
    count, earliest = (await session.execute(stmt)).one()
    return bool(count), earliest


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
    await session.execute(
        update(Campaign).where(Campaign.id == campaign.id).values(**values)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    campaign.status = status
    await events.record(session, _account(session), campaign.id, [
        ("status", events.status_event(status, previous, now, reason))
    ], now)  # fmt: skip


async def fail_campaign(
    session: TenantSession, campaign: Campaign, reason: str, now: datetime
) -> None:
    """A terminal error (the number or agent is gone or unusable): the campaign fails and its
    pending contacts are cancelled; calls in flight finish."""
    await set_status(session, campaign, FAILED, now, reason)
    stmt = (
        _contact_update(campaign.id)
        .where(CampaignContact.status == PENDING)
        .values(status=CANCELLED, updated_at=now, completed_at=now, next_attempt_at=None,
                failure_reason="campaign_failed")
        .returning(CampaignContact.id, CampaignContact.phone_number, CampaignContact.attempts)
    )  # fmt: skip
    rows = (await session.execute(stmt)).all()
    await events.record(session, _account(session), campaign.id, [
        ("contact", events.contact_event(r, CANCELLED, PENDING, now, reason="campaign_failed"))
        for r in rows
    ], now)  # fmt: skip


async def outcome(
    session: TenantSession, contact: CampaignContact, campaign: Campaign, call_status: str,
    now: datetime, *, reason: str | None = None, final: bool = False,
) -> bool:  # fmt: skip
    """Land a finished attempt on its contact (completed, retry later, or failed; `final`: an
    attempt in doubt, never retried). Guarded on the contact still being in flight on that
    same call: applying twice changes nothing. The caller holds the campaign's lock (`lock`
    or `fence`)."""
    retry = not final and contact.attempts <= campaign.retries_per_contact
    values: dict[str, Any]
    if call_status == "completed":
        new, values = COMPLETED, {"completed_at": now}
    elif retry and campaign.status in (RUNNING, PAUSED, SCHEDULED):
        delay = timedelta(seconds=campaign.retry_delay_seconds)
        new, values = PENDING, {"next_attempt_at": now + delay}
    elif retry:
        new, values = CANCELLED, {"completed_at": now, "failure_reason": "stopped"}
    else:
        new, values = FAILED, {"completed_at": now, "failure_reason": reason or call_status}
    stmt = (
        _contact_update(contact.campaign_id)
        .where(CampaignContact.id == contact.id, CampaignContact.status.in_(IN_FLIGHT),
               CampaignContact.attempts == contact.attempts)
        .values(status=new, updated_at=now, last_outcome=call_status, **values)
    )  # fmt: skip
    if contact.call_id is None:
        stmt = stmt.where(CampaignContact.call_id.is_(None))
    else:
        stmt = stmt.where(CampaignContact.call_id == contact.call_id)
    if (await session.execute(stmt)).rowcount != 1:  # type: ignore[attr-defined]
        return False
    extra = {
        "call_id": contact.call_id,
        "outcome": call_status,
        "reason": values.get("failure_reason"),
        "retry_at": events.iso(values.get("next_attempt_at")),
    }
    await events.record(session, _account(session), campaign.id, [
        ("contact", events.contact_event(contact, new, contact.status, now, **extra))
    ], now)  # fmt: skip
    return True


async def connected(
    session: TenantSession, contact: CampaignContact, campaign_id: str, now: datetime
) -> None:
    await lock(session, campaign_id)
    stmt = (
        _contact_update(campaign_id)
        .where(CampaignContact.id == contact.id, CampaignContact.status == ORIGINATED,
               CampaignContact.call_id == contact.call_id)
        .values(status=CONNECTED, updated_at=now)
    )  # fmt: skip
    if (await session.execute(stmt)).rowcount == 1:  # type: ignore[attr-defined]
        event = events.contact_event(contact, CONNECTED, ORIGINATED, now, call_id=contact.call_id)
        await events.record(session, _account(session), campaign_id, [("contact", event)], now)


async def placed(
    session: TenantSession, claimed: Claimed, campaign_id: str, token: int, call_id: str
) -> bool:
    """Attach the placed call to its attempt (same transaction as the call row)."""
    stmt = (
        _contact_update(campaign_id)
        .where(CampaignContact.id == claimed.contact_id, CampaignContact.lease_token == token,
               CampaignContact.attempts == claimed.attempt, CampaignContact.status == ORIGINATED,
               CampaignContact.call_id.is_(None))
        .values(call_id=call_id, updated_at=utcnow())
    )  # fmt: skip
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]


async def not_placed(
    session: TenantSession, claimed: Claimed, campaign_id: str, token: int, retry_at: datetime,
    reason: str,
) -> None:  # fmt: skip
    """Undo an attempt the carrier never saw (a cap was reached first): back to pending, or
    cancelled when the campaign was stopped (or failed) meanwhile."""
    now = utcnow()
    await lock(session, campaign_id)
    status = (
        await session.execute(select(Campaign.status).where(Campaign.id == campaign_id))
    ).scalar()
    live = status in (RUNNING, PAUSED, SCHEDULED)
    values: dict[str, Any] = (
        {"status": PENDING, "next_attempt_at": retry_at}
        if live
        else {"status": CANCELLED, "completed_at": now, "failure_reason": "stopped"}
    )
    stmt = (
        _contact_update(campaign_id)
        .where(CampaignContact.id == claimed.contact_id, CampaignContact.lease_token == token,
               CampaignContact.attempts == claimed.attempt, CampaignContact.status == ORIGINATED,
               CampaignContact.call_id.is_(None))
        .values(attempts=CampaignContact.attempts - 1, updated_at=now, **values)
        .returning(CampaignContact.id, CampaignContact.phone_number, CampaignContact.attempts)
    )  # fmt: skip
    row = (await session.execute(stmt)).first()
    if row is not None:
        extra = {"reason": reason, "retry_at": events.iso(retry_at) if live else None}
        await events.record(session, _account(session), campaign_id, [
            ("contact", events.contact_event(row, values["status"], ORIGINATED, now, **extra))
        ], now)  # fmt: skip
