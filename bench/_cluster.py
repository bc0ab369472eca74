"""A throwaway production layout for the campaign benchmarks: a fresh PostgreSQL control
database, Redis keys under a run prefix, one `kataven-hub api` process, an account with an
API key, a sandbox line (agent + number) and generous call limits. Everything is dropped at exit."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

HUB = str(Path(sys.executable).parent / "kataven-hub")
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Cluster:
    def __init__(self, tmp: Path, **settings: str) -> None:
        self.tmp = tmp
        self.run = uuid.uuid4().hex[:8]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.control = f"khb{self.run}_control"
        self.env = {
            **os.environ,
            "KATAVEN_ENV": "testing", "KATAVEN_DATA_DIR": str(tmp),
            "KATAVEN_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.control}",
            "KATAVEN_TENANT_DB_PREFIX": f"khb{self.run}_t_", "KATAVEN_REDIS_URL": REDIS,
            "KATAVEN_REDIS_KEY_PREFIX": f"khb{self.run}", "KATAVEN_API_KEY_PEPPER": "bench-" + self.run,
            "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false", "KATAVEN_BUILTIN_ISSUER_ENABLED": "true",
            "KATAVEN_LOG_LEVEL": "WARNING", "KATAVEN_PUBLIC_BASE_URL": self.url,
            "KATAVEN_CALL_RECORDING_ENABLED": "false",
            **{f"KATAVEN_{k}": v for k, v in settings.items()},
        }  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None
        self.headers: dict[str, str] = {}
        self.jwt_headers: dict[str, str] = {}
        self.slug = "bench"

    def __enter__(self) -> Cluster:
        asyncio.run(self._sql(f'CREATE DATABASE "{self.control}"'))
        self.proc = subprocess.Popen(
            [HUB, "api", "--host", "127.0.0.1", "--port", str(self.port)], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        password = uuid.uuid4().hex
        self._cli("accounts", "create", self.slug, "--owner-email", "o@bench.test",
                  "--owner-password", password)  # fmt: skip
        key = self._cli("keys", "create", "--account", self.slug, "--name", "bench").strip()
        # The benchmarks poll the API; the request rate limits are not what they measure.
        self._cli("limits", "set", "--account", self.slug, "--requests-per-minute", "1000000",
                  "--requests-per-hour", "100000000", "--requests-per-day", "1000000000",
                  "--concurrent-requests", "100000")  # fmt: skip
        self.headers = {"Authorization": f"Bearer {key}"}
        token = httpx.post(f"{self.url}/api/login",
                           json={"email": "o@bench.test", "password": password}).json()["token"]  # fmt: skip
        self.jwt_headers = {"Authorization": f"Bearer {token}", "X-Account-ID": self.slug}
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

        async def drop() -> None:
            conn = await asyncpg.connect(PG + "/postgres")
            names = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1",
                                     f"khb{self.run}%")  # fmt: skip
            for row in names:
                await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
            await conn.close()

        asyncio.run(drop())

    @property
    def tenant_dsn(self) -> str:
        return f"{PG}/khb{self.run}_t_{self.slug}"

    async def _sql(self, sql: str) -> None:
        conn = await asyncpg.connect(PG + "/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def _cli(self, *args: str) -> str:
        out = subprocess.run(
            [HUB, *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        assert out.returncode == 0, out.stderr
        return out.stdout

    def api(self, method: str, path: str, **kw: Any) -> httpx.Response:
        kw.setdefault("headers", self.headers)
        return httpx.request(method, f"{self.url}{path}", timeout=600, **kw)

    def sandbox_line(self, **limits: int) -> dict[str, str]:
        """An active agent and a sandbox number; limits patched as given."""
        agent = self.api(
            "POST", "/api/v1/agents", json={"name": "Bench", "status": "active"}
        ).json()
        prov = self.api("POST", "/api/v1/telephony/providers",
                        json={"provider": "sandbox", "label": "s", "credentials": {}}).json()  # fmt: skip
        number = self.api("POST", "/api/v1/telephony/numbers", json={
            "e164": "+12025550199", "provider": "sandbox", "credentials_id": prov["id"]}).json()  # fmt: skip
        if limits:
            r = self.api("PATCH", "/api/v1/call-limits", json=limits, headers=self.jwt_headers)
            assert r.status_code == 200, r.text
        return {"agent_id": agent["id"], "phone_number_id": number["id"]}
