"""Plumbing of the public widget routes, which have no management credential: the tenant
comes from a widget credential in the body, so the tenant session is opened by the service
once it knows the account (`VisitorDb`), and `PublicRoute` commits it at the boundary like
`TransactionalRoute` does for ordinary routes. `Caller` carries the request's Origin/Referer
and whether CORS may be answered for it (see widget/cors.py)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from kataven_hub.core import sessions, tenancy
from kataven_hub.core.db import TenantSession, new_session
from kataven_hub.core.errors import AppError
from kataven_hub.widget import allowlist

CALLER_STATE = "widget_caller"


@dataclass(slots=True)
class Caller:
    origin_header: str | None
    referer: str | None
    cors_allowed: bool = False

    @property
    def origin(self) -> allowlist.Origin | None:
        """`Origin`, else `Referer`. A present but opaque Origin (`null`) is not replaced."""
        if self.origin_header is not None:
            return allowlist.parse_origin(self.origin_header)
        return allowlist.parse_origin(self.referer)

    @property
    def from_browser(self) -> bool:
        return self.origin_header is not None or self.referer is not None


class VisitorDb:
    """At most one tenant session per request, opened on demand for the account a widget
    credential names."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.account: str | None = None
        self._session: AsyncSession | None = None

    async def open(self, account: str) -> TenantSession | None:
        """The account's session, or None when no such account exists."""
        if self._session is not None:
            if account != self.account:
                return None
            return TenantSession(self._session)
        if not tenancy.SLUG_RE.match(account) or account in tenancy.RESERVED_ACCOUNTS:
            return None
        engine = await tenancy.get().engine_for(account)
        if engine is None:
            return None
        self.account = account
        self._session = new_session(sessions.for_method(engine, self.method))
        return TenantSession(self._session)

    async def commit(self) -> None:
        if self._session is not None and (
            self._session.in_transaction() or self._session.info.get("after_commit")
        ):
            await sessions.commit(self._session)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def _visitor_db(request: Request) -> AsyncIterator[VisitorDb]:
    db = VisitorDb(request.method)
    try:
        yield db
    finally:
        await db.close()


def _caller(request: Request) -> Caller:
    caller = Caller(request.headers.get("origin"), request.headers.get("referer"))
    setattr(request.state, CALLER_STATE, caller)
    return caller


VisitorDbDep = Annotated[VisitorDb, Depends(_visitor_db)]
CallerDep = Annotated[Caller, Depends(_caller)]


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        db = next((v for v in kwargs.values() if isinstance(v, VisitorDb)), None)
        try:
            result = endpoint(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
        except AppError as exc:
            if db is not None and getattr(exc, "commit_anyway", False):
                await db.commit()
            raise
        if db is not None:
            await db.commit()
        return result

    return wrapper


class PublicRoute(APIRoute):
    """An APIRoute whose handler commits its `VisitorDb` session when it returns normally (and
    when it raises an error marked `commit_anyway`)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _committing(endpoint), **kwargs)
