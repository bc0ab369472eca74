"""Fixtures live in `mcp_harness` (importable by the tests too, via `pythonpath`)."""

from mcp_harness import connect_http, connect_stdio, http_server, hub, transcript

__all__ = ["connect_http", "connect_stdio", "http_server", "hub", "transcript"]
