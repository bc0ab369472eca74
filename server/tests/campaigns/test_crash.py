"""Crash safety on the production layout: one API process and `kataven-hub dispatcher`
processes on PostgreSQL + Redis, a local carrier server. Dispatchers are killed with SIGKILL
mid-campaign, including while parked between recording an attempt and the carrier's answer
(`DISPATCH_TEST_PAUSE`), and restarted. Afterwards every contact is in one terminal state, the
carrier's own log shows at most one call per recorded attempt, and no contact failed in doubt
without a call at the carrier."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.campaigns.carrier_sim import SimulatedCarrier
from tests.factories.campaigns import action, contact_numbers, created, csv_of
from tests.factories.telephony import make_line, set_limits
from tests.fixtures.app import Tenant
from tests.fixtures.backends import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    REDIS_URL,
    delete_run_keys,
    drop_run_databases,
    pg_admin,
    redis_check,
)
from tests.fixtures.processes import HUB, clean_environ, free_port, start_api

TERMINAL = {"completed", "failed", "cancelled"}


class Cluster:
    def __init__(self, env: dict[str, str], api: str, tmp: Path) -> None:
        self.env, self.api, self.tmp = env, api, tmp
        self.procs: list[subprocess.Popen[bytes]] = []

    def dispatcher(self, pause: str | None = None) -> tuple[subprocess.Popen[bytes], Path | None]:
        env = dict(self.env)
        marker = None
        if pause is not None:
            marker = self.tmp / f"paused-{uuid.uuid4().hex[:6]}"
            env["KATAVEN_DISPATCH_TEST_PAUSE"] = f"{pause}:{marker}"
        log = open(self.tmp / f"dispatcher-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([HUB, "dispatcher"], env=env, stdout=log, stderr=log)
        self.procs.append(proc)
        return proc, marker

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            [HUB, *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return out.stdout


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    run_id = uuid.uuid4().hex[:8]
    conn = await pg_admin()
    await conn.execute(f'CREATE DATABASE "kht{run_id}_control"')
    await conn.close()
    await redis_check()
    port = free_port()
    env = {
        **clean_environ(),
        "KATAVEN_ENV": "testing", "KATAVEN_DATA_DIR": str(tmp_path),
        "KATAVEN_DATABASE_URL": f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/kht{run_id}_control",
        "KATAVEN_TENANT_DB_PREFIX": f"kht{run_id}_t_", "KATAVEN_REDIS_URL": REDIS_URL,
        "KATAVEN_REDIS_KEY_PREFIX": f"kht{run_id}", "KATAVEN_API_KEY_PEPPER": "pepper-" + run_id,
        "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false", "KATAVEN_BUILTIN_ISSUER_ENABLED": "true",
        "KATAVEN_LOG_LEVEL": "WARNING", "KATAVEN_DISPATCHER_EMBEDDED": "false",
        "KATAVEN_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "KATAVEN_DB_POOL_SIZE": "3",
        "KATAVEN_DB_MAX_OVERFLOW": "4", "KATAVEN_DISPATCH_LEASE_SECONDS": "2",
        "KATAVEN_DISPATCH_IN_DOUBT_SECONDS": "3", "KATAVEN_DISPATCH_TICK_SECONDS": "0.1",
        "KATAVEN_DISPATCH_MAX_CPS": "200", "KATAVEN_CAMPAIGN_MIN_RETRY_DELAY_SECONDS": "0",
        "KATAVEN_CALL_RECORDING_ENABLED": "false",
    }  # fmt: skip
    cluster = Cluster(env, f"http://127.0.0.1:{port}", tmp_path)
    try:
        yield cluster
    finally:
        for proc in cluster.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        await drop_run_databases(run_id)
        await delete_run_keys(f"kht{run_id}")


async def _tenant(cluster: Cluster, http: httpx.AsyncClient) -> Tenant:
    slug = f"crash{uuid.uuid4().hex[:6]}"
    password = uuid.uuid4().hex
    await asyncio.to_thread(cluster.cli, "accounts", "create", slug, "--owner-email",
                            f"o@{slug}.test", "--owner-password", password)  # fmt: skip
    key = (
        await asyncio.to_thread(cluster.cli, "keys", "create", "--account", slug, "--name", "k")
    ).strip()
    # The test polls for a minute and more: lift the default request rate limits (60/min).
    limits = ["--requests-per-minute", "100000", "--requests-per-hour", "1000000",
              "--requests-per-day", "10000000", "--concurrent-requests", "1000"]  # fmt: skip
    await asyncio.to_thread(cluster.cli, "limits", "set", "--account", slug, *limits)
    token = (
        await http.post("/api/login", json={"email": f"o@{slug}.test", "password": password})
    ).json()["token"]
    jwt_headers = {"Authorization": f"Bearer {token}", "X-Account-ID": slug}
    return Tenant(slug, key, "", f"o@{slug}.test", password, token,
                  headers={"Authorization": f"Bearer {key}"}, jwt_headers=jwt_headers)  # fmt: skip


async def _wait_file(path: Path, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, "dispatcher exited"
        assert time.monotonic() < deadline, "dispatcher never reached its pause point"
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # let its other dials reach the pause too


async def _contacts(http: httpx.AsyncClient, tenant: Tenant, cid: str) -> list[dict[str, Any]]:
    r = await http.get(f"/api/v1/campaigns/{cid}/contacts?limit=1000", headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()["contacts"]


async def test_kill_dispatchers_mid_campaign(cluster: Cluster) -> None:
    async with httpx.AsyncClient(base_url=cluster.api, timeout=30) as http:
        carrier = SimulatedCarrier(http, handle=(0.1, 0.4))
        await carrier.start()
        cluster.env["KATAVEN_TWILIO_API_BASE_URL"] = carrier.base_url
        api = await asyncio.to_thread(start_api, cluster.env, int(cluster.api.rsplit(":", 1)[1]))
        cluster.procs.append(api)
        try:
            tenant = await _tenant(cluster, http)
            line = await make_line(http, tenant, carrier, "twilio")
            await set_limits(http, tenant, concurrent_max=100, calls_per_minute=100000,
                             daily_calls_max=100000)  # fmt: skip
            campaigns = [
                (await created(http, line, csv=csv_of(contact_numbers(60)), max_concurrent_calls=5,
                               retries_per_contact=1, retry_delay_seconds=0))["id"]
                for _ in range(2)
            ]  # fmt: skip
            stuck, marker = cluster.dispatcher(pause="after_dial")
            for cid in campaigns:
                assert (await action(http, line, cid, "start")).status_code == 200
            assert marker is not None
            await _wait_file(marker, stuck)  # attempts recorded, carrier called, not committed
            stuck.send_signal(signal.SIGKILL)
            worker, _ = cluster.dispatcher()
            await asyncio.sleep(2.5)  # mid-campaign
            worker.send_signal(signal.SIGKILL)
            parked, marker = cluster.dispatcher(pause="before_dial")
            assert marker is not None
            await _wait_file(marker, parked)  # attempts recorded, carrier not called yet
            parked.send_signal(signal.SIGKILL)
            cluster.dispatcher()
            cluster.dispatcher()
            deadline = time.monotonic() + 90
            for cid in campaigns:
                while True:
                    r = await http.get(f"/api/v1/campaigns/{cid}", headers=tenant.headers)
                    if r.json()["status"] == "completed":
                        break
                    assert time.monotonic() < deadline, f"campaign {cid} did not finish"
                    await asyncio.sleep(0.3)
            await asyncio.sleep(1.0)
            per_number = Counter(carrier.carrier_log.placed)
            unknown, attempts = 0, 0
            for cid in campaigns:
                contacts = await _contacts(http, tenant, cid)
                assert len(contacts) == 60
                for c in contacts:
                    assert c["status"] in TERMINAL, c
                    assert per_number[c["phone_number"]] <= c["attempts"], c  # ≤ 1 call per attempt
                    assert c["attempts"] <= 2
                    unknown += c["failure_reason"] == "outcome_unknown"
                    attempts += c["attempts"]
                    if c["failure_reason"] == "outcome_unknown":
                        assert c["attempts"] == 1
                        assert c["status"] == "failed"
                        # Only an attempt that may have reached the carrier is in doubt.
                        assert per_number[c["phone_number"]] >= 1, c
            # Attempts parked after the carrier was asked are never dialled again (failed,
            # unknown); those parked before it go back to pending and are dialled later.
            assert unknown >= 2
            assert len(carrier.carrier_log.placed) <= attempts
        finally:
            await carrier.stop()
