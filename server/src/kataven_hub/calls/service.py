"""Calls: originate (the one path every outbound call takes, API and campaigns alike), read,
and apply carrier status idempotently.

Originate order (DECISIONS): body (400, in the schema) → caller-ID and agent (404) → number
outbound-enabled (403) → agent active (409) → destination on the do-not-call list (403,
`do_not_call`) → cost caps, atomic check-and-reserve (429) →
decrypt credentials (503) → carrier (502 with the carrier's message). A reservation whose call
never started is given back.

Three short steps, so no transaction (on SQLite: the write lock) is held while the carrier
answers: the call is recorded (`queued`, no carrier id) and committed, then the carrier is
asked, then its answer is recorded in a second transaction that the caller commits (which
confirms the call's concurrent slot). A call the carrier refused is removed again. A call left
`queued` without a carrier id (the process died while asking) is failed with
`outcome_unknown` when its slot is reclaimed (see limits/service.py), never placed again.

Status only moves forward (queued < ringing < in_progress < terminal), through one guarded
UPDATE per callback: the statement that moves a call into its terminal state is the only one
that releases its concurrent slot, counts its minutes and announces `CallEnded` (calls/events.py),
after the transaction commits. Duplicated or late callbacks change nothing.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import select

from kataven_hub.agents import service as agents_service
from kataven_hub.calls.events import CallEnded, announce
from kataven_hub.calls.models import Call
from kataven_hub.calls.repository import CallRepository
from kataven_hub.calls.repository import call_ids_by_contact as _call_ids_by_contact
from kataven_hub.carriers import registry
from kataven_hub.carriers.base import RANK, TERMINAL, CallbackUrls, StatusUpdate
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    ServiceUnavailable,
)
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.core.sessions import after_commit, commit
from kataven_hub.core.settings import get_settings
from kataven_hub.dnc import service as dnc_service
from kataven_hub.limits import service as limits_service
from kataven_hub.telephony import service as telephony_service
from kataven_hub.webhooks import outbox as webhooks_outbox

if TYPE_CHECKING:
    from kataven_hub.telephony.models import PhoneNumber

log = logging.getLogger("kataven_hub.calls")


class NumberOrAgentNotFound(NotFound):
    description = "Phone number or agent not found"


class OutboundDisabled(Forbidden):
    code = "outbound_disabled"
    description = "Outbound calling is disabled for this number"


class AgentNotActive(Conflict):
    code = "agent_not_active"
    description = "The agent is not active"


class CallAlreadyEnded(Conflict):
    code = "call_already_ended"
    description = "The call has already ended"


class CallNotPlacedYet(Conflict):
    code = "call_not_placed_yet"
    description = "The carrier has not taken the call yet"


class CallNotRecorded(Exception):
    """The carrier took the call, but recording its answer failed: whoever retries must not
    place it again (the call stays `queued` and is reconciled as in doubt)."""


def webhook_urls(provider: str, account: str, session_id: str) -> CallbackUrls:
    """Our webhook URLs for one call. The account and session ride in the query string, which
    the carriers sign with the rest of the URL, so they cannot be altered."""
    return CallbackUrls(
        webhook_url(provider, "status", account, session_id),
        webhook_url(provider, "voice", account, session_id),
    )


def webhook_url(provider: str, kind: str, account: str, session_id: str) -> str:
    """`/{provider}/{kind}` for one call (status, voice or recording)."""
    query = urlencode({"account": account, "session": session_id})
    return f"{get_settings().public_base_url}/{provider}/{kind}?{query}"


async def originate(
    session: TenantSession,
    account: str,
    from_number: str,
    to_number: str,
    agent_id: str,
    *,
    campaign_id: str | None = None,
    contact_id: str | None = None,
    custom_fields: dict[str, Any] | None = None,
    number: PhoneNumber | None = None,
) -> Call:
    """Place one outbound call from `from_number` (a number of `account`) to `to_number`,
    handled by `agent_id`. Raises the documented AppErrors (404/403/409/429/503/502). Commits
    `session` once (the call, before the carrier is asked); the carrier's answer is left in
    `session` for the caller to commit. The concurrent slot is held until the call reaches a
    terminal state. Campaigns pass their ids so listeners can match calls. `custom_fields`
    reach the agent runtime when the call is answered (calls/webhooks.py)."""
    # `number`: the row of `from_number` when the caller has just read it (campaigns), saving
    # the lookup; it is checked like any other.
    if number is None or number.e164 != from_number:
        number = await telephony_service.number_by_e164(session, from_number)
    agent = None
    if number is not None:
        try:
            agent = await agents_service.get(session, agent_id)
        except NotFound:
            agent = None
    if number is None:
        raise NumberOrAgentNotFound(
            f"from_number {from_number} is not a phone number of this account "
            "(register it: POST /api/v1/telephony/numbers)"
        )
    if agent is None:
        raise NumberOrAgentNotFound(f"Agent {agent_id[:100]!r} not found")
    if not number.outbound_enabled:
        raise OutboundDisabled("Outbound calling is disabled for this number")
    if agent.status != "active":
        raise AgentNotActive(
            f"Agent is {agent.status}; only active agents place calls (activate it: PATCH "
            f'/api/v1/agents/{agent.id} {{"status": "active"}})'
        )
    await dnc_service.refuse_listed(session, to_number)
    limits = await limits_service.limits_for_calls(account)
    repo = CallRepository(session)
    session_id = new_id("sess")
    await limits_service.reserve(
        account, limits, lambda: _usage(repo), session_id, lambda ids: _live(session, account, ids)
    )
    try:
        carrier = registry.get(number.provider)
        if carrier is None:
            raise ServiceUnavailable(f"Carrier {number.provider} is not enabled")
        creds = await telephony_service.credentials(session, account, number.credentials_id)
        call = await repo.add(
            Call(
                id=session_id, direction="outbound", status="queued", from_number=from_number,
                to_number=to_number, agent_id=agent.id, provider=number.provider,
                number_id=number.id, credentials_id=number.credentials_id,
                campaign_id=campaign_id, contact_id=contact_id, custom_fields=custom_fields or {},
            )
        )  # fmt: skip
        await commit(session)
    except BaseException:
        await limits_service.unreserve(account, session_id)
        raise
    # From here on the carrier may have the call: a failure is in doubt, not "never dialled".
    session.info["carrier_asked"] = True
    try:
        placed = await carrier.place_call(
            creds,
            from_number=from_number,
            to_number=to_number,
            urls=webhook_urls(number.provider, account, session_id),
            record=get_settings().CALL_RECORDING_ENABLED,
        )
    except Exception:
        try:
            await repo.remove_unplaced(session_id)
            await commit(session)
        finally:
            await limits_service.unreserve(account, session_id)
        raise
    status = placed.status if placed.status not in TERMINAL else "queued"
    try:
        recorded = await repo.placed(session_id, placed.carrier_call_id, status)
        # `call.queued` once the carrier took the call (a refused call is removed again).
        await webhooks_outbox.emit(session, account, "call.queued", event_data(call, {}))
    except Exception as exc:
        raise CallNotRecorded(session_id) from exc
    after_commit(session, lambda: limits_service.slot_kept(account, session_id))
    return recorded or call


async def _usage(repo: CallRepository) -> limits_service.Usage:
    in_flight = await repo.in_flight()
    _, *rest = await repo.usage(utcnow())
    return limits_service.Usage(in_flight, *rest)


async def _live(session: TenantSession, account: str, session_ids: list[str]) -> set[str]:
    """Of these calls whose slots were never confirmed, the ones still live: placed (a carrier
    id or a carrier callback) and not over. One left `queued` without a carrier id this long
    after its slot was taken never got the carrier's answer recorded: it is failed, in doubt."""
    live = set()
    repo = CallRepository(session)
    for session_id, status, has_carrier_id in await repo.states(session_ids):
        if status in TERMINAL:
            continue
        if status == "queued" and not has_carrier_id:
            call = await repo.get(session_id)
            if call is not None:
                update = StatusUpdate("failed", error="outcome_unknown")
                await apply_status(session, account, call, update)
            continue
        live.add(session_id)
    return live


async def list_calls(
    session: TenantSession,
    limit: int,
    offset: int,
    status: str | None,
    campaign_id: str | None,
    direction: str | None = None,
    *,
    agent_id: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> dict[str, Any]:
    if created_from is not None and created_to is not None and created_from >= created_to:
        raise InvalidRequest(
            "`from` must be earlier than `to`",
            errors=[{"field": "from", "message": "must be earlier than `to`"}],
        )
    calls = await CallRepository(session).page(
        limit, offset, status, campaign_id, direction,
        agent_id=agent_id, created_from=created_from, created_to=created_to,
    )  # fmt: skip
    return {"calls": calls, "limit": limit, "offset": offset}


async def average_duration(session: TenantSession, at_least: int) -> float | None:
    """The average length (seconds) of the account's completed calls, when it has at least
    `at_least` of them (the latest 1,000 count)."""
    return await CallRepository(session).average_duration(at_least)


def call_ids_by_contact(dialect: str, campaign_id: str) -> Any:
    """A subquery (contact_id, call_ids) over the campaign's calls (its export joins it)."""
    return _call_ids_by_contact(dialect, campaign_id)


async def get_or_none(session: TenantSession, session_id: str) -> Call | None:
    if not looks_like("sess", session_id):
        return None
    return await CallRepository(session).get(session_id)


async def exists_for_contact(
    session: TenantSession, campaign_id: str, contact_id: str, since: datetime
) -> bool:
    """Whether a call was recorded for this campaign contact since `since` (originate records
    the call before it asks the carrier: no call means the carrier was never asked)."""
    stmt = (
        select(Call.id)
        .where(
            Call.campaign_id == campaign_id,
            Call.contact_id == contact_id,
            Call.created_at >= since - timedelta(seconds=1),
        )
        .limit(1)
    )
    return (await session.execute(stmt)).first() is not None


async def get(session: TenantSession, session_id: str) -> Call:
    call = await get_or_none(session, session_id)
    if call is None:
        raise NotFound(f"Call {session_id[:100]!r} not found")
    return call


async def hang_up(session: TenantSession, account: str, session_id: str) -> Call:
    """Ask the call's carrier to end it (Twilio: update to completed; Plivo/Vobiz: delete the
    call, or cancel the request while it rings; sandbox: end the simulation). The status does
    not change here: the carrier's final callback moves the call on as for any other ending.
    409 once the call is terminal, or while the carrier has not answered the originate yet."""
    call = await get(session, session_id)
    if call.status in TERMINAL:
        raise CallAlreadyEnded(f"The call has already ended ({call.status})")
    carrier_id = call.carrier_leg_id or call.carrier_call_id
    if carrier_id is None or call.credentials_id is None:
        raise CallNotPlacedYet("The carrier has not taken the call yet; try again shortly")
    carrier = registry.get(call.provider)
    if carrier is None:
        raise ServiceUnavailable(f"Carrier {call.provider} is not enabled")
    creds = await telephony_service.credentials(session, account, call.credentials_id)
    # No transaction stays open (on SQLite: the write lock) while the carrier answers; the
    # row read is kept as it is (a rollback would expire it).
    session.expunge(call)
    await session.rollback()
    await carrier.hang_up(creds, carrier_id)
    return call


async def apply_status(
    session: TenantSession, account: str, call: Call, update: StatusUpdate
) -> bool:
    """Apply a carrier status if it moves the call forward; True when it did."""
    move = _forward(call, update)
    if move is None:
        return False
    earlier, values, duration = move
    if update.carrier_call_id and update.carrier_call_id != call.carrier_call_id:
        values["carrier_leg_id"] = update.carrier_call_id[:100]
    terminal = update.status in TERMINAL
    record = terminal and duration > 0 and get_settings().CALL_RECORDING_ENABLED
    if record:
        values["recording_status"] = "pending"
    if not await CallRepository(session).advance(call.id, earlier, values):
        return False
    await _emit_status(session, account, call, values)
    if terminal:
        ended = CallEnded(
            account, call.id, values["status"], duration, call.campaign_id, call.contact_id,
            fetch_recording=record,
        )  # fmt: skip
        after_commit(session, lambda: _announce(ended, math.ceil(duration / 60)))
    return True


def _forward(call: Call, update: StatusUpdate) -> tuple[list[str], dict[str, Any], int] | None:
    """A carrier status as a forward-only transition: (the statuses it may move the call on
    from, the values it sets, the talk seconds it reports), or None for a status we ignore."""
    if update.status is None or update.status not in RANK:
        return None
    rank = RANK[update.status]
    earlier = [s for s, r in RANK.items() if r < rank]
    now = utcnow()
    values: dict[str, Any] = {"status": update.status, "updated_at": now}
    if update.status == "in_progress":
        values["answered_at"] = call.answered_at or now
    duration = (update.duration_seconds or 0) if update.status == "completed" else 0
    if update.status in TERMINAL:
        values.update(ended_at=now, duration_seconds=duration, error=update.error)
    return earlier, values, duration


async def _announce(ended: CallEnded, minutes: int) -> None:
    release = asyncio.ensure_future(
        limits_service.call_ended(ended.account, ended.session_id, minutes)
    )
    try:
        await announce(replace(ended, slot_released=release))
    finally:
        await release


async def set_recording(
    session: TenantSession, session_id: str, values: dict[str, Any], *, account: str | None = None
) -> None:
    """Recording fields of a call (owned by the recordings module's flow). A recording that
    became ready is announced (`call.recording_ready`) when the account is given."""
    repo = CallRepository(session)
    await repo.set_values(session_id, {**values, "updated_at": utcnow()})
    if account is not None and values.get("recording_status") == "ready":
        call = await repo.get(session_id)
        if call is not None:
            data = event_data(call, {})
            data["recording_duration_seconds"] = values.get("recording_duration_seconds")
            await webhooks_outbox.emit(session, account, "call.recording_ready", data)


# -- usage ------------------------------------------------------------------------------------
async def usage_started(
    session: TenantSession, start: datetime, end: datetime, granularity: str
) -> list[tuple[str, str, str, bool, int]]:
    """(period, direction, status, answered, count) of calls created in [start, end)."""
    return await CallRepository(session).started_by_period(start, end, granularity)


async def usage_minutes(
    session: TenantSession, start: datetime, end: datetime, granularity: str
) -> list[tuple[str, str, int]]:
    """(period, direction, whole talk minutes) of calls that ended completed in [start, end)."""
    return await CallRepository(session).minutes_by_period(start, end, granularity)


# -- webhook events ---------------------------------------------------------------------------
_EVENT_OF_STATUS = {
    "queued": "call.queued",
    "ringing": "call.ringing",
    "in_progress": "call.in_progress",
    "completed": "call.completed",
}


def event_data(call: Call, values: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a `call.*` webhook event: the call as it is after `values` apply."""

    def pick(name: str) -> Any:
        value = values.get(name, getattr(call, name))
        return webhooks_outbox.iso(value) if isinstance(value, datetime) else value

    status = pick("status")
    return {
        "session_id": call.id,
        "direction": call.direction,
        "status": status,
        "outcome": status if status in TERMINAL else None,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "agent_id": call.agent_id,
        "provider": call.provider,
        "campaign_id": call.campaign_id,
        "contact_id": call.contact_id,
        "duration_seconds": pick("duration_seconds"),
        "error": pick("error"),
        "created_at": pick("created_at"),
        "answered_at": pick("answered_at"),
        "ended_at": pick("ended_at"),
    }


async def _emit_status(
    session: TenantSession, account: str, call: Call, values: dict[str, Any]
) -> None:
    """The webhook event of a forward transition (busy, no-answer, failed and canceled calls
    are `call.failed`, with the outcome in `data.outcome`)."""
    event = _EVENT_OF_STATUS.get(values["status"], "call.failed")
    await webhooks_outbox.emit(session, account, event, event_data(call, values))


# -- inbound calls ----------------------------------------------------------------------------
# Inbound calls are outside the call cost caps: the caps are what the account *places*
# (DECISIONS: the concurrent slot is held "from a successful originate"; spec 08 lists them under
# outbound calls and their 429s are originate answers). A carrier ring cannot be told "429", and
# turning a customer's caller away because a campaign is running would surprise everyone. So an
# inbound call reserves no slot, its terminal transition releases none and counts no minutes.


async def start_inbound(
    session: TenantSession,
    *,
    session_id: str,
    provider: str,
    carrier_call_id: str,
    number_id: str,
    credentials_id: str,
    to_number: str,
    from_number: str,
    agent_id: str,
    record: bool,
    account: str | None = None,
) -> Call:
    """The call row of an inbound ring being connected to an agent, added to `session` (the
    caller commits). A carrier retrying the same ring (same carrier call id, same number) gets
    the first row back, not a second one: the check and the insert run under a per-call lock."""
    carrier_call_id = carrier_call_id[:100]
    repo = CallRepository(session)
    await repo.lock_carrier_call(provider, carrier_call_id)
    existing = await repo.inbound_by_carrier_id(provider, carrier_call_id, to_number)
    if existing is not None:
        return existing
    now = utcnow()
    call = Call(
        id=session_id,
        direction="inbound",
        # The document we answer with picks the call up (stream or greeting).
        status="in_progress",
        from_number=from_number[:16],
        to_number=to_number,
        agent_id=agent_id,
        provider=provider,
        number_id=number_id,
        credentials_id=credentials_id,
        carrier_call_id=carrier_call_id,
        # The carrier was asked to record; the file arrives after its recording callback.
        recording_status="pending" if record else None,
        created_at=now,
        answered_at=now,
    )
    await repo.add(call)
    if account is not None:
        await webhooks_outbox.emit(session, account, "call.in_progress", event_data(call, {}))
    return call


async def inbound_by_carrier_id(
    session: TenantSession, provider: str, carrier_call_id: str, to_number: str
) -> Call | None:
    """The inbound call the carrier knows by this id, to this number of ours."""
    repo = CallRepository(session)
    return await repo.inbound_by_carrier_id(provider, carrier_call_id[:100], to_number)


async def apply_inbound_status(
    session: TenantSession, account: str, call: Call, update: StatusUpdate
) -> bool:
    """`apply_status` for an inbound call: the same forward-only guarded transition, announced
    once as `CallEnded`, but with no slot to release and no minutes to count. The
    recording is left to the carrier's recording callback (see `recordings.service`), unless
    the call ended without talk time."""
    move = _forward(call, update)
    if move is None:
        return False
    earlier, values, duration = move
    repo = CallRepository(session)
    if not await repo.advance(call.id, earlier, values):
        return False
    await _emit_status(session, account, call, values)
    if values["status"] in TERMINAL:
        if duration == 0:
            # Nothing was said, so no recording will be reported: don't leave it "not ready".
            await repo.drop_pending_recording(call.id)
        ended = CallEnded(account, call.id, values["status"], duration, None, None)
        after_commit(session, lambda: announce(ended))
    return True
