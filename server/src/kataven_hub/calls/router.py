"""Calls (`/api/v1/calls/...`): originate outbound calls; list and read every call."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from kataven_hub.calls import service as calls_service
from kataven_hub.calls.models import Call
from kataven_hub.calls.schemas import (
    CallDirection,
    CallList,
    CallRead,
    CallStatus,
    OriginateRequest,
)
from kataven_hub.calls.service import (
    AgentNotActive,
    CallAlreadyEnded,
    NumberOrAgentNotFound,
    OutboundDisabled,
)
from kataven_hub.carriers.base import CarrierError
from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import InvalidRequest, NotFound, errors_doc
from kataven_hub.core.schemas import AwareQueryTime
from kataven_hub.core.secrets import SecretUndecryptable
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.limits.service import CallLimitReached

router = APIRouter(prefix="/calls", tags=["Calls"], route_class=TransactionalRoute)


@router.post(
    "/originate",
    response_model=CallRead,
    responses=errors_doc(
        InvalidRequest,
        OutboundDisabled,
        NumberOrAgentNotFound,
        AgentNotActive,
        CallLimitReached,
        CarrierError,
        SecretUndecryptable,
    ),
)
async def originate_call(
    body: OriginateRequest, principal: PrincipalDep, session: TenantSessionDep
) -> Call:
    """Place an outbound call from one of your numbers, handled by an active agent. Checks, in
    order: body (400), caller ID and agent (404), number outbound-enabled (403), agent active
    (409), destination on the do-not-call list (403, code `do_not_call`), call cost caps
    (429 with `Retry-After` and one of `Concurrent call limit reached`,
    `Call rate limit`, `Daily call limit reached`, `Daily minute budget exhausted`), stored
    credentials (503), carrier (502 with its message). Returns the call; its `session_id` opens
    the live viewer and, later, the recording. `custom_fields` are handed to the agent when the
    call is answered."""
    return await calls_service.originate(
        session, principal.account, body.from_number, body.to_number, body.agent_id,
        custom_fields=body.custom_fields,
    )  # fmt: skip


@router.get("", response_model=CallList)
async def list_calls(
    principal: PrincipalDep,
    session: TenantSessionDep,
    limit: int = Query(default=50, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=10_000_000),
    status: CallStatus | None = Query(default=None),
    campaign_id: str | None = Query(default=None, max_length=100),
    direction: CallDirection | None = Query(default=None),
    agent_id: str | None = Query(default=None, max_length=100),
    created_from: AwareQueryTime | None = Query(
        default=None, alias="from", description="Created at or after (RFC 3339)"
    ),
    created_to: AwareQueryTime | None = Query(
        default=None, alias="to", description="Created before (RFC 3339)"
    ),
) -> dict[str, Any]:
    """Calls of the account, outbound and inbound, newest first. Filters combine: `status`,
    `direction`, `agent_id`, `campaign_id`, and the creation time `from` (inclusive) and
    `to` (exclusive), e.g. `?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`."""
    return await calls_service.list_calls(
        session, limit, offset, status, campaign_id, direction=direction,
        agent_id=agent_id, created_from=created_from, created_to=created_to,
    )  # fmt: skip


@router.get("/{session_id}", response_model=CallRead, responses=errors_doc(NotFound))
async def get_call(session_id: str, principal: PrincipalDep, session: TenantSessionDep) -> Call:
    """One call by its session id."""
    return await calls_service.get(session, session_id)


@router.post(
    "/{session_id}/hangup",
    status_code=202,
    response_model=CallRead,
    responses=errors_doc(NotFound, CallAlreadyEnded, CarrierError, SecretUndecryptable),
)
async def hangup_call(session_id: str, principal: PrincipalDep, session: TenantSessionDep) -> Call:
    """End a call in flight (ringing or answered) through its carrier. Returns the call as it
    is now (202): the final status (`completed`, or `canceled` if it was still ringing) arrives
    through the carrier's callback, like any other ending, with its `call.*` webhook event.
    409 when the call has already ended, or when the carrier has not taken it yet (retry in a
    moment); 502 with the carrier's message if it refuses."""
    return await calls_service.hang_up(session, principal.account, session_id)
