"""One module per resource; each holds the sync class and its async twin side by side."""

from kataven.resources.agents import Agents, AsyncAgents
from kataven.resources.api_keys import ApiKeys, AsyncApiKeys
from kataven.resources.audit import AsyncAuditEvents, AuditEvents
from kataven.resources.call_limits import AsyncCallLimits, CallLimits
from kataven.resources.calls import AsyncCalls, Calls
from kataven.resources.campaigns import AsyncCampaigns, Campaigns
from kataven.resources.dnc import AsyncDnc, Dnc
from kataven.resources.faqs import AsyncFaqs, Faqs
from kataven.resources.integrations import AsyncIntegrations, Integrations
from kataven.resources.marketplace import AsyncMarketplace, Marketplace
from kataven.resources.playbooks import AsyncPlaybooks, Playbooks
from kataven.resources.recordings import AsyncRecordings, Recordings
from kataven.resources.telephony import AsyncTelephony, Telephony
from kataven.resources.tools import AsyncTools, Tools
from kataven.resources.usage import AsyncUsage, Usage
from kataven.resources.webhooks import AsyncWebhookEndpoints, WebhookEndpoints
from kataven.resources.widget import (
    AsyncWidgetAuth,
    AsyncWidgetKeys,
    AsyncWidgetSettings,
    WidgetAuth,
    WidgetKeys,
    WidgetSettings,
)

__all__ = [
    "Agents",
    "ApiKeys",
    "AsyncAgents",
    "AsyncApiKeys",
    "AsyncAuditEvents",
    "AsyncCallLimits",
    "AsyncCalls",
    "AsyncCampaigns",
    "AsyncDnc",
    "AsyncFaqs",
    "AsyncIntegrations",
    "AsyncMarketplace",
    "AsyncPlaybooks",
    "AsyncRecordings",
    "AsyncTelephony",
    "AsyncTools",
    "AsyncUsage",
    "AsyncWebhookEndpoints",
    "AsyncWidgetAuth",
    "AsyncWidgetKeys",
    "AsyncWidgetSettings",
    "AuditEvents",
    "CallLimits",
    "Calls",
    "Campaigns",
    "Dnc",
    "Faqs",
    "Integrations",
    "Marketplace",
    "Playbooks",
    "Recordings",
    "Telephony",
    "Tools",
    "Usage",
    "WebhookEndpoints",
    "WidgetAuth",
    "WidgetKeys",
    "WidgetSettings",
]
