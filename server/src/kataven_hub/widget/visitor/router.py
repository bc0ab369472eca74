"""Public routes called by the widget in a visitor's browser (and `user-token`, called by the
customer's backend). No management credential; see visitor/service.py for the checks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kataven_hub.core.auth import bearer_token
from kataven_hub.core.errors import InvalidRequest, NotFound, Unauthorized, errors_doc
from kataven_hub.widget.public import CallerDep, PublicRoute, VisitorDbDep
from kataven_hub.widget.visitor import service as visitor_service
from kataven_hub.widget.visitor.errors import (
    AuthModeRefused,
    InvalidClientKey,
    OriginNotAllowed,
    RefreshTokenReused,
)
from kataven_hub.widget.visitor.schemas import (
    ExchangeRequest,
    GuestAuthRequest,
    RefreshRequest,
    UserTokenRead,
    UserTokenRequest,
    VisitorSession,
    WidgetConfig,
)

router = APIRouter(prefix="/widget", tags=["Widget Auth"], route_class=PublicRoute)

ClientKeyQuery = Annotated[str | None, Query(max_length=300, description="The `pk_live_` key")]
_PUBLIC: dict[str, Any] = {"security": []}
_BROWSER_ERRORS = errors_doc(InvalidRequest, InvalidClientKey, OriginNotAllowed, NotFound)


@router.get(
    "/config", response_model=WidgetConfig, responses=_BROWSER_ERRORS, openapi_extra=_PUBLIC
)
async def get_widget_config(
    db: VisitorDbDep,
    caller: CallerDep,
    client_key: ClientKeyQuery = None,
    agent_id: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """Bootstrap for the widget: the account's branding, the agent's public face (name and
    greeting) and the visitor kinds it accepts. The key's pinned agent wins over `agent_id`.
    `widget_enabled: false` with `unavailable_reason` when no conversation can be offered."""
    return await visitor_service.config(db, caller, client_key, agent_id)


@router.post(
    "/auth/guest", response_model=VisitorSession, responses=_BROWSER_ERRORS, openapi_extra=_PUBLIC
)
async def create_guest_session(
    db: VisitorDbDep,
    caller: CallerDep,
    body: GuestAuthRequest | None = None,
    client_key: ClientKeyQuery = None,
) -> dict[str, Any]:
    """Start an anonymous visitor session: a 15-minute JWT for the call runtime and a
    24-hour single-use `refresh_token`. Refused (403) where the agent's widget policy is
    `user`, the widget is off, or the agent is not active."""
    return await visitor_service.guest(db, caller, body or GuestAuthRequest(), client_key)


@router.post(
    "/auth/user-token",
    response_model=UserTokenRead,
    responses=errors_doc(InvalidRequest, Unauthorized, OriginNotAllowed),
    openapi_extra={"security": [{"bearerAuth": []}]},
)
async def create_user_token(
    request: Request, db: VisitorDbDep, caller: CallerDep, body: UserTokenRequest
) -> dict[str, Any]:
    """Called by **your backend** with `Authorization: Bearer <widget secret key>` for a
    visitor you have signed in: returns a 5-minute, single-use `user_token` to hand to the
    page (`Kataven.init({ userToken })`). Never call it from a browser."""
    return await visitor_service.user_token(db, caller, bearer_token(request), body)


@router.post(
    "/auth/exchange",
    response_model=VisitorSession,
    responses=errors_doc(InvalidRequest, InvalidClientKey, OriginNotAllowed, AuthModeRefused),
    openapi_extra=_PUBLIC,
)
async def exchange_user_token(
    db: VisitorDbDep, caller: CallerDep, body: ExchangeRequest, client_key: ClientKeyQuery = None
) -> dict[str, Any]:
    """Trade a `user_token` for a signed-in visitor session (same shape as a guest session,
    `mode: user`). The client key and Origin are checked again, so a leaked user_token is
    useless elsewhere; each user_token works once."""
    return await visitor_service.exchange(db, caller, body, client_key)


@router.post(
    "/auth/refresh",
    response_model=VisitorSession,
    responses=errors_doc(RefreshTokenReused, InvalidClientKey, OriginNotAllowed),
    openapi_extra=_PUBLIC,
)
async def refresh_visitor_session(
    db: VisitorDbDep, caller: CallerDep, body: RefreshRequest, client_key: ClientKeyQuery = None
) -> dict[str, Any]:
    """A fresh session JWT and a new `refresh_token` for the same visitor. Each refresh token
    works once: presenting a used one revokes the whole session (400)."""
    return await visitor_service.refresh(db, caller, body, client_key)
