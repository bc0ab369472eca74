"""Every module router. Mounted once at /api/v1; PathAliases serves /hub-api/api/v1, /v1 and,
for agents, tools, playbooks and FAQs, the un-versioned /api/<resource> paths."""

from fastapi import APIRouter

from kataven_hub.accounts.router import router as accounts_router
from kataven_hub.agents.router import router as agents_router
from kataven_hub.api_keys.router import router as api_keys_router
from kataven_hub.widget.router import router as widget_router
from kataven_hub.widget.router import script_router as widget_script_router

v1 = APIRouter(prefix="/api/v1")
v1.include_router(agents_router)
v1.include_router(api_keys_router)
v1.include_router(widget_router)

public = APIRouter(prefix="/api")
public.include_router(accounts_router)

routers = [v1, public, widget_script_router]
