"""Plivo Voice over its REST API (v1) and Plivo XML; Vobiz speaks the same shape (vobiz.py).

Make a call: POST /v1/Account/{auth_id}/Call/ (JSON: from, to, answer_url, answer_method,
ring_url, hangup_url, …) → 201 `{api_id, message, request_uuid}`; hang up: DELETE
…/Call/{call_uuid}/ (or …/Request/{request_uuid}/ before the call has a leg); fetch: GET
…/Call/{call_uuid}/?status=live, else the call detail record …/Call/{call_uuid}/; recordings:
GET …/Recording/?call_uuid=…. HTTP basic auth (auth id, auth token). Callbacks (ring, answer,
hangup) are form posts signed with `X-Plivo-Signature-V3` and its nonce.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
from kataven_hub.carriers.signatures import plivo_v3_valid

STATUS = {
    "queued": "queued",
    "ringing": "ringing",
    "early media": "ringing",
    "in-progress": "in_progress",
    "answered": "in_progress",
    "completed": "completed",
    "busy": "busy",
    "no-answer": "no_answer",
    "timeout": "no_answer",
    "failed": "failed",
    "cancel": "canceled",
    "canceled": "canceled",
}
_HANGUP_CAUSES = {"busy line": "busy", "no answer": "no_answer", "rejected": "busy"}
_AUTH_ID = re.compile(r"^[MS]A[A-Z0-9]{18}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,80}$")
_UUID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

_MAX_SECONDS = 7 * 86400  # a duration beyond a week is garbage, not a call


def _int(value: object) -> int | None:
    try:
        return min(_MAX_SECONDS, max(0, int(str(value)))) if value not in (None, "") else None
    except ValueError:
        return None


def plivo_xml(reply: VoiceReply) -> bytes:
    if reply.action in ("busy", "reject"):
        body = f'<Hangup reason="{"busy" if reply.action == "busy" else "rejected"}"/>'
    elif reply.action == "connect" and reply.stream_url:
        # The session id rides in the stream URL's query: `extraHeaders` allows only letters
        # and digits (512 bytes at most), and a session id has an underscore. For the same
        # reason the call's custom parameters are not sent here: the runtime reads them from
        # the call (`GET /api/v1/calls/{session_id}`) by the session id it was given.
        body = (
            '<Stream bidirectional="true" keepCallAlive="true"'
            ' contentType="audio/x-mulaw;rate=8000">'
            f"{escape(reply.stream_url)}</Stream>"
        )
    else:
        body = (f"<Speak>{escape(reply.greeting)}</Speak>" if reply.greeting else "") + "<Hangup/>"
    if reply.recording_url and reply.action in ("connect", "greet"):
        # recordSession records the whole call in the background and goes on to the next
        # element; callbackUrl hears when the file is ready (maxLength defaults to 60 s).
        url = quoteattr(reply.recording_url)
        body = (
            f'<Record recordSession="true" redirect="false" maxLength="14400" fileFormat="wav"'
            f' callbackUrl={url} callbackMethod="POST"/>' + body
        )
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'.encode()


class PlivoCarrier(HttpCarrier):
    provider = "plivo"
    required_keys: tuple[str, ...] = ("auth_id", "auth_token")
    signature_headers: tuple[str, ...] = ("x-plivo-signature-v3",)
    nonce_headers: tuple[str, ...] = ("x-plivo-signature-v3-nonce",)

    def check_credentials(self, credentials: Mapping[str, str]) -> dict[str, str]:
        if not _AUTH_ID.match(credentials.get("auth_id", "")):
            raise ValueError("auth_id must look like MA… or SA… (20 characters)")
        if not _TOKEN.match(credentials.get("auth_token", "")):
            raise ValueError("auth_token must be 20–80 letters, digits, '-' or '_'")
        return {k: credentials[k] for k in self.required_keys}

    def _account_url(self, creds: Mapping[str, str]) -> str:
        return f"{self.base_url}/v1/Account/{creds['auth_id']}"

    def _auth(self, creds: Mapping[str, str]) -> dict[str, object]:
        return {"auth": (creds["auth_id"], creds["auth_token"])}

    async def place_call(
        self,
        credentials: Mapping[str, str],
        *,
        from_number: str,
        to_number: str,
        urls: CallbackUrls,
        record: bool,
    ) -> PlacedCall:
        body = {
            "from": from_number.lstrip("+"),
            "to": to_number.lstrip("+"),
            "answer_url": urls.answer_url,
            "answer_method": "POST",
            "ring_url": urls.status_url,
            "ring_method": "POST",
            "hangup_url": urls.status_url,
            "hangup_method": "POST",
        }
        r = await self._request(
            "POST", f"{self._account_url(credentials)}/Call/", json=body, **self._auth(credentials)
        )
        if r.status_code not in (200, 201):
            raise CarrierError(http.error_message(r))
        data = r.json()
        request_uuid = data.get("request_uuid") if isinstance(data, dict) else None
        if isinstance(request_uuid, list):  # bulk calls answer a list
            request_uuid = request_uuid[0] if request_uuid else None
        if not isinstance(request_uuid, str) or not _UUID.match(request_uuid):
            raise CarrierError("Carrier error: malformed make-call response")
        return PlacedCall(request_uuid)

    async def hang_up(self, credentials: Mapping[str, str], carrier_call_id: str) -> None:
        base = self._account_url(credentials)
        r = await self._request(
            "DELETE", f"{base}/Call/{carrier_call_id}/", **self._auth(credentials)
        )
        if r.status_code == 404:  # not a live leg yet: cancel the queued request instead
            r = await self._request(
                "DELETE", f"{base}/Request/{carrier_call_id}/", **self._auth(credentials)
            )
        if r.status_code not in (200, 204):
            raise CarrierError(http.error_message(r))

    async def fetch_call(self, credentials: Mapping[str, str], carrier_call_id: str) -> CarrierCall:
        url = f"{self._account_url(credentials)}/Call/{carrier_call_id}/"
        live = await self._request("GET", url, params={"status": "live"}, **self._auth(credentials))
        if live.status_code == 200:
            raw = str(live.json().get("call_status", "in-progress"))
            return CarrierCall(carrier_call_id, STATUS.get(raw, "in_progress"))
        r = await self._request("GET", url, **self._auth(credentials))
        if r.status_code != 200:
            raise CarrierError(http.error_message(r))
        data = r.json()
        cause = str(data.get("hangup_cause_name", "")).lower()
        duration = _int(data.get("call_duration"))
        status = _HANGUP_CAUSES.get(cause) or ("completed" if duration else "failed")
        return CarrierCall(carrier_call_id, status, duration)

    async def fetch_recording(
        self, credentials: Mapping[str, str], carrier_call_id: str
    ) -> Recording | None:
        r = await self._request(
            "GET",
            f"{self._account_url(credentials)}/Recording/",
            params={"call_uuid": carrier_call_id},
            **self._auth(credentials),
        )
        if r.status_code != 200:
            raise CarrierError(http.error_message(r))
        items = r.json().get("objects") or []
        if not items:
            return None
        media = await self._request("GET", str(items[0]["recording_url"]))
        if media.status_code != 200:
            raise CarrierError(http.error_message(media))
        ms = _int(items[0].get("recording_duration_ms"))
        content_type = media.headers.get("content-type", "audio/wav").split(";")[0]
        return Recording(media.content, content_type, None if ms is None else -(-ms // 1000))

    def _header(self, headers: Mapping[str, str], names: tuple[str, ...]) -> str | None:
        for name in names:
            if headers.get(name):
                return headers[name]
        return None

    def verify_webhook(
        self,
        credentials: Mapping[str, str],
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
    ) -> bool:
        return plivo_v3_valid(
            credentials.get("auth_token", ""),
            url,
            params,
            self._header(headers, self.nonce_headers),
            self._header(headers, self.signature_headers),
        )

    def webhook_nonce(self, headers: Mapping[str, str]) -> str | None:
        return self._header(headers, self.nonce_headers)

    def parse_status(self, params: Mapping[str, str]) -> StatusUpdate:
        raw = params.get("CallStatus", "").lower()
        status = STATUS.get(raw)
        if params.get("Event") == "Hangup" and status not in (None, *_TERMINALS):
            status = "completed"
        duration = _int(params.get("Duration")) if status == "completed" else None
        error = None
        if status == "failed":
            error = f"Carrier reported {params.get('HangupCause') or raw}"[:300]
        return StatusUpdate(status, params.get("CallUUID"), duration, error)

    def inbound_to(self, params: Mapping[str, str]) -> str | None:
        to = params.get("To")
        if to and not to.startswith("+") and to.isdigit():
            to = "+" + to
        return to

    def inbound_from(self, params: Mapping[str, str]) -> str | None:
        caller = params.get("From")
        if caller and not caller.startswith("+") and caller.isdigit():
            caller = "+" + caller
        return caller

    def parse_recording(self, params: Mapping[str, str]) -> RecordingEvent | None:
        # The <Record> callbackUrl is requested once the file is ready, with its URL.
        return "completed" if params.get("RecordUrl") or params.get("RecordingID") else None

    def voice_response(self, reply: VoiceReply) -> tuple[bytes, str]:
        return plivo_xml(reply), "text/xml"


_TERMINALS = ("completed", "busy", "no_answer", "failed", "canceled")
