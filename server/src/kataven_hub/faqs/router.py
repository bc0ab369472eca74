from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound, errors_doc
from kataven_hub.core.pagination import FilterText
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.faqs import service as faqs_service
from kataven_hub.faqs.models import Faq
from kataven_hub.faqs.schemas import FaqCreate, FaqList, FaqRead, FaqUpdate

router = APIRouter(prefix="/faqs", tags=["FAQs"], route_class=TransactionalRoute)


@router.get("", response_model=FaqList, responses=errors_doc(InvalidRequest))
async def list_faqs(
    principal: PrincipalDep, session: TenantSessionDep, category: FilterText = None
) -> dict[str, Any]:
    """Every FAQ of the account, by name (no paging); `category` filters exactly."""
    return await faqs_service.list_faqs(session, category)


@router.post(
    "", status_code=201, response_model=FaqRead, responses=errors_doc(InvalidRequest, Conflict)
)
async def create_faq(body: FaqCreate, principal: PrincipalDep, session: TenantSessionDep) -> Faq:
    """Create an FAQ. `title` (the question) is required; `name` defaults to its snake_case
    and must be unique; `summary` is the short answer, `content` the full one."""
    return await faqs_service.create(session, body)


@router.get("/{faq_id}", response_model=FaqRead, responses=errors_doc(NotFound))
async def get_faq(faq_id: str, principal: PrincipalDep, session: TenantSessionDep) -> Faq:
    """Get an FAQ by id or by name."""
    return await faqs_service.get(session, faq_id)


@router.put("/{faq_id}", response_model=FaqRead, responses=errors_doc(InvalidRequest, NotFound))
async def update_faq(
    faq_id: str, body: FaqUpdate, principal: PrincipalDep, session: TenantSessionDep
) -> Faq:
    """Change the fields present in the body (the name cannot change)."""
    return await faqs_service.update(session, faq_id, body)


@router.delete("/{faq_id}", status_code=204, responses=errors_doc(NotFound))
async def delete_faq(faq_id: str, principal: PrincipalDep, session: TenantSessionDep) -> Response:
    """Delete an FAQ and detach it from every agent."""
    await faqs_service.delete(session, faq_id)
    return Response(status_code=204)
