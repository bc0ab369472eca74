from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import Conflict, Forbidden, InvalidRequest, NotFound, errors_doc
from kataven_hub.core.pagination import FilterText, Limit, Offset
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.playbooks import service as playbooks_service
from kataven_hub.playbooks.models import Playbook
from kataven_hub.playbooks.schemas import PlaybookCreate, PlaybookList, PlaybookRead, PlaybookUpdate

router = APIRouter(prefix="/playbooks", tags=["Playbooks"], route_class=TransactionalRoute)


@router.get("", response_model=PlaybookList, responses=errors_doc(InvalidRequest))
async def list_playbooks(
    principal: PrincipalDep,
    session: TenantSessionDep,
    category: FilterText = None,
    search: FilterText = None,
    limit: Limit = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List playbooks by name, without their markdown (get one for `content`). `search` is a
    prefix of the name; `category` filters exactly."""
    return await playbooks_service.list_playbooks(
        session, category=category, search=search, limit=limit, offset=offset
    )


@router.post(
    "", status_code=201, response_model=PlaybookRead, responses=errors_doc(InvalidRequest, Conflict)
)
async def create_playbook(
    body: PlaybookCreate, principal: PrincipalDep, session: TenantSessionDep
) -> Playbook:
    """Create a custom playbook. `display_name` is required; `name` defaults to its
    snake_case (`Refund Workflow` → `refund_workflow`) and must be unique; `content` is the
    markdown prompt fragment merged into the system prompt of agents it is attached to."""
    return await playbooks_service.create(session, body)


@router.get("/{playbook_id}", response_model=PlaybookRead, responses=errors_doc(NotFound))
async def get_playbook(
    playbook_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Playbook:
    """Get a playbook, with its markdown `content`, by id or by name."""
    return await playbooks_service.get(session, playbook_id)


@router.put(
    "/{playbook_id}", response_model=PlaybookRead, responses=errors_doc(InvalidRequest, NotFound)
)
async def update_playbook(
    playbook_id: str, body: PlaybookUpdate, principal: PrincipalDep, session: TenantSessionDep
) -> Playbook:
    """Change the fields present in the body (the name cannot change). Updating a built-in
    playbook marks it `modified_from_default`."""
    return await playbooks_service.update(session, playbook_id, body)


@router.delete("/{playbook_id}", status_code=204, responses=errors_doc(Forbidden, NotFound))
async def delete_playbook(
    playbook_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Delete a custom playbook and detach it from every agent. Built-ins: 403."""
    await playbooks_service.delete(session, playbook_id)
    return Response(status_code=204)
