"""Streamable HTTP: the bearer token, and when the server refuses to start without one."""

from __future__ import annotations

import subprocess
from typing import Any

import httpx
import pytest
from mcp_harness import MCP, HttpServer, Hub, mcp_env

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.mark.parametrize("http_server", [True], indirect=True)
def test_token_required_when_set(http_server: HttpServer) -> None:
    missing = httpx.post(http_server.url, json=INITIALIZE, headers=HEADERS)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = httpx.post(
        http_server.url, json=INITIALIZE, headers={**HEADERS, "Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    right = httpx.post(
        http_server.url,
        json=INITIALIZE,
        headers={**HEADERS, "Authorization": f"Bearer {http_server.token}"},
    )
    assert right.status_code == 200, right.text


def test_loopback_needs_no_token(http_server: HttpServer) -> None:
    response = httpx.post(http_server.url, json=INITIALIZE, headers=HEADERS)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_refuses_a_public_address_without_token(hub: Hub, host: str) -> None:
    out = subprocess.run(
        [MCP, "--transport", "streamable-http", "--host", host, "--port", "1"],
        env=mcp_env(hub),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert "KATAVEN_MCP_TOKEN" in out.stderr
    assert host in out.stderr


def test_refuses_to_start_without_api_key(hub: Hub) -> None:
    env = mcp_env(hub)
    del env["KATAVEN_API_KEY"]
    out = subprocess.run([MCP], env=env, capture_output=True, text=True, timeout=60, input="")
    assert out.returncode == 2
    assert "KATAVEN_API_KEY" in out.stderr


async def test_no_host_files_over_http(http_server: HttpServer, connect_http: Any) -> None:
    async with connect_http(http_server) as tools:
        text, structured = await tools.error(
            "create_campaign",
            name="From the host",
            agent_id="agent_x",
            phone_number_id="num_x",
            contacts_path="/etc/passwd",
        )
        assert "contacts_csv" in text
        assert structured["error"]["type"] == "invalid_arguments"
        text, _ = await tools.error(
            "download_recording", session_id="sess_x", path="/tmp/kataven-mcp-should-not-exist.wav"
        )
        assert "get_recording_url" in text
