"""The sandbox carrier (`provider: "sandbox"`): simulated calls with realistic outcomes, for the
embedded default and demos. It never places a real call.

A placed call rings for `SANDBOX_RING_SECONDS`, then ends busy, unanswered, failed or answered
by the weights of `SANDBOX_OUTCOME_WEIGHTS`; an answered call talks for a random time within
`SANDBOX_TALK_SECONDS` and leaves a short real WAV recording. Every status is reported as a
signed callback (Twilio's signature scheme, header `X-Sandbox-Signature`) handed to the same
webhook handler the real carriers' HTTP callbacks reach, so the status path is shared.
Its credential holds only a signing secret the server generates.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import random
import secrets
import struct
import wave
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from kataven_hub.carriers.base import (
    CallbackUrls,
    CarrierCall,
    PlacedCall,
    Recording,
    RecordingEvent,
    StatusUpdate,
    VoiceReply,
)
from kataven_hub.carriers.signatures import twilio_signature, twilio_valid
from kataven_hub.carriers.twilio import parse_recording, parse_status, twiml
from kataven_hub.core.errors import AppError
from kataven_hub.core.settings import get_settings

log = logging.getLogger("kataven_hub.carriers.sandbox")

Deliver = Callable[[str, str, dict[str, str], dict[str, str]], Awaitable[None]]
_deliver: Deliver | None = None
_tasks: set[asyncio.Task[None]] = set()
_calls: OrderedDict[str, CarrierCall] = OrderedDict()
_recordings: OrderedDict[str, bytes] = OrderedDict()
_KEEP = 1000
_RETRY_PAUSES = (0.25, 0.5, 1.0, 2.0)  # seconds before each new attempt of a failed callback
_V = TypeVar("_V")


class _Live:
    """A simulated call not over yet, and how to report on it."""

    def __init__(
        self, creds: dict[str, str], call_id: str, urls: CallbackUrls, from_: str, to: str
    ) -> None:
        self.creds, self.call_id, self.urls = creds, call_id, urls
        self.base = {"CallSid": call_id, "From": from_, "To": to, "Direction": "outbound-api"}
        self.answered_at: float | None = None

    async def report(self, status: str, **extra: str) -> None:
        """Deliver one status callback. One the handler failed to apply for a passing reason
        (e.g. the database momentarily out of connections) is sent again a few times, as
        carriers retry webhooks that failed; a refusal (4xx) is not."""
        params = {**self.base, "CallStatus": status, **extra}
        _remember(_calls, self.call_id, CarrierCall(self.call_id, status))
        signature = twilio_signature(self.creds["auth_token"], self.urls.status_url, params)
        headers = {"x-sandbox-signature": signature}
        for pause in (*_RETRY_PAUSES, None):
            if _deliver is None:
                return
            try:
                await _deliver("sandbox", self.urls.status_url, params, headers)
                return
            except AppError as exc:
                if exc.status_code < 500 or pause is None:
                    raise
            except Exception:
                if pause is None:
                    raise
            log.warning("sandbox status callback for %s failed; retrying", self.call_id)
            await asyncio.sleep(pause)


_live: dict[str, _Live] = {}


def configure(deliver: Deliver) -> None:
    """Register the webhook handler: deliver(provider, url, params, headers)."""
    global _deliver
    _deliver = deliver


def wav_tone(seconds: float, rate: int = 8000, hz: float = 440.0) -> bytes:
    """A mono 16-bit PCM WAV: a tone with short fades (a playable stand-in for a call)."""
    frames = max(1, int(seconds * rate))
    fade = max(1, rate // 50)
    samples = bytearray()
    for i in range(frames):
        envelope = min(1.0, i / fade, (frames - i) / fade)
        samples += struct.pack("<h", int(12000 * envelope * math.sin(2 * math.pi * hz * i / rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(samples))
    return out.getvalue()


def _remember(store: OrderedDict[str, _V], key: str, value: _V) -> None:
    store[key] = value
    store.move_to_end(key)
    while len(store) > _KEEP:
        store.popitem(last=False)


class SandboxCarrier:
    provider = "sandbox"
    required_keys: tuple[str, ...] = ()

    def check_credentials(self, credentials: Mapping[str, str]) -> dict[str, str]:
        return {"auth_token": secrets.token_hex(16)}

    async def place_call(
        self,
        credentials: Mapping[str, str],
        *,
        from_number: str,
        to_number: str,
        urls: CallbackUrls,
        record: bool,
    ) -> PlacedCall:
        call_id = "SB" + secrets.token_hex(16)
        _remember(_calls, call_id, CarrierCall(call_id, "queued"))
        task = asyncio.create_task(
            self._simulate(dict(credentials), call_id, urls, from_number, to_number, record),
            name=f"sandbox:{call_id}",
        )
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
        return PlacedCall(call_id)

    async def _simulate(
        self,
        creds: dict[str, str],
        call_id: str,
        urls: CallbackUrls,
        from_number: str,
        to_number: str,
        record: bool,
    ) -> None:
        settings = get_settings()
        live = _Live(creds, call_id, urls, from_number, to_number)
        _live[call_id] = live
        try:
            await live.report("ringing")
            await asyncio.sleep(settings.SANDBOX_RING_SECONDS)
            weights = settings.SANDBOX_OUTCOME_WEIGHTS
            outcome = random.choices(list(weights), weights=list(weights.values()))[0]
            if outcome != "completed":
                _live.pop(call_id, None)
                await live.report(outcome.replace("_", "-"))
                return
            live.answered_at = asyncio.get_running_loop().time()
            await live.report("in-progress")
            low, high = settings.SANDBOX_TALK_SECONDS
            talk = random.uniform(low, high)
            await asyncio.sleep(talk)
            _live.pop(call_id, None)
            seconds = max(1, round(talk))
            if record:
                _remember(_recordings, call_id, wav_tone(min(seconds, 3)))
            await live.report("completed", CallDuration=str(seconds))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sandbox call simulation failed")
        finally:
            if _live.get(call_id) is live:
                del _live[call_id]

    async def hang_up(self, credentials: Mapping[str, str], carrier_call_id: str) -> None:
        """End a simulated call now: an answered call completes (its talk time so far), one
        still ringing is canceled. Reported like any status, shortly after (as carriers do)."""
        live = _live.pop(carrier_call_id, None)
        if live is None:
            return  # over already (or never ours): nothing to end
        for task in list(_tasks):
            if task.get_name() == f"sandbox:{carrier_call_id}":
                task.cancel()
        if live.answered_at is None:
            final = live.report("canceled")
        else:
            talked = asyncio.get_running_loop().time() - live.answered_at
            final = live.report("completed", CallDuration=str(max(1, round(talked))))
        task = asyncio.create_task(final)
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)

    async def fetch_call(self, credentials: Mapping[str, str], carrier_call_id: str) -> CarrierCall:
        return _calls.get(carrier_call_id) or CarrierCall(carrier_call_id, "failed")

    async def fetch_recording(
        self, credentials: Mapping[str, str], carrier_call_id: str
    ) -> Recording | None:
        content = _recordings.get(carrier_call_id)
        if content is None:
            return None
        seconds = max(1, round((len(content) - 44) / 16000))
        return Recording(content, "audio/wav", seconds)

    def verify_webhook(
        self,
        credentials: Mapping[str, str],
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
    ) -> bool:
        token = credentials.get("auth_token", "")
        return twilio_valid(token, url, params, headers.get("x-sandbox-signature"))

    def webhook_nonce(self, headers: Mapping[str, str]) -> str | None:
        return None

    def parse_status(self, params: Mapping[str, str]) -> StatusUpdate:
        return parse_status(params)

    def inbound_to(self, params: Mapping[str, str]) -> str | None:
        return params.get("To")

    def inbound_from(self, params: Mapping[str, str]) -> str | None:
        return params.get("From")

    def parse_recording(self, params: Mapping[str, str]) -> RecordingEvent | None:
        return parse_recording(params)

    def voice_response(self, reply: VoiceReply) -> tuple[bytes, str]:
        return twiml(reply), "text/xml"


async def shutdown() -> None:
    for task in list(_tasks):
        task.cancel()
    await asyncio.gather(*_tasks, return_exceptions=True)
