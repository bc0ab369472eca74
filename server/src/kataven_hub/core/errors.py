"""The error tree services raise, and the one place that renders errors on the wire.

Wire format (spec/DECISIONS.md): plain text by default; RFC 9457 problem+json when the client's
`Accept` names `application/json` or `application/problem+json`. Validation failures are 400.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("kataven_hub.errors")


class AppError(Exception):
    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal error"
    description: ClassVar[str] = "Internal error"

    def __init__(
        self,
        message: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        self.message = message or self.description
        self.headers = headers or {}
        self.errors = errors
        super().__init__(self.message)


class InvalidRequest(AppError):
    status_code = 400
    code = "invalid_request"
    title = "Invalid request"
    description = "Invalid body or missing field"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"
    title = "Unauthorized"
    description = "Missing or invalid bearer token"

    def __init__(self, message: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    title = "Forbidden"
    description = "Forbidden"


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    title = "Not found"
    description = "Not found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    title = "Conflict"
    description = "Conflict with the current state"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"
    title = "Payload too large"
    description = "Request body too large"


class UnprocessableIdempotency(AppError):
    status_code = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused"
    description = "Idempotency-Key reused with a different request"


class LimitExceeded(AppError):
    status_code = 429
    code = "rate_limited"
    title = "Too many requests"
    description = "Rate limit exceeded"

    def __init__(self, message: str | None = None, *, retry_after: int, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = max(1, int(retry_after))
        self.headers["Retry-After"] = str(self.retry_after)


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    title = "Service unavailable"
    description = "A dependency is not available"


class Problem(BaseModel):
    """RFC 9457 problem details, sent when the client accepts JSON."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept or "application/problem+json" in accept


def render(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> Response:
    request_id = getattr(request.state, "request_id", None)
    if wants_json(request):
        body: dict[str, Any] = {
            "type": f"https://docs.kataven.ai/errors/{code}",
            "title": title,
            "status": status,
            "detail": detail,
            "code": code,
            "request_id": request_id,
        }
        if errors:
            body["errors"] = errors
        return Response(
            orjson.dumps(body), status, headers=headers, media_type="application/problem+json"
        )
    return Response(detail, status, headers=headers, media_type="text/plain; charset=utf-8")


def _render_app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return render(
        request, exc.status_code, exc.code, exc.title, exc.message, exc.headers, exc.errors
    )


def _clean_loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        ctx = err.get("ctx") or {}
        if err.get("type") == "unknown_field" and ctx.get("fields"):
            # One error per unknown field, at its own location (core.schemas.RequestModel).
            parent = [p for p in loc if p not in ("body", "query", "path", "header")]
            for name, message in zip(ctx["fields"], ctx["messages"], strict=False):
                field = ".".join(str(p) for p in [*parent, name])
                out.append({"field": field, "message": str(message)[:200], "unknown": True})
            continue
        msg = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            msg = "Malformed JSON"
        elif err.get("type") == "extra_forbidden":
            msg = f"unknown field {str(loc[-1])!r}" if loc else "unknown field"
        out.append({"field": _clean_loc(loc), "message": msg[:200]})
    return out[:20]


def _render_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc.errors())
    if any(e["message"] == "Malformed JSON" for e in errors):
        detail = "Malformed JSON body"
    else:
        # An unknown field's message names it already ("unknown field 'model'; did you mean…").
        detail = "Invalid request: " + "; ".join(
            e["message"] if e.pop("unknown", False) else f"{e['field']}: {e['message']}"
            for e in errors
        )
    return render(request, 400, "invalid_request", "Invalid request", detail[:1000], None, errors)


_HTTP_CODES = {
    400: ("invalid_request", "Invalid request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    413: ("payload_too_large", "Payload too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
}


def _render_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, title = _HTTP_CODES.get(exc.status_code, ("error", "Error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and detail == "Not Found":
        detail = (
            f"No such route: {request.method} {request.url.path} (the API's routes are listed "
            "at /docs and /openapi.json)"
        )
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return render(request, exc.status_code, code, title, detail, headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (the router names only the first route's)."""
    path = request.scope.get("path", "")
    literal: set[str] = set()
    templated: set[str] = set()
    for context in iter_route_contexts(request.app.routes):
        regex = getattr(context, "path_regex", None)
        if regex is not None and context.methods and regex.match(path):
            # `/calls/originate` is its own resource, even though `/calls/{session_id}` matches.
            (literal if context.path_format == path else templated).update(context.methods)
    return sorted(literal or templated)


# A unique or foreign key violation that got past a service's checks is a race with a
# concurrent write (two requests creating the same row): a conflict the client may retry.
_CONSTRAINT_RACES = ("23505", "23503", "UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def _render_integrity(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IntegrityError)
    orig = exc.orig
    reason = f"{getattr(orig, 'sqlstate', '') or ''} {orig}"
    if not any(marker in reason for marker in _CONSTRAINT_RACES):
        return _render_unexpected(request, exc)
    log.warning("constraint violation answered 409: %s", getattr(orig, "sqlstate", type(orig)))
    return render(
        request,
        409,
        "conflict",
        "Conflict",
        "The request conflicts with a concurrent change; retry it",
        {"Retry-After": "1"},
    )


# Failures to reach the database (the server closed the connection, refused a new one, or no
# pooled connection was free in time) are not the request's fault: 503, retry shortly. A write
# that failed this way was rolled back (its transaction died with the connection).
_UNAVAILABLE_SQLSTATES = frozenset({"53300", "57P01", "57P02", "57P03", "08000", "08003", "08006"})


def database_unavailable(exc: BaseException) -> bool:
    """The database could not be reached (as opposed to a bad statement or a constraint)."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig if exc.orig is not None else exc
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate in _UNAVAILABLE_SQLSTATES:
        return True
    name = type(exc).__name__
    return name in {"ConnectionDoesNotExistError", "InterfaceError", "InternalClientError"} or (
        isinstance(exc, OSError | ConnectionError)
    )


def _render_database(request: Request, exc: Exception) -> Response:
    if not database_unavailable(exc):
        return _render_unexpected(request, exc)
    log.warning("database unavailable, answered 503: %s", type(exc).__name__)
    return render(
        request,
        503,
        "database_unavailable",
        "Service unavailable",
        "The database is not reachable right now; retry shortly",
        {"Retry-After": "1"},
    )


def _render_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return render(request, 500, "internal_error", "Internal error", "Internal server error")


def render_unexpected(request: Request, exc: Exception) -> Response:
    """The answer to an exception no handler took: 503 when the database is unreachable, else
    a plain 500 (logged with its traceback)."""
    if database_unavailable(exc):
        return _render_database(request, exc)
    return _render_unexpected(request, exc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _render_app_error)
    app.add_exception_handler(RequestValidationError, _render_validation)
    app.add_exception_handler(StarletteHTTPException, _render_http)
    app.add_exception_handler(IntegrityError, _render_integrity)
    app.add_exception_handler(DBAPIError, _render_database)
    app.add_exception_handler(PoolTimeout, _render_database)
    app.add_exception_handler(Exception, _render_unexpected)


def errors_doc(*classes: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the given errors (plain text, or problem+json on request)."""
    out: dict[int | str, dict[str, Any]] = {}
    for cls in classes:
        out[cls.status_code] = {
            "description": cls.description,
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
            },
        }
    return out
