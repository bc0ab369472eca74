"""Calls throughput through a real API process, each figure beside a raw loop doing the same
essential work, in the same run.

    .venv/bin/python bench/calls.py [--runs 5] [--calls 300] [--concurrency 10] [--profile DIR]

The app is one `kataven-hub api` process (uvicorn, as in production; bench/_cluster.py) on
PostgreSQL + Redis; this process is its HTTP client and hosts the local carrier server
(server/tests/fixtures/carriers.py) its Twilio adapter talks to over real HTTP.

1. originates/s (P4, target ratio ≥ 0.5): `POST /api/v1/calls/originate` with an API key (auth,
   request limits, caps in Redis, credentials, the Twilio adapter's request to the carrier
   server, the call recorded before and after it). Baseline: a raw loop on an asyncpg pool of
   the app's size doing the same reads and writes (number and agent reads, the caps' counter
   script, the INSERT committed, the same carrier request through the same HTTP client
   settings, the carrier's answer recorded, the slot confirmed), with no HTTP server, app
   or framework in between.
2. status callbacks/s (P5, target ratio ≥ 0.5): signed Twilio `completed` callbacks to
   `/twilio/status` (signature check, idempotent update, slot release). Baseline: a raw loop
   computing and checking the HMAC and running the same guarded UPDATE, then the slot release.

Each figure is the median of `--runs` runs. `--profile DIR` also samples the API process with
py-spy during the first run (DIR/originate.txt, DIR/callbacks.txt) and prints the functions
where its time goes. Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379;
everything it creates is dropped at exit (bench/_cluster.py).
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))  # the tests package (carrier server fixture)
sys.path.insert(0, str(Path(__file__).parent))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from _cluster import Cluster  # noqa: E402
from _load import summarise  # noqa: E402
from _raw_calls import INSERT, RawOriginate, timed  # noqa: E402
from tests.fixtures.carriers import CarrierServer  # noqa: E402

BIG = 1_000_000


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Spy:
    """py-spy on the API process while a phase runs (no-op without a directory)."""

    def __init__(self, directory: str | None, pid: int, name: str) -> None:
        self.path = Path(directory) / f"{name}.txt" if directory else None
        self.pid = pid
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Spy:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(self.pid),
                 "--rate", "500", "--format", "raw", "--nonblocking", "-o", str(self.path)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(0.5)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.path is None:
            return
        self.proc.send_signal(2)  # SIGINT: py-spy writes what it sampled
        self.proc.wait(60)
        summarise(self.path)


async def main(args: argparse.Namespace) -> None:
    server = CarrierServer()
    await server.start()
    settings = {
        "TWILIO_API_BASE_URL": server.base_url,
        "DB_POOL_SIZE": str(args.pool),
        "DB_MAX_OVERFLOW": "0",  # the PostgreSQL connection limit is shared
        "DISPATCHER_EMBEDDED": "false",
    }
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="kataven-bench-")), **settings)
    try:
        await asyncio.to_thread(cluster.__enter__)
        await bench(args, server, cluster)
    finally:
        await asyncio.to_thread(cluster.__exit__, None, None, None)
        await server.stop()


async def bench(args: argparse.Namespace, server: CarrierServer, cluster: Cluster) -> None:
    # This process shares the app's Redis prefix, for the raw loop's counter script.
    os.environ.update({k: v for k, v in cluster.env.items() if k.startswith("KATAVEN_")})
    from kataven_hub.carriers.signatures import twilio_signature
    from kataven_hub.core.counters import counters
    from kataven_hub.limits import service as limits_service

    r = cluster.api("PATCH", "/api/v1/call-limits", headers=cluster.jwt_headers, json={
        "concurrent_max": BIG, "calls_per_minute": BIG, "daily_calls_max": BIG,
        "daily_minutes_max": BIG})  # fmt: skip
    assert r.status_code == 200, r.text
    client = httpx.AsyncClient(
        base_url=cluster.url, headers=cluster.headers, timeout=60,
        limits=httpx.Limits(max_connections=args.concurrency),
    )  # fmt: skip
    creds = server.new_twilio_account()
    twilio = {"provider": "twilio", "credentials": creds}
    prov = (await client.post("/api/v1/telephony/providers", json=twilio)).json()
    agent = (await client.post("/api/v1/agents", json={"name": "B", "status": "active"})).json()
    number = (await client.post("/api/v1/telephony/numbers", json={
        "e164": "+12025550199", "provider": "twilio", "credentials_id": prov["id"],
        "agent_id": agent["id"]})).json()  # fmt: skip
    body = {"from_number": number["e164"], "to_number": "+14155550100", "agent_id": agent["id"]}
    pool = await asyncpg.create_pool(cluster.tenant_dsn, min_size=args.pool, max_size=args.pool)
    raw = RawOriginate(pool, server, number, agent["id"], cluster.url)
    scope = raw.scope
    n, c = args.calls, args.concurrency

    # -- originates ------------------------------------------------------------------------
    async def originate(_: int) -> None:
        r = await client.post("/api/v1/calls/originate", json=body)
        assert r.status_code == 200, r.text

    # -- callbacks -------------------------------------------------------------------------
    async def prepared_callbacks() -> list:
        server.calls.clear()
        sem = asyncio.Semaphore(c)

        async def one() -> None:
            async with sem:
                await originate(0)

        await asyncio.gather(*[one() for _ in range(n)])
        return [server.callbacks(sid, "completed", duration=30)[-1] for sid in list(server.calls)]

    async def raw_callbacks() -> list[str]:
        rows = [f"sess_raw{uuid.uuid4().hex}" for _ in range(n)]
        async with pool.acquire() as conn:
            await conn.executemany(INSERT, [(r, "+1", "+2", None, None, None) for r in rows])
        for row in rows:
            assert await counters().acquire(scope, raw.windows, member=row) is None
        return rows

    def raw_update(rows: list[str]) -> Callable[[int], Awaitable[None]]:
        async def one(i: int) -> None:
            url = f"{cluster.url}/twilio/status?account=bench&session={rows[i]}"
            params = {"CallSid": "CA1", "CallStatus": "completed", "CallDuration": "30"}
            sig = twilio_signature(creds["auth_token"], url, params)
            assert hmac.compare_digest(sig, twilio_signature(creds["auth_token"], url, params))
            async with pool.acquire() as conn:
                await conn.execute(
                    "UPDATE calls SET status = 'completed', duration_seconds = 30,"
                    " ended_at = now(), updated_at = now()"
                    " WHERE id = $1 AND status = ANY($2::text[])",
                    rows[i], ["queued", "ringing", "in_progress"],
                )  # fmt: skip
            await counters().drop(scope, limits_service.CONCURRENT, rows[i], 3600)

        return one

    pid = cluster.proc.pid if cluster.proc else 0
    await timed(min(n, 50), c, originate)  # warm up both paths
    await timed(min(n, 50), c, raw.one)
    results: dict[str, list[float]] = {k: [] for k in ("orig", "orig_raw", "cb", "cb_raw")}
    cpu_ms: dict[str, list[float]] = {"orig": [], "cb": []}
    for run in range(args.runs):
        profile = args.profile if run == 0 else None
        with Spy(profile, pid, "originate"):
            cpu = cpu_seconds(pid)
            results["orig"].append(await timed(n, c, originate))
            cpu_ms["orig"].append((cpu_seconds(pid) - cpu) * 1000 / n)
        results["orig_raw"].append(await timed(n, c, raw.one))
        callbacks = await prepared_callbacks()

        async def deliver(i: int, callbacks: list = callbacks) -> None:
            r = await server.deliver(client, callbacks[i])
            assert r.status_code == 204, r.text

        with Spy(profile, pid, "callbacks"):
            cpu = cpu_seconds(pid)
            results["cb"].append(await timed(len(callbacks), c, deliver))
            cpu_ms["cb"].append((cpu_seconds(pid) - cpu) * 1000 / len(callbacks))
        rows = await raw_callbacks()
        results["cb_raw"].append(await timed(n, c, raw_update(rows)))
    await raw.clean()
    await client.aclose()
    await raw.aclose()
    await pool.close()

    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"calls/run={n} concurrency={c} runs={args.runs} pool={args.pool} (medians)")  # noqa: T201
    for label, key in (("originates/s", "orig"), ("status callbacks/s", "cb")):
        figure, baseline = med[key], med[key + "_raw"]
        pairs = zip(results[key], results[key + "_raw"], strict=True)
        runs = " ".join(f"{a / b:.2f}" for a, b in pairs)
        line = (
            f"{label:20} {figure:8.1f}   baseline {baseline:8.1f}   ratio {figure / baseline:.2f}"
            f"   (per run: {runs}; API process CPU {statistics.median(cpu_ms[key]):.1f} ms each)"
        )
        print(line)  # noqa: T201


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--pool", type=int, default=10, help="database pool size, app and raw")
    parser.add_argument("--profile", metavar="DIR")
    asyncio.run(main(parser.parse_args()))
