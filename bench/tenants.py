"""Tenant fan-out on PostgreSQL (one database per account): `GET /api/v1/agents/{id}` from
--clients keep-alive clients, each request with the key of a random one of --accounts accounts
(so latencies include engine-cache misses, pool openings and waits for the per-process
connection budget), beside the same load on one account, in the same run.

    make bench-tenants    # or: .venv/bin/python bench/tenants.py [--accounts 1000]
                          #     [--clients 50] [--seconds 10] [--runs 3] [--set NAME=VALUE]

Target: fan-out p99 ≤ 2 × the one-account p99, no 5xx (503 database_busy counts against it),
and the API process never holds more tenant connections than DB_TENANT_CONNECTIONS_MAX
(sampled from pg_stat_activity every 100 ms; its control pool is counted beside them).

Setup: one `kataven-hub api` process on a fresh control database (bench/_cluster.py). The first
account is created with `kataven-hub accounts create` (timed: seconds each, too slow for a
thousand); the others are clones of its freshly migrated and seeded database
(`CREATE DATABASE … TEMPLATE …`) registered through the project's services, as the operator
commands would: the account row (AccountRepository), generous request limits
(rate_limits.set_limits), then in each account's own database an API key (api_keys.create) and
an agent (agents.create). Before the runs every account is requested once (key and limits caches
warm, as in steady state). Figures are medians of --runs runs; --set NAME=VALUE passes
KATAVEN_NAME to the API process (e.g. --set TENANT_ENGINE_CACHE_SIZE=256).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _cluster import PG, Cluster
from _load import Result, build_request, load, median
from crud import profile

LIMITS = {
    "requests_per_minute": 1_000_000_000,
    "requests_per_hour": 1_000_000_000,
    "requests_per_day": 1_000_000_000,
    "concurrent_requests": 100_000,
}


def slug_of(i: int) -> str:
    return f"a{i:04d}"


# -- setup --------------------------------------------------------------------------------------
async def _clone(template: str, names: list[str], parallel: int = 4) -> None:
    """Copies of the template database (nothing may be connected to it meanwhile)."""
    todo = list(names)

    async def worker() -> None:
        conn = await asyncpg.connect(PG + "/postgres")
        try:
            while todo:
                await conn.execute(f'CREATE DATABASE "{todo.pop()}" TEMPLATE "{template}"')
        finally:
            await conn.close()

    await asyncio.gather(*[worker() for _ in range(parallel)])


async def _register(slugs: list[str], cloned: list[str]) -> dict[str, tuple[str, str]]:
    """Control rows for the cloned databases and limits for every account, then a key and an
    agent in each account's database: {slug: (key, agent id)}."""
    from kataven_hub.accounts.models import Account
    from kataven_hub.accounts.repository import AccountRepository
    from kataven_hub.agents import service as agents_service
    from kataven_hub.agents.schemas import AgentCreate
    from kataven_hub.api_keys import service as api_keys_service
    from kataven_hub.api_keys.schemas import ApiKeyCreate
    from kataven_hub.core import tenancy
    from kataven_hub.core.auth import Principal
    from kataven_hub.core.db import ControlSession, TenantSession, new_session
    from kataven_hub.core.ids import new_id
    from kataven_hub.core.settings import configure
    from kataven_hub.rate_limits import service as rate_limits_service
    from kataven_hub.rate_limits.schemas import RateLimitsUpdate

    registry = tenancy.init(configure())
    try:
        async with new_session(registry.control_engine) as session:
            accounts = AccountRepository(ControlSession(session))
            for slug in cloned:
                await accounts.add(
                    Account(
                        id=new_id("acct"),
                        slug=slug,
                        name=slug,
                        database_name=registry.database_name(slug),
                    )
                )
            await session.flush()
            for slug in slugs:
                await rate_limits_service.set_limits(
                    ControlSession(session), slug, RateLimitsUpdate(**LIMITS)
                )
            await session.commit()

        out: dict[str, tuple[str, str]] = {}
        todo = list(slugs)

        async def worker() -> None:
            while todo:
                slug = todo.pop()
                for attempt in range(100):  # the cluster may be full for a moment
                    try:
                        await one(slug)
                        break
                    except Exception as exc:
                        if "too many clients" not in str(exc) or attempt == 99:
                            raise
                        await asyncio.sleep(0.2)

        async def one(slug: str) -> None:
            engine = await registry.engine_for(slug)
            assert engine is not None
            async with new_session(engine) as session:
                key, plaintext = await api_keys_service.create(
                    TenantSession(session), slug, ApiKeyCreate(name="bench", expiry=None), None
                )
                principal = Principal(slug, "api_key", key.id, "api_key")
                agent = await agents_service.create(
                    TenantSession(session),
                    principal,
                    AgentCreate(name="Bench", status="active"),
                )
                await session.commit()
            await registry.forget(slug)  # one pool per worker at a time
            out[slug] = (plaintext, agent["id"])

        await asyncio.gather(*[worker() for _ in range(4)])
        return out
    finally:
        await tenancy.shutdown()


def setup(cluster: Cluster, n: int) -> tuple[dict[str, tuple[str, str]], float, float]:
    """`n` accounts: ({slug: (key, agent id)}, seconds of one `accounts create`, seconds in all)."""
    started = time.perf_counter()
    first = slug_of(0)
    cluster._cli("accounts", "create", first)
    one = time.perf_counter() - started
    prefix = cluster.env["KATAVEN_TENANT_DB_PREFIX"]
    slugs = [slug_of(i) for i in range(n)]
    asyncio.run(_clone(prefix + first, [prefix + s for s in slugs[1:]]))
    os.environ.update({k: v for k, v in cluster.env.items() if k.startswith("KATAVEN_")})
    accounts = asyncio.run(_register(slugs, slugs[1:]))
    return accounts, one, time.perf_counter() - started


async def _warm(url: str, accounts: dict[str, tuple[str, str]], clients: int) -> dict[int, int]:
    """Every account requested once."""
    todo = list(accounts.items())
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def worker() -> None:
            while todo:
                _slug, (key, agent) = todo.pop()
                r = await client.get(
                    f"/api/v1/agents/{agent}", headers={"Authorization": f"Bearer {key}"}
                )
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        await asyncio.gather(*[worker() for _ in range(clients)])
    return statuses


# -- connections --------------------------------------------------------------------------------
class Connections:
    """Samples the API process's connections in pg_stat_activity every 100 ms, in a thread:
    peak tenant connections (databases under the run's prefix) and control connections."""

    def __init__(self, prefix: str, control: str) -> None:
        self.prefix, self.control = prefix, control
        self.peak_tenant = self.peak_control = self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        while True:  # PostgreSQL may be full for a moment (other clients of the cluster)
            try:
                conn = await asyncpg.connect(
                    PG + "/postgres", server_settings={"application_name": "b"}
                )
                break
            except asyncpg.TooManyConnectionsError:
                await asyncio.sleep(0.05)
        try:
            while not self._stop.is_set():
                row = await conn.fetchrow(
                    "SELECT count(*) FILTER (WHERE starts_with(datname, $1)) AS tenant,"
                    " count(*) FILTER (WHERE datname = $2) AS control"
                    " FROM pg_stat_activity WHERE application_name = 'kataven-hub'",
                    self.prefix,
                    self.control,
                )
                self.peak_tenant = max(self.peak_tenant, row["tenant"])
                self.peak_control = max(self.peak_control, row["control"])
                self.samples += 1
                await asyncio.sleep(0.1)
        finally:
            await conn.close()

    def __enter__(self) -> Connections:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


# -- load ---------------------------------------------------------------------------------------
def measure(cluster: Cluster, request: Any, opts: argparse.Namespace) -> dict[str, Any]:
    prefix = cluster.env["KATAVEN_TENANT_DB_PREFIX"]
    with Connections(prefix, cluster.control) as conns:
        result: Result = load("127.0.0.1", cluster.port, request, opts.clients, opts.seconds, True)
    lat = sorted(result.latencies)
    return {
        "rps": result.rps,
        "p50": 1000 * lat[len(lat) // 2],
        "p99": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
        "max": 1000 * lat[-1],
        "tenant": conns.peak_tenant,
        "control": conns.peak_control,
        "samples": conns.samples,
        "statuses": result.statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="instead of the figures, sample the app with py-spy under both loads and write "
        "DIR/{one,fanout}.txt (collapsed stacks) and the functions where time goes",
    )
    opts = parser.parse_args()
    opts.connections = opts.clients  # for crud.profile
    overrides = dict(s.split("=", 1) for s in opts.set)

    with tempfile.TemporaryDirectory() as tmp, Cluster(Path(tmp), **overrides) as cluster:
        accounts, one, total = setup(cluster, opts.accounts)
        warm = asyncio.run(_warm(cluster.url, accounts, opts.clients))
        budget = int(overrides.get("DB_TENANT_CONNECTIONS_MAX", "40"))
        cache = overrides.get("TENANT_ENGINE_CACHE_SIZE", "128")
        print(
            f"setup: {opts.accounts} accounts in {total:.1f}s (`accounts create` of the first "
            f"{one:.1f}s; the others cloned from its database and registered through the "
            f"services); warm-up (each account once): {warm}",
            flush=True,
        )
        print(
            f"{opts.clients} clients, {opts.seconds:g}s per load, medians of {opts.runs} runs; "
            f"engine cache {cache}, tenant connection budget {budget}"
            + (f"; {' '.join(opts.set)}" if opts.set else "")
        )
        requests = [
            build_request("GET", f"/api/v1/agents/{agent}", {"Authorization": f"Bearer {key}"})
            for key, agent in accounts.values()
        ]
        one_account = requests[0]
        rng = random.Random(1)
        fan_out = f"{opts.accounts} accounts"
        kinds = {
            "one account": lambda: one_account,
            fan_out: lambda: requests[rng.randrange(len(requests))],
        }
        if opts.profile:
            assert cluster.proc is not None
            for name, request in zip(("one", "fanout"), kinds.values(), strict=True):
                profile(cluster.proc.pid, cluster.port, request, opts, name)
            return
        figures: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
        for run in range(opts.runs):
            for kind, request in kinds.items():
                figures[kind].append(measure(cluster, request, opts))
                f = figures[kind][-1]
                print(
                    f"  run {run + 1} {kind:>14}: {f['rps']:6.0f} req/s  p50 {f['p50']:6.1f} ms"
                    f"  p99 {f['p99']:6.1f} ms  max {f['max']:7.1f} ms  peak connections "
                    f"{f['tenant']} tenant + {f['control']} control ({f['samples']} samples)  "
                    f"{f['statuses']}",
                    flush=True,
                )

        print(
            f"\n{'':>15}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
            f"{'peak tenant conns':>19}{'peak control':>14}  statuses (all runs)"
        )
        med: dict[str, dict[str, float]] = {}
        for kind, runs in figures.items():
            med[kind] = {k: median([r[k] for r in runs]) for k in ("rps", "p50", "p99", "max")}
            statuses: dict[int, int] = {}
            for r in runs:
                for code, n in r["statuses"].items():
                    statuses[code] = statuses.get(code, 0) + n
            peak_t = max(r["tenant"] for r in runs)
            peak_c = max(r["control"] for r in runs)
            m = med[kind]
            print(
                f"{kind:>15}{m['rps']:8.0f}{m['p50']:9.1f}{m['p99']:9.1f}{m['max']:9.1f}"
                f"{f'{peak_t} / {budget}':>19}{peak_c:>14}  {dict(sorted(statuses.items()))}"
            )
        fan = figures[fan_out]
        ratio = med[fan_out]["p99"] / med["one account"]["p99"]
        errors = sum(n for r in fan for code, n in r["statuses"].items() if code >= 500)
        peak = max(r["tenant"] for r in fan)
        ok = ratio <= 2 and errors == 0 and peak <= budget
        print(
            f"\np99 fan-out / one account: {ratio:.2f} (target ≤ 2); fan-out 5xx: {errors}; "
            f"peak tenant connections {peak} (budget {budget}): "
            f"{'target met' if ok else 'target MISSED'}"
        )
        for kind, runs in figures.items():
            p99s = ", ".join(f"{r['p99']:.1f}" for r in runs)
            print(f"({kind} p99 of each run: {p99s} ms)")


if __name__ == "__main__":
    main()
