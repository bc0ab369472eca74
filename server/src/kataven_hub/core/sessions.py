"""Request-scoped database sessions and the one place that commits them.

`TenantSessionDep` opens a session on the caller's tenant database; `ControlSessionDep` on the
control database. Routers built with `TransactionalRoute` commit every session the handler
received as the handler returns, before the response is built: a failed commit becomes an
error response, never a 200 that lied. The dependency itself only closes the session (rolling
back what was not committed) once the request is over.

Commit order is by kind, whatever the order of the handler's parameters: the control session
first, then the tenant session. What the control database holds about a tenant's rows is an
index (the number map, the runnable campaigns, the accounts with webhook endpoints) that may
point at a row that does not exist (stale claims are reclaimed, stale index rows drained) but
must never miss one that does. A service that must release an index entry after the tenant row
is gone commits the tenant session itself first (telephony's `delete_number`).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.types import ASGIApp, Receive, Scope, Send

from kataven_hub.core import tenancy
from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.db import ControlSession, TenantSession, new_session, sqlite_immediate
from kataven_hub.core.errors import Unauthorized

log = logging.getLogger("kataven_hub.sessions")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_KIND = "database"  # session.info key: "control" or "tenant"
_COMMIT_ORDER = {"control": 0, "tenant": 1}
_variants: WeakKeyDictionary[Any, tuple[AsyncEngine, AsyncEngine]] = WeakKeyDictionary()


def for_method(engine: AsyncEngine, method: str) -> AsyncEngine:
    """The engine to use for a request of this method: on SQLite, writes take the write lock
    up front (see `db.sqlite_immediate`)."""
    return _for_method(engine, method)


def _for_method(engine: AsyncEngine, method: str) -> AsyncEngine:
    """Reads on PostgreSQL run in autocommit: under READ COMMITTED every statement takes its own
    snapshot anyway, so BEGIN/ROLLBACK would only add two round trips. Writes on SQLite take
    the write lock up front (see db.sqlite_immediate)."""
    variants = _variants.get(engine.sync_engine)
    if variants is None:
        if engine.dialect.name == "sqlite":
            variants = (engine, sqlite_immediate(engine))
        else:
            variants = (engine.execution_options(isolation_level="AUTOCOMMIT"), engine)
        _variants[engine.sync_engine] = variants
    return variants[0] if method in _SAFE_METHODS else variants[1]


def _request_session(request: Request, engine: AsyncEngine, kind: str) -> AsyncSession:
    """A session closed (rolled back unless committed) by `RequestSessions` once the route is
    done, as a dependency with `yield` would be, without FastAPI's exit-stack machinery for it
    (a tenth of a cached read's CPU)."""
    session = new_session(_for_method(engine, request.method))
    session.info["read_only"] = request.method in _SAFE_METHODS
    session.info[_KIND] = kind
    request.scope.setdefault("state", {}).setdefault(_SESSIONS, []).append(session)
    return session


_SESSIONS = "kataven.sessions"


class RequestSessions:
    """Innermost middleware: closes the request's database sessions as soon as its route is
    done with them (its response sent), before the middleware around it write rows of their
    own (the audit entry, the idempotency record): on SQLite a write session that did not
    commit holds the database's write lock until it is closed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            for session in scope.get("state", {}).pop(_SESSIONS, ()):
                try:
                    await session.close()
                except Exception:
                    log.exception("could not close a request's database session")


async def _tenant_session(request: Request, principal: PrincipalDep) -> AsyncSession:
    engine = await tenancy.get().engine_for(principal.account)
    if engine is None:
        raise Unauthorized("Unknown account")
    return TenantSession(_request_session(request, engine, "tenant"))


async def _control_session(request: Request) -> AsyncSession:
    return ControlSession(_request_session(request, tenancy.get().control_engine, "control"))


TenantSessionDep = Annotated[TenantSession, Depends(_tenant_session)]
ControlSessionDep = Annotated[ControlSession, Depends(_control_session)]


def after_commit(session: AsyncSession, action: Callable[[], Awaitable[Any]]) -> None:
    """Run `action` once the request's transaction has committed (dropped on rollback):
    publishing an event or evicting a cache entry before the commit would let another process
    read the old state back."""
    session.info.setdefault("after_commit", []).append(action)


async def commit(session: AsyncSession) -> None:
    await session.commit()
    actions = session.info.pop("after_commit", [])
    for action in actions:
        await action()


def commit_order(values: Iterable[Any]) -> list[AsyncSession]:
    """The sessions among `values` in the order they commit: control, then tenant (any other
    session last, in the order given)."""
    sessions = [v for v in values if isinstance(v, AsyncSession)]
    return sorted(sessions, key=lambda s: _COMMIT_ORDER.get(s.info.get(_KIND, ""), 2))


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = endpoint(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        for session in commit_order(kwargs.values()):
            if session.info.get("after_commit") or (
                session.in_transaction() and not session.info.get("read_only")
            ):
                await commit(session)
        return result

    return wrapper


class TransactionalRoute(APIRoute):
    """An APIRoute whose handler commits its database sessions when it returns normally."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _committing(endpoint), **kwargs)
