"""Pure ASGI middleware (no per-request task or body copy): path aliases, request ids and
access logs, a cap on request body size, and actions run once a response has been sent."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kataven_hub.core.errors import render_unexpected

log = logging.getLogger("kataven_hub.access")
_FINALIZERS = "kataven.finalizers"


def at_response_end(request: HTTPConnection, action: Callable[[], Awaitable[Any]]) -> None:
    """Run `action` when this request is over: its response sent (a stream included), the
    client gone or the handler failed. Used to give back a concurrency slot."""
    request.scope.setdefault("state", {}).setdefault(_FINALIZERS, []).append(action)


_RESPONSE_HEADERS = "kataven.response_headers"


def set_response_headers(request: HTTPConnection, headers: dict[str, str]) -> None:
    """Headers added to this request's response, whatever builds it (a handler, an error
    handler, a stream): e.g. the RateLimit-* headers of an authenticated request."""
    request.scope.setdefault("state", {}).setdefault(_RESPONSE_HEADERS, {}).update(headers)


async def _run_finalizers(scope: Scope) -> None:
    for action in scope.get("state", {}).pop(_FINALIZERS, []):
        try:
            await action()
        except Exception:
            log.exception("response-end action failed")


# The public gateway's and the dashboard's paths, mapped onto the canonical ones.
_VERSIONED = ("/hub-api/api/v1/", "/v1/")
_UNVERSIONED_RESOURCES = ("agents", "tools", "playbooks", "faqs")


def canonical_path(path: str) -> str:
    if path.startswith("/hub-api/"):
        path = path[len("/hub-api") :]
    elif path.startswith("/v1/") or path == "/v1":
        return "/api" + path
    if path.startswith("/api/") and not path.startswith("/api/v1/"):
        resource = path[5:].split("/", 1)[0]
        if resource in _UNVERSIONED_RESOURCES:
            return "/api/v1/" + path[5:]
    return path


class PathAliases:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path = scope["path"]
            canonical = canonical_path(path)
            if canonical != path:
                scope = {**scope, "path": canonical, "raw_path": canonical.encode()}
        await self.app(scope, receive, send)


class RequestContext:
    """Assigns `X-Request-ID` (or keeps a sane one from the client), logs one JSON line per
    request, and refuses bodies over `max_body_bytes` with 413."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        upload_limits: dict[tuple[str, str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # (method, canonical path) → a larger cap for upload routes (e.g. campaign CSVs); a
        # `{name}` in a path stands for one path segment.
        self.upload_limits = upload_limits or {}
        self._patterns = [
            (method, re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))), limit)
            for (method, path), limit in self.upload_limits.items()
            if "{" in path
        ]

    def _max_body(self, method: str, path: str) -> int:
        exact = self.upload_limits.get((method, path))
        if exact is not None:
            return exact
        for pattern_method, pattern, limit in self._patterns:
            if pattern_method == method and pattern.fullmatch(path):
                return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        # Per-request state on a shallow copy of the lifespan state, as ASGI servers do (some
        # harnesses pass one shared dict to every request).
        scope["state"] = {**scope.get("state", {}), "request_id": request_id}
        started = time.perf_counter()
        status = 500
        header = (b"x-request-id", request_id.encode())

        max_body = self._max_body(scope["method"], scope["path"])
        length = _content_length(scope)
        if length is not None and length > max_body:
            await _too_large(send, header, _accepts_json(scope))
            _log(scope, 413, started, request_id)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body:
                    raise _BodyTooLarge
            return message

        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                extra = [header]
                added = scope.get("state", {}).get(_RESPONSE_HEADERS)
                if added:
                    present = {name.lower() for name, _ in message.get("headers", [])}
                    extra += [
                        (name.lower().encode(), value.encode())
                        for name, value in added.items()
                        if name.lower().encode() not in present
                    ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except _BodyTooLarge:
            status = 413
            await _too_large(send, header, _accepts_json(scope))
        except Exception as exc:
            # Answered here rather than re-raised: the server would close the client's
            # keep-alive connection for an exception that escapes the application.
            if started_response:
                log.exception("error after the response started", exc_info=exc)
            else:
                response = render_unexpected(Request(scope), exc)
                status = response.status_code
                response.headers.append("x-request-id", request_id)
                await response(scope, receive, send)
        finally:
            await _run_finalizers(scope)
            _log(scope, status, started, request_id)


class _BodyTooLarge(Exception):
    pass


def _accepts_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            return b"application/json" in value or b"application/problem+json" in value
    return False


async def _too_large(send: Send, header: tuple[bytes, bytes], as_json: bool = False) -> None:
    """413, in the error format the client asked for (see core/errors.py)."""
    if as_json:
        body = orjson.dumps(
            {
                "type": "https://docs.kataven.ai/errors/payload_too_large",
                "title": "Payload too large",
                "status": 413,
                "detail": "Request body too large",
                "code": "payload_too_large",
                "request_id": header[1].decode(),
            }
        )
        content_type = b"application/problem+json"
    else:
        body, content_type = b"Request body too large", b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", content_type), header],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if 0 < len(candidate) <= 100 and candidate.replace("-", "").isalnum():
                return candidate
            break
    return uuid.uuid4().hex


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _log(scope: Scope, status: int, started: float, request_id: str) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    extra: dict[str, Any] = {
        "request_id": request_id,
        "method": scope.get("method"),
        "path": scope.get("path"),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    principal = scope.get("state", {}).get("principal")
    if principal is not None:
        extra["account"] = principal.account
    log.info("request", extra=extra)
