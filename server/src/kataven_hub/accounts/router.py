"""Public routes: account discovery for the login page, dev login, the caller's organisation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request

from kataven_hub.accounts import service as accounts_service
from kataven_hub.accounts import throttle
from kataven_hub.accounts.models import Account
from kataven_hub.accounts.schemas import (
    AccountList,
    AccountValidation,
    LoginRequest,
    LoginResponse,
    UserOrg,
)
from kataven_hub.core import auth, tenancy
from kataven_hub.core.errors import InvalidRequest, NotFound, Unauthorized, errors_doc
from kataven_hub.core.sessions import ControlSessionDep, TransactionalRoute
from kataven_hub.core.settings import get_settings

router = APIRouter(tags=["Public"], route_class=TransactionalRoute)


@router.get("/accounts", response_model=AccountList, responses=errors_doc(NotFound))
async def list_accounts(session: ControlSessionDep) -> dict[str, list[Account]]:
    """Accounts the login page may offer. Only when the account directory is enabled (on in
    the embedded default); 404 otherwise."""
    if not get_settings().account_directory_enabled:
        raise NotFound("The account directory is disabled")
    return {"accounts": await accounts_service.list_accounts(session)}


@router.get(
    "/accounts/validate/{account}",
    response_model=AccountValidation,
    responses=errors_doc(InvalidRequest),
)
async def validate_account(
    session: ControlSessionDep,
    account: str = Path(json_schema_extra={"pattern": tenancy.SLUG_RE.pattern}),
) -> dict[str, Any]:
    """Whether an account name is well formed (400 if not), usable and exists. With the
    account directory disabled (production), every usable name answers `exists: true`, so the
    route does not tell anyone which accounts exist; sign-in fails later for an unknown one."""
    result = await accounts_service.validate(session, account)
    if not get_settings().account_directory_enabled:
        result["exists"] = result["valid"]
    return result


_THROTTLED = {
    **errors_doc(throttle.LoginThrottled)[429],
    "headers": {
        "Retry-After": {
            "description": "Seconds until a sign-in may be tried again.",
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


@router.post(
    "/login",
    response_model=LoginResponse,
    responses={**errors_doc(InvalidRequest, Unauthorized, NotFound), 429: _THROTTLED},
)
async def login(body: LoginRequest, request: Request, session: ControlSessionDep) -> dict[str, Any]:
    """Development login with the built-in issuer: e-mail and password → a JWT (send it with
    `X-Account-ID`). 404 when the built-in issuer is disabled (production uses OIDC). Failed
    attempts are throttled per account and per caller IP: 429 with `Retry-After`."""
    await throttle.check(request, body.email)
    client = request.client.host if request.client else None
    request_id = request.scope.get("state", {}).get("request_id")
    try:
        return await accounts_service.login(
            session, body.email, body.password, request_id=request_id, ip=client
        )
    except Unauthorized:
        await throttle.failed(request, body.email)
        raise


@router.get("/user/org", response_model=UserOrg, responses=errors_doc(Unauthorized))
async def get_user_org(request: Request, session: ControlSessionDep) -> dict[str, Any]:
    """The signed-in user (validated from the bearer JWT itself) and the accounts it belongs to."""
    return await accounts_service.user_org(session, auth.bearer_token(request))
