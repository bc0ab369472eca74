"""CORS for the public widget routes (`/api/v1/widget/…`), answered only for allowed origins.

A preflight carries no body, so the widget script also puts its `client_key` in the query
string; the preflight is answered (204) when that key's allowlist admits the Origin, and
refused (403, no CORS headers) otherwise. A preflight without `client_key` (a customer's own
code posting JSON) is answered for an Origin that some active widget key allows: the request
itself is still checked against its exact key before any CORS header is added. `user-token`
is for backends and never answers CORS.
For actual requests the route decides: once the service has matched the Origin against the
key's allowlist it flags the request (`Caller.cors_allowed`), and this layer then adds
`Access-Control-Allow-Origin` for that exact origin. A refused origin gets no CORS headers,
so its page can read nothing, not even the refusal. No credentials (cookies) are ever allowed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kataven_hub.widget.public import CALLER_STATE

PREFIX = "/api/v1/widget/"
_SERVER_ONLY = ("/api/v1/widget/auth/user-token",)
_METHODS = b"GET, POST, OPTIONS"
_HEADERS = b"accept, content-type"
_MAX_AGE = b"600"

OriginCheck = Callable[[str, str], Awaitable[bool]]
AnyKeyCheck = Callable[[str], Awaitable[bool]]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class WidgetCors:
    def __init__(
        self, app: ASGIApp, allows_origin: OriginCheck, allowed_anywhere: AnyKeyCheck | None = None
    ) -> None:
        self.app = app
        self.allows_origin = allows_origin
        self.allowed_anywhere = allowed_anywhere

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        if (
            scope["method"] == "OPTIONS"
            and origin is not None
            and _header(scope, b"access-control-request-method") is not None
        ):
            await self._preflight(scope, origin, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"vary", b"Origin")]
                caller = scope.get("state", {}).get(CALLER_STATE)
                if origin is not None and caller is not None and caller.cors_allowed:
                    headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
                    headers.append((b"access-control-expose-headers", b"x-request-id"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, origin: str, send: Send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        client_key = (query.get("client_key") or [""])[0]
        if scope["path"] in _SERVER_ONLY or len(client_key) > 300:
            allowed = False
        elif client_key:
            allowed = await self.allows_origin(client_key, origin)
        else:
            allowed = self.allowed_anywhere is not None and await self.allowed_anywhere(origin)
        if not allowed:
            body = b"Origin not in allowlist for this client_key"
            headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"vary", b"Origin")]
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        headers = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-methods", _METHODS),
            (b"access-control-allow-headers", _HEADERS),
            (b"access-control-max-age", _MAX_AGE),
            (b"vary", b"Origin"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
