"""The error tree: every failure the SDK raises is a `KatavenError`."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "CostCapError",
    "InternalServerError",
    "KatavenError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "UnprocessableEntityError",
]


class KatavenError(Exception):
    """Base class of every error the SDK raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(KatavenError):
    """The request did not get an answer: connection refused, reset, DNS, TLS…"""

    def __init__(self, message: str = "Connection error", *, request: httpx.Request | None = None):
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(self, message: str = "Request timed out", *, request: httpx.Request | None = None):
        super().__init__(message, request=request)


class APIStatusError(KatavenError):
    """The API answered with a 4xx or 5xx status. `message` is the server's own text."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.body = body
        self.response = response

    def __str__(self) -> str:
        return f"{self.status_code}: {self.message}"


class BadRequestError(APIStatusError):
    """400: invalid body, query or missing field."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid, expired or revoked API key."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409: conflicts with the current state."""


class PayloadTooLargeError(APIStatusError):
    """413."""


class UnprocessableEntityError(APIStatusError):
    """422: an Idempotency-Key reused with a different request."""


class RateLimitError(APIStatusError):
    """429. `retry_after` is the server's `Retry-After`, in seconds (None when absent)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class CostCapError(RateLimitError):
    """429 from a call cost cap (concurrent calls, calls per minute, daily calls or minutes)."""


class InternalServerError(APIStatusError):
    """5xx other than 503."""


class ServiceUnavailableError(APIStatusError):
    """503: a dependency (database, counters, keyring, carrier) is not available."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}

COST_CAP_CODES = frozenset({"call_limit_reached"})


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """`Retry-After` in seconds (delta-seconds only; the API never sends a date)."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def from_response(response: httpx.Response) -> APIStatusError:
    """The error for a 4xx/5xx answer: problem+json when the server sent it, else plain text."""
    status = response.status_code
    body: Any = None
    message = ""
    code: str | None = None
    request_id = response.headers.get("x-request-id")
    content_type = response.headers.get("content-type", "")
    try:
        text = response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        text = ""
    if "json" in content_type:
        try:
            body = response.json()
        except ValueError:
            body = text
    else:
        body = text
    if isinstance(body, dict):
        detail = body.get("detail")
        message = detail if isinstance(detail, str) else str(body.get("title") or "")
        code = body.get("code") if isinstance(body.get("code"), str) else None
        request_id = body.get("request_id") or request_id
    else:
        message = text.strip()
    if not message:
        message = response.reason_phrase or f"HTTP {status}"
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    kw: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "request_id": request_id,
        "body": body,
        "response": response,
    }
    if cls is RateLimitError:
        retry_after = retry_after_seconds(response.headers)
        if code in COST_CAP_CODES:
            return CostCapError(message, retry_after=retry_after, **kw)
        return RateLimitError(message, retry_after=retry_after, **kw)
    return cls(message, **kw)
