"""What the HTTP carrier adapters share: a base holding the base URL and HTTP client they were
built with, transport failures turned into CarrierError, and the carrier's error message."""

from __future__ import annotations

from typing import Any

import httpx

from kataven_hub.carriers.base import CarrierError


def new_client(timeout_seconds: float) -> httpx.AsyncClient:
    """A pooled client with timeouts on every request (the one production adapters share)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 5.0)),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        headers={"User-Agent": "kataven-hub"},
    )


class HttpCarrier:
    """An adapter that talks to its carrier's REST API at `base_url` through `client`.

    Both are given, not read from settings, so a test points an adapter at a local carrier
    server by building one (as httpx and openai-python clients are configured)."""

    def __init__(self, base_url: str, client: httpx.AsyncClient) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send; transport failures become CarrierError without leaking credentials or URLs."""
        try:
            return await self.client.request(method, url, **kwargs)
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
