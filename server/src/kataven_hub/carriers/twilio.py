"""Twilio Programmable Voice over its REST API (2010-04-01) and TwiML.

Create a call: POST /2010-04-01/Accounts/{AccountSid}/Calls.json (form: To, From, Url,
StatusCallback, StatusCallbackEvent ×4, StatusCallbackMethod, Record); hang up: POST
…/Calls/{CallSid}.json Status=completed; fetch: GET …/Calls/{CallSid}.json; recordings:
GET …/Calls/{CallSid}/Recordings.json, media at …/Recordings/{RecordingSid}.wav. HTTP basic auth
with the account SID and auth token. Webhooks are signed with `X-Twilio-Signature`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape, quoteattr

from kataven_hub.carriers import http
from kataven_hub.carriers.base import (
    CallbackUrls,
    CarrierCall,
    CarrierError,
    PlacedCall,
    Recording,
    RecordingEvent,
    StatusUpdate,
    VoiceReply,
)
from kataven_hub.carriers.http import HttpCarrier
from kataven_hub.carriers.signatures import twilio_valid

STATUS = {
    "queued": "queued",
    "initiated": "queued",
    "ringing": "ringing",
    "in-progress": "in_progress",
    "answered": "in_progress",
    "completed": "completed",
    "busy": "busy",
    "no-answer": "no_answer",
    "failed": "failed",
    "canceled": "canceled",
}
_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
_TOKEN = re.compile(r"^[0-9a-fA-F]{32}$")
_CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")

_MAX_SECONDS = 7 * 86400  # a duration beyond a week is garbage, not a call


def _int(value: str | None) -> int | None:
    try:
        return min(_MAX_SECONDS, max(0, int(value))) if value not in (None, "") else None
    except ValueError:
        return None


def twiml(reply: VoiceReply) -> bytes:
    if reply.action == "busy":
        body = '<Reject reason="busy"/>'
    elif reply.action == "reject":
        body = '<Reject reason="rejected"/>'
    elif reply.action == "connect" and reply.stream_url:
        # Twilio does not pass a stream URL's query string to the socket: the same values go
        # as <Parameter>s, which arrive in the stream's `start` message (customParameters),
        # followed by the call's custom parameters (never shadowing the call's own).
        own = parse_qsl(urlsplit(reply.stream_url).query)
        taken = {k for k, _ in own}
        params = "".join(
            f"<Parameter name={quoteattr(k)} value={quoteattr(v)}/>"
            for k, v in [*own, *((k, v) for k, v in reply.parameters if k not in taken)]
        )
        body = f"<Connect><Stream url={quoteattr(reply.stream_url)}>{params}</Stream></Connect>"
    else:
        body = (f"<Say>{escape(reply.greeting)}</Say>" if reply.greeting else "") + "<Hangup/>"
    if reply.recording_url and reply.action in ("connect", "greet"):
        # <Start><Recording> records the whole call in the background, then carries on.
        start = (
            f"<Start><Recording recordingStatusCallback={quoteattr(reply.recording_url)}"
            ' recordingStatusCallbackMethod="POST"'
            ' recordingStatusCallbackEvent="completed absent"/></Start>'
        )
        body = start + body
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'.encode()


def parse_status(params: Mapping[str, str]) -> StatusUpdate:
    """A Twilio-shaped status callback (the sandbox reports in the same shape)."""
    raw = params.get("CallStatus", "")
    status = STATUS.get(raw)
    duration = _int(params.get("CallDuration")) if status == "completed" else None
    error = f"Carrier reported {raw}" if status == "failed" else None
    return StatusUpdate(status, params.get("CallSid"), duration, error)


def parse_recording(params: Mapping[str, str]) -> RecordingEvent | None:
    status = params.get("RecordingStatus")
    if status == "completed":
        return "completed"
    return "absent" if status == "absent" else None


class TwilioCarrier(HttpCarrier):
    provider = "twilio"
    required_keys: tuple[str, ...] = ("account_sid", "auth_token")

    def check_credentials(self, credentials: Mapping[str, str]) -> dict[str, str]:
        if not _SID.match(credentials.get("account_sid", "")):
            raise ValueError("account_sid must be AC followed by 32 hex digits")
        if not _TOKEN.match(credentials.get("auth_token", "")):
            raise ValueError("auth_token must be 32 hex digits")
        return {k: credentials[k] for k in self.required_keys}

    def _base(self, creds: Mapping[str, str]) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{creds['account_sid']}"

    def _auth(self, creds: Mapping[str, str]) -> tuple[str, str]:
        return (creds["account_sid"], creds["auth_token"])

    async def place_call(
        self,
        credentials: Mapping[str, str],
        *,
        from_number: str,
        to_number: str,
        urls: CallbackUrls,
        record: bool,
    ) -> PlacedCall:
        form: dict[str, str | list[str]] = {
            "To": to_number,
            "From": from_number,
            "Url": urls.answer_url,
            "Method": "POST",
            "StatusCallback": urls.status_url,
            "StatusCallbackMethod": "POST",
            "StatusCallbackEvent": ["initiated", "ringing", "answered", "completed"],
        }
        if record:
            form["Record"] = "true"
        r = await self._request(
            "POST", f"{self._base(credentials)}/Calls.json", data=form, auth=self._auth(credentials)
        )
        if r.status_code not in (200, 201):
            raise CarrierError(http.error_message(r))
        data = r.json()
        sid = data.get("sid") if isinstance(data, dict) else None
        if not isinstance(sid, str) or not _CALL_SID.match(sid):
            raise CarrierError("Carrier error: malformed create-call response")
        return PlacedCall(sid, STATUS.get(str(data.get("status")), "queued"))

    async def hang_up(self, credentials: Mapping[str, str], carrier_call_id: str) -> None:
        r = await self._request(
            "POST",
            f"{self._base(credentials)}/Calls/{carrier_call_id}.json",
            data={"Status": "completed"},
            auth=self._auth(credentials),
        )
        if r.status_code not in (200, 201):
            raise CarrierError(http.error_message(r))

    async def fetch_call(self, credentials: Mapping[str, str], carrier_call_id: str) -> CarrierCall:
        r = await self._request(
            "GET",
            f"{self._base(credentials)}/Calls/{carrier_call_id}.json",
            auth=self._auth(credentials),
        )
        if r.status_code != 200:
            raise CarrierError(http.error_message(r))
        data = r.json()
        return CarrierCall(
            carrier_call_id,
            STATUS.get(str(data.get("status")), "queued"),
            _int(data.get("duration")),
        )

    async def fetch_recording(
        self, credentials: Mapping[str, str], carrier_call_id: str
    ) -> Recording | None:
        base = self._base(credentials)
        r = await self._request(
            "GET", f"{base}/Calls/{carrier_call_id}/Recordings.json", auth=self._auth(credentials)
        )
        if r.status_code != 200:
            raise CarrierError(http.error_message(r))
        items = r.json().get("recordings") or []
        if not items:
            return None
        item = items[0]
        media = await self._request(
            "GET", f"{base}/Recordings/{item['sid']}.wav", auth=self._auth(credentials)
        )
        if media.status_code != 200:
            raise CarrierError(http.error_message(media))
        return Recording(media.content, "audio/wav", _int(item.get("duration")))

    def verify_webhook(
        self,
        credentials: Mapping[str, str],
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
    ) -> bool:
        token = credentials.get("auth_token", "")
        return twilio_valid(token, url, params, headers.get("x-twilio-signature"))

    def webhook_nonce(self, headers: Mapping[str, str]) -> str | None:
        return None

    def parse_status(self, params: Mapping[str, str]) -> StatusUpdate:
        return parse_status(params)

    def inbound_to(self, params: Mapping[str, str]) -> str | None:
        return params.get("To") or params.get("Called")

    def inbound_from(self, params: Mapping[str, str]) -> str | None:
        return params.get("From") or params.get("Caller")

    def parse_recording(self, params: Mapping[str, str]) -> RecordingEvent | None:
        return parse_recording(params)

    def voice_response(self, reply: VoiceReply) -> tuple[bytes, str]:
        return twiml(reply), "text/xml"
