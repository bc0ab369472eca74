"""`kataven-mcp`: serve the Kataven Hub's tools over stdio (default) or streamable HTTP.

Configuration comes from the environment, as MCP clients pass it: `KATAVEN_API_KEY`,
`KATAVEN_BASE_URL` (default http://localhost:8081) and, for HTTP, `KATAVEN_MCP_TOKEN`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any, NoReturn

import anyio
from kataven import AsyncKatavenClient

from kataven_mcp._http import BearerAuth, is_loopback
from kataven_mcp._hub import Hub
from kataven_mcp._redact import RedactingFilter, Redactor
from kataven_mcp.server import build_server

DEFAULT_BASE_URL = "http://localhost:8081"
DEFAULT_PORT = 8765


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kataven-mcp",
        description="The Kataven Hub as MCP tools. Reads KATAVEN_API_KEY and KATAVEN_BASE_URL; "
        "over HTTP, KATAVEN_MCP_TOKEN is the bearer token clients must send.",
    )
    parser.add_argument(
        "--transport", choices=("stdio", "streamable-http"), default="stdio", help="default: stdio"
    )
    parser.add_argument("--host", default="127.0.0.1", help="HTTP: address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="HTTP: port (8765)")
    parser.add_argument("--path", default="/mcp", help="HTTP: endpoint path (/mcp)")
    parser.add_argument("--base-url", help="the Hub's URL (default: KATAVEN_BASE_URL)")
    parser.add_argument(
        "--allow-local-files",
        action="store_true",
        help="HTTP: let tools read and write files on this host (always on for stdio)",
    )
    parser.add_argument(
        "--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    api_key = os.environ.get("KATAVEN_API_KEY") or None
    base_url = (args.base_url or os.environ.get("KATAVEN_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    token = os.environ.get("KATAVEN_MCP_TOKEN") or None
    http = args.transport == "streamable-http"

    if api_key is None:
        _fail("KATAVEN_API_KEY is not set: create a key in the Hub and pass it in the environment.")
    if http and token is None and not is_loopback(args.host):
        _fail(
            f"Refusing to listen on {args.host} without a bearer token: set KATAVEN_MCP_TOKEN, "
            "or listen on 127.0.0.1 only."
        )

    redactor = Redactor(api_key, token)
    _configure_logging(args.log_level, redactor)
    anyio.run(_serve, args, api_key, base_url, token, redactor)


async def _serve(
    args: argparse.Namespace, api_key: str, base_url: str, token: str | None, redactor: Redactor
) -> None:
    http = args.transport == "streamable-http"
    async with AsyncKatavenClient(api_key=api_key, base_url=base_url) as client:
        hub = Hub(
            client=client, base_url=base_url, allow_local_files=not http or args.allow_local_files
        )
        server = build_server(hub, redactor)
        if not http:
            await server.run_stdio_async()
            return
        import uvicorn

        app: Any = server.streamable_http_app(streamable_http_path=args.path, host=args.host)
        if token is not None:
            app = BearerAuth(app, token)
        # log_config=None: uvicorn's records go through the root handler and its redaction.
        config = uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level.lower(),
            log_config=None,
            access_log=False,
        )
        await uvicorn.Server(config).serve()


def _configure_logging(level: str, redactor: Redactor) -> None:
    """One stderr handler (stdout is the stdio transport) whose filter scrubs secrets."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(redactor))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Request lines would name every URL the SDK calls; they add nothing for a user.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLevelName(level)))


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"kataven-mcp: {message}\n")
    raise SystemExit(2)
