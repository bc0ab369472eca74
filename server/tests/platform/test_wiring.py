"""`wiring.register()` registers every hook, seeder and subscriber once, however often the
entry points call it (each API app's lifespan, the dispatcher, every operator command)."""

from __future__ import annotations

from kataven_hub import wiring
from kataven_hub.accounts import service as accounts_service
from kataven_hub.calls import events as call_events
from kataven_hub.campaigns import dialer
from kataven_hub.playbooks import service as playbooks_service
from kataven_hub.recordings import service as recordings_service
from kataven_hub.tools import service as tools_service


def test_register_is_idempotent() -> None:
    wiring.register()
    wiring.register()
    subscribers = call_events._subscribers
    assert subscribers.count(dialer.call_ended) == 1
    assert subscribers.count(recordings_service.call_ended) == 1
    # Campaigns land the outcome before the recording fetch is started, as before.
    assert subscribers.index(dialer.call_ended) < subscribers.index(recordings_service.call_ended)
    seeders = accounts_service.TENANT_SEEDERS
    assert seeders.count(tools_service.seed_builtins) == 1
    assert seeders.count(playbooks_service.seed_builtins) == 1
