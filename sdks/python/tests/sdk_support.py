"""A real `kataven-hub api` process for the SDK's tests, and an HTTP proxy that misbehaves."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent
HUB = str(BIN / "kataven-hub")
KATAVEN = str(BIN / "kataven")


def unique_e164() -> str:
    return (
        "+1415"
        + str(secrets.randbelow(8) + 2)
        + "".join(str(secrets.randbelow(10)) for _ in range(6))
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Hub:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    keys: dict[str, str] = field(default_factory=dict)

    def cli(self, *args: str) -> Any:
        out = subprocess.run(
            [HUB, *args, "--json"], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def new_account(self, slug: str) -> str:
        """An account with an API key and limits high enough for a test suite."""
        self.cli("accounts", "create", slug, "--owner-email", f"ops@{slug}.example")
        key = str(self.cli("keys", "create", "--account", slug, "--name", "sdk-tests")["key"])
        self.cli(
            "limits", "set", "--account", slug,
            "--requests-per-minute", "100000", "--requests-per-hour", "1000000",
            "--requests-per-day", "10000000", "--concurrent-requests", "200",
            "--concurrent-max", "100", "--calls-per-minute", "100000",
            "--daily-calls-max", "100000", "--daily-minutes-max", "100000",
        )  # fmt: skip
        self.keys[slug] = key
        return key


def start_hub(data_dir: Path) -> Hub:
    port = free_port()
    env = {
        **os.environ,
        "KATAVEN_ENV": "testing",
        "KATAVEN_DATA_DIR": str(data_dir),
        "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false",
        "KATAVEN_LOG_LEVEL": "WARNING",
        "KATAVEN_PORT": str(port),
        "KATAVEN_SANDBOX_RING_SECONDS": "0.2",
        "KATAVEN_SANDBOX_TALK_SECONDS": "[0.2, 0.6]",
        "KATAVEN_SANDBOX_OUTCOME_WEIGHTS": '{"completed": 0.8, "busy": 0.2}',
        "KATAVEN_CAMPAIGN_SSE_SNAPSHOT_SECONDS": "0.5",
    }
    for name in (
        "KATAVEN_API_KEY",
        "KATAVEN_BASE_URL",
        "KATAVEN_DATABASE_URL",
        "KATAVEN_REDIS_URL",
    ):
        env.pop(name, None)
    log = (data_dir / "api.log").open("wb")
    proc = subprocess.Popen(
        [HUB, "api", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return Hub(url, env, proc)
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"kataven-hub api exited with {proc.returncode}")
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("kataven-hub api did not become ready")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Proxy:
    """A forwarding HTTP proxy in front of the Hub. `drop_writes = n`: the next n POSTs are
    forwarded and applied by the server, then the connection is closed without an answer.
    `cut_stream_after = n`: an event stream is cut after n events with an id."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.drop_writes = 0
        self.cut_stream_after: int | None = None
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self.dropped = 0
        self.cuts = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                proxy.seen.append((self.command, self.path, dict(headers)))
                url = proxy.upstream + self.path
                with httpx.Client(timeout=60) as http:
                    if self.path.endswith("/events"):
                        self._stream(http, url, headers)
                        return
                    r = http.request(self.command, url, headers=headers, content=body)
                    if self.command == "POST" and proxy.drop_writes > 0:
                        proxy.drop_writes -= 1
                        proxy.dropped += 1
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self.send_response(r.status_code)
                    for k, v in r.headers.items():
                        if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                            self.send_header(k, v)
                    self.send_header("content-length", str(len(r.content)))
                    self.end_headers()
                    self.wfile.write(r.content)

            def _stream(self, http: httpx.Client, url: str, headers: dict[str, str]) -> None:
                with http.stream("GET", url, headers=headers) as r:
                    self.send_response(r.status_code)
                    self.send_header("content-type", r.headers.get("content-type", ""))
                    self.send_header("connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    ids = 0
                    for line in r.iter_lines():
                        self.wfile.write((line + "\n").encode())
                        self.wfile.flush()
                        if line.startswith("id:"):
                            ids += 1
                        limit = proxy.cut_stream_after
                        if limit is not None and ids >= limit and line == "":
                            proxy.cuts += 1
                            self.connection.shutdown(socket.SHUT_RDWR)
                            return

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
