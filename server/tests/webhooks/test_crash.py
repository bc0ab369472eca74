"""Killing the delivery worker (`kill -9` of a `kataven-hub dispatcher` process) while it is
sending loses nothing: after a new worker starts, every event arrives, each a few times at
most. Real processes on both backends: SQLite files, and PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.backends import PG_HOST, PG_PORT, PG_USER, REDIS_URL, Backend, pg_admin
from tests.fixtures.processes import HUB, clean_environ, free_port, start_api
from tests.webhooks.receiver import Receiver, wait_for


class Deployment:
    def __init__(self, env: dict[str, str], api: str, tmp: Path) -> None:
        self.env, self.api, self.tmp = env, api, tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def worker(self) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([HUB, "dispatcher"], env=self.env, stdout=log, stderr=log)
        self.procs.append(proc)
        return proc

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            [HUB, *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return out.stdout


@pytest.fixture
async def deployment(backend: Backend, tmp_path: Path) -> AsyncIterator[Deployment]:
    port = free_port()
    env = {
        **clean_environ(),
        "KATAVEN_ENV": "testing", "KATAVEN_DATA_DIR": str(tmp_path),
        "KATAVEN_API_KEY_PEPPER": "pepper-" + backend.run_id,
        "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false", "KATAVEN_LOG_LEVEL": "WARNING",
        "KATAVEN_DISPATCHER_EMBEDDED": "false", "KATAVEN_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "KATAVEN_DB_POOL_SIZE": "2", "KATAVEN_DB_MAX_OVERFLOW": "4",
        "KATAVEN_WEBHOOKS_LEASE_SECONDS": "2", "KATAVEN_WEBHOOKS_POLL_SECONDS": "0.2",
        "KATAVEN_WEBHOOKS_RETRY_BASE_SECONDS": "0.2", "KATAVEN_WEBHOOKS_TIMEOUT_SECONDS": "30",
    }  # fmt: skip
    if backend.is_postgres:
        # Databases of their own (the run's prefix: dropped with the run's other databases).
        control = f"kht{backend.run_id}_wh{uuid.uuid4().hex[:4]}"
        conn = await pg_admin()
        await conn.execute(f'CREATE DATABASE "{control}"')
        await conn.close()
        env.update(
            KATAVEN_DATABASE_URL=f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{control}",
            KATAVEN_TENANT_DB_PREFIX=f"{control}_t_",
            KATAVEN_REDIS_URL=REDIS_URL,
            KATAVEN_REDIS_KEY_PREFIX=f"kht{backend.run_id}{control[-4:]}",
        )
    deployment = Deployment(env, f"http://127.0.0.1:{port}", tmp_path)
    deployment.procs.append(await asyncio.to_thread(start_api, env, port))
    try:
        yield deployment
    finally:
        for proc in deployment.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


async def _account(deployment: Deployment) -> dict[str, str]:
    slug = f"whk{uuid.uuid4().hex[:6]}"
    await asyncio.to_thread(
        deployment.cli, "accounts", "create", slug, "--owner-email", f"o@{slug}.test",
        "--owner-password", uuid.uuid4().hex,
    )  # fmt: skip
    out = await asyncio.to_thread(
        deployment.cli, "keys", "create", "--account", slug, "--name", "k"
    )
    # The test polls for a while: lift the default request rate limits (60 a minute).
    limits = ["--requests-per-minute", "100000", "--requests-per-hour", "1000000",
              "--requests-per-day", "10000000", "--concurrent-requests", "1000"]  # fmt: skip
    await asyncio.to_thread(deployment.cli, "limits", "set", "--account", slug, *limits)
    return {"Authorization": f"Bearer {out.strip()}"}


async def _statuses(http: httpx.AsyncClient, headers: dict[str, str], eid: str) -> list[str]:
    r = await http.get(f"/api/v1/webhook-endpoints/{eid}/deliveries", headers=headers)
    assert r.status_code == 200, r.text
    return [d["status"] for d in r.json()["deliveries"]]


async def test_kill_worker_mid_delivery_loses_nothing(
    deployment: Deployment, receiver: Receiver
) -> None:
    async with httpx.AsyncClient(base_url=deployment.api, timeout=30) as http:
        headers = await _account(deployment)
        r = await http.post(
            "/api/v1/webhook-endpoints", json={"url": receiver.url}, headers=headers
        )
        assert r.status_code == 201, r.text
        receiver.secret, eid = r.json()["secret"], r.json()["id"]
        receiver.gate = asyncio.Event()  # the receiver holds every request: the worker hangs
        events = []
        for _ in range(5):
            t = await http.post(f"/api/v1/webhook-endpoints/{eid}/test", headers=headers)
            assert t.status_code == 202, t.text
            events.append(t.json()["event_id"])
        first = deployment.worker()
        await wait_for(lambda: len(receiver.received) >= 5, timeout=60)
        os.kill(first.pid, signal.SIGKILL)  # mid-delivery: five requests in flight
        first.wait()
        assert await _statuses(http, headers, eid) == ["pending"] * 5
        receiver.gate.set()
        deployment.worker()

        async def all_delivered() -> bool:
            return await _statuses(http, headers, eid) == ["delivered"] * 5

        await wait_for(all_delivered, timeout=60, step=0.2)
        counts: Counter[str] = Counter(r.headers["webhook-id"] for r in receiver.received)
        assert set(counts) == set(events)  # every event arrived
        assert all(2 <= n <= 3 for n in counts.values()), counts  # resent, a few times at most
        assert all(r.verified for r in receiver.received)
        deliveries = (
            await http.get(f"/api/v1/webhook-endpoints/{eid}/deliveries", headers=headers)
        ).json()["deliveries"]
        assert all(d["attempts"] >= 2 for d in deliveries)
