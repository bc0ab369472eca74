"""Provider name → carrier adapter, for this process. `sandbox` exists only where settings
enable it.

`init(settings)` builds the adapters once (base URLs from settings, one shared HTTP client) at
the start of the API and dispatcher processes; services look adapters up with `get(provider)`.
`current().override(...)` swaps in adapters built elsewhere (tests point them at a local
carrier server this way, not by changing settings), and `shutdown()` closes the client.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx

from kataven_hub.carriers import http
from kataven_hub.carriers.base import Carrier
from kataven_hub.carriers.plivo import PlivoCarrier
from kataven_hub.carriers.sandbox import SandboxCarrier
from kataven_hub.carriers.twilio import TwilioCarrier
from kataven_hub.carriers.vobiz import VobizCarrier
from kataven_hub.core.settings import Settings, get_settings

REAL_PROVIDERS = ("twilio", "plivo", "vobiz")


class CarrierRegistry:
    """The adapters of one process by provider, and the HTTP client they share."""

    def __init__(self, client: httpx.AsyncClient, adapters: dict[str, Carrier]) -> None:
        self.client = client
        self._adapters = dict(adapters)

    @classmethod
    def from_settings(cls, settings: Settings) -> CarrierRegistry:
        client = http.new_client(settings.CARRIER_TIMEOUT_SECONDS)
        adapters: list[Carrier] = [
            TwilioCarrier(settings.TWILIO_API_BASE_URL, client),
            PlivoCarrier(settings.PLIVO_API_BASE_URL, client),
            VobizCarrier(settings.VOBIZ_API_BASE_URL, client),
            SandboxCarrier(),
        ]
        return cls(client, {adapter.provider: adapter for adapter in adapters})

    def get(self, provider: str) -> Carrier | None:
        return self._adapters.get(provider) if provider in providers() else None

    def use(self, *adapters: Carrier) -> tuple[Carrier, ...]:
        """Serve these adapters for their providers from now on; returns the ones replaced."""
        replaced = tuple(
            self._adapters[a.provider] for a in adapters if a.provider in self._adapters
        )
        self._adapters.update({adapter.provider: adapter for adapter in adapters})
        return replaced

    @contextlib.contextmanager
    def override(self, *adapters: Carrier) -> Iterator[None]:
        """Serve these adapters inside the block, then the ones they replaced again."""
        replaced = self.use(*adapters)
        try:
            yield
        finally:
            self.use(*replaced)

    async def aclose(self) -> None:
        await self.client.aclose()


_current: CarrierRegistry | None = None


def init(settings: Settings) -> CarrierRegistry:
    """Build this process's adapters from settings (at the start of the API or dispatcher)."""
    global _current
    _current = CarrierRegistry.from_settings(settings)
    return _current


def current() -> CarrierRegistry:
    """This process's adapters; built from settings on first use where no process started them
    (an operator command)."""
    return _current if _current is not None else init(get_settings())


def providers() -> tuple[str, ...]:
    """The providers this installation accepts."""
    if get_settings().sandbox_carrier_enabled:
        return (*REAL_PROVIDERS, "sandbox")
    return REAL_PROVIDERS


def get(provider: str) -> Carrier | None:
    return current().get(provider)


async def shutdown() -> None:
    global _current
    if _current is not None:
        await _current.aclose()
        _current = None
