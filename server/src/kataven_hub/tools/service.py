"""Tools: built-in (seeded into every account), custom, and those integrations bring.

Addressable by id (`tool_…`) or by snake_case `name`, which is unique per account and never
changes. Built-ins cannot be deleted (403) and updating one sets `modified_from_default`, which
also keeps re-seeding from overwriting it. Tools an integration brought are removed by
uninstalling it (deleting one directly is a 403). Deleting a tool removes the agent tool rows
that expose it. `category_counts` in the list counts the rows matching every filter but
`category`, so a filter UI can show the other categories' sizes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import Conflict, Forbidden, InvalidRequest, NotFound
from kataven_hub.core.ids import new_id
from kataven_hub.core.pagination import envelope
from kataven_hub.core.repository import SNAKE_NAME, by_id_or_name
from kataven_hub.tools.builtins import BUILTIN_TOOLS, VERSION
from kataven_hub.tools.models import Tool
from kataven_hub.tools.repository import ToolRepository
from kataven_hub.tools.schemas import ToolCreate, ToolUpdate, check_implementation

_SNAKE = SNAKE_NAME


def humanize(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split("_") if part)


def _invalid(field: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, errors=[{"field": field, "message": message}])


async def list_tools(
    session: TenantSession, *, category: str | None, type_: str | None, search: str | None,
    limit: int, offset: int,
) -> dict[str, Any]:  # fmt: skip
    rows, total, counts = await ToolRepository(session).page(category, type_, search, limit, offset)
    return {**envelope("tools", rows, total, limit, offset), "category_counts": counts}


async def find(session: TenantSession, ref: str) -> Tool | None:
    """The tool with this id or name, or None."""
    return await by_id_or_name(ToolRepository(session), "tool", ref)


async def get(session: TenantSession, ref: str) -> Tool:
    tool = await find(session, ref)
    if tool is None:
        raise NotFound("Tool not found")
    return tool


async def missing_names(session: TenantSession, names: list[str]) -> list[str]:
    """The names among `names` that no tool of the account has, in the order given."""
    found = {tool.name for tool in await ToolRepository(session).by_names(list(set(names)))}
    return [name for name in dict.fromkeys(names) if name not in found]


async def create(session: TenantSession, body: ToolCreate) -> Tool:
    problem = check_implementation(
        body.implementation_type, body.implementation_config, body.implementation_code
    )
    if problem:
        raise _invalid("implementation", problem)
    tools = ToolRepository(session)
    if await tools.get_by_name(body.name) is not None:
        raise Conflict(f"A tool named {body.name!r} already exists")
    values = body.model_dump(exclude={"display_name"})
    tool = Tool(id=new_id("tool"), display_name=body.display_name or humanize(body.name), **values)
    return await _add(tools, tool)


async def _add(tools: ToolRepository, tool: Tool) -> Tool:
    try:
        return await tools.add(tool)
    except IntegrityError:  # a concurrent create took the name
        raise Conflict(f"A tool named {tool.name!r} already exists") from None


async def update(session: TenantSession, ref: str, body: ToolUpdate) -> Tool:
    tool = await get(session, ref)
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and changes.pop("name") != tool.name:
        raise _invalid("name", "name cannot be changed")
    problem = check_implementation(
        changes.get("implementation_type", tool.implementation_type),
        changes.get("implementation_config", tool.implementation_config),
        changes.get("implementation_code", tool.implementation_code),
    )
    if problem:
        raise _invalid("implementation", problem)
    if not changes:
        return tool
    for field, value in changes.items():
        setattr(tool, field, value)
    if tool.is_default:
        tool.modified_from_default = True
    tool.updated_at = utcnow()
    await session.flush()
    return tool


async def delete(session: TenantSession, ref: str) -> None:
    """Delete a custom tool; agents' rows for it go with it (agent_tools.tool_name → tools.name
    ON DELETE CASCADE)."""
    tool = await get(session, ref)
    if tool.is_default:
        raise Forbidden("Built-in tools cannot be deleted")
    if tool.integration_id is not None:
        raise Forbidden(f"Tool {tool.name!r} comes with an integration; uninstall it instead")
    await ToolRepository(session).delete(tool)


async def native_tools(session: TenantSession) -> list[Tool]:
    return await ToolRepository(session).defaults()


async def seed_builtins(session: TenantSession) -> None:
    """Add missing built-ins and refresh unmodified ones (idempotent; a tenant seeder)."""
    tools = ToolRepository(session)
    existing = {t.name: t for t in await tools.by_names([s["name"] for s in BUILTIN_TOOLS])}
    for spec in BUILTIN_TOOLS:
        row = existing.get(spec["name"])
        if row is None:
            session.add(Tool(id=new_id("tool"), is_default=True, default_version=VERSION, **spec))
        elif row.is_default and not row.modified_from_default and row.default_version != VERSION:
            for field, value in spec.items():
                setattr(row, field, value)
            row.default_version = VERSION
    await session.flush()


async def ensure_integration_tools(
    session: TenantSession, integration_id: str, specs: list[dict[str, Any]]
) -> None:
    """Create the tools an integration brings (kept if already there); 409 on a name clash."""
    tools = ToolRepository(session)
    existing = {t.name: t for t in await tools.by_names([s["name"] for s in specs])}
    for spec in specs:
        row = existing.get(spec["name"])
        if row is None:
            await _add(tools, Tool(id=new_id("tool"), integration_id=integration_id, **spec))
        elif row.integration_id != integration_id:
            raise Conflict(f"A tool named {spec['name']!r} already exists; rename it first")


async def remove_integration_tools(session: TenantSession, integration_id: str) -> None:
    """Delete an integration's tools (with agents' rows for them, by the foreign key)."""
    tools = ToolRepository(session)
    for tool in await tools.of_integration(integration_id):
        await tools.delete(tool)
