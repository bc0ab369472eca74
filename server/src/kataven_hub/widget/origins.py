"""Which origins some active widget key allows, across accounts (for CORS preflights that carry
no `client_key`). The index lives in the control database (`widget_origins`); each process
keeps a copy for a few seconds."""

from __future__ import annotations

import contextlib
import logging
import time

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from kataven_hub.core import tenancy
from kataven_hub.core.db import new_session, sqlite_immediate, utcnow
from kataven_hub.widget import allowlist
from kataven_hub.widget.keys.models import WidgetKey, WidgetOrigin

log = logging.getLogger("kataven_hub.widget.origins")
_CACHE_SECONDS = 10.0
_cache: tuple[float, list[list[str]]] | None = None


async def record(account: str, key_id: str, domain_allowlist: list[str] | None) -> None:
    """Index a key's allowlist (None: the key is disabled or gone)."""
    global _cache
    engine = sqlite_immediate(tenancy.get().control_engine)
    async with new_session(engine) as session:
        await session.execute(
            delete(WidgetOrigin).where(
                WidgetOrigin.account == account, WidgetOrigin.key_id == key_id
            )
        )
        if domain_allowlist:
            session.add(
                WidgetOrigin(
                    account=account,
                    key_id=key_id,
                    domain_allowlist=list(domain_allowlist),
                    updated_at=utcnow(),
                )
            )
        await session.commit()
    _cache = None


async def rebuild(account: str, tenant: AsyncEngine, control: AsyncSession | None = None) -> None:
    """Index every active key of one account afresh (from its own database). `control`: a
    control-database session the caller already holds (committed here); without one, a new
    session (on SQLite a second writer beside the caller's would wait for it forever)."""
    global _cache
    async with new_session(tenant) as session:
        keys = list(await session.scalars(select(WidgetKey).where(WidgetKey.disabled_at.is_(None))))
    async with contextlib.AsyncExitStack() as stack:
        if control is None:
            engine = sqlite_immediate(tenancy.get().control_engine)
            control = await stack.enter_async_context(new_session(engine))
        await control.execute(delete(WidgetOrigin).where(WidgetOrigin.account == account))
        for key in keys:
            if key.domain_allowlist:
                control.add(
                    WidgetOrigin(
                        account=account,
                        key_id=key.id,
                        domain_allowlist=list(key.domain_allowlist),
                        updated_at=utcnow(),
                    )
                )
        await control.commit()
    _cache = None


async def allowed_anywhere(origin: str) -> bool:
    """Whether some active widget key of any account allows this Origin."""
    global _cache
    parsed = allowlist.parse_origin(origin)
    if parsed is None:
        return False
    if _cache is None or time.monotonic() - _cache[0] > _CACHE_SECONDS:
        async with new_session(tenancy.get().control_engine) as session:
            rows = await session.scalars(select(WidgetOrigin.domain_allowlist))
            _cache = (time.monotonic(), [list(r) for r in rows])
    return any(allowlist.allows(entries, parsed) for entries in _cache[1])
