"""`kataven-mcp`: the Kataven Hub as MCP tools, built on the `kataven` SDK."""

from kataven_mcp.server import build_server

__all__ = ["build_server"]
