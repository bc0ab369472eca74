"""Provider name → carrier adapter. `sandbox` exists only where settings enable it."""

from __future__ import annotations

from kataven_hub.carriers.base import Carrier
from kataven_hub.carriers.plivo import PlivoCarrier
from kataven_hub.carriers.sandbox import SandboxCarrier
from kataven_hub.carriers.twilio import TwilioCarrier
from kataven_hub.carriers.vobiz import VobizCarrier
from kataven_hub.core.settings import get_settings

REAL_PROVIDERS = ("twilio", "plivo", "vobiz")
_CARRIERS: dict[str, Carrier] = {
    "twilio": TwilioCarrier(),
    "plivo": PlivoCarrier(),
    "vobiz": VobizCarrier(),
    "sandbox": SandboxCarrier(),
}


def providers() -> tuple[str, ...]:
    """The providers this installation accepts."""
    if get_settings().sandbox_carrier_enabled:
        return (*REAL_PROVIDERS, "sandbox")
    return REAL_PROVIDERS


def get(provider: str) -> Carrier | None:
    return _CARRIERS.get(provider) if provider in providers() else None
