"""A real `kataven-hub api` (embedded default: SQLite in a temp data dir, sandbox carrier) and
`kataven-mcp` driven over stdio and streamable HTTP with the `mcp` client library.

Every tool result and every line the MCP server logs is recorded in `Transcript`, so the
secret test can scan all of it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

BIN = Path(sys.executable).parent
HUB = str(BIN / "kataven-hub")
MCP = str(BIN / "kataven-mcp")
ACCOUNT = "acme"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env() -> dict[str, str]:
    """The caller's environment without any Kataven settings that could point elsewhere."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KATAVEN_")}


@dataclass
class Hub:
    base_url: str
    api_key: str
    env: dict[str, str]

    def cli(self, *args: str) -> Any:
        out = subprocess.run(
            [HUB, *args, "--json"], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        """A direct API call (test set-up that must not go through the MCP server)."""
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        response = httpx.request(
            method, f"{self.base_url}/api/v1{path}", headers=headers, timeout=30, **kwargs
        )
        assert response.status_code < 400, response.text
        return response.json() if response.content else None


@pytest.fixture(scope="session")
def hub() -> Iterator[Hub]:
    data_dir = Path(tempfile.mkdtemp(prefix="kataven-mcp-hub-"))
    port = free_port()
    env = {
        **_clean_env(),
        "KATAVEN_ENV": "testing",
        "KATAVEN_DATA_DIR": str(data_dir),
        "KATAVEN_API_KEY_PEPPER": "mcp-tests-pepper",
        "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false",
        "KATAVEN_LOG_LEVEL": "WARNING",
        # Sandbox calls that end in well under a second, always answered.
        "KATAVEN_SANDBOX_RING_SECONDS": "0.05",
        "KATAVEN_SANDBOX_TALK_SECONDS": "[0.1, 0.3]",
        "KATAVEN_SANDBOX_OUTCOME_WEIGHTS": '{"completed": 1.0}',
    }
    hub = Hub(f"http://127.0.0.1:{port}", "", env)
    hub.cli("accounts", "create", ACCOUNT, "--owner-email", "owner@acme.test")
    hub.api_key = hub.cli("keys", "create", "--account", ACCOUNT, "--name", "mcp-tests")["key"]
    hub.cli(
        "limits", "set", "--account", ACCOUNT,
        "--requests-per-minute", "100000", "--requests-per-hour", "1000000",
        "--requests-per-day", "10000000", "--concurrent-requests", "500",
        "--calls-per-minute", "1000", "--concurrent-max", "50",
    )  # fmt: skip
    log = (data_dir / "api.log").open("w")
    proc = subprocess.Popen(
        [HUB, "api", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(f"{hub.base_url}/readyz", proc)
        yield hub
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_ready(url: str, proc: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{url} did not become ready")


@dataclass
class Transcript:
    """Every tool result seen, as the text a model would read plus the structured content."""

    results: list[str] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def log_text(self) -> str:
        """Everything the MCP server processes of this run wrote to stderr."""
        return "\n".join(p.read_text(errors="replace") for p in self.logs if p.exists())


@pytest.fixture(scope="session")
def transcript() -> Transcript:
    return Transcript()


class Tools:
    """A connected MCP session with helpers that record every result."""

    def __init__(self, session: ClientSession, transcript: Transcript) -> None:
        self.session = session
        self.transcript = transcript

    async def raw(self, name: str, /, **arguments: Any) -> Any:
        result = await self.session.call_tool(name, arguments)
        texts = [getattr(block, "text", "") for block in result.content]
        self.transcript.results.append(
            json.dumps({"tool": name, "text": texts, "structured": result.structured_content})
        )
        return result

    async def call(self, name: str, /, **arguments: Any) -> Any:
        """The structured result of a tool that must succeed; its text is the same JSON."""
        result = await self.raw(name, **arguments)
        text = result.content[0].text
        assert not result.is_error, f"{name} failed: {text}"
        assert json.loads(text) == result.structured_content
        return result.structured_content

    async def error(self, name: str, /, **arguments: Any) -> tuple[str, Any]:
        """The text and structured content of a tool call that must fail."""
        result = await self.raw(name, **arguments)
        assert result.is_error, f"{name} should have failed: {result.content}"
        return result.content[0].text, result.structured_content


def mcp_env(hub: Hub, **extra: str) -> dict[str, str]:
    return {
        **_clean_env(),
        "KATAVEN_API_KEY": hub.api_key,
        "KATAVEN_BASE_URL": hub.base_url,
        **extra,
    }


@asynccontextmanager
async def stdio_tools(
    hub: Hub, transcript: Transcript, tmp: Path, args: list[str], env: dict[str, str]
) -> AsyncIterator[Tools]:
    errlog_path = tmp / f"mcp-stdio-{len(transcript.logs)}.log"
    transcript.logs.append(errlog_path)
    params = StdioServerParameters(command=MCP, args=args, env=mcp_env(hub, **env))
    errlog: TextIO
    with errlog_path.open("w") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield Tools(session, transcript)


@dataclass
class HttpServer:
    url: str
    token: str | None
    proc: subprocess.Popen[Any]


@pytest.fixture
def http_server(
    hub: Hub, transcript: Transcript, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[HttpServer]:
    """`kataven-mcp --transport streamable-http` on a free loopback port. Parametrised
    (indirect): True adds a bearer token, "debug" a token and debug logging."""
    param = getattr(request, "param", False)
    with_token = param is True or param == "debug"
    log_level = ["--log-level", "DEBUG"] if param == "debug" else []
    token = "mcp-token-" + os.urandom(12).hex() if with_token else None
    port = free_port()
    env = mcp_env(hub, **({"KATAVEN_MCP_TOKEN": token} if token else {}))
    log_path = tmp_path / "mcp-http.log"
    transcript.logs.append(log_path)
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            MCP,
            "--transport",
            "streamable-http",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *log_level,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_listening(port, proc)
        yield HttpServer(f"http://127.0.0.1:{port}/mcp", token, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_listening(port: int, proc: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if proc.poll() is not None:
            raise RuntimeError(f"kataven-mcp exited with {proc.returncode}")
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("kataven-mcp did not start listening")


@asynccontextmanager
async def http_tools(
    server: HttpServer, transcript: Transcript, token: str | None = None
) -> AsyncIterator[Tools]:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with (
        create_mcp_http_client(headers=headers) as client,
        streamable_http_client(server.url, http_client=client) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield Tools(session, transcript)


@pytest.fixture(scope="session")
def connect_stdio(
    hub: Hub, transcript: Transcript, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    logs = tmp_path_factory.mktemp("mcp-stdio")

    def connect(*args: str, **env: str) -> Any:
        """`connect_stdio("--log-level", "DEBUG", KATAVEN_BASE_URL=...)`."""
        return stdio_tools(hub, transcript, logs, list(args), env)

    return connect


@pytest.fixture(scope="session")
def connect_http(transcript: Transcript) -> Any:
    def connect(server: HttpServer, token: str | None = None) -> Any:
        return http_tools(server, transcript, token)

    return connect
