"""PostgreSQL faults under a running API process: pooled connections terminated by the server,
and more busy accounts than the server has connections."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faults.stack import RedisServer, Stack, close_stack, new_stack
from tests.fixtures.backends import pg_admin


@pytest.fixture
async def stack(tmp_path: Path, redis_server: RedisServer) -> AsyncIterator[Stack]:
    s = await new_stack(
        tmp_path, redis_server,
        # A small engine cache: most requests also retire an engine (the LRU path is raced too).
        KATAVEN_DB_TENANT_CONNECTIONS_MAX="20", KATAVEN_TENANT_ENGINE_CACHE_SIZE="8",
    )  # fmt: skip
    try:
        await asyncio.to_thread(s.start_api)
        yield s
    finally:
        await close_stack(s)


def _local_port(r: httpx.Response) -> int:
    """The client side port of the TCP connection that carried this response."""
    return int(r.extensions["network_stream"].get_extra_info("client_addr")[1])


async def test_terminated_connections_cost_no_request(stack: Stack) -> None:
    """Every pooled connection (tenant and control) is closed by the server, twice; the next
    reads and writes still succeed, on the same keep-alive connection."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=stack.url, timeout=30, limits=limits) as http:
        account = await stack.account(http)
        headers = account["headers"]
        for i in range(3):
            r = await http.post("/api/v1/agents", json={"name": f"a{i}"}, headers=headers)
            assert r.status_code == 201, r.text
        first = await http.get("/api/v1/agents", headers=headers)
        port = _local_port(first)
        statuses: Counter[int] = Counter()
        for _ in range(2):
            assert await stack.terminate_backends() > 0  # the fault happened
            for _i in range(10):
                r = await http.get("/api/v1/agents", headers=account["headers"])
                statuses[r.status_code] += 1
                assert _local_port(r) == port  # the client's connection was never dropped
            r = await http.post("/api/v1/agents", json={"name": "after"}, headers=headers)
            statuses[r.status_code] += 1
            r = await http.get("/api/v1/api-keys", headers=account["jwt_headers"])
            statuses[r.status_code] += 1
        assert statuses == Counter({200: 22, 201: 2}), statuses
        assert (await http.get("/readyz")).status_code == 200
        assert stack.api_alive()


async def _provision(stack: Stack, http: httpx.AsyncClient, n: int) -> tuple[list[str], dict]:
    """`n` accounts cloned from one template account (CREATE DATABASE … TEMPLATE, much faster
    than migrating each), all owned by the template's owner."""
    template = await stack.account(http, prefix="tpl")
    slugs = [f"fan{i:03d}" for i in range(n)]
    conn = await pg_admin()
    try:
        control = await pg_admin_db(f"kht{stack.run_id}_control")
        try:
            user_id = await control.fetchval(
                "SELECT id FROM users WHERE email = $1", template["email"]
            )
            source = f"kht{stack.run_id}_t_{template['slug']}"
            # A template must have no sessions: the API's pooled connection to it goes.
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                source,
            )
            for slug in slugs:
                database = f"kht{stack.run_id}_t_{slug}"
                await conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
                account_id = f"acct_{uuid.uuid4().hex[:20]}"
                await control.execute(
                    "INSERT INTO accounts (id, slug, name, database_name, created_at) "
                    "VALUES ($1, $2, $2, $3, now())",
                    account_id, slug, database,
                )  # fmt: skip
                await control.execute(
                    "INSERT INTO memberships (user_id, account_id, role, created_at) "
                    "VALUES ($1, $2, 'owner', now())",
                    user_id, account_id,
                )  # fmt: skip
        finally:
            await control.close()
    finally:
        await conn.close()
    return slugs, template


async def pg_admin_db(database: str) -> Any:
    import asyncpg

    from tests.fixtures.backends import pg_dsn

    return await asyncpg.connect(pg_dsn(database), timeout=5)


async def test_more_busy_accounts_than_server_connections(stack: Stack) -> None:
    """105 accounts (PostgreSQL allows 100 connections) read at random by 30 clients: the
    process stays within its tenant connection budget (20), every answer is a 200 or a 503
    with Retry-After, never a 500, and no client connection is dropped. (Almost every request
    lands on an account without an open connection, so most open one: that is the cost
    PgBouncer takes away; here it only has to stay correct.)"""
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        slugs, template = await _provision(stack, http, 105)
    # The template's token (owner of every account) with a per-request X-Account-ID.
    token = template["jwt_headers"]["Authorization"]
    statuses: Counter[int] = Counter()
    dropped: list[str] = []
    missing_retry_after = 0
    peak = 0
    stop = time.monotonic() + 12

    async def client() -> None:
        nonlocal missing_retry_after
        async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
            while time.monotonic() < stop:
                slug = random.choice(slugs)
                headers = {"Authorization": token, "X-Account-ID": slug}
                try:
                    r = await http.get("/api/v1/agents", headers=headers)
                except httpx.HTTPError as exc:
                    dropped.append(repr(exc))
                    continue
                statuses[r.status_code] += 1
                if r.status_code == 503 and "retry-after" not in r.headers:
                    missing_retry_after += 1

    async def sample() -> None:
        nonlocal peak
        while time.monotonic() < stop:
            peak = max(peak, await stack.connections(f"kht{stack.run_id}_t_%"))
            await asyncio.sleep(0.2)

    await asyncio.gather(sample(), *(client() for _ in range(30)))
    print(f"fan-out: {dict(statuses)}, peak tenant connections {peak}")  # noqa: T201 (-s)
    assert not dropped, dropped[:5]
    assert set(statuses) <= {200, 503}, (statuses, stack.log())  # the log shows a 500's cause
    assert missing_retry_after == 0
    assert statuses[200] > statuses[503], statuses  # waiting mostly succeeds
    assert 0 < peak <= 20, peak  # the budget held (tenant connections of this process)
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        assert (await http.get("/readyz")).status_code == 200
    assert stack.api_alive()
