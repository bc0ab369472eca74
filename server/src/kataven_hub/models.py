"""Imports every module's ORM models, so both metadata trees are complete (Alembic, tests)."""

from kataven_hub.accounts.models import Account, Membership, User
from kataven_hub.agents.models import Agent, AgentTool
from kataven_hub.api_keys.models import ApiKey
from kataven_hub.calls.models import Call
from kataven_hub.campaigns.models import Campaign, CampaignContact, CampaignEvent, CampaignIndex
from kataven_hub.limits.models import CallLimit
from kataven_hub.telephony.models import NumberOwner, PhoneNumber, ProviderCredential

__all__ = [
    "Account",
    "Agent",
    "AgentTool",
    "ApiKey",
    "Call",
    "Campaign",
    "CampaignContact",
    "CampaignEvent",
    "CampaignIndex",
    "CallLimit",
    "Membership",
    "NumberOwner",
    "PhoneNumber",
    "ProviderCredential",
    "User",
]
