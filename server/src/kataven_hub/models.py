"""Imports every module's ORM models, so both metadata trees are complete (Alembic, tests)."""

from kataven_hub.accounts.models import Account, Membership, User
from kataven_hub.agents.models import Agent, AgentTool
from kataven_hub.api_keys.models import ApiKey
from kataven_hub.rate_limits.models import AccountRateLimit

__all__ = ["Account", "AccountRateLimit", "Agent", "AgentTool", "ApiKey", "Membership", "User"]
