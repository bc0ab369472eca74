from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kataven_hub.agents.schemas import AgentRead
from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import InvalidRequest, NotFound, errors_doc
from kataven_hub.core.pagination import FilterText
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.marketplace import service as marketplace_service
from kataven_hub.marketplace.schemas import TemplateInstall, TemplateList, TemplateRead

router = APIRouter(prefix="/marketplace", tags=["Marketplace"], route_class=TransactionalRoute)


@router.get("/templates", response_model=TemplateList, responses=errors_doc(InvalidRequest))
async def list_templates(principal: PrincipalDep, category: FilterText = None) -> dict[str, Any]:
    """Browse the agent templates that ship with the product; `category` filters exactly and
    `category_counts` counts the whole catalogue."""
    return marketplace_service.list_templates(category)


@router.get("/templates/{template_id}", response_model=TemplateRead, responses=errors_doc(NotFound))
async def get_template(template_id: str, principal: PrincipalDep) -> dict[str, Any]:
    """One template, with its prompt, greeting, voice, knowledge and tool configs."""
    return marketplace_service.read(template_id)


@router.post(
    "/templates/{template_id}/install",
    status_code=201,
    response_model=AgentRead,
    responses=errors_doc(InvalidRequest, NotFound),
)
async def install_template(
    template_id: str,
    principal: PrincipalDep,
    session: TenantSessionDep,
    body: TemplateInstall | None = None,
) -> dict[str, Any]:
    """Create a `draft` agent from the template (optionally named by `{"name": …}`), with its
    playbooks, FAQs and tool configs, all in your account. Existing playbooks and FAQs with the
    template's names are reused. Review the setup steps, then set the agent `active`."""
    return await marketplace_service.install(session, principal, template_id, body)
