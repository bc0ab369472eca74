"""Idempotency-Key on every write (POST, PUT, PATCH, DELETE) of an authenticated route.

Semantics (spec/DECISIONS.md, as Stripe): a key is scoped to the account, the credential (API key
or user), the method and the canonical path, and kept 24 h. The first request with a key runs;
while it runs, the same key answers 409 (`Retry-After: 1`); once it has answered, the same key
and the same request get the stored status, headers and body back byte for byte (with
`Idempotent-Replayed: true`); the same key with a different request (body bytes, query string or
content type) is 422. Stored: 2xx and 4xx answers except 401, 409 and 429, which say nothing
about the request itself; 5xx are not stored, so a retry runs again and can succeed.

The request is fingerprinted by its raw body bytes, so JSON and multipart bodies alike are
covered; a multipart body's boundary is replaced by a constant first, since clients pick a new
random boundary on every retry.

Three parts, so that no route needs code of its own and a key is never consulted before the
caller is authenticated (failed authentication never touches or stores a record):
1. `IdempotencyMiddleware` (pure ASGI) reads the body of a keyed write, fingerprints it, hands
   it on unchanged and watches the response;
2. authentication calls `begin()` last (a core/auth guard): it claims the key, or raises the
   409 / 422 / replay;
3. just before the response's last byte goes out, the middleware stores it or frees the key, so
   a client that has read the answer can retry at once and get the replay.
Public routes (no credential) ignore the header.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from redis.exceptions import RedisError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kataven_hub.core import metrics
from kataven_hub.core.auth import Principal
from kataven_hub.core.errors import (
    Conflict,
    InvalidRequest,
    ServiceUnavailable,
    UnprocessableIdempotency,
)
from kataven_hub.core.idempotency_store import Held, InFlight, Stored, store
from kataven_hub.core.settings import get_settings

log = logging.getLogger("kataven_hub.idempotency")

HEADER = "Idempotency-Key"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PATTERN = r"^[!-~]{1,255}$"  # 1-255 visible ASCII characters, e.g. a UUID
_KEY_RE = re.compile(KEY_PATTERN)
_STATE = "kataven.idempotency"
_NOT_STORED = frozenset({401, 409, 429})
_NOT_REPLAYED_HEADERS = frozenset(
    {"content-length", "date", "server", "set-cookie", "x-request-id"}
)


class IdempotencyInFlight(Conflict):
    code = "idempotency_in_flight"
    title = "Request in progress"
    description = "A request with this Idempotency-Key is still in progress"


@dataclass
class _Pending:
    key: str
    fingerprint: str
    scope: str = ""
    storage_key: str = ""
    held: Held | None = None
    claimed: bool = False
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)
    size: int = 0


class Replay(Exception):
    def __init__(self, record: Stored) -> None:
        self.record = record


def fingerprint(scope: Scope, body: bytes) -> str:
    content_type = ""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            content_type = value.decode("latin-1")
            break
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if media == "multipart/form-data":
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "boundary" and value.strip('"'):
                body = body.replace(b"--" + value.strip('"').encode("latin-1"), b"--<boundary>")
    digest = hashlib.sha256(scope.get("query_string", b""))
    digest.update(b"\0" + media.encode("latin-1") + b"\0")
    digest.update(body)
    return digest.hexdigest()


async def begin(request: Request, principal: Principal) -> None:
    """Claim this request's Idempotency-Key, or answer for it (409, 422 or the replay)."""
    pending: _Pending | None = request.scope.get("state", {}).get(_STATE)
    if pending is None or pending.claimed:
        return
    pending.claimed = True
    if not _KEY_RE.match(pending.key):
        raise InvalidRequest(
            f"{HEADER} must be 1 to 255 visible ASCII characters",
            errors=[{"field": HEADER, "message": "invalid idempotency key"}],
        )
    identity = "\n".join(
        [principal.credential_id, request.method, request.scope["path"], pending.key]
    )
    storage_key = hashlib.sha256(identity.encode()).hexdigest()
    settings = get_settings()
    try:
        outcome = await store().begin(
            principal.account, storage_key, pending.fingerprint, settings.IDEMPOTENCY_LOCK_SECONDS
        )
    except RedisError as exc:
        raise ServiceUnavailable("Idempotency keys are unavailable; retry later") from exc
    if isinstance(outcome, Held):
        pending.scope, pending.storage_key, pending.held = principal.account, storage_key, outcome
        metrics.IDEMPOTENCY.labels("executed").inc()
        return
    if outcome.fingerprint != pending.fingerprint:
        metrics.IDEMPOTENCY.labels("mismatch").inc()
        raise UnprocessableIdempotency(
            f"{HEADER} was already used with a different request to this endpoint"
        )
    if isinstance(outcome, InFlight):
        metrics.IDEMPOTENCY.labels("in_flight").inc()
        raise IdempotencyInFlight(
            f"A request with this {HEADER} is still in progress; retry later",
            headers={"Retry-After": "1"},
        )
    metrics.IDEMPOTENCY.labels("replayed").inc()
    raise Replay(outcome)


def _render_replay(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replay)
    record = exc.record
    response = Response(status_code=record.status)
    response.body = record.body
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in record.headers]
    if record.status >= 200 and record.status not in (204, 304):
        raw.append((b"content-length", str(len(record.body)).encode()))
    raw.append((b"idempotent-replayed", b"true"))
    response.raw_headers = raw
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(Replay, _render_replay)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = (
            _header(scope) if scope["type"] == "http" and scope["method"] in WRITE_METHODS else None
        )
        if key is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:  # the client left before sending its body: nobody to answer
            return
        pending = _Pending(key=key, fingerprint=fingerprint(scope, body))
        scope.setdefault("state", {})[_STATE] = pending
        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        max_bytes = get_settings().IDEMPOTENCY_MAX_RESPONSE_BYTES

        async def capture(message: Message) -> None:
            if pending.held is not None:
                if message["type"] == "http.response.start":
                    pending.status = message["status"]
                    pending.headers = [
                        (k.decode("latin-1"), v.decode("latin-1"))
                        for k, v in message.get("headers", ())
                        if k.decode("latin-1").lower() not in _NOT_REPLAYED_HEADERS
                    ]
                elif message["type"] == "http.response.body":
                    chunk = message.get("body", b"")
                    pending.size += len(chunk)
                    if pending.size <= max_bytes:
                        pending.body.append(chunk)
                    if not message.get("more_body", False):
                        await _finish(pending)
            await send(message)

        try:
            await self.app(scope, replay_receive, capture)
        finally:
            if pending.held is not None:  # failed before its last byte: free the key
                await _release(pending)


async def _finish(pending: _Pending) -> None:
    storable = 200 <= pending.status < 500 and pending.status not in _NOT_STORED
    if not storable or pending.size > get_settings().IDEMPOTENCY_MAX_RESPONSE_BYTES:
        await _release(pending)
        return
    held, pending.held = pending.held, None
    assert held is not None
    record = Stored(pending.fingerprint, pending.status, pending.headers, b"".join(pending.body))
    try:
        await store().save(
            pending.scope, pending.storage_key, held, record, get_settings().IDEMPOTENCY_TTL_SECONDS
        )
    except RedisError:
        log.warning(
            "could not store an idempotent response; the key is freed when its lock expires"
        )


async def _release(pending: _Pending) -> None:
    held, pending.held = pending.held, None
    if held is None:
        return
    try:
        await store().release(pending.scope, pending.storage_key, held)
    except RedisError:
        log.warning("could not free an idempotency key; it is freed when its lock expires")


def _header(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"idempotency-key":
            return value.decode("latin-1")
    return None


async def _read_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
