"""Scale-out on PostgreSQL + Redis: the same work with one process and with two, and where the
CPU goes, so the reader sees what stops the second process from doubling the figure.

P1. `GET /api/v1/agents/{id}` with an sk_live_ key over 16 keep-alive connections (bench/crud.py's
    load) against `kataven-hub api --workers 1` and `--workers 2`, both up at once and measured
    in alternation: req/s of each and the factor (2 workers ÷ 1).
P6. Campaign dispatch with a zero-latency sandbox carrier (bench/dispatch.py's throughput, there
    with the dispatcher embedded in the API) by 1 and by 2 `kataven-hub dispatcher` processes
    (the API with KATAVEN_DISPATCHER_EMBEDDED=false): dials/s from the contacts' claimed_at, the
    factor, and a check that no contact is dialled twice. A campaign is served by one
    dispatcher at a time (its lease), so every run dials --contacts contacts split over two
    campaigns started together; with two dispatchers each holds one of them
    (KATAVEN_DISPATCH_MAX_CAMPAIGNS=1 for those two), with one it serves both. Campaign
    concurrency 100 each as in dispatch.py; KATAVEN_DB_CONNECT_WAIT_SECONDS=60 (see p6()).
    "not landed": contacts left "originated" because their call's status never arrived (see
    run_until_done()), counted rather than waited for.

Beside each figure, CPU use during it, in cores (CPU seconds per second of wall time, utime +
stime from /proc/<pid>/stat): the API (the uvicorn parent and its workers), the dispatchers,
PostgreSQL (the backends of this run's databases and the server's background processes),
redis-server, this process (the load generator for P1; the campaign poller for P6), and the
whole machine (/proc/stat), whose share nobody here accounts for is printed as "other". Each
figure is the median of --runs runs. The ideal factor is 2.0; this machine has os.cpu_count()
cores, so the ceiling is usually the cores themselves: the closing line of each part says
which, computed from the figures.

    make bench-scale      # or: .venv/bin/python bench/scale.py [--runs 3] [--seconds 4]
                          #                                     [--contacts 1000]

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; every database and Redis key
it creates is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).parent))
from _cluster import (
    UNCAPPED,
    ZERO_LATENCY,
    Cluster,
    CpuMeter,
    children,
    cpu_seconds,
    create_campaign,
    free_port,
    pg_backends,
    pids_named,
)
from _load import build_request, load

out = print
CORES = os.cpu_count() or 1
# A Python process runs its event loop on one core: at this share of one it is the bottleneck.
ONE_CORE = 0.9
STALL = 20.0  # P6: seconds without a contact landing, all claimed, before giving up on the rest


def med(samples: list[dict[str, float]], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def api_pids(proc: subprocess.Popen[bytes]) -> Callable[[], list[int]]:
    return lambda: [proc.pid, *children(proc.pid)]


def ceiling(parts: dict[str, float], machine: float, single: dict[str, float]) -> str:
    """Which resource bounds the figure: the cores, one process's core, or neither."""
    ranked = sorted(parts.items(), key=lambda kv: -kv[1])
    other = max(0.0, machine - sum(parts.values()))
    shares = ", ".join(f"{name} {v:.2f}" for name, v in ranked)
    shares = f"{shares}, other processes {other:.2f}"
    busiest = max(single.items(), key=lambda kv: kv[1])
    if machine >= 0.9 * CORES:
        head = f"ceiling: the {CORES} cores (machine busy {machine:.2f} of {CORES})"
    elif busiest[1] >= ONE_CORE:
        head = (
            f"ceiling: one core, {busiest[0]} at {busiest[1]:.2f} of 1 "
            f"(machine busy {machine:.2f} of {CORES})"
        )
    else:
        head = (
            f"ceiling: not the CPU (machine busy {machine:.2f} of {CORES}, no process at one "
            f"core: {busiest[0]} {busiest[1]:.2f}): waits bound it"
        )
    return f"{head}; cores used: {shares}"


# -- P1 ------------------------------------------------------------------------------------------


def p1_run(
    cluster: Cluster, proc: subprocess.Popen[bytes], port: int, workers: int, request: bytes,
    opts: argparse.Namespace,
) -> dict[str, float] | None:  # fmt: skip
    """One load on the server with `workers` workers; None when a worker served nothing."""
    # --workers 1 serves in the uvicorn process itself; more are its children.
    workers_of = children(proc.pid) if workers > 1 else [proc.pid]
    meter = CpuMeter(
        {
            "api": api_pids(proc),
            "pg": lambda: asyncio.run(pg_backends(cluster.run)),
            "redis": lambda: pids_named("redis-server"),
            "load": lambda: [os.getpid()],
        }
    )
    meter.start()
    result = load("127.0.0.1", port, request, opts.connections, opts.seconds)
    use, machine = meter.stop()
    assert set(result.statuses) == {200}, result.statuses
    # the busiest `workers` children (the others: multiprocessing's helpers)
    per_worker = sorted((use["api"].get(pid, 0.0) for pid in workers_of), reverse=True)[:workers]
    if min(per_worker) < 0.01:
        return None
    sample = {k: sum(v.values()) for k, v in use.items()}
    sample.update(rps=result.rps, machine=machine)
    sample.update({f"w{i}": c for i, c in enumerate(per_worker)})
    return sample


def p1(tmp: Path, opts: argparse.Namespace) -> None:
    settings = {"DB_POOL_SIZE": "16", "DB_MAX_OVERFLOW": "4", "DISPATCHER_EMBEDDED": "false"}
    with Cluster(tmp, workers=1, **settings) as cluster:
        r = cluster.api("POST", "/api/v1/agents", json={"name": "Bench agent"})
        assert r.status_code == 201, r.text
        request = build_request("GET", f"/api/v1/agents/{r.json()['id']}", cluster.headers)
        port2 = free_port()
        assert cluster.proc is not None
        servers = {1: (cluster.proc, cluster.port), 2: (cluster.start_api(port2, 2), port2)}
        for _proc, port in servers.values():  # warm up: every worker's pools and caches
            load("127.0.0.1", port, request, opts.connections, 1.0)
        samples: dict[int, list[dict[str, float]]] = {1: [], 2: []}
        lopsided = 0  # runs where a worker got no connection (the kernel hands them out)
        for _ in range(opts.runs):
            for workers, (proc, port) in servers.items():
                for _attempt in range(5):
                    sample = p1_run(cluster, proc, port, workers, request, opts)
                    if sample is not None:
                        samples[workers].append(sample)
                        break
                    lopsided += 1
                else:
                    raise RuntimeError(f"{workers} workers: one of them served nothing 5 times")
    out(
        f"P1 GET /api/v1/agents/{{id}}, sk_live_ key, {opts.connections} connections "
        f"(medians of {opts.runs} runs of {opts.seconds:g} s); CPU in cores of {CORES}"
    )
    out(
        f"{'':11}{'req/s':>7}{'API':>7}{'(per worker)':>14}{'PG':>7}{'Redis':>7}"
        f"{'loadgen':>9}{'machine':>9}{'other':>7}"
    )
    m: dict[int, dict[str, float]] = {}
    for workers, runs in samples.items():
        m[workers] = {k: med(runs, k) for k in runs[0]}
        x = m[workers]
        per = "+".join(f"{x[f'w{i}']:.2f}" for i in range(workers))
        other = max(0.0, x["machine"] - x["api"] - x["pg"] - x["redis"] - x["load"])
        out(
            f"{workers} worker{'s' if workers > 1 else ' '}  {x['rps']:7.0f}{x['api']:7.2f}"
            f"{per:>14}{x['pg']:7.2f}{x['redis']:7.2f}{x['load']:9.2f}{x['machine']:9.2f}"
            f"{other:7.2f}"
        )
    out(f"factor 2 workers ÷ 1: {m[2]['rps'] / m[1]['rps']:.2f} (ideal 2.00)")
    if lopsided:
        out(f"({lopsided} load(s) repeated: one worker got none of the {opts.connections} "
            "connections, which the kernel hands to whichever worker accepts first)")  # fmt: skip
    for workers in (1, 2):
        x = m[workers]
        parts = {"API": x["api"], "PostgreSQL": x["pg"], "Redis": x["redis"],
                 "load generator": x["load"]}  # fmt: skip
        single = {f"API worker {i + 1}": x[f"w{i}"] for i in range(workers)}
        single["the load generator"] = x["load"]
        out(f"{workers} worker{'s' if workers > 1 else ''}: {ceiling(parts, x['machine'], single)}")


# -- P6 ------------------------------------------------------------------------------------------


async def dials(dsn: str, cids: list[str]) -> dict[str, float]:
    conn = await asyncpg.connect(dsn)
    try:
        claims = await conn.fetchrow(
            "SELECT count(*) n, count(*) FILTER (WHERE status = 'completed') done, "
            "extract(epoch FROM max(claimed_at) - min(claimed_at)) s "
            "FROM campaign_contacts WHERE campaign_id = ANY($1::text[])", cids)  # fmt: skip
        calls = await conn.fetchrow(
            "SELECT count(*) calls, count(DISTINCT contact_id) contacts FROM calls "
            "WHERE campaign_id = ANY($1::text[])", cids)  # fmt: skip
    finally:
        await conn.close()
    seconds = float(claims["s"] or 0)
    return {"n": claims["n"], "done": claims["done"], "seconds": seconds,
            "rate": (claims["n"] - 1) / (seconds or 1), "calls": calls["calls"],
            "twice": calls["calls"] - calls["contacts"]}  # fmt: skip


def p6(tmp: Path, opts: argparse.Namespace) -> None:
    half = opts.contacts // 2
    samples: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    # A status callback that waits longer than DB_CONNECT_WAIT_SECONDS for a connection is lost
    # (the sandbox does not retry it) and its contact stays "originated": on a busy machine the
    # default 5 s is not enough, so the wait is raised.
    settings = {**ZERO_LATENCY, "DISPATCHER_EMBEDDED": "false", "DB_CONNECT_WAIT_SECONDS": "60"}
    with Cluster(tmp, **settings) as cluster:
        line = cluster.sandbox_line(
            **{**UNCAPPED, "concurrent_max": 200}, calls_per_minute=1_000_000
        )
        assert cluster.proc is not None
        api = cluster.proc
        offset = 0
        for _ in range(opts.runs):
            for n in (1, 2):
                extra = {"DISPATCH_MAX_CAMPAIGNS": "1"} if n == 2 else {}
                procs = [cluster.start_dispatcher(**extra) for _ in range(n)]
                cids = []
                for _ in range(2):
                    cids.append(create_campaign(cluster, line, half, offset, 100))
                    offset += half
                settle(procs)
                meter = CpuMeter(
                    {
                        "api": api_pids(api),
                        **{f"d{i}": (lambda p=p: [p.pid]) for i, p in enumerate(procs)},
                        "pg": lambda: asyncio.run(pg_backends(cluster.run)),
                        "redis": lambda: pids_named("redis-server"),
                        "bench": lambda: [os.getpid()],
                    }
                )
                meter.start()
                use, machine = run_until_done(cluster, cids, meter)
                for proc in procs:
                    assert proc.poll() is None, "a dispatcher exited"
                    cluster.stop(proc)
                d = asyncio.run(dials(cluster.tenant_dsn, cids))
                assert d["n"] == 2 * half, d
                assert d["twice"] == 0, d  # no contact dialled twice
                assert d["calls"] == d["n"], d  # one call per contact
                sample = {k: sum(v.values()) for k, v in use.items()}
                sample.update(rate=d["rate"], machine=machine, twice=d["twice"], calls=d["calls"],
                              lost=d["n"] - d["done"])  # fmt: skip
                per = sorted((sample[f"d{i}"] for i in range(n)), reverse=True)
                assert all(c > 0.05 for c in per), per  # both dispatchers dialled
                sample.update({f"d{i}": c for i, c in enumerate(per)})
                sample["disp"] = sum(per)
                samples[n].append(sample)
    out(
        f"P6 campaign dispatch, zero-latency sandbox carrier, {2 * half} contacts in 2 campaigns "
        f"(medians of {opts.runs} runs); CPU in cores of {CORES}"
    )
    out(
        f"{'':14}{'dials/s':>8}{'API':>7}{'dispatchers':>14}{'PG':>7}{'Redis':>7}"
        f"{'poller':>8}{'machine':>9}{'other':>7}{'dialled twice':>15}{'not landed':>12}"
    )
    m: dict[int, dict[str, float]] = {}
    for n, runs in samples.items():
        m[n] = {k: med(runs, k) for k in runs[0]}
        x = m[n]
        per = "+".join(f"{x[f'd{i}']:.2f}" for i in range(n))
        other = max(0.0, x["machine"] - x["api"] - x["disp"] - x["pg"] - x["redis"] - x["bench"])
        twice = sum(s["twice"] for s in runs)
        lost = sum(s["lost"] for s in runs)
        out(
            f"{n} dispatcher{'s' if n > 1 else ' '}  {x['rate']:8.0f}{x['api']:7.2f}{per:>14}"
            f"{x['pg']:7.2f}{x['redis']:7.2f}{x['bench']:8.2f}{x['machine']:9.2f}{other:7.2f}"
            f"{twice:15.0f}{lost:12.0f}"
        )
    out(f"factor 2 dispatchers ÷ 1: {m[2]['rate'] / m[1]['rate']:.2f} (ideal 2.00)")
    for n in (1, 2):
        x = m[n]
        parts = {"dispatchers": x["disp"], "API": x["api"], "PostgreSQL": x["pg"],
                 "Redis": x["redis"], "poller": x["bench"]}  # fmt: skip
        single = {f"dispatcher {i + 1}": x[f"d{i}"] for i in range(n)}
        out(f"{n} dispatcher{'s' if n > 1 else ''}: {ceiling(parts, x['machine'], single)}")


def run_until_done(
    cluster: Cluster, cids: list[str], meter: CpuMeter
) -> tuple[dict[str, dict[int, float]], float]:
    """Start the campaigns and wait until they complete, or until every contact is claimed
    and none has landed for STALL seconds (a status callback lost: its contact stays
    "originated"). CPU use is read at the last contact that landed."""
    for cid in cids:
        assert cluster.api("POST", f"/api/v1/campaigns/{cid}/start").status_code == 200

    async def counts() -> tuple[int, int]:
        conn = await asyncpg.connect(cluster.tenant_dsn)
        try:
            row = await conn.fetchrow(
                "SELECT count(*) FILTER (WHERE status = 'pending') pending, "
                "count(*) FILTER (WHERE status = 'completed') done FROM campaign_contacts "
                "WHERE campaign_id = ANY($1::text[])", cids)  # fmt: skip
        finally:
            await conn.close()
        return row["pending"], row["done"]

    reading = meter.stop()
    landed, since = -1, time.monotonic()
    while True:
        statuses = [cluster.api("GET", f"/api/v1/campaigns/{c}").json()["status"] for c in cids]
        if all(s == "completed" for s in statuses):
            return meter.stop()
        try:
            pending, done = asyncio.run(counts())
        except asyncpg.TooManyConnectionsError:  # PostgreSQL is shared: try again
            time.sleep(0.2)
            continue
        if done != landed:
            landed, since, reading = done, time.monotonic(), meter.stop()
        elif pending == 0 and time.monotonic() - since > STALL:
            return reading
        assert time.monotonic() - since < 600, "no progress for 10 minutes"
        time.sleep(0.2)


def settle(procs: list[subprocess.Popen[bytes]]) -> None:
    """Wait until the dispatchers have started (imports done, CPU use flat for half a second)."""
    last = -1.0
    for _ in range(120):
        time.sleep(0.5)
        now = sum(cpu_seconds(p.pid) for p in procs)
        if now - last < 0.03 * len(procs):
            return
        last = now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0, help="P1: each load's length")
    parser.add_argument("--connections", type=int, default=16, help="P1: keep-alive connections")
    parser.add_argument("--contacts", type=int, default=1000, help="P6: contacts per run")
    parser.add_argument("--only", choices=["p1", "p6"], help="run one part")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if opts.only in (None, "p1"):
            p1(Path(tmp) / "p1", opts)
        if opts.only in (None, "p6"):
            p6(Path(tmp) / "p6", opts)


if __name__ == "__main__":
    main()
