"""`CallEnded`: what the calls module announces when a call reaches its terminal state.

The calls module knows no subscriber: `kataven_hub.wiring` subscribes the modules that react
(recordings fetch the file, campaigns land the outcome on the contact) in every process that
applies carrier statuses (API, dispatcher), so an API process without the dispatcher reacts
to a call ending as the embedded default does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger("kataven_hub.calls")


@dataclass(frozen=True, slots=True)
class CallEnded:
    """A call reached its terminal state (announced once, after the transaction that ended it,
    in the process that applied the status)."""

    account: str
    session_id: str
    status: str
    duration_seconds: int
    campaign_id: str | None
    contact_id: str | None
    # Whether the recording is to be fetched from the carrier now (outbound calls with talk
    # time while recording is on; inbound recordings arrive by the carrier's own callback).
    fetch_recording: bool = False
    # Done once the call's concurrent slot is given back: a subscriber that dials again on the
    # call's line awaits it first (it is released while the subscribers run).
    slot_released: Awaitable[None] | None = field(default=None, compare=False)


Subscriber = Callable[[CallEnded], Awaitable[None]]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Call `subscriber` for every call that ends in this process (once; idempotent)."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


async def announce(ended: CallEnded) -> None:
    """Tell every subscriber, in subscription order; one failing does not stop the others."""
    for subscriber in list(_subscribers):
        try:
            await subscriber(ended)
        except Exception:
            log.exception("call-ended subscriber failed")
