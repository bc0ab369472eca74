"""A production layout the tests can break: one `kataven-hub api` process (and optionally
dispatchers) on a PostgreSQL control database of its own and a Redis server the test starts,
stops, freezes and restarts. PostgreSQL connections of the stack's own databases can be
terminated (`pg_terminate_backend`, filtered by database name)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis as redis_sync

from tests.fixtures.backends import PG_HOST, PG_PORT, PG_USER, drop_run_databases, pg_admin
from tests.fixtures.processes import HUB, clean_environ, free_port


class RedisServer:
    """A redis-server of the test's own (no persistence), on a free port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                if redis_sync.Redis.from_url(self.url, socket_timeout=0.5).ping():
                    return
            except redis_sync.RedisError:
                pass
            assert self.proc.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        self.kill()
        self.start()

    def freeze(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)


class Stack:
    def __init__(self, tmp: Path, run_id: str, redis: RedisServer | None, **env: str) -> None:
        self.tmp, self.run_id = tmp, run_id
        self.redis: RedisServer = redis  # type: ignore[assignment]  (None: not used)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **clean_environ(),
            "KATAVEN_ENV": "testing", "KATAVEN_DATA_DIR": str(tmp),
            "KATAVEN_DATABASE_URL":
                f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/kht{run_id}_control",
            "KATAVEN_TENANT_DB_PREFIX": f"kht{run_id}_t_",
            "KATAVEN_REDIS_URL": redis.url if redis else "",
            "KATAVEN_REDIS_KEY_PREFIX": f"kht{run_id}",
            "KATAVEN_API_KEY_PEPPER": "pepper-" + run_id,
            "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false", "KATAVEN_BUILTIN_ISSUER_ENABLED": "true",
            "KATAVEN_LOG_LEVEL": "WARNING", "KATAVEN_PUBLIC_BASE_URL": self.url,
            "KATAVEN_DB_POOL_SIZE": "2", "KATAVEN_DB_MAX_OVERFLOW": "4",
            "KATAVEN_CALL_RECORDING_ENABLED": "false",
            **env,
        }  # fmt: skip
        self.api: subprocess.Popen[bytes] | None = None
        self.procs: list[subprocess.Popen[bytes]] = []

    # -- processes ---------------------------------------------------------------------------
    def start_api(self) -> None:
        log = open(self.tmp / "api.log", "ab")  # noqa: SIM115
        self.api = subprocess.Popen(
            [HUB, "api", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdout=log, stderr=log,
        )  # fmt: skip
        self.procs.append(self.api)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.api.poll() is None, self.log()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("the API did not start:\n" + self.log())

    def dispatcher(self, **env: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"dispatcher-{len(self.procs)}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen([HUB, "dispatcher"], env={**self.env, **env}, stdout=log,
                                stderr=log)  # fmt: skip
        self.procs.append(proc)
        return proc

    def log(self) -> str:
        path = self.tmp / "api.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else ""

    def api_alive(self) -> bool:
        return self.api is not None and self.api.poll() is None

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            [HUB, *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return out.stdout

    # -- accounts ----------------------------------------------------------------------------
    async def account(
        self, http: httpx.AsyncClient, prefix: str = "f", generous: bool = False
    ) -> dict[str, Any]:
        """A new account (one CLI run), its owner signed in and an API key minted."""
        slug = f"{prefix}{uuid.uuid4().hex[:6]}"
        password = uuid.uuid4().hex
        email = f"o@{slug}.test"
        await asyncio.to_thread(self.cli, "accounts", "create", slug, "--owner-email", email,
                                "--owner-password", password)  # fmt: skip
        if generous:
            limits = ["--requests-per-minute", "100000", "--requests-per-hour", "1000000",
                      "--requests-per-day", "10000000",
                      "--concurrent-requests", "1000"]  # fmt: skip
            await asyncio.to_thread(self.cli, "limits", "set", "--account", slug, *limits)
        r = await http.post("/api/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        jwt_headers = {"Authorization": f"Bearer {r.json()['token']}", "X-Account-ID": slug}
        r = await http.post("/api/v1/api-keys", json={"name": "k"}, headers=jwt_headers)
        assert r.status_code == 201, r.text
        key = r.json()["key"]
        return {
            "slug": slug, "key": key, "email": email, "password": password,
            "headers": {"Authorization": f"Bearer {key}"}, "jwt_headers": jwt_headers,
        }  # fmt: skip

    # -- PostgreSQL faults -------------------------------------------------------------------
    async def terminate_backends(self) -> int:
        """Close every server connection to this stack's databases; how many were closed.
        Returns once they are gone (up to 5 s each): a connection killed in the very instant it
        is handed out costs its request with or without a ping (it can die just after one), so
        what is tested is that connections the server has closed are never handed out."""
        conn = await pg_admin()
        try:
            rows = await conn.fetch(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname LIKE $1 AND pid <> pg_backend_pid()",
                f"kht{self.run_id}%",
            )
        finally:
            await conn.close()
        return len(rows)

    async def connections(self, database_like: str) -> int:
        conn = await pg_admin()
        try:
            return int(
                await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE $1", database_like
                )
            )
        finally:
            await conn.close()

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


async def new_stack(tmp: Path, redis: RedisServer, **env: str) -> Stack:
    run_id = uuid.uuid4().hex[:8]
    conn = await pg_admin()
    try:
        await conn.execute(f'CREATE DATABASE "kht{run_id}_control"')
    finally:
        await conn.close()
    return Stack(tmp, run_id, redis, **env)


async def close_stack(stack: Stack) -> None:
    """Stop the processes and drop the stack's databases (four at a time: a fan-out test
    leaves a hundred)."""
    stack.stop()
    conn = await pg_admin()
    try:
        names = [
            row["datname"]
            for row in await conn.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", f"kht{stack.run_id}%"
            )
        ]
    finally:
        await conn.close()

    async def drop(batch: list[str]) -> None:
        conn = await pg_admin()
        try:
            for name in batch:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    await asyncio.gather(*(drop(names[i::4]) for i in range(4)))
    await drop_run_databases(stack.run_id)
