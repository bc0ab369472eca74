from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import Conflict, Forbidden, InvalidRequest, NotFound, errors_doc
from kataven_hub.core.pagination import FilterText, Limit, Offset
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.tools import service as tools_service
from kataven_hub.tools.models import Tool
from kataven_hub.tools.schemas import ToolCreate, ToolList, ToolRead, ToolUpdate

router = APIRouter(prefix="/tools", tags=["Tools"], route_class=TransactionalRoute)


@router.get("", response_model=ToolList, responses=errors_doc(InvalidRequest))
async def list_tools(
    principal: PrincipalDep,
    session: TenantSessionDep,
    category: FilterText = None,
    type_: Annotated[Literal["python", "http"] | None, Query(alias="type")] = None,
    search: FilterText = None,
    limit: Limit = 10,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List tools, by name. `category` and `type` (`python`, `http`) filter exactly; `search`
    matches a substring of the name, display name or description, case-insensitively.
    `category_counts` counts every category under the other filters."""
    return await tools_service.list_tools(
        session, category=category, type_=type_, search=search, limit=limit, offset=offset
    )


@router.post(
    "", status_code=201, response_model=ToolRead, responses=errors_doc(InvalidRequest, Conflict)
)
async def create_tool(body: ToolCreate, principal: PrincipalDep, session: TenantSessionDep) -> Tool:
    """Create a custom tool. `name` (snake_case, unique in the account, immutable) and
    `category` are required; `schema` is the JSON Schema of the arguments (an object);
    `http` tools need `implementation_config.url`; Python source must define
    `run(args, context)`."""
    return await tools_service.create(session, body)


@router.get("/{tool_id}", response_model=ToolRead, responses=errors_doc(NotFound))
async def get_tool(tool_id: str, principal: PrincipalDep, session: TenantSessionDep) -> Tool:
    """Get a tool by id or by name."""
    return await tools_service.get(session, tool_id)


@router.put("/{tool_id}", response_model=ToolRead, responses=errors_doc(InvalidRequest, NotFound))
async def update_tool(
    tool_id: str, body: ToolUpdate, principal: PrincipalDep, session: TenantSessionDep
) -> Tool:
    """Change the fields present in the body (the name cannot change). Updating a built-in
    tool marks it `modified_from_default`."""
    return await tools_service.update(session, tool_id, body)


@router.delete("/{tool_id}", status_code=204, responses=errors_doc(Forbidden, NotFound))
async def delete_tool(tool_id: str, principal: PrincipalDep, session: TenantSessionDep) -> Response:
    """Delete a custom tool and detach it from every agent. Built-in tools cannot be deleted
    (403), nor tools an integration brings (uninstall the integration)."""
    await tools_service.delete(session, tool_id)
    return Response(status_code=204)
