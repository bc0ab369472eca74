"""A webhook receiver the tests run (a real HTTP server on 127.0.0.1). It checks every
delivery's signature with the `standardwebhooks` library and answers from a script."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def event(self) -> dict[str, Any]:
        value = orjson.loads(self.body)
        assert isinstance(value, dict)
        return value


@dataclass
class Receiver:
    secret: str | None = None
    # Status codes to answer, in order; then `default_status`.
    script: list[int] = field(default_factory=list)
    default_status: int = 200
    delay_seconds: float = 0.0
    # While set and not open, every request waits for it (a receiver that hangs).
    gate: asyncio.Event | None = None
    redirect_to: str | None = None
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def verified_events(self) -> list[dict[str, Any]]:
        return [r.event for r in self.received if r.verified]

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        verified = False
        if self.secret is not None:
            try:
                Webhook(self.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        self.received.append(Received(request.url.path, headers, body, verified))
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.gate is not None:
            await self.gate.wait()
        if self.redirect_to is not None:
            return Response(status_code=302, headers={"location": self.redirect_to})
        status = self.script.pop(0) if self.script else self.default_status
        return Response(b"x" * 100_000 if status == 200 else b"no", status_code=status)

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", log_config=None
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        for _ in range(500):
            if self._server.started:
                return
            await asyncio.sleep(0.01)
        raise RuntimeError("receiver did not start")

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            await self._task


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


async def wait_for(predicate: Any, timeout: float = 20.0, step: float = 0.05) -> None:
    """Poll until predicate() is true (an async predicate is awaited)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(step)
