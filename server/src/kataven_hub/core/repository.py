"""Lookups shared by repositories of resources addressable by id or by snake_case name."""

from __future__ import annotations

import re
from typing import Protocol, TypeVar

from kataven_hub.core.ids import looks_like

SNAKE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
T_co = TypeVar("T_co", covariant=True)


class NamedRepository(Protocol[T_co]):
    async def get(self, row_id: str, /) -> T_co | None: ...

    async def get_by_name(self, name: str, /) -> T_co | None: ...


async def by_id_or_name(repo: NamedRepository[T_co], prefix: str, ref: str) -> T_co | None:
    """The row whose id (`<prefix>_…`) or name is `ref`; None for anything else, unqueried."""
    if looks_like(prefix, ref):
        return await repo.get(ref)
    return await repo.get_by_name(ref) if SNAKE_NAME.match(ref) else None
