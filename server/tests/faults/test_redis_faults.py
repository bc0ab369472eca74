"""Redis killed, frozen and restarted under a running API process (PostgreSQL + a Redis the
test owns). Each test ends with the API still the same process, answering without 500s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories.campaigns import action, created
from tests.factories.telephony import Line, make_line, set_limits
from tests.faults.stack import RedisServer, Stack, close_stack, new_stack
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer


@pytest.fixture(scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    tmp = Path(tmp_path_factory.mktemp("redis-faults"))
    redis = RedisServer(tmp)
    redis.start()
    carrier = CarrierServer()
    await carrier.start()
    s = await new_stack(tmp, redis, KATAVEN_TWILIO_API_BASE_URL=carrier.base_url)
    s.carrier = carrier  # type: ignore[attr-defined]
    try:
        await asyncio.to_thread(s.start_api)
        yield s
    finally:
        await close_stack(s)
        redis.kill()
        await carrier.stop()


def _tenant(account: dict[str, Any]) -> Tenant:
    return Tenant(account["slug"], account["key"], "", account["email"], account["password"],
                  "", headers=account["headers"], jwt_headers=account["jwt_headers"])  # fmt: skip


async def _line(stack: Stack, http: httpx.AsyncClient) -> Line:
    tenant = _tenant(await stack.account(http))
    return await make_line(http, tenant, stack.carrier, "twilio")  # type: ignore[attr-defined]


async def _originate(http: httpx.AsyncClient, line: Line) -> httpx.Response:
    return await http.post(
        "/api/v1/calls/originate", json=line.originate_body(), headers=line.tenant.headers
    )


async def _end_call(stack: Stack, http: httpx.AsyncClient, session_id: str) -> None:
    carrier: CarrierServer = stack.carrier  # type: ignore[attr-defined]
    r = await http.get(f"/api/v1/calls/{session_id}", headers={})
    call_sid = next(
        c.call_id for c in carrier.calls.values() if f"session={session_id}" in c.status_url
    )
    for cb in carrier.callbacks(call_sid, "completed", duration=5):
        r = await carrier.deliver(http, cb)
        assert r.status_code < 500, (r.status_code, r.text)


async def _call_status(http: httpx.AsyncClient, line: Line, session_id: str) -> str:
    r = await http.get(f"/api/v1/calls/{session_id}", headers=line.tenant.headers)
    assert r.status_code == 200, r.text
    return str(r.json()["status"])


async def test_call_slot_survives_a_redis_restart(stack: Stack) -> None:
    """Pooled connections are dead after the restart: the first command on each is retried on
    a new one, so the call's slot is released when it ends and the account dials again."""
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        line = await _line(stack, http)
        await set_limits(http, line.tenant, concurrent_max=1)
        first = await _originate(http, line)
        assert first.status_code == 200, first.text
        assert (await _originate(http, line)).status_code == 429  # the one slot is held
        stack.redis.restart()  # every pooled connection of the API is now dead
        await _end_call(stack, http, first.json()["session_id"])
        assert await _call_status(http, line, first.json()["session_id"]) == "completed"
        second = await _originate(http, line)
        assert second.status_code == 200, second.text
        stack.redis.restart()
        await _end_call(stack, http, second.json()["session_id"])
        third = await _originate(http, line)
        assert third.status_code == 200, third.text
        assert stack.api_alive()
        assert "could not release a call slot" not in stack.log()


async def test_a_lost_slot_release_converges_to_the_calls_table(stack: Stack) -> None:
    """The call ends while Redis does not answer (frozen), so its confirmed slot stays taken
    when Redis is back with its data. The concurrent cap checks confirmed slots against the
    calls in flight and gives this one back: `concurrent_max` 1 dials again."""
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        line = await _line(stack, http)
        await set_limits(http, line.tenant, concurrent_max=1)
        first = await _originate(http, line)
        assert first.status_code == 200, first.text
        stack.redis.freeze()
        try:
            await _end_call(stack, http, first.json()["session_id"])
        finally:
            stack.redis.thaw()
        assert await _call_status(http, line, first.json()["session_id"]) == "completed"
        assert "could not release a call slot" in stack.log()  # the fault happened
        second = await _originate(http, line)
        assert second.status_code == 200, second.text  # reconciled: no call was live
        # And the live call's slot is not given away: the cap still holds at one.
        third = await _originate(http, line)
        assert third.status_code == 429, third.text
        assert stack.api_alive()


async def test_readyz_names_redis_while_it_is_down(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        assert (await http.get("/readyz")).text == "ok"
        stack.redis.kill()
        try:
            r = await http.get("/readyz")
            assert r.status_code == 503
            assert r.text == "redis: unavailable\n"
        finally:
            stack.redis.start()
        deadline = time.monotonic() + 10
        while (r := await http.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, r.text
            await asyncio.sleep(0.2)
        assert r.text == "ok"


async def test_key_revocation_with_redis_down_says_what_happened(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        account = await stack.account(http)
        keys = (await http.get("/api/v1/api-keys", headers=account["jwt_headers"])).json()
        [key] = keys  # the key the helper minted
        assert (await http.get("/api/v1/agents", headers=account["headers"])).status_code == 200
        stack.redis.kill()
        try:
            r = await http.patch(f"/api/v1/api-keys/{key['id']}", json={"disabled": True},
                                 headers=account["jwt_headers"])  # fmt: skip
            assert r.status_code == 200, r.text
            assert r.json()["disabled"] is True
            assert "Other API processes could not be told" in r.headers["warning"]
            # Revoked at once here, whatever the bus: request rate limits fail open meanwhile.
            r = await http.get("/api/v1/agents", headers=account["headers"])
            assert r.status_code == 401, r.text
        finally:
            stack.redis.start()
        r = await http.patch(f"/api/v1/api-keys/{key['id']}", json={"name": "renamed"},
                             headers=account["jwt_headers"])  # fmt: skip
        assert r.status_code == 200
        assert "warning" not in r.headers
        assert stack.api_alive()


async def _read_events(response: httpx.Response, into: list[str], stop: asyncio.Event) -> None:
    buffer = ""
    async for chunk in response.aiter_text():
        buffer += chunk
        while "\n\n" in buffer:
            frame, buffer = buffer.split("\n\n", 1)
            into.append(frame)
        if stop.is_set():
            return


async def _wait_for(frames: list[str], needle: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not any(needle in f for f in frames):
        assert time.monotonic() < deadline, f"{needle!r} never arrived in {frames!r}"
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("when", ["before", "during"])
async def test_campaign_stream_goes_on_from_the_event_log_without_redis(
    stack: Stack, when: str
) -> None:
    """Redis down before the stream opens, or lost while it runs: the stream stays open (no
    cut, no traceback) and still delivers later events, read from the event log."""
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        line = await _line(stack, http)
        campaign = await created(http, line, contacts=2)
        if when == "before":
            stack.redis.kill()
        frames: list[str] = []
        stop = asyncio.Event()
        url = f"/api/v1/campaigns/{campaign['id']}/events"
        try:
            async with http.stream("GET", url, headers=line.tenant.headers) as response:
                assert response.status_code == 200
                reader = asyncio.create_task(_read_events(response, frames, stop))
                await asyncio.sleep(1.0)  # subscribed (or not), caught up on the log
                if when == "during":
                    stack.redis.kill()
                    await asyncio.sleep(1.5)
                stack.redis.start()
                r = await action(http, line, campaign["id"], "stop")
                assert r.status_code == 200, r.text
                await _wait_for(frames, '"status":"completed"')
                await _wait_for(frames, '"reason":"stopped"')
                await _wait_for(frames, "event: end")
                stop.set()
                await asyncio.wait_for(reader, 10)
        finally:
            if stack.redis.proc is None or stack.redis.proc.poll() is not None:
                stack.redis.start()
        assert stack.api_alive()
        # Nothing failed: warnings only (no error, no stream cut by an exception).
        assert '"level":"error"' not in stack.log()
        assert "Exception in ASGI application" not in stack.log()
