"""One module per resource; each holds the sync class and its async twin side by side."""

from kataven.resources.agents import Agents, AsyncAgents
from kataven.resources.api_keys import ApiKeys, AsyncApiKeys
from kataven.resources.call_limits import AsyncCallLimits, CallLimits
from kataven.resources.calls import AsyncCalls, Calls
from kataven.resources.campaigns import AsyncCampaigns, Campaigns
from kataven.resources.faqs import AsyncFaqs, Faqs
from kataven.resources.integrations import AsyncIntegrations, Integrations
from kataven.resources.marketplace import AsyncMarketplace, Marketplace
from kataven.resources.playbooks import AsyncPlaybooks, Playbooks
from kataven.resources.recordings import AsyncRecordings, Recordings
from kataven.resources.telephony import AsyncTelephony, Telephony
from kataven.resources.tools import AsyncTools, Tools
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
    "AsyncCallLimits",
    "AsyncCalls",
    "AsyncCampaigns",
    "AsyncFaqs",
    "AsyncIntegrations",
    "AsyncMarketplace",
    "AsyncPlaybooks",
    "AsyncRecordings",
    "AsyncTelephony",
    "AsyncTools",
    "AsyncWidgetAuth",
    "AsyncWidgetKeys",
    "AsyncWidgetSettings",
    "CallLimits",
    "Calls",
    "Campaigns",
    "Faqs",
    "Integrations",
    "Marketplace",
    "Playbooks",
    "Recordings",
    "Telephony",
    "Tools",
    "WidgetAuth",
    "WidgetKeys",
    "WidgetSettings",
]
