"""What every resource shares: its transport and path quoting."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from kataven._client import AsyncTransport, SyncTransport


def seg(value: str) -> str:
    """One path segment (an id or a name), quoted so it cannot change the route."""
    return quote(str(value), safe="")


class SyncResource:
    def __init__(self, transport: SyncTransport) -> None:
        self._t = transport


class AsyncResource:
    def __init__(self, transport: AsyncTransport) -> None:
        self._t = transport
