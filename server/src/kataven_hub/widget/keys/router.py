from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import InvalidRequest, NotFound, errors_doc
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.widget.keys import service as keys_service
from kataven_hub.widget.keys.models import WidgetKey
from kataven_hub.widget.keys.schemas import (
    WidgetKeyCreate,
    WidgetKeyCreated,
    WidgetKeyRead,
    WidgetKeyUpdate,
)

router = APIRouter(prefix="/widget-keys", tags=["Widget Keys"], route_class=TransactionalRoute)


@router.get("", response_model=list[WidgetKeyRead])
async def list_widget_keys(principal: PrincipalDep, session: TenantSessionDep) -> list[WidgetKey]:
    """List the account's widget keys, newest first: metadata and the last 8 characters of
    each key, never the keys themselves."""
    return await keys_service.list_keys(session)


@router.post(
    "", status_code=201, response_model=WidgetKeyCreated, responses=errors_doc(InvalidRequest)
)
async def create_widget_key(
    body: WidgetKeyCreate, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Mint a key pair: `public_key` (`pk_live_…`, put it in your pages) and `secret_key`
    (`sk_live_…`, keep it on your backend to mint logged-in visitor tokens). Both are in this
    response only. An empty `domain_allowlist` blocks the key until you add a domain."""
    key, public_key, secret_key = await keys_service.create(
        session, principal.account, body, principal.subject
    )
    read = WidgetKeyRead.model_validate(key).model_dump()
    return {**read, "public_key": public_key, "secret_key": secret_key}


@router.get("/{key_id}", response_model=WidgetKeyRead, responses=errors_doc(NotFound))
async def get_widget_key(
    key_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> WidgetKey:
    """One widget key's metadata."""
    return await keys_service.get(session, key_id)


@router.patch(
    "/{key_id}", response_model=WidgetKeyRead, responses=errors_doc(InvalidRequest, NotFound)
)
async def update_widget_key(
    key_id: str, body: WidgetKeyUpdate, principal: PrincipalDep, session: TenantSessionDep
) -> WidgetKey:
    """Rename, replace the allowlist, re-pin (`agent_id: null` unpins), or revoke with
    `disabled: true` (repeating it changes nothing). A revoked key refuses every visitor call
    and its secret mints nothing; sessions already issued expire within 15 minutes."""
    return await keys_service.update(session, key_id, body, principal.account)


@router.delete("/{key_id}", status_code=204, responses=errors_doc(NotFound))
async def delete_widget_key(
    key_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Delete a key that was never used; a key that was used is disabled instead (kept for
    the audit trail). Either way it stops working at once."""
    await keys_service.delete(session, key_id, principal.account)
    return Response(status_code=204)
