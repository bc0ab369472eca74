"""The audit log (`/api/v1/audit-events`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from kataven_hub.audit import service as audit_service
from kataven_hub.audit.schemas import AuditEventList
from kataven_hub.core.auth import ADMIN_ROLES, Principal, PrincipalDep
from kataven_hub.core.errors import Forbidden, errors_doc
from kataven_hub.core.schemas import QueryTime
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute

router = APIRouter(prefix="/audit-events", tags=["Audit log"], route_class=TransactionalRoute)


def _reader(principal: PrincipalDep) -> Principal:
    """API keys, and signed-in owners and admins (members get 403)."""
    if not principal.is_api_key and principal.role not in ADMIN_ROLES:
        raise Forbidden("Requires an API key or the owner or admin role")
    return principal


AuditReader = Annotated[Principal, Depends(_reader)]


@router.get("", response_model=AuditEventList, responses=errors_doc(Forbidden))
async def list_audit_events(
    principal: AuditReader,
    session: TenantSessionDep,
    actor: str | None = Query(default=None, max_length=100, description="API key or user id."),
    resource_type: str | None = Query(default=None, max_length=60, examples=["agents"]),
    resource_id: str | None = Query(default=None, max_length=100),
    since: QueryTime | None = Query(default=None, alias="from", description="Inclusive."),
    until: QueryTime | None = Query(default=None, alias="to", description="Exclusive."),
    limit: int = Query(default=50, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    """Who changed what: every authenticated write (any outcome) and every sign-in of the
    account, newest first. Entries name the actor, route, resource and response status; they
    never hold a request body or a secret. Readable with an API key or by owners and admins."""
    return await audit_service.list_events(
        session, actor=actor, resource_type=resource_type, resource_id=resource_id,
        since=since, until=until, limit=limit, offset=offset,
    )  # fmt: skip
