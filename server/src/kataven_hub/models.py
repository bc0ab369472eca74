"""Imports every module's ORM models, so both metadata trees are complete (Alembic, tests)."""

from kataven_hub.accounts.models import Account, Membership, User
from kataven_hub.agents.models import Agent, AgentFaq, AgentPlaybook, AgentTool
from kataven_hub.api_keys.models import ApiKey
from kataven_hub.calls.models import Call
from kataven_hub.campaigns.models import Campaign, CampaignContact, CampaignEvent, CampaignIndex
from kataven_hub.dnc.models import DoNotCall
from kataven_hub.faqs.models import Faq
from kataven_hub.integrations.models import InstalledIntegration, IntegrationCredential
from kataven_hub.limits.models import CallLimit
from kataven_hub.playbooks.models import Playbook
from kataven_hub.telephony.models import NumberOwner, PhoneNumber, ProviderCredential
from kataven_hub.tools.models import Tool
from kataven_hub.widget.keys.models import WidgetKey, WidgetOrigin
from kataven_hub.widget.settings.models import AgentWidgetPolicy, WidgetBranding
from kataven_hub.widget.visitor.models import WidgetRefreshToken, WidgetTokenRedemption

__all__ = [
    "Account",
    "Agent",
    "AgentFaq",
    "AgentPlaybook",
    "AgentTool",
    "AgentWidgetPolicy",
    "ApiKey",
    "Call",
    "CallLimit",
    "Campaign",
    "CampaignContact",
    "CampaignEvent",
    "CampaignIndex",
    "DoNotCall",
    "Faq",
    "InstalledIntegration",
    "IntegrationCredential",
    "Membership",
    "NumberOwner",
    "PhoneNumber",
    "Playbook",
    "ProviderCredential",
    "Tool",
    "User",
    "WidgetBranding",
    "WidgetKey",
    "WidgetOrigin",
    "WidgetRefreshToken",
    "WidgetTokenRedemption",
]
from kataven_hub.rate_limits.models import AccountRateLimit

__all__ = ["Account", "AccountRateLimit", "Agent", "AgentTool", "ApiKey", "Membership", "User"]
from kataven_hub.audit.models import AuditEvent
from kataven_hub.webhooks.models import (
    WebhookAccount,
    WebhookDelivery,
    WebhookEndpoint,
)

__all__ += [
    "AuditEvent",
    "WebhookAccount",
    "WebhookDelivery",
    "WebhookEndpoint",
]
