"""Request building, the retry policy and the endpoint table: everything but the I/O."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import httpx

from kataven._errors import APIStatusError, ConflictError, KatavenError, RateLimitError
from kataven._version import __version__

DEFAULT_BASE_URL: Final = "http://localhost:8081"
API_PREFIX: Final = "/api/v1"
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_MAX_RETRIES: Final = 2
RATE_LIMIT_RETRIES: Final = 3  # spec: give up after 3 retries of a 429
INITIAL_BACKOFF: Final = 0.5
MAX_BACKOFF: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0
WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotGiven:
    """The default of optional update arguments: "leave unchanged", as opposed to `None`
    ("set to null")."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


def given(**fields: Any) -> dict[str, Any]:
    """The fields the caller gave (drops NOT_GIVEN; keeps None)."""
    return {k: v for k, v in fields.items() if not isinstance(v, NotGiven)}


def query(**params: Any) -> dict[str, Any]:
    """Query parameters the caller set (drops None and NOT_GIVEN)."""
    return {k: v for k, v in params.items() if v is not None and not isinstance(v, NotGiven)}


# ---- the endpoint table: (HTTP method, path template) → SDK method ------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def endpoint(method: str, path: str, *also: tuple[str, str]) -> Callable[[F], F]:
    """Mark a resource method as the SDK's call for `method path` (path relative to /api/v1,
    parameters in braces). `also` lists other routes the same method stands for (e.g. the PUT
    twin of a POST). The contract test reads these marks; they cost nothing at call time."""

    def mark(fn: F) -> F:
        fn.__kataven_endpoints__ = ((method.upper(), path), *also)  # type: ignore[attr-defined]
        return fn

    return mark


# ---- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientConfig:
    api_key: str
    base_url: str
    timeout: float | httpx.Timeout
    max_retries: int
    retry: bool

    @classmethod
    def resolve(
        cls,
        api_key: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout,
        max_retries: int,
        retry: bool,
    ) -> ClientConfig:
        key = api_key if api_key is not None else os.environ.get("KATAVEN_API_KEY")
        if not key:
            raise KatavenError(
                "No API key: pass api_key=... or set the KATAVEN_API_KEY environment variable"
            )
        url = base_url or os.environ.get("KATAVEN_BASE_URL") or DEFAULT_BASE_URL
        if max_retries < 0:
            raise ValueError("max_retries must be ≥ 0")
        return cls(key, url.rstrip("/"), timeout, max_retries, retry)

    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            "User-Agent": f"kataven-python/{__version__}",
        }


def url_for(path: str) -> str:
    """The path under the API prefix (absolute paths are kept)."""
    return path if path.startswith("/api/") else API_PREFIX + path


def idempotency_headers(method: str) -> dict[str, str]:
    """One key per logical call; the caller reuses it on every retry."""
    if method.upper() in WRITE_METHODS:
        return {"Idempotency-Key": str(uuid.uuid4())}
    return {}


# ---- retries ------------------------------------------------------------------------------------


@dataclass
class RetryState:
    """Counts the retries of one logical call and says how long to wait before the next."""

    max_retries: int
    retry_rate_limited: bool
    retries: int = 0
    rate_limited_retries: int = 0
    rng: Callable[[float, float], float] = random.uniform

    def after_error(self, error: KatavenError) -> float | None:
        """Seconds to sleep before retrying, or None to raise `error`."""
        if isinstance(error, RateLimitError):
            if not self.retry_rate_limited or self.rate_limited_retries >= RATE_LIMIT_RETRIES:
                return None
            self.rate_limited_retries += 1
            wait = min(error.retry_after if error.retry_after is not None else 1.0, MAX_RETRY_AFTER)
            return wait + self.rng(0.0, wait / 10)
        if not retryable(error) or self.retries >= self.max_retries:
            return None
        self.retries += 1
        retry_after = None
        if isinstance(error, APIStatusError) and error.response is not None:
            retry_after = retry_after_header(error.response.headers)
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER) + self.rng(0.0, 0.1)
        return backoff(self.retries, self.rng)


def backoff(attempt: int, rng: Callable[[float, float], float] = random.uniform) -> float:
    """Exponential backoff with jitter: 0.5 s, 1 s, 2 s … (capped at 8 s), each scaled by a
    random factor in [0.5, 1.0]."""
    base = min(INITIAL_BACKOFF * 2.0 ** (attempt - 1), MAX_BACKOFF)
    return base * rng(0.5, 1.0)


def retryable(error: KatavenError) -> bool:
    """Connection errors, 5xx, and the 409 of a write whose first attempt is still running."""
    from kataven._errors import APIConnectionError

    if isinstance(error, APIConnectionError):
        return True
    if isinstance(error, ConflictError):
        return error.code == "idempotency_in_flight"
    return isinstance(error, APIStatusError) and error.status_code >= 500


def retry_after_header(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def decode(response: httpx.Response) -> Any:
    """The JSON of a 2xx answer; None for an empty one (204)."""
    if response.status_code == 204 or not response.content:
        return None
    if "json" in response.headers.get("content-type", ""):
        return response.json()
    return response.text
