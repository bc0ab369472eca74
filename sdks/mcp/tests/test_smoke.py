"""The scenario over stdio, over streamable HTTP on loopback without a token, and with one."""

from __future__ import annotations

from typing import Any

import pytest
from mcp_harness import HttpServer
from scenario import flow


async def test_stdio(connect_stdio: Any) -> None:
    async with connect_stdio() as tools:
        await flow(tools, "stdio")


async def test_http_loopback_without_token(http_server: HttpServer, connect_http: Any) -> None:
    assert http_server.token is None
    async with connect_http(http_server) as tools:
        await flow(tools, "http")


@pytest.mark.parametrize("http_server", [True], indirect=True)
async def test_http_with_token(http_server: HttpServer, connect_http: Any) -> None:
    assert http_server.token is not None
    async with connect_http(http_server, token=http_server.token) as tools:
        await flow(tools, "http-token")
