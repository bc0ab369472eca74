"""One dispatcher step of one campaign, one dial, and call outcomes (the calls module's
terminal-state hook). The loop that drives these lives in `kataven_hub.dispatcher`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.calls import service as calls_service
from kataven_hub.campaigns import events, machine, progress, windows
from kataven_hub.campaigns import service as campaigns_service
from kataven_hub.campaigns.models import (
    RUNNING,
    Campaign,
    CampaignContact,
)
from kataven_hub.campaigns.repository import CampaignRepository
from kataven_hub.carriers import registry
from kataven_hub.carriers.base import TERMINAL, CarrierError, StatusUpdate
from kataven_hub.core import tenancy
from kataven_hub.core.db import ControlSession, TenantSession, new_session, sqlite_immediate, utcnow
from kataven_hub.core.errors import AppError, Conflict, Forbidden, LimitExceeded, NotFound
from kataven_hub.core.sessions import commit
from kataven_hub.core.settings import get_settings
from kataven_hub.dnc.service import OnDoNotCallList
from kataven_hub.telephony import service as telephony_service

log = logging.getLogger("kataven_hub.campaigns.dialer")
Dial = Callable[..., Awaitable[Any]]  # calls.service.originate's signature
_SCHEDULE_RETRY = timedelta(seconds=15)


@dataclass
class Grant:
    """The in-process dispatcher's leave to dial `capacity` more contacts of a campaign it holds
    under `token`; `start` must be called exactly once (with what was claimed, maybe nothing):
    it starts those dials and gives back the unused pacing tokens."""

    token: int
    capacity: int
    start: Callable[[dict[str, Any], list[progress.Claimed]], None]


# Set by a dispatcher running in this process (see `serve_locally`).
_local_grant: Callable[[str, str], Awaitable[Grant | None]] | None = None


def serve_locally(grant: Callable[[str, str], Awaitable[Grant | None]] | None) -> None:
    """Register (or, with None, remove) the dispatcher of this process: a call of one of its
    campaigns that ends here claims the next contacts in the transaction that lands it."""
    global _local_grant
    _local_grant = grant


def tenant_session(engine: AsyncEngine, account: str) -> TenantSession:
    session = new_session(sqlite_immediate(engine))
    session.info["account"] = account
    return TenantSession(session)


async def step(
    engine: AsyncEngine, control: AsyncEngine, account: str, campaign_id: str, token: int,
    capacity: int, sweep: bool,
) -> progress.StepResult:  # fmt: skip
    """Under the lease `token`: start a due scheduled campaign, check calls in flight (when
    `sweep`), complete a finished campaign, and record up to `capacity` new attempts."""
    now = utcnow()
    async with tenant_session(engine, account) as session:
        campaign = await progress.fence(session, campaign_id, token)
        if campaign is None:
            return progress.StepResult(fenced=True)
        result = progress.StepResult(status=campaign.status, campaign=_dial_info(campaign))
        if machine.may("begin", campaign.status):
            await _scheduled_start(session, control, account, campaign, now, result)
        if sweep:
            await _sweep(session, account, campaign, now, token)
        flying = await progress.in_flight_count(session, campaign.id)
        if campaign.status == RUNNING:
            free = machine.lines_free(capacity, campaign.max_concurrent_calls, flying)
            if free > 0:
                result.claimed = await progress.claim(session, campaign, free, token, now)
            if machine.must_look_ahead(free, len(result.claimed), flying):
                pending, earliest = await progress.next_due(session, campaign, now)
                idle = machine.running_idle(pending, earliest, flying, len(result.claimed), now)
                if idle.complete:
                    done = machine.campaign_target("complete", campaign.status)
                    await progress.set_status(session, campaign, done, now)
                elif idle.until is not None:
                    result.idle_until = idle.until
        else:
            idle = machine.idle(campaign.status, flying, now)
            result.drained = idle.drained
            if idle.until is not None:
                result.idle_until = idle.until
        result.status = campaign.status
        await commit(session)
    return result


def _dial_info(c: Campaign) -> dict[str, Any]:
    return {"agent_id": c.agent_id, "phone_number_id": c.phone_number_id, **windows.dial_info(c)}


async def _scheduled_start(
    session: TenantSession, control: AsyncEngine, account: str, campaign: Campaign, now: datetime,
    result: progress.StepResult,
) -> None:  # fmt: skip
    if campaign.scheduled_at is not None and campaign.scheduled_at > now:
        result.idle_until = campaign.scheduled_at
        return
    async with new_session(control) as control_session:
        try:
            await campaigns_service.check_budget(
                session, ControlSession(control_session), account, campaign
            )
        except Conflict as exc:  # wait for room; say why on the campaign
            campaign.failure_reason = f"waiting: {exc.message}"[:300]
            await session.flush()
            result.idle_until = now + _SCHEDULE_RETRY
            return
    await progress.set_status(
        session, campaign, machine.campaign_target("begin", campaign.status), now
    )


async def _sweep(
    session: TenantSession, account: str, campaign: Campaign, now: datetime, token: int
) -> None:
    """Calls in flight: answered → connected; ended but not landed (a lost hook) → landed;
    silent too long → asked at the carrier; attempts without a call → outcome_unknown.

    An attempt recorded under an earlier lease (its dispatcher died or lost the campaign) is
    in doubt after DISPATCH_IN_DOUBT_SECONDS; one of our own lease is still being dialled by
    this process, and only counts as in doubt after ten minutes more (a dial task that died)."""
    settings = get_settings()
    in_doubt = now - timedelta(seconds=settings.DISPATCH_IN_DOUBT_SECONDS)
    ours_in_doubt = in_doubt - timedelta(seconds=600)
    silent = now - timedelta(seconds=settings.DISPATCH_RECONCILE_AFTER_SECONDS)
    for contact in await progress.in_flight(session, campaign.id):
        if contact.call_id is None:
            limit = ours_in_doubt if contact.lease_token == token else in_doubt
            if contact.claimed_at is not None and contact.claimed_at < limit:
                await _settle_unplaced(session, contact, campaign, now)
            continue
        call = await calls_service.get_or_none(session, contact.call_id)
        if call is None:
            continue
        if call.status in TERMINAL:
            await progress.outcome(session, contact, campaign, call.status, now)
        elif call.status == "in_progress" and machine.contact_may("answer", contact.status):
            await progress.connected(session, contact, campaign.id, now)
        elif contact.updated_at < silent:
            await _ask_carrier(session, account, call)


async def _settle_unplaced(
    session: TenantSession, contact: CampaignContact, campaign: Campaign, now: datetime
) -> None:
    """An attempt whose dial never reported back (its dispatcher died, or the dial failed
    before it could say). No call recorded for it: the carrier was never asked, so the contact
    goes back to pending with its attempt given back. A call recorded: the carrier may have it,
    so the attempt is in doubt and never dialled again."""
    assert contact.claimed_at is not None
    if not await calls_service.exists_for_contact(
        session, campaign.id, contact.id, contact.claimed_at
    ):
        claimed = progress.Claimed(contact.id, contact.phone_number, contact.attempts)
        await progress.not_placed(
            session, claimed, campaign.id, contact.lease_token, now, "not_dialled"
        )
        return
    await progress.outcome(
        session, contact, campaign, "unknown", now, reason="outcome_unknown", final=True
    )


async def _ask_carrier(session: TenantSession, account: str, call: Any) -> None:
    carrier = registry.get(call.provider)
    if carrier is None or not call.carrier_call_id:
        return
    try:
        creds = await telephony_service.credentials(session, account, call.credentials_id)
        found = await carrier.fetch_call(creds, call.carrier_call_id)
    except Exception:
        log.warning("could not reconcile call %s with the carrier", call.id, exc_info=True)
        return
    if found.status in TERMINAL:
        update = StatusUpdate(found.status, None, found.duration_seconds)
        await calls_service.apply_status(session, account, call, update)


# -- one dial -----------------------------------------------------------------------------------
async def dial(
    engine: AsyncEngine, account: str, campaign_id: str, info: dict[str, Any], token: int,
    claimed: progress.Claimed, originate: Dial,
) -> float | None:  # fmt: skip
    """Place the recorded attempt. Returns seconds to hold the account's dialling back (a cap
    was reached), else None."""
    await _test_pause("before_dial")
    async with tenant_session(engine, account) as session:
        # The calling window once more, right before the carrier is asked (the claim checked it).
        reopens = windows.closed_until(info, claimed.timezone, utcnow())
        if reopens is not None:
            reason = "outside_calling_window"
            await progress.not_placed(session, claimed, campaign_id, token, reopens, reason)
            await commit(session)
            return None
        try:
            number = await telephony_service.get_number(session, info["phone_number_id"])
            call = await originate(
                session, account, number.e164, claimed.phone_number, info["agent_id"],
                campaign_id=campaign_id, contact_id=claimed.contact_id,
                custom_fields=claimed.custom_fields, number=number,
            )  # fmt: skip
        except LimitExceeded as exc:
            await session.rollback()
            retry_at = utcnow() + timedelta(seconds=exc.retry_after)
            await progress.not_placed(session, claimed, campaign_id, token, retry_at, exc.code)
            await commit(session)
            return float(exc.retry_after)
        except OnDoNotCallList:  # listed since the claim: never dialled
            await session.rollback()
            await progress.skip_listed(session, claimed, campaign_id, token)
            await commit(session)
            return None
        except CarrierError as exc:  # the carrier refused: a failed attempt
            await session.rollback()
            await _land(session, campaign_id, claimed, "failed", reason=exc.message[:40])
            await commit(session)
            return None
        except (NotFound, Forbidden, Conflict) as exc:  # number/agent gone or unusable
            await session.rollback()
            await _campaign_error(session, campaign_id, claimed, token, exc)
            await commit(session)
            return None
        except AppError as exc:  # e.g. 503 counters/credentials: nothing was placed
            await session.rollback()
            retry_at = utcnow() + timedelta(seconds=10)
            await progress.not_placed(session, claimed, campaign_id, token, retry_at, exc.code)
            await commit(session)
            return 10.0
        except Exception as exc:
            if _never_connected(exc) or not session.info.get("carrier_asked"):
                # The carrier was not asked (e.g. no database connection, or one lost before
                # the call was recorded): the attempt is given back.
                log.warning("dial of contact %s failed before the carrier was asked: %r",
                            claimed.contact_id, exc)  # fmt: skip
                await session.rollback()
                retry_at = utcnow() + timedelta(seconds=5)
                await progress.not_placed(
                    session, claimed, campaign_id, token, retry_at, "db_unavailable"
                )
                await commit(session)
                return 5.0
            # Unknown whether the carrier placed the call: never dial this attempt again.
            log.exception("dial of contact %s failed; outcome unknown", claimed.contact_id)
            await session.rollback()
            await _land(
                session, campaign_id, claimed, "unknown", reason="outcome_unknown", final=True
            )
            await commit(session)
            return None
        await _test_pause("after_dial")
        if not await progress.placed(session, claimed, campaign_id, token, call.id):
            log.warning(
                "attempt %s/%s was taken over; keeping its call",
                claimed.contact_id,
                claimed.attempt,
            )
        await commit(session)
    return None


def _never_connected(exc: BaseException) -> bool:
    """A failure to open a database connection (server full, refused, pool exhausted) before
    the carrier was asked (originate wraps failures after it in CallNotRecorded)."""
    import asyncpg
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, calls_service.CallNotRecorded):  # the carrier was asked
            return False
        if isinstance(seen, asyncpg.TooManyConnectionsError | asyncpg.CannotConnectNowError
                      | ConnectionRefusedError | PoolTimeout):  # fmt: skip
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _land(
    session: TenantSession, campaign_id: str, claimed: progress.Claimed, status: str,
    reason: str | None = None, final: bool = False,
) -> None:  # fmt: skip
    repo = CampaignRepository(session)
    await repo.lock_campaign(campaign_id)
    contact = await repo.get_contact(claimed.contact_id)
    campaign = await repo.get(campaign_id)
    if contact is None or campaign is None or contact.attempts != claimed.attempt:
        return
    await progress.outcome(session, contact, campaign, status, utcnow(), reason=reason, final=final)


async def _campaign_error(
    session: TenantSession, campaign_id: str, claimed: progress.Claimed, token: int, exc: AppError
) -> None:
    campaign = await progress.fence(session, campaign_id, token)
    now = utcnow()
    await progress.not_placed(session, claimed, campaign_id, token, now, exc.code)
    if campaign is not None and machine.may("fail", campaign.status):
        await progress.fail_campaign(session, campaign, exc.message[:300], now)


async def _test_pause(point: str) -> None:
    """Tests: `DISPATCH_TEST_PAUSE=<point>:<file>` parks every dial at `point`, after touching
    `file`, so a test can kill the process exactly there."""
    spec = get_settings().DISPATCH_TEST_PAUSE
    if not spec or not spec.startswith(point + ":"):
        return
    await asyncio.to_thread(Path(spec.split(":", 1)[1]).touch)
    await asyncio.sleep(3600)


# -- call outcomes ------------------------------------------------------------------------------
async def call_ended(ended: calls_service.CallEnded) -> None:
    """The campaigns' CallEnded subscriber: land the call on its campaign contact. When this
    process's dispatcher serves the campaign, the same transaction claims the next contacts and
    their dials start at once: a line is busy again within milliseconds of its call ending,
    instead of after a wake-up on the bus and a dispatcher tick."""
    if not ended.campaign_id or not ended.contact_id:
        return
    engine = await tenancy.get().engine_for(ended.account)
    if engine is None:
        return
    grant = None
    if _local_grant is not None:
        grant = await _local_grant(ended.account, ended.campaign_id)
    claimed: list[progress.Claimed] = []
    committed: list[progress.Claimed] = []
    info: dict[str, Any] = {}
    try:
        async with tenant_session(engine, ended.account) as session:
            events.hold(session)
            # The campaign row is locked first (lock order), by the fence when we may refill.
            campaign = None
            if grant is not None:
                campaign = await progress.fence(session, ended.campaign_id, grant.token)
            if campaign is None:
                if grant is not None:  # the lease token is no longer ours: give it back unused
                    grant.start({}, [])
                    grant = None
                await progress.lock(session, ended.campaign_id)
            repo = CampaignRepository(session)
            contact = await repo.contact_on_call(ended.contact_id, ended.session_id)
            if contact is not None and campaign is None:
                campaign = await repo.get(ended.campaign_id)
            if contact is None or campaign is None:
                return
            now = utcnow()
            await progress.outcome(session, contact, campaign, ended.status, now)
            if grant is not None:
                claimed, info = await _refill(session, campaign, grant, now)
            await events.write_held(session, now)
            await commit(session)
        committed = claimed
        if claimed and ended.slot_released is not None:
            await ended.slot_released  # the caps see this call's slot free before a new dial
    finally:
        if grant is not None:  # only claims that were committed are dialled
            grant.start(info, committed)


async def _refill(
    session: TenantSession, campaign: Campaign, grant: Grant, now: datetime
) -> tuple[list[progress.Claimed], dict[str, Any]]:
    """Claim up to the grant's capacity while the campaign (fenced under the grant's lease
    token) runs and has free lines: the same rule as `step`, under the same campaign lock.
    The count is its own statement, after the fence took the lock: on PostgreSQL a statement
    that waited for the lock still reads from the snapshot it started with."""
    if campaign.status != RUNNING:
        return [], {}
    free = campaign.max_concurrent_calls - await progress.in_flight_count(session, campaign.id)
    n = min(grant.capacity, free)
    if n <= 0:
        return [], {}
    claimed = await progress.claim(session, campaign, n, grant.token, now)
    if len(claimed) == free:
        session.info[events.SERVED] = True  # every line busy again: no tick needed
    return claimed, _dial_info(campaign)
