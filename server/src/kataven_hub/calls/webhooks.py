"""Carrier webhooks: call status (`/{provider}/status`), voice (`/{provider}/voice`) and
recordings (`/{provider}/recording`).

Every request is verified with the credential of the call's (or the dialled number's) provider
row before anything changes: a bad or missing signature, a URL other than the one signed, a
replayed nonce (Plivo/Vobiz), an unknown session or another account's session is a 403 and
changes nothing. Outbound calls carry `account` and `session` in their webhook URLs (signed by
the carrier); inbound calls are routed by the dialled number through the global number map, and
their status callbacks (the number's own status URL, which carries no session) find the call
by the carrier's call id.

An inbound ring connected to an agent gets a call row (`direction: inbound`, a new session id
handed to the call runtime in the answer document) the first time the carrier asks; a retry of
the same ring (same carrier call id) answers with the same row and session. A refused ring
(detached number, inactive agent: busy; unknown or inbound-disabled number: rejected) gets no
row: no agent took it, so there is no session, transcript or recording to show, and the carrier
keeps its own record of refused calls.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from redis.exceptions import RedisError

from kataven_hub.agents import service as agents_service
from kataven_hub.calls import service as calls_service
from kataven_hub.calls.models import Call
from kataven_hub.carriers import registry
from kataven_hub.carriers.base import Carrier, StatusUpdate, VoiceReply
from kataven_hub.core import tenancy
from kataven_hub.core.counters import Window, counters
from kataven_hub.core.db import ControlSession, TenantSession, new_session, sqlite_immediate
from kataven_hub.core.errors import Forbidden, InvalidRequest, NotFound, ServiceUnavailable
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.core.sessions import commit
from kataven_hub.core.settings import get_settings
from kataven_hub.core.tenancy import SLUG_RE
from kataven_hub.recordings import service as recordings_service
from kataven_hub.telephony import service as telephony_service

_NONCE_SECONDS = 86400
_WAIT_WINDOW, _WAIT_STEP, _WAIT_ATTEMPTS = 10.0, 0.1, 30


class WebhookRejected(Forbidden):
    code = "webhook_rejected"
    description = "Webhook signature or target invalid"


def _carrier(provider: str) -> Carrier:
    carrier = registry.get(provider)
    if carrier is None:
        raise NotFound("Unknown carrier")
    return carrier


def _target(url: str) -> tuple[str, str] | None:
    query = dict(parse_qsl(urlsplit(url).query))
    account, session_id = query.get("account", ""), query.get("session", "")
    if not SLUG_RE.match(account) or not looks_like("sess", session_id):
        return None
    return account, session_id


async def _tenant_session(account: str) -> TenantSession:
    engine = await tenancy.get().engine_for(account)
    if engine is None:
        raise WebhookRejected()
    return TenantSession(new_session(sqlite_immediate(engine)))


async def _find_call(account: str, session_id: str) -> tuple[TenantSession, Call | None]:
    """A session that sees the call, and the call (None: not there). A carrier may call back
    before the originate transaction that created the call has committed (it answers the API
    request first): for a session id minted in the last few seconds, wait briefly for the row
    to appear. No connection is held while waiting. The row is returned with its session (the
    session keeps it only weakly: read again, it would be a second query)."""
    for attempt in range(_WAIT_ATTEMPTS):
        session = await _tenant_session(account)
        try:
            call = await calls_service.get_or_none(session, session_id)
        except BaseException:
            await session.close()
            raise
        if call is not None:
            return session, call
        if attempt == _WAIT_ATTEMPTS - 1 or time.time() - _minted_at(session_id) > _WAIT_WINDOW:
            return session, None
        await session.close()
        await asyncio.sleep(_WAIT_STEP)
    raise AssertionError("unreachable")


def _minted_at(session_id: str) -> float:
    """Creation time (seconds) encoded in a prefixed ULID's first 10 characters."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    ms = 0
    for char in session_id.partition("_")[2][:10]:
        ms = ms * 32 + alphabet.index(char)
    return ms / 1000


async def _verified(
    carrier: Carrier,
    creds: Mapping[str, str],
    account: str,
    url: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
) -> None:
    if not carrier.verify_webhook(creds, url, params, headers):
        raise WebhookRejected()
    nonce = carrier.webhook_nonce(headers)
    if nonce is not None:
        once = Window(f"nonce:{carrier.provider}:{nonce[:200]}", "gauge", 1, _NONCE_SECONDS)
        try:
            replayed = await counters().acquire(account, [once]) is not None
        except RedisError:
            raise ServiceUnavailable("Replay protection unavailable") from None
        if replayed:
            raise WebhookRejected("Replayed webhook")


async def _targeted_call(
    provider: str, url: str, params: Mapping[str, str], headers: Mapping[str, str]
) -> tuple[TenantSession, str, Call]:
    """The call named by the signed `account` and `session` of our own webhook URL."""
    target = _target(url)
    if target is None:
        raise WebhookRejected()
    account, session_id = target
    carrier = _carrier(provider)
    session, call = await _find_call(account, session_id)
    try:
        if call is None or call.provider != provider or call.credentials_id is None:
            raise WebhookRejected()
        creds = await telephony_service.credentials(session, account, call.credentials_id)
        await _verified(carrier, creds, account, url, params, headers)
    except BaseException:
        await session.close()
        raise
    return session, account, call


async def _numbered_call(
    provider: str, url: str, params: Mapping[str, str], headers: Mapping[str, str]
) -> tuple[TenantSession, str, Call | None]:
    """An inbound call's status callback (sent to the number's status URL, no session in it):
    the dialled number names the account and the credential, the carrier call id the row."""
    carrier = _carrier(provider)
    to = (carrier.inbound_to(params) or "")[:16]
    async with new_session(tenancy.get().control_engine) as control:
        owner = await telephony_service.owner_of(ControlSession(control), to)
    if owner is None:
        raise WebhookRejected()
    session = await _tenant_session(owner.account)
    try:
        number = await telephony_service.number_by_e164(session, to)
        if number is None or number.provider != provider:
            raise WebhookRejected()
        creds = await telephony_service.credentials(session, owner.account, number.credentials_id)
        await _verified(carrier, creds, owner.account, url, params, headers)
        carrier_call_id = carrier.parse_status(params).carrier_call_id
        call = None
        if carrier_call_id:
            call = await calls_service.inbound_by_carrier_id(
                session, provider, carrier_call_id, number.e164
            )
    except BaseException:
        await session.close()
        raise
    return session, owner.account, call


async def _apply(session: TenantSession, account: str, call: Call, update: StatusUpdate) -> None:
    if call.direction == "inbound":
        await calls_service.apply_inbound_status(session, account, call, update)
    else:
        await calls_service.apply_status(session, account, call, update)


async def handle_status(
    provider: str, url: str, params: dict[str, str], headers: Mapping[str, str]
) -> None:
    """Verify and apply one status callback (idempotent; any order). A verified callback about
    an inbound call we have no row for (a refused ring) changes nothing."""
    if _target(url) is None:
        session, account, found = await _numbered_call(provider, url, params, headers)
    else:
        session, account, found = await _targeted_call(provider, url, params, headers)
    async with session:
        if found is not None:
            update = _carrier(provider).parse_status(params)
            await _apply(session, account, found, update)
            await commit(session)


async def handle_recording(
    provider: str, url: str, params: dict[str, str], headers: Mapping[str, str]
) -> None:
    """Verify one recording callback (URL from our answer document) and act on it."""
    session, account, call = await _targeted_call(provider, url, params, headers)
    async with session:
        event = _carrier(provider).parse_recording(params)
        if event is not None:
            await recordings_service.recording_reported(session, account, call, event)
            await commit(session)


async def handle_voice(
    provider: str, url: str, params: dict[str, str], headers: Mapping[str, str]
) -> tuple[bytes, str]:
    """The call-control document for an answered outbound call or a ringing inbound call."""
    carrier = _carrier(provider)
    if _target(url) is not None:
        session, account, call = await _targeted_call(provider, url, params, headers)
        async with session:
            leg = carrier.parse_status(params).carrier_call_id
            answered = StatusUpdate("in_progress", leg)
            await calls_service.apply_status(session, account, call, answered)
            reply = await _reply(
                session, _Target(provider, account, call.id), call.agent_id, call.custom_fields
            )
            await commit(session)
        return carrier.voice_response(reply)
    to = carrier.inbound_to(params) or ""
    async with new_session(tenancy.get().control_engine) as control:
        owner = await telephony_service.owner_of(ControlSession(control), to[:16])
    if owner is None:
        return carrier.voice_response(VoiceReply("reject"))
    async with await _tenant_session(owner.account) as session:
        number = await telephony_service.number_by_e164(session, to)
        if number is None or number.provider != provider:
            return carrier.voice_response(VoiceReply("reject"))
        creds = await telephony_service.credentials(session, owner.account, number.credentials_id)
        await _verified(carrier, creds, owner.account, url, params, headers)
        if not number.inbound_enabled:
            return carrier.voice_response(VoiceReply("reject"))
        carrier_call_id = carrier.parse_status(params).carrier_call_id
        if not carrier_call_id:
            raise InvalidRequest("The voice webhook carries no call id")
        record = get_settings().CALL_RECORDING_ENABLED
        target = _Target(provider, owner.account, new_id("sess"), record)
        reply = await _reply(session, target, number.agent_id)
        if reply.action not in ("connect", "greet"):
            return carrier.voice_response(reply)  # refused: no call row (module docstring)
        call = await calls_service.start_inbound(
            session,
            session_id=target.session_id,
            provider=provider,
            carrier_call_id=carrier_call_id,
            number_id=number.id,
            credentials_id=number.credentials_id,
            to_number=number.e164,
            from_number=carrier.inbound_from(params) or "",
            agent_id=number.agent_id or "",
            record=record,
            account=owner.account,
        )
        if call.id != target.session_id:  # a retried ring: answer as the first time
            target = _Target(provider, owner.account, call.id, call.recording_status is not None)
            reply = await _reply(session, target, call.agent_id)
        await commit(session)
    return carrier.voice_response(reply)


@dataclass(frozen=True, slots=True)
class _Target:
    """Which call an answer document is for, and whether it asks the carrier to record."""

    provider: str
    account: str
    session_id: str
    record: bool = False


async def _reply(
    session: TenantSession,
    target: _Target,
    agent_id: str | None,
    custom_fields: Mapping[str, Any] | None = None,
) -> VoiceReply:
    """Connect to the agent, or busy when the number is detached or the agent is inactive. An
    outbound call's custom_fields go to the agent runtime with the stream (see VoiceReply)."""
    if agent_id is None:
        return VoiceReply("busy")
    try:
        agent = await agents_service.get(session, agent_id)
    except NotFound:
        return VoiceReply("busy")
    if agent.status != "active":
        return VoiceReply("busy")
    recording_url = None
    if target.record:
        recording_url = calls_service.webhook_url(
            target.provider, "recording", target.account, target.session_id
        )
    stream = get_settings().CALL_PROCESSOR_STREAM_URL
    if stream:
        query = urlencode(
            {"account": target.account, "agent_id": agent.id, "session": target.session_id}
        )
        sep = "&" if "?" in stream else "?"
        parameters = tuple(
            (str(k), v if isinstance(v, str) else str(v)) for k, v in (custom_fields or {}).items()
        )
        return VoiceReply(
            "connect",
            stream_url=f"{stream}{sep}{query}",
            recording_url=recording_url,
            parameters=parameters,
        )
    return VoiceReply("greet", greeting=agent.greeting_message, recording_url=recording_url)


def signed_url(path: str, query: str) -> str:
    """The URL a carrier signed: our public base URL, the path and the raw query string."""
    return get_settings().public_base_url + path + (f"?{query}" if query else "")
