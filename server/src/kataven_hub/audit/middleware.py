"""AuditTrail: after every authenticated write request, one audit entry (see service.py).

Pure ASGI, innermost of our middleware (it sees the scope the router filled in: the matched
route and its path parameters; the principal is in the request state). A create route has no
id in its path: the id is taken from the `id` (or `session_id`) of its JSON answer, of which at
most `_ID_SCAN_BYTES` are looked at.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kataven_hub.audit import service as audit_service

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ID_SCAN_BYTES = 64 * 1024


class AuditTrail:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        status = 500
        is_json = False
        body = bytearray()

        async def watch(message: Message) -> None:
            nonlocal status, is_json
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"content-type":
                        is_json = value.startswith(b"application/json")
            elif message["type"] == "http.response.body" and is_json and len(body) < _ID_SCAN_BYTES:
                body.extend(message.get("body", b"")[: _ID_SCAN_BYTES - len(body)])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            principal = scope.get("state", {}).get("principal")
            route = scope.get("route")
            if principal is not None and route is not None:
                await _record(scope, principal, route, status, bytes(body))


async def _record(scope: Scope, principal: Any, route: Any, status: int, body: bytes) -> None:
    template = _template(scope, route)
    resource_type, resource_id = audit_service.resource_of(template, scope.get("path_params", {}))
    if resource_id is None and 200 <= status < 300 and body:
        resource_id = _id_in(body)
    client = scope.get("client")
    entry = audit_service.Entry(
        actor=principal.subject,
        actor_type=principal.kind,
        method=scope["method"],
        route=template,
        resource_type=resource_type,
        resource_id=resource_id,
        status=status,
        request_id=scope.get("state", {}).get("request_id"),
        ip=client[0] if client else None,
    )
    await audit_service.record(principal.account, entry)


def _template(scope: Scope, route: Any) -> str:
    """The full route template. A route of an included router may know only its own part
    (`/agents/{agent_id}`): the prefix is the matching leading segments of the path."""
    own = str(getattr(route, "path_format", None) or getattr(route, "path", ""))
    path = str(scope.get("path", ""))
    if own.startswith("/api/") or not path.startswith("/api/"):
        return own
    own_parts, path_parts = own.strip("/").split("/"), path.strip("/").split("/")
    prefix = path_parts[: max(0, len(path_parts) - len(own_parts))]
    return "/" + "/".join([*prefix, *own_parts])


def _id_in(body: bytes) -> str | None:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    for key in ("id", "session_id"):
        found = value.get(key)
        if isinstance(found, str):
            return found[:100]
    return None
