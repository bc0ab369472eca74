"""Every module router. Mounted once at /api/v1; PathAliases serves /hub-api/api/v1, /v1 and,
for agents, tools, playbooks and FAQs, the un-versioned /api/<resource> paths."""

from fastapi import APIRouter

from kataven_hub.accounts.router import router as accounts_router
from kataven_hub.agents.router import router as agents_router
from kataven_hub.api_keys.router import router as api_keys_router
from kataven_hub.faqs.router import router as faqs_router
from kataven_hub.integrations.router import extras as integration_extras_router
from kataven_hub.integrations.router import router as integrations_router
from kataven_hub.marketplace.router import router as marketplace_router
from kataven_hub.playbooks.router import router as playbooks_router
from kataven_hub.tools.router import router as tools_router

v1 = APIRouter(prefix="/api/v1")
v1.include_router(agents_router)
v1.include_router(api_keys_router)
v1.include_router(tools_router)
v1.include_router(playbooks_router)
v1.include_router(faqs_router)
v1.include_router(marketplace_router)
v1.include_router(integrations_router)
v1.include_router(integration_extras_router)

public = APIRouter(prefix="/api")
public.include_router(accounts_router)

routers = [v1, public]
