"""Playbooks: prompt fragments (markdown `content`) with the tools they rely on.

Addressable by id (`pb_…`) or snake_case `name`; `name` defaults to the snake_case of
`display_name` (accents dropped; 400 when nothing is left, e.g. an all-emoji title), is unique
per account (409) and never changes. `search` is a prefix of the name. `tool_names` must name
tools of the account (400 naming the missing ones; install the integration that brings a tool
first); only marketplace installs may name tools still to come from an integration. Built-ins
cannot be deleted (403); updating one sets `modified_from_default`. Deleting a playbook removes
its agent links (foreign keys cascade).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import Conflict, Forbidden, InvalidRequest, NotFound
from kataven_hub.core.ids import new_id
from kataven_hub.core.pagination import envelope
from kataven_hub.core.repository import SNAKE_NAME, by_id_or_name
from kataven_hub.core.schemas import snake_case
from kataven_hub.playbooks.builtins import BUILTIN_PLAYBOOKS, VERSION
from kataven_hub.playbooks.models import Playbook
from kataven_hub.playbooks.repository import PlaybookRepository
from kataven_hub.playbooks.schemas import PlaybookCreate, PlaybookUpdate
from kataven_hub.tools import service as tools_service

_SNAKE = SNAKE_NAME


async def list_playbooks(
    session: TenantSession, *, category: str | None, search: str | None, limit: int, offset: int
) -> dict[str, Any]:
    rows, total, counts = await PlaybookRepository(session).page(category, search, limit, offset)
    return {**envelope("playbooks", rows, total, limit, offset), "category_counts": counts}


async def find(session: TenantSession, ref: str) -> Playbook | None:
    return await by_id_or_name(PlaybookRepository(session), "pb", ref)


async def get(session: TenantSession, ref: str) -> Playbook:
    playbook = await find(session, ref)
    if playbook is None:
        raise NotFound("Playbook not found")
    return playbook


async def _check_tools(session: TenantSession, names: list[str]) -> None:
    missing = await tools_service.missing_names(session, names)
    if missing:
        listed = ", ".join(repr(n) for n in missing)
        message = (
            f"tool_names name tools that do not exist: {listed}; create them (POST "
            "/api/v1/tools) or install the integration that brings them first"
        )
        raise InvalidRequest(message, errors=[{"field": "tool_names", "message": message}])


async def create(
    session: TenantSession, body: PlaybookCreate, *, check_tools: bool = True
) -> Playbook:
    name = body.name or snake_case(body.display_name)
    if not _SNAKE.match(name):
        message = "name could not be derived from display_name; send a snake_case name"
        raise InvalidRequest(message, errors=[{"field": "name", "message": message}])
    playbooks = PlaybookRepository(session)
    if await playbooks.get_by_name(name) is not None:
        raise Conflict(f"A playbook named {name!r} already exists")
    if check_tools:
        await _check_tools(session, body.tool_names)
    values = body.model_dump(exclude={"name"})
    try:
        return await playbooks.add(Playbook(id=new_id("pb"), name=name, **values))
    except IntegrityError:
        raise Conflict(f"A playbook named {name!r} already exists") from None


async def ensure(session: TenantSession, spec: dict[str, Any]) -> Playbook:
    """The playbook named `spec["name"]`, created from the spec when missing (marketplace)."""
    existing = await PlaybookRepository(session).get_by_name(spec["name"])
    # A template's playbook may name tools an integration brings once installed.
    spec_body = PlaybookCreate.model_validate(spec)
    return existing or await create(session, spec_body, check_tools=False)


async def update(session: TenantSession, ref: str, body: PlaybookUpdate) -> Playbook:
    playbook = await get(session, ref)
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and changes.pop("name") != playbook.name:
        raise InvalidRequest(
            "name cannot be changed", errors=[{"field": "name", "message": "immutable"}]
        )
    if not changes:
        return playbook
    if "tool_names" in changes:
        await _check_tools(session, changes["tool_names"])
    for field, value in changes.items():
        setattr(playbook, field, value)
    if playbook.is_default:
        playbook.modified_from_default = True
    playbook.updated_at = utcnow()
    await session.flush()
    return playbook


async def delete(session: TenantSession, ref: str) -> None:
    playbook = await get(session, ref)
    if playbook.is_default:
        raise Forbidden("Built-in playbooks cannot be deleted")
    await PlaybookRepository(session).delete(playbook)


async def seed_builtins(session: TenantSession) -> None:
    """Add missing built-ins and refresh unmodified ones (idempotent; a tenant seeder)."""
    playbooks = PlaybookRepository(session)
    names = [s["name"] for s in BUILTIN_PLAYBOOKS]
    existing = {p.name: p for p in await playbooks.by_names(names)}
    for spec in BUILTIN_PLAYBOOKS:
        row = existing.get(spec["name"])
        if row is None:
            session.add(Playbook(id=new_id("pb"), is_default=True, default_version=VERSION, **spec))
        elif row.is_default and not row.modified_from_default and row.default_version != VERSION:
            for field, value in spec.items():
                setattr(row, field, value)
            row.default_version = VERSION
    await session.flush()
