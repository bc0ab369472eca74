"""Recordings: fetch from the carrier once a call completes, store, and hand out 5-minute URLs.

`recording_status` on the call: null (no recording), `pending` (the call completed and the
file is being fetched: 409 "Recording not ready"), `ready`. A fetch that finds nothing, or
fails three times, leaves the call without a recording (404).

Outbound calls are fetched when they complete. Inbound calls are recorded because their answer
document asked the carrier to (they are `pending` from the ring on), and fetched when the
carrier's recording callback says the file is ready; it may come before or after the call's
final status. The file itself is always fetched through the carrier's API with the stored
credentials, never from a URL named in the callback.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from kataven_hub.calls import service as calls_service
from kataven_hub.calls import tasks
from kataven_hub.calls.events import CallEnded
from kataven_hub.calls.models import Call
from kataven_hub.carriers import registry
from kataven_hub.carriers.base import RecordingEvent
from kataven_hub.core import tenancy
from kataven_hub.core.db import TenantSession, new_session
from kataven_hub.core.errors import AppError, Conflict, NotFound, ServiceUnavailable
from kataven_hub.core.sessions import after_commit, commit
from kataven_hub.core.settings import get_settings
from kataven_hub.recordings import storage
from kataven_hub.telephony import service as telephony_service

log = logging.getLogger("kataven_hub.recordings")
_ATTEMPTS = 3


class RecordingNotReady(Conflict):
    code = "recording_not_ready"
    description = "Recording not ready"


class PlaybackNotConfigured(ServiceUnavailable):
    code = "playback_not_configured"
    description = "Recording playback not configured"


class RecordingNotFound(NotFound):
    description = "No recording for this session"


async def playback(session: TenantSession, session_id: str) -> dict[str, Any]:
    store = storage.get()
    if store is None:
        raise PlaybackNotConfigured()
    call = await calls_service.get_or_none(session, session_id)
    if call is None or call.recording_status is None:
        raise RecordingNotFound()
    if call.recording_status != "ready" or call.recording_key is None:
        raise RecordingNotReady()
    url, expires_at = await store.url(call.recording_key, get_settings().RECORDINGS_URL_TTL_SECONDS)
    return {
        "url": url,
        "expires_at": expires_at,
        "content_type": call.recording_content_type or "audio/wav",
        "duration_seconds": call.recording_duration_seconds,
    }


async def recording_reported(
    session: TenantSession, account: str, call: Call, event: RecordingEvent
) -> None:
    """A carrier's recording callback for `call`: `completed` fetches the file after commit
    (a repeat once it is stored changes nothing), `absent` means there is none (404)."""
    if call.recording_status == "ready":
        return
    if event == "absent":
        await calls_service.set_recording(session, call.id, {"recording_status": None})
        return
    await calls_service.set_recording(session, call.id, {"recording_status": "pending"})
    after_commit(session, lambda: _fetch_later(account, call.id))


async def _fetch_later(account: str, session_id: str) -> None:
    tasks.spawn(fetch_from_carrier(account, session_id), "recordings.fetch")


async def call_ended(ended: CallEnded) -> None:
    """Subscriber of `CallEnded` (see kataven_hub.wiring): fetch the recording in the
    background when the calls module says there is one to fetch."""
    if ended.fetch_recording:
        tasks.spawn(fetch_from_carrier(ended.account, ended.session_id), "recordings.fetch")


async def fetch_from_carrier(account: str, session_id: str) -> None:
    """Download a completed call's recording from its carrier into storage (background)."""
    engine = await tenancy.get().engine_for(account)
    if engine is None:
        return
    values: dict[str, Any] = {"recording_status": None}
    for attempt in range(_ATTEMPTS):
        try:
            values = await _fetch(engine, account, session_id) or values
            break
        except (AppError, OSError) as exc:
            log.warning("recording fetch %s failed (%s)", session_id, type(exc).__name__)
            await asyncio.sleep(0.5 * 2**attempt)
    async with new_session(engine) as session:
        await calls_service.set_recording(
            TenantSession(session), session_id, values, account=account
        )
        await commit(session)


async def _fetch(engine: Any, account: str, session_id: str) -> dict[str, Any] | None:
    store = storage.get()
    async with new_session(engine) as raw:
        session = TenantSession(raw)
        call = await calls_service.get_or_none(session, session_id)
        carrier = registry.get(call.provider) if call is not None else None
        if store is None or call is None or carrier is None or call.credentials_id is None:
            return None
        creds = await telephony_service.credentials(session, account, call.credentials_id)
    carrier_id = call.carrier_leg_id or call.carrier_call_id
    recording = await carrier.fetch_recording(creds, carrier_id) if carrier_id else None
    if recording is None:
        return None
    key = storage.recording_key(account, session_id, recording.content_type)
    await store.put(key, recording.content, recording.content_type)
    return {
        "recording_status": "ready",
        "recording_key": key,
        "recording_content_type": recording.content_type,
        "recording_duration_seconds": recording.duration_seconds,
    }
