"""Campaigns: create from CSV, the lifecycle, reads. Which status changes are legal is
`machine.py`; the dialling itself is `progress.py` and `dialer.py` (called by the dispatcher),
and the call outcomes arrive through the calls module's terminal-state hook
(`dialer.call_ended`).

Lifecycle (DECISIONS): create → draft. `start`: draft/paused → running, or → scheduled when
`scheduled_at` is in the future (the dispatcher starts it then). `pause`: running → paused.
`resume`: paused → running. Start, resume and the scheduled start check the concurrency budget:
the `max_concurrent_calls` of the account's running campaigns plus this one's must not exceed
its `concurrent_max` (409). `stop`: draft, scheduled, running or paused → completed with
`stopped_at`; pending contacts → cancelled; calls in flight finish. `delete`: 409 while running
or scheduled, else the campaign, its contacts and events go. Anything else → 409.

Campaign controls (spec 16): `update` (PATCH) while draft, scheduled or paused, the budget
checked again; `add_contacts` to a draft or paused campaign; `preflight` (campaigns/
preflight.py) and `export` (campaigns/export.py).

A campaign that needs a dispatcher has a row in the control database's campaign index. The
route commits the control session before the tenant one: an index row whose campaign did not
change is harmless (the dispatcher checks the tenant row and drops it), the reverse would
strand a running campaign.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.agents import service as agents_service
from kataven_hub.campaigns import events, ingest, machine
from kataven_hub.campaigns import export as export_mod
from kataven_hub.campaigns import preflight as preflight_mod
from kataven_hub.campaigns.models import (
    DRAFT,
    RETRY_OUTCOMES,
    RUNNING,
    SCHEDULED,
    Campaign,
)
from kataven_hub.campaigns.repository import CampaignRepository, IndexRepository
from kataven_hub.campaigns.schemas import (
    CampaignProgress,
    CampaignRead,
    CampaignUpdate,
    progress_of,
)
from kataven_hub.core.auth import Principal
from kataven_hub.core.db import ControlSession, TenantSession, utcnow
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.core.sessions import after_commit
from kataven_hub.core.settings import get_settings
from kataven_hub.limits import service as limits_service
from kataven_hub.telephony import service as telephony_service


class CampaignNotFound(NotFound):
    description = "Campaign not found"


class BadTransition(Conflict):
    code = "invalid_campaign_state"
    description = "Campaign cannot change to that state from its current one"


class OverBudget(Conflict):
    code = "concurrency_budget_exceeded"
    description = "Running campaigns would exceed the account's concurrent call limit"


class CampaignActive(Conflict):
    code = "campaign_running"
    description = "Campaign is running"


@dataclass
class CampaignCreate:
    name: str
    agent_id: str
    phone_number_id: str
    max_concurrent_calls: int
    retries_per_contact: int
    retry_delay_seconds: int
    scheduled_at: datetime | None
    default_region: str | None
    retry_on: list[str] = field(default_factory=lambda: list(RETRY_OUTCOMES))
    calling_window: dict[str, Any] | None = None
    default_timezone: str = "UTC"


class CampaignNotEditable(Conflict):
    code = "campaign_not_editable"
    description = "Only draft, scheduled or paused campaigns can be changed"


def _check_future(scheduled_at: datetime | None, now: datetime) -> None:
    if scheduled_at is not None and scheduled_at <= now:
        raise InvalidRequest(
            "scheduled_at is in the past",
            errors=[{"field": "scheduled_at", "message": "must be in the future"}],
        )


async def check_create(session: TenantSession, body: CampaignCreate, now: datetime) -> None:
    """Everything create checks before reading the CSV (preflight checks the same)."""
    _check_future(body.scheduled_at, now)
    await _check_agent_and_number(session, body.agent_id, body.phone_number_id)


async def create(
    session: TenantSession, principal: Principal, body: CampaignCreate, csv: IO[bytes]
) -> Campaign:
    now = utcnow()
    await check_create(session, body, now)
    campaign = Campaign(
        id=new_id("camp"), name=body.name, agent_id=body.agent_id,
        phone_number_id=body.phone_number_id, max_concurrent_calls=body.max_concurrent_calls,
        retries_per_contact=body.retries_per_contact, retry_delay_seconds=body.retry_delay_seconds,
        scheduled_at=body.scheduled_at, status=DRAFT, created_by=principal.subject,
        created_at=now, updated_at=now, retry_on=body.retry_on,
        calling_window=body.calling_window, default_timezone=body.default_timezone,
        do_not_call_skipped=0, custom_columns=[], timezones=[],
    )  # fmt: skip
    await CampaignRepository(session).add(campaign)
    result = await ingest.ingest(
        session, campaign.id, csv, body.default_region,
        get_settings().CAMPAIGN_CSV_FIELD_MAX_BYTES, now,
    )  # fmt: skip
    campaign.contacts_total = result.total
    campaign.duplicates_skipped = result.duplicates
    _merge_ingest(campaign, result)
    await session.flush()
    return campaign


def _merge_ingest(campaign: Campaign, result: ingest.IngestResult) -> None:
    campaign.do_not_call_skipped = (campaign.do_not_call_skipped or 0) + result.do_not_call
    campaign.custom_columns = list(
        dict.fromkeys([*(campaign.custom_columns or []), *result.columns])
    )
    campaign.timezones = sorted({*(campaign.timezones or []), *result.timezones})


async def preflight(
    engine: AsyncEngine, principal: Principal, body: CampaignCreate, csv: IO[bytes]
) -> dict[str, Any]:
    """The report of create on this body, nothing stored (campaigns/preflight.py)."""
    return await preflight_mod.run(
        engine, principal.account, body, csv, lambda s: check_create(s, body, utcnow())
    )


def export(engine: AsyncEngine, campaign: Campaign) -> AsyncIterator[bytes]:
    return export_mod.stream(engine, campaign)


async def update(
    session: TenantSession, control: ControlSession, account: str, campaign_id: str,
    body: CampaignUpdate,
) -> Campaign:  # fmt: skip
    campaign = await get(session, campaign_id, lock=True)
    if not machine.is_editable(campaign.status):
        raise CampaignNotEditable(
            f"Campaign is {campaign.status}; only draft, scheduled or paused campaigns change"
        )
    now = utcnow()
    changes = body.model_dump(exclude_unset=True)
    floor = get_settings().CAMPAIGN_MIN_RETRY_DELAY_SECONDS
    if changes.get("retry_delay_seconds") is not None and changes["retry_delay_seconds"] < floor:
        raise InvalidRequest(
            f"retry_delay_seconds must be at least {floor}",
            errors=[{"field": "retry_delay_seconds", "message": f"must be ≥ {floor}"}],
        )
    if "scheduled_at" in changes:
        _check_future(changes["scheduled_at"], now)
    for name, value in changes.items():
        setattr(campaign, name, value)
    campaign.updated_at = now
    await session.flush()
    if "max_concurrent_calls" in changes:
        await check_budget(session, control, account, campaign)
    if campaign.status == SCHEDULED and "scheduled_at" in changes:
        due = campaign.scheduled_at or now
        await IndexRepository(control).upsert(account, campaign.id, due)
        after_commit(session, lambda: events.wake_dispatchers(account, campaign.id))
    shown = {k: (events.iso(v) if isinstance(v, datetime) else v) for k, v in changes.items()}
    await events.record(session, account, campaign.id, [
        ("updated", {"changes": shown, "at": events.iso(now)})
    ], now)  # fmt: skip
    return campaign


async def add_contacts(
    session: TenantSession, account: str, campaign_id: str, csv: IO[bytes],
    default_region: str | None,
) -> dict[str, Any]:  # fmt: skip
    campaign = await get(session, campaign_id, lock=True)
    if not machine.takes_contacts(campaign.status):
        raise CampaignNotEditable(
            f"Campaign is {campaign.status}; contacts are added to draft or paused campaigns"
        )
    repo = CampaignRepository(session)
    seen, last_seq = await repo.numbers_and_last_seq(campaign.id)
    now = utcnow()
    result = await ingest.ingest(
        session, campaign.id, csv, default_region, get_settings().CAMPAIGN_CSV_FIELD_MAX_BYTES,
        now, seen=seen, last_seq=last_seq,
    )  # fmt: skip
    campaign.contacts_total += result.total
    campaign.duplicates_skipped += result.duplicates
    _merge_ingest(campaign, result)
    campaign.updated_at = now
    await session.flush()
    await events.record(session, account, campaign.id, [
        ("updated", {"contacts_added": result.total, "contacts_total": campaign.contacts_total,
                     "at": events.iso(now)})
    ], now)  # fmt: skip
    return {
        "added": result.total, "duplicates_skipped": result.duplicates,
        "do_not_call_skipped": result.do_not_call, "campaign": campaign,
    }  # fmt: skip


async def _check_agent_and_number(session: TenantSession, agent_id: str, number_id: str) -> None:
    try:
        await agents_service.get(session, agent_id)
    except NotFound:
        raise InvalidRequest(
            "Unknown agent_id", errors=[{"field": "agent_id", "message": "no such agent"}]
        ) from None
    try:
        number = await telephony_service.get_number(session, number_id)
    except NotFound:
        raise InvalidRequest(
            "Unknown phone_number_id",
            errors=[{"field": "phone_number_id", "message": "no such phone number"}],
        ) from None
    if not number.outbound_enabled:
        raise InvalidRequest(
            "The phone number has outbound calling disabled",
            errors=[{"field": "phone_number_id", "message": "outbound calling is disabled"}],
        )


async def list_campaigns(session: TenantSession, status: str | None = None) -> dict[str, Any]:
    campaigns = await CampaignRepository(session).newest_first(status)
    return {"campaigns": await with_progress(session, campaigns)}


async def with_progress(session: TenantSession, campaigns: list[Campaign]) -> list[CampaignRead]:
    """The campaigns as read, each with its contact counts (the SSE snapshot's figures)."""
    counts = await CampaignRepository(session).counts_of([c.id for c in campaigns])
    return [
        CampaignRead.model_validate(c).model_copy(
            update={"progress": CampaignProgress(**progress_of(counts[c.id]))}
        )
        for c in campaigns
    ]


async def read(session: TenantSession, campaign: Campaign) -> CampaignRead:
    return (await with_progress(session, [campaign]))[0]


async def get(session: TenantSession, campaign_id: str, *, lock: bool = False) -> Campaign:
    campaign = (
        await CampaignRepository(session).get(campaign_id, lock=lock)
        if looks_like("camp", campaign_id)
        else None
    )
    if campaign is None:
        raise CampaignNotFound(f"Campaign {campaign_id[:100]!r} not found")
    return campaign


async def contacts(
    session: TenantSession, campaign_id: str, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    await get(session, campaign_id)
    rows, total = await CampaignRepository(session).contacts(campaign_id, status, limit, offset)
    return {"contacts": rows, "total": total, "limit": limit, "offset": offset}


# -- lifecycle ----------------------------------------------------------------------------------
_VERBS = {"start": "started", "pause": "paused", "resume": "resumed", "stop": "stopped"}


def _target(campaign: Campaign, action: machine.CampaignAction, now: datetime | None = None) -> str:
    """The status `action` leads to (machine.campaign_target), or 409 saying why not."""
    try:
        return machine.campaign_target(
            action, campaign.status, scheduled_at=campaign.scheduled_at, now=now
        )
    except machine.IllegalMove as exc:
        *most, last = exc.allowed
        allowed = f"{', '.join(most)} or {last}" if most else last
        raise BadTransition(
            f"Campaign cannot be {_VERBS[action]}: it is {campaign.status} (only when {allowed})"
        ) from None


async def start(
    session: TenantSession, control: ControlSession, account: str, campaign_id: str
) -> Campaign:
    campaign = await get(session, campaign_id, lock=True)
    now = utcnow()
    if _target(campaign, "start", now) == SCHEDULED:
        assert campaign.scheduled_at is not None
        await _move(session, account, campaign, SCHEDULED, now)
        await IndexRepository(control).upsert(account, campaign.id, campaign.scheduled_at)
        return campaign
    return await _run(session, control, account, campaign, now)


async def resume(
    session: TenantSession, control: ControlSession, account: str, campaign_id: str
) -> Campaign:
    campaign = await get(session, campaign_id, lock=True)
    _target(campaign, "resume")
    return await _run(session, control, account, campaign, utcnow())


async def _run(
    session: TenantSession, control: ControlSession, account: str, campaign: Campaign, now: datetime
) -> Campaign:
    await check_budget(session, control, account, campaign)
    if campaign.started_at is None:
        campaign.started_at = now
    campaign.failure_reason = None
    await _move(session, account, campaign, RUNNING, now)
    await IndexRepository(control).upsert(account, campaign.id, now)
    after_commit(session, lambda: events.wake_dispatchers(account, campaign.id))
    return campaign


async def check_budget(
    session: TenantSession, control: ControlSession, account: str, campaign: Campaign
) -> None:
    repo = CampaignRepository(session)
    await repo.lock_budget()
    used = await repo.running_budget(campaign.id)
    cap = (await limits_service.get_limits(control, account))["concurrent_max"]
    if used + campaign.max_concurrent_calls > cap:
        raise OverBudget(
            f"Concurrency budget exceeded: running campaigns use {used} of the account's "
            f"{cap} concurrent calls and this one needs {campaign.max_concurrent_calls}; pause "
            "another campaign or lower max_concurrent_calls"
        )


async def pause(session: TenantSession, account: str, campaign_id: str) -> Campaign:
    campaign = await get(session, campaign_id, lock=True)
    await _move(session, account, campaign, _target(campaign, "pause"), utcnow())
    return campaign


async def stop(
    session: TenantSession, control: ControlSession, account: str, campaign_id: str
) -> Campaign:
    campaign = await get(session, campaign_id, lock=True)
    stopped = _target(campaign, "stop")
    now = utcnow()
    campaign.stopped_at = now
    campaign.completed_at = now
    await _move(session, account, campaign, stopped, now, reason="stopped")
    cancelled = await CampaignRepository(session).cancel_pending(campaign.id, now)
    await events.record(session, account, campaign.id, [
        ("contact", events.contact_event(row, "cancelled", "pending", now, reason="stopped"))
        for row in cancelled
    ], now)  # fmt: skip
    # Calls in flight finish; the dispatcher keeps the index row until they have.
    await IndexRepository(control).upsert(account, campaign.id, now)
    return campaign


async def delete(
    session: TenantSession, control: ControlSession, account: str, campaign_id: str
) -> None:
    campaign = await get(session, campaign_id, lock=True)
    if not machine.is_deletable(campaign.status):
        raise CampaignActive(f"Campaign is {campaign.status}; pause or stop it first")
    await IndexRepository(control).remove(campaign.id)
    await CampaignRepository(session).delete(campaign.id)


async def _move(
    session: TenantSession, account: str, campaign: Campaign, status: str, now: datetime,
    reason: str | None = None,
) -> None:  # fmt: skip
    previous = campaign.status
    campaign.status = status
    campaign.updated_at = now
    await session.flush()
    event = events.status_event(status, previous, now, reason)
    await events.record(session, account, campaign.id, [("status", event)], now)


async def blocks_agent(session: TenantSession, agent_id: str) -> bool:
    """True while a scheduled, running or paused campaign uses the agent (agents refuse 409)."""
    return await CampaignRepository(session).uses_agent(agent_id, machine.USES_AGENT)
