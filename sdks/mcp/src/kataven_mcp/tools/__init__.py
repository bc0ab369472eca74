"""The tool modules; importing this package registers every tool in `_registry.TOOLS`."""

from kataven_mcp.tools import account, agents, campaigns, catalog, marketplace, telephony, webhooks

__all__ = ["account", "agents", "campaigns", "catalog", "marketplace", "telephony", "webhooks"]
