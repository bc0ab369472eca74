from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Response

from kataven_hub.api_keys import service as api_keys_service
from kataven_hub.api_keys.models import ApiKey
from kataven_hub.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, ApiKeyUpdate
from kataven_hub.core.auth import HubAdmin, PrincipalDep
from kataven_hub.core.errors import Forbidden, InvalidRequest, NotFound, errors_doc
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute

router = APIRouter(prefix="/api-keys", tags=["API Keys"], route_class=TransactionalRoute)


@router.get("", response_model=list[ApiKeyRead])
async def list_api_keys(principal: PrincipalDep, session: TenantSessionDep) -> list[ApiKey]:
    """List the account's API keys: metadata and the last 8 characters, never the key."""
    return await api_keys_service.list_keys(session)


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=errors_doc(InvalidRequest, Forbidden),
)
async def create_api_key(
    body: ApiKeyCreate, principal: HubAdmin, session: TenantSessionDep
) -> dict[str, object]:
    """Mint an `sk_live_` key. The plaintext is in this response only. Hub UI sign-in only:
    an API key cannot mint another (403)."""
    key, plaintext = await api_keys_service.create(
        session, principal.account, body, principal.subject
    )
    return {**ApiKeyRead.model_validate(key).model_dump(), "key": plaintext}


@router.patch(
    "/{key_id}",
    response_model=ApiKeyRead,
    responses=errors_doc(InvalidRequest, Forbidden, NotFound),
)
async def update_api_key(
    key_id: str,
    body: ApiKeyUpdate,
    principal: HubAdmin,
    session: TenantSessionDep,
    response: Response,
) -> ApiKey:
    """Rename, revoke (`disabled: true`, effective on the very next request) or re-enable.
    When the change cannot be announced to the other API processes at once (Redis down), it is
    still saved and in force, and the answer carries a `Warning` header saying so."""
    return await api_keys_service.update(session, key_id, body, _warn_on(response))


@router.delete("/{key_id}", status_code=204, responses=errors_doc(Forbidden, NotFound))
async def delete_api_key(key_id: str, principal: HubAdmin, session: TenantSessionDep) -> Response:
    """Delete a key that was never used; a key that was used is disabled instead (kept for
    the audit trail). Either way it stops working at once."""
    response = Response(status_code=204)
    await api_keys_service.delete(session, key_id, _warn_on(response))
    return response


def _warn_on(response: Response) -> Callable[[], None]:
    def warn() -> None:
        response.headers["Warning"] = api_keys_service.NOT_ANNOUNCED

    return warn
