"""The one place hooks, seeders, subscribers and guards are registered.

Modules expose what they offer (a seeder, a subscriber, a lookup) and never register it as a
side effect of being imported: what runs in a process would then depend on which modules that
process happened to import (the API never imports the campaign dialer, so a call ending there
would not reach its campaign). `register()` is called by every entry point: the API's
lifespan (main.py), the dispatcher (dispatcher/__main__.py) and the operator commands
(admin/cli.py). It is idempotent.
"""

from __future__ import annotations

from kataven_hub.accounts import service as accounts_service
from kataven_hub.api_keys import service as api_keys_service
from kataven_hub.calls import events as call_events
from kataven_hub.calls import webhooks as call_webhooks
from kataven_hub.campaigns import dialer as campaigns_dialer
from kataven_hub.carriers import sandbox
from kataven_hub.core import auth, idempotency
from kataven_hub.playbooks import service as playbooks_service
from kataven_hub.rate_limits import service as rate_limits_service
from kataven_hub.recordings import service as recordings_service
from kataven_hub.tools import service as tools_service


def register() -> None:
    """Register every hook, seeder, subscriber and guard of this process (idempotent)."""
    # Defaults every account's database gets, on creation and on every `migrate`.
    accounts_service.add_tenant_seeder(tools_service.seed_builtins)
    accounts_service.add_tenant_seeder(playbooks_service.seed_builtins)
    # A call reaching its terminal state: campaigns land the outcome on the contact (and, with
    # a dispatcher in this process, claim the next contacts); recordings fetch the file.
    call_events.subscribe(campaigns_dialer.call_ended)
    call_events.subscribe(recordings_service.call_ended)
    # The sandbox carrier's simulated calls report through the carriers' status webhook path.
    sandbox.configure(call_webhooks.handle_status)
    # Authentication: who a key or a signed-in user is, and when a key was last used.
    auth.configure(
        api_keys_service.lookup, accounts_service.member_lookup, api_keys_service.mark_used
    )
    # Every authenticated request: request rate limits first (a refused request claims no
    # Idempotency-Key), then the Idempotency-Key.
    auth.set_guards(rate_limits_service.admit, idempotency.begin)
