"""The carrier interface, in our own terms. Each provider module translates to and from its
REST API and webhook formats at the edge; nothing provider-shaped reaches the services.

Call statuses (ours): queued, ringing, in_progress, then one terminal status: completed, busy,
no_answer, failed, canceled. Statuses only move forward (see `RANK`), so duplicated and
out-of-order carrier callbacks converge on the same final state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from kataven_hub.core.errors import AppError

TERMINAL = frozenset({"completed", "busy", "no_answer", "failed", "canceled"})
RANK = {"queued": 0, "ringing": 1, "in_progress": 2} | dict.fromkeys(TERMINAL, 3)
VoiceAction = Literal["connect", "greet", "busy", "reject"]
RecordingEvent = Literal["completed", "absent"]


class CarrierError(AppError):
    """The carrier refused or failed the request; the message is the carrier's, never a secret."""

    status_code = 502
    code = "carrier_error"
    title = "Carrier error"
    description = "The carrier rejected the request"


@dataclass(frozen=True, slots=True)
class CallbackUrls:
    """Where the carrier reports on one call (our webhook URLs, already account/session bound)."""

    status_url: str
    answer_url: str


@dataclass(frozen=True, slots=True)
class PlacedCall:
    carrier_call_id: str
    status: str = "queued"


@dataclass(frozen=True, slots=True)
class CarrierCall:
    carrier_call_id: str
    status: str
    duration_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Recording:
    content: bytes
    content_type: str
    duration_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A parsed status callback. `status` None: nothing we track (e.g. a recording event)."""

    status: str | None
    carrier_call_id: str | None = None
    duration_seconds: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class VoiceReply:
    """What an answer/voice webhook says to the carrier about a call."""

    action: VoiceAction
    greeting: str = ""
    # The call runtime's stream; its query (account, agent_id, session) says which call it is.
    stream_url: str | None = None
    # Set when the document itself must ask the carrier to record the call (inbound calls: no
    # create-call request to ask in); the carrier reports the recording to this URL.
    recording_url: str | None = None
    # Named values for the agent runtime, sent with the media stream (the call's custom_fields).
    parameters: tuple[tuple[str, str], ...] = ()


class Carrier(Protocol):
    provider: str
    required_keys: tuple[str, ...]

    def check_credentials(self, credentials: Mapping[str, str]) -> dict[str, str]:
        """The credentials, validated for this provider (raise ValueError naming the problem)."""
        ...

    async def place_call(
        self,
        credentials: Mapping[str, str],
        *,
        from_number: str,
        to_number: str,
        urls: CallbackUrls,
        record: bool,
    ) -> PlacedCall: ...

    async def hang_up(self, credentials: Mapping[str, str], carrier_call_id: str) -> None: ...

    async def fetch_call(
        self, credentials: Mapping[str, str], carrier_call_id: str
    ) -> CarrierCall: ...

    async def fetch_recording(
        self, credentials: Mapping[str, str], carrier_call_id: str
    ) -> Recording | None: ...

    def verify_webhook(
        self,
        credentials: Mapping[str, str],
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
    ) -> bool: ...

    def webhook_nonce(self, headers: Mapping[str, str]) -> str | None:
        """A one-time value of a signed webhook (replays are refused), if the scheme has one."""
        ...

    def parse_status(self, params: Mapping[str, str]) -> StatusUpdate: ...

    def inbound_to(self, params: Mapping[str, str]) -> str | None:
        """The dialled number of an inbound voice webhook."""
        ...

    def inbound_from(self, params: Mapping[str, str]) -> str | None:
        """The caller's number of an inbound voice webhook, as reported (E.164 when it is one)."""
        ...

    def parse_recording(self, params: Mapping[str, str]) -> RecordingEvent | None:
        """What a recording callback says: the file is ready, there is none, or nothing yet."""
        ...

    def voice_response(self, reply: VoiceReply) -> tuple[bytes, str]:
        """The document (TwiML / XML) answering a voice webhook, and its media type."""
        ...
