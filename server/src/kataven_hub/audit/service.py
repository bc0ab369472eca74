"""The audit log: one row per authenticated write (whatever its outcome) and per sign-in, in
the account's own database. What is kept: who (API key id or user id), when, the method, the
route template (never the raw path or query), the resource type and id, the response status,
the request id and the client address. Never a request body, a header or a secret.

Rows are written once the response has been sent (so the status is known), in a transaction
of their own: a process that dies in between loses that row, never the change itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kataven_hub.audit.models import AuditEvent
from kataven_hub.audit.repository import AuditRepository
from kataven_hub.core import tenancy
from kataven_hub.core.db import TenantSession, new_session, sqlite_immediate, utcnow
from kataven_hub.core.ids import new_id
from kataven_hub.core.sessions import commit

log = logging.getLogger("kataven_hub.audit")
API_PREFIX = "/api/v1/"


@dataclass(frozen=True, slots=True)
class Entry:
    actor: str
    actor_type: str
    method: str
    route: str
    resource_type: str | None
    resource_id: str | None
    status: int
    request_id: str | None
    ip: str | None


def resource_of(route: str, path_params: dict[str, Any]) -> tuple[str | None, str | None]:
    """(type, id) named by a route template: the last `{param}` and the collection before it
    (`/api/v1/agents/{agent_id}/tools/{tool_id}` → tools, tool_id's value); a template without
    parameters names its first collection (`/api/v1/agents` → agents, id unknown)."""
    parts = [p for p in route.removeprefix(API_PREFIX).strip("/").split("/") if p]
    for i in range(len(parts) - 1, 0, -1):
        part = parts[i]
        if part.startswith("{") and part.endswith("}"):
            value = path_params.get(part[1:-1].split(":", 1)[0])
            return parts[i - 1], None if value is None else str(value)[:100]
    return (parts[0] if parts else None), None


async def record(account: str, entry: Entry) -> None:
    """Append one entry to `account`'s log (logged, never raised, on failure)."""
    try:
        engine = await tenancy.get().engine_for(account)
        if engine is None:
            return
        async with new_session(sqlite_immediate(engine)) as raw:
            session = TenantSession(raw)
            await AuditRepository(session).add(
                AuditEvent(
                    id=new_id("aud"), at=utcnow(), actor=entry.actor[:100],
                    actor_type=entry.actor_type, method=entry.method, route=entry.route[:300],
                    resource_type=entry.resource_type and entry.resource_type[:60],
                    resource_id=entry.resource_id, status=entry.status,
                    request_id=entry.request_id and entry.request_id[:100],
                    ip=entry.ip and entry.ip[:64],
                )
            )  # fmt: skip
            await commit(session)
    except Exception:
        log.warning("could not write an audit entry", exc_info=True)


async def sign_in(
    accounts: list[str], user_id: str, status: int, request_id: str | None, ip: str | None
) -> None:
    """A sign-in (successful or refused) of a known user, in each account it belongs to."""
    for account in accounts:
        entry = Entry(user_id, "user", "POST", "/api/login", "users", user_id, status,
                      request_id, ip)  # fmt: skip
        await record(account, entry)


async def list_events(
    session: TenantSession,
    *,
    actor: str | None,
    resource_type: str | None,
    resource_id: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    rows = await AuditRepository(session).page(
        actor=actor, resource_type=resource_type, resource_id=resource_id, since=since,
        until=until, limit=limit, offset=offset,
    )  # fmt: skip
    return {"audit_events": rows, "limit": limit, "offset": offset}
