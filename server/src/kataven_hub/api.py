"""Every module router. Mounted once at /api/v1; PathAliases serves /hub-api/api/v1, /v1 and,
for agents, tools, playbooks and FAQs, the un-versioned /api/<resource> paths. Carrier webhooks
and signed recording media live at the root (`root`)."""

from fastapi import APIRouter

from kataven_hub.accounts.router import router as accounts_router
from kataven_hub.agents.router import router as agents_router
from kataven_hub.api_keys.router import router as api_keys_router
from kataven_hub.audit.router import router as audit_router
from kataven_hub.calls.router import router as calls_router
from kataven_hub.calls.webhook_router import router as carrier_webhooks_router
from kataven_hub.campaigns.router import router as campaigns_router
from kataven_hub.faqs.router import router as faqs_router
from kataven_hub.integrations.router import extras as integration_extras_router
from kataven_hub.integrations.router import router as integrations_router
from kataven_hub.limits.router import router as limits_router
from kataven_hub.marketplace.router import router as marketplace_router
from kataven_hub.playbooks.router import router as playbooks_router
from kataven_hub.recordings.router import media_router as recording_media_router
from kataven_hub.recordings.router import router as recordings_router
from kataven_hub.telephony.router import router as telephony_router
from kataven_hub.tools.router import router as tools_router
from kataven_hub.usage.router import router as usage_router
from kataven_hub.webhooks.router import router as webhooks_router
from kataven_hub.widget.router import router as widget_router
from kataven_hub.widget.router import script_router as widget_script_router

v1 = APIRouter(prefix="/api/v1")
v1.include_router(agents_router)
v1.include_router(api_keys_router)
v1.include_router(telephony_router)
v1.include_router(calls_router)
v1.include_router(limits_router)
v1.include_router(campaigns_router)
v1.include_router(recordings_router)
v1.include_router(widget_router)
v1.include_router(tools_router)
v1.include_router(playbooks_router)
v1.include_router(faqs_router)
v1.include_router(marketplace_router)
v1.include_router(integrations_router)
v1.include_router(integration_extras_router)
v1.include_router(webhooks_router)
v1.include_router(audit_router)
v1.include_router(usage_router)

public = APIRouter(prefix="/api")
public.include_router(accounts_router)

root = APIRouter()
root.include_router(carrier_webhooks_router)
root.include_router(recording_media_router)
root.include_router(widget_script_router)

routers = [v1, public, root]
