"""Call cost caps of the caller's account (`/api/v1/call-limits`)."""

from __future__ import annotations

from fastapi import APIRouter

from kataven_hub.core.auth import HubAdmin, PrincipalDep
from kataven_hub.core.errors import Forbidden, InvalidRequest, errors_doc
from kataven_hub.core.sessions import ControlSessionDep, TransactionalRoute
from kataven_hub.limits import service as limits_service
from kataven_hub.limits.schemas import CallLimitsRead, CallLimitsUpdate

router = APIRouter(prefix="/call-limits", tags=["Call limits"], route_class=TransactionalRoute)


@router.get("", response_model=CallLimitsRead)
async def get_call_limits(principal: PrincipalDep, control: ControlSessionDep) -> dict[str, int]:
    """This account's call cost caps. Defaults: 10 concurrent, 30 per minute, 1,000 calls and
    600 talk minutes per UTC day. A value of 0 blocks that dimension. Live counters are not
    exposed."""
    return await limits_service.get_limits(control, principal.account)


@router.patch("", response_model=CallLimitsRead, responses=errors_doc(InvalidRequest, Forbidden))
async def update_call_limits(
    body: CallLimitsUpdate, principal: HubAdmin, control: ControlSessionDep
) -> dict[str, int]:
    """Change caps (Hub UI owners and admins only; API keys get 403). Only the given fields
    change."""
    return await limits_service.update_limits(control, principal.account, body, principal.subject)
