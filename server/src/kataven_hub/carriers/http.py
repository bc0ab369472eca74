"""The one HTTP client every carrier adapter shares: pooled, with timeouts on every request."""

from __future__ import annotations

import httpx

from kataven_hub.carriers.base import CarrierError
from kataven_hub.core.settings import get_settings

_client: httpx.AsyncClient | None = None


def client() -> httpx.AsyncClient:
    global _client
    if _client is None:
        timeout = get_settings().CARRIER_TIMEOUT_SECONDS
        _client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            headers={"User-Agent": "kataven-hub"},
        )
    return _client


async def request(method: str, url: str, **kwargs: object) -> httpx.Response:
    """Send; transport failures become CarrierError without leaking credentials or URLs."""
    seconds = get_settings().CARRIER_TIMEOUT_SECONDS
    kwargs.setdefault("timeout", httpx.Timeout(seconds, connect=min(seconds, 5.0)))
    try:
        return await client().request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.TimeoutException:
        raise CarrierError("Carrier did not answer in time") from None
    except httpx.HTTPError as exc:
        raise CarrierError(f"Carrier unreachable ({type(exc).__name__})") from None


def error_message(response: httpx.Response) -> str:
    """The carrier's own error message (JSON `message`/`error`), bounded, else the status."""
    try:
        data = response.json()
    except ValueError:
        data = None
    message = None
    if isinstance(data, dict):
        for key in ("message", "error", "detail"):
            if isinstance(data.get(key), str):
                message = data[key]
                break
    message = (message or f"HTTP {response.status_code}")[:300]
    return f"Carrier error: {message}"


async def close() -> None:
    global _client
    if _client is not None:
        await _client.aclose()
        _client = None
