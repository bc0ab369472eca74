"""A throwaway production layout for the benchmarks: a fresh PostgreSQL control database, Redis
keys under a run prefix, one `kataven-hub api` process (more on request, and `kataven-hub
dispatcher` processes), an account with an API key, a sandbox line (agent + number) and generous
call limits; campaign helpers; CPU use per process from /proc. Everything is dropped at exit."""

from __future__ import annotations

import asyncio
import csv
import io
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
import redis

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
    def __init__(self, tmp: Path, *, workers: int = 1, **settings: str) -> None:
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
        self.workers = workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.others: list[subprocess.Popen[bytes]] = []  # more API and dispatcher processes
        self.headers: dict[str, str] = {}
        self.jwt_headers: dict[str, str] = {}
        self.slug = "bench"

    def __enter__(self) -> Cluster:
        asyncio.run(self._sql(f'CREATE DATABASE "{self.control}"'))
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        self.proc = self.start_api(self.port, self.workers)
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

    def start_api(self, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
        """A `kataven-hub api --workers N` process on `port`, once it answers /readyz."""
        proc = subprocess.Popen(
            [HUB, "api", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if self.proc is not None:
            self.others.append(proc)
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "kataven-hub api exited"
            time.sleep(0.1)
        raise RuntimeError("kataven-hub api did not start")

    def start_dispatcher(self, **settings: str) -> subprocess.Popen[bytes]:
        """A `kataven-hub dispatcher` process (settings as KATAVEN_<name>, for it alone)."""
        env = {**self.env, **{f"KATAVEN_{k}": v for k, v in settings.items()}}
        proc = subprocess.Popen([HUB, "dispatcher"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        self.others.append(proc)
        return proc

    @staticmethod
    def stop(proc: subprocess.Popen[bytes]) -> None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __exit__(self, *exc: object) -> None:
        for proc in [*self.others, *([self.proc] if self.proc else [])]:
            if proc.poll() is None:
                self.stop(proc)
        client = redis.Redis.from_url(REDIS)
        keys = list(client.scan_iter(match=f"khb{self.run}*", count=1000))
        for i in range(0, len(keys), 1000):
            client.delete(*keys[i : i + 1000])
        client.close()

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


# -- campaigns -------------------------------------------------------------------------------------

# Every sandbox call lasts ≥ 1 s, i.e. one (rounded-up) minute of the daily minute budget.
UNCAPPED = {"concurrent_max": 100, "daily_calls_max": 1_000_000, "daily_minutes_max": 1_000_000}
# The sandbox carrier answers and ends every call at once; no pacing below 100,000 dials/s.
ZERO_LATENCY = {
    "SANDBOX_RING_SECONDS": "0",
    "SANDBOX_TALK_SECONDS": "[0,0]",
    "SANDBOX_OUTCOME_WEIGHTS": '{"completed": 1}',
    "DISPATCH_MAX_CPS": "100000",
}


def contacts_csv(n: int, offset: int) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["phone_number", "name"])
    for i in range(n):
        w.writerow([f"+1415{2000000 + offset + i:07d}", f"C{i}"])
    return out.getvalue().encode()


def create_campaign(
    cluster: Cluster, line: dict[str, str], n: int, offset: int, concurrency: int
) -> str:
    """A draft campaign of `n` contacts (numbers from `offset` on) on the sandbox line."""
    form = {"name": "bench", "max_concurrent_calls": str(concurrency), **line}
    r = cluster.api("POST", "/api/v1/campaigns", data=form,
                    files={"contacts": ("c.csv", contacts_csv(n, offset), "text/csv")})  # fmt: skip
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def start_and_wait(cluster: Cluster, *cids: str) -> None:
    """Start the campaigns, then poll until every one is completed."""
    for cid in cids:
        assert cluster.api("POST", f"/api/v1/campaigns/{cid}/start").status_code == 200
    deadline = time.monotonic() + 600
    for cid in cids:
        while True:
            r = cluster.api("GET", f"/api/v1/campaigns/{cid}")
            # 503: the shared PostgreSQL was momentarily out of connections; poll again.
            assert r.status_code in (200, 503), (r.status_code, r.text)
            if r.status_code == 200 and r.json()["status"] == "completed":
                break
            assert time.monotonic() < deadline, "campaign did not finish"
            time.sleep(0.2)


def run_campaign(
    cluster: Cluster, line: dict[str, str], n: int, offset: int, concurrency: int
) -> str:
    cid = create_campaign(cluster, line, n, offset, concurrency)
    start_and_wait(cluster, cid)
    return cid


# -- CPU use ---------------------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # fields 14 and 15 of proc(5)


def children(pid: int) -> list[int]:
    """The direct children of `pid`."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


def pids_named(comm: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == comm:
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores: not idle, not waiting on I/O)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / _TICK


async def pg_backends(run: str) -> list[int]:
    """PostgreSQL processes doing this run's work: the backends connected to its databases,
    and the server's own background processes (WAL writer, checkpointer, …)."""
    conn = await asyncpg.connect(PG + "/postgres")
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname LIKE $1 "
            "OR backend_type <> 'client backend'", f"khb{run}%")  # fmt: skip
    finally:
        await conn.close()
    return [r["pid"] for r in rows]


class CpuMeter:
    """CPU seconds per second of wall time of groups of processes between start() and stop().
    `groups` maps a name to a function listing the group's pids (called at both ends: a process
    that appears in between counts from 0, one that ends in between is lost)."""

    def __init__(self, groups: dict[str, Any]) -> None:
        self.groups = groups
        self.before: dict[str, dict[int, float]] = {}
        self.machine = 0.0
        self.started = 0.0

    def _sample(self) -> dict[str, dict[int, float]]:
        return {
            name: {pid: cpu_seconds(pid) for pid in pids()} for name, pids in self.groups.items()
        }

    def start(self) -> None:
        self.before = self._sample()
        self.machine = machine_busy_seconds()
        self.started = time.perf_counter()

    def stop(self) -> tuple[dict[str, dict[int, float]], float]:
        """Per group, per pid: cores used; and the whole machine's busy cores."""
        wall = time.perf_counter() - self.started
        machine = (machine_busy_seconds() - self.machine) / wall
        after = self._sample()
        use = {
            name: {pid: (t - self.before[name].get(pid, 0.0)) / wall for pid, t in pids.items()}
            for name, pids in after.items()
        }
        return use, machine
