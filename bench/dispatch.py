"""Campaign dispatch on PostgreSQL + Redis, through the real originate path (caps, sandbox
carrier, status webhooks, the terminal hook), the dispatcher embedded in one API process
(and, for P7, also in a process of its own).

1. Throughput (P6, target ratio ≥ 0.5): dials/s with a zero-latency carrier (every call answered
   and finished at once), concurrency 100, beside the raw originate loop of bench/calls.py
   (bench/_raw_calls.py: the same reads, counter script, INSERT, carrier request to a local
   carrier server and UPDATE on asyncpg) at the same concurrency, on the same database, and a
   raw `FOR UPDATE SKIP LOCKED` claim loop on the same table (claim a batch, mark it done,
   repeat: the database's ceiling for the contact state changes alone).
2. Pacing: a carrier with a fixed handle time; achieved dials/s ÷ min(CPS, concurrency ÷ handle
   time) (target ≥ 0.95), once CPS-bound and once concurrency-bound (0.5 s calls, then 2 s
   calls), and cap violations: calls overlapping beyond max_concurrent_calls, or dials refused
   by a cost cap (target 0).
3. Pacing under load (P7): the concurrency-bound case again while `--load-connections`
   keep-alive connections send `GET /api/v1/agents/{id}` with the API key to the same API
   process (bench/_load.py, as bench/crud.py does), the whole time the campaign runs; once with
   the dispatcher embedded in that API process (the embedded default) and once with it in a
   `kataven-hub dispatcher` process of its own (the production layout).

Figures are medians of `--runs` runs (the ratio of each run is printed too).

    .venv/bin/python bench/dispatch.py [--contacts 3000] [--runs 3] [--load-connections 16]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).parent))
from _cluster import UNCAPPED, Cluster, run_campaign
from _load import build_request, load
from _raw_calls import RawOriginate
from tests.fixtures.carriers import CarrierServer

async def measure(dsn: str, cid: str) -> dict[str, float]:
    conn = await asyncpg.connect(dsn)
    try:
        claims = await conn.fetchrow(
            "SELECT count(*) n, extract(epoch FROM max(claimed_at) - min(claimed_at)) s "
            "FROM campaign_contacts WHERE campaign_id = $1", cid)  # fmt: skip
        calls = await conn.fetch(
            "SELECT extract(epoch FROM created_at) a, extract(epoch FROM ended_at) b "
            "FROM calls WHERE campaign_id = $1 ORDER BY created_at", cid)  # fmt: skip
        refused = await conn.fetchval(
            "SELECT count(*) FROM campaign_events WHERE campaign_id = $1 "
            "AND data->>'reason' = 'call_limit_reached'", cid)  # fmt: skip
        done = await conn.fetchval(
            "SELECT count(*) FROM campaign_contacts WHERE campaign_id = $1 AND status = 'completed'",
            cid,
        )
    finally:
        await conn.close()
    points = sorted(
        [(float(c["a"]), 1) for c in calls] + [(float(c["b"]), -1) for c in calls if c["b"]]
    )
    level = peak = 0
    for _, step in points:
        level += step
        peak = max(peak, level)
    handle = sum(float(c["b"]) - float(c["a"]) for c in calls if c["b"]) / max(1, len(calls))
    return {"n": claims["n"], "seconds": float(claims["s"] or 0), "rate": (claims["n"] - 1) / float(claims["s"] or 1),
            "peak": peak, "handle": handle, "refused": refused, "completed": done}  # fmt: skip


async def raw_claim_loop(dsn: str, cid: str, batch: int) -> float:
    """Reset the campaign's contacts to pending, then claim-and-finish them in batches."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "UPDATE campaign_contacts SET status = 'pending' WHERE campaign_id = $1", cid
        )
        started, total = time.perf_counter(), 0
        while True:
            async with conn.transaction():
                rows = await conn.fetch(
                    "WITH due AS (SELECT id FROM campaign_contacts WHERE campaign_id = $1 "
                    "AND status = 'pending' ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED) "
                    "UPDATE campaign_contacts c SET status = 'originated', attempts = attempts + 1, "
                    "claimed_at = now() FROM due WHERE c.id = due.id RETURNING c.id", cid, batch)  # fmt: skip
            if not rows:
                break
            async with conn.transaction():
                await conn.execute(
                    "UPDATE campaign_contacts SET status = 'completed', completed_at = now() "
                    "WHERE id = ANY($1::text[])", [r["id"] for r in rows])  # fmt: skip
            total += len(rows)
        return total / (time.perf_counter() - started)
    finally:
        await conn.close()


async def raw_originate_loop(cluster: Cluster, line: dict[str, str], n: int, conc: int) -> float:
    """bench/_raw_calls.py's loop on the cluster's database (its own carrier server)."""
    os.environ.update({k: v for k, v in cluster.env.items() if k.startswith("KATAVEN_")})
    from kataven_hub.core import counters, redis

    server = CarrierServer()
    await server.start()
    pool = await asyncpg.create_pool(cluster.tenant_dsn, min_size=10, max_size=10)
    try:
        number = await pool.fetchrow(
            "SELECT id, e164, credentials_id FROM phone_numbers WHERE id = $1",
            line["phone_number_id"],
        )
        raw = RawOriginate(pool, server, dict(number), line["agent_id"], cluster.url)
        try:
            await raw.run(min(n, 50), conc)  # warm up
            return await raw.run(n, conc)
        finally:
            await raw.clean()
            await raw.aclose()
    finally:
        await pool.close()
        await server.stop()
        await redis.close()
        counters.reset()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-connections", type=int, default=16)
    parser.add_argument("--only", choices=["throughput", "pacing", "load"], help="one part only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        zero = {"SANDBOX_RING_SECONDS": "0", "SANDBOX_TALK_SECONDS": "[0,0]",
                "SANDBOX_OUTCOME_WEIGHTS": '{"completed": 1}', "DISPATCH_MAX_CPS": "100000",
                "DISPATCHER_EMBEDDED": "true"}  # fmt: skip
        if args.only in (None, "throughput"):
            throughput(args, Path(tmp) / "a", zero)
        paced = {"SANDBOX_RING_SECONDS": "0.1", "SANDBOX_TALK_SECONDS": "[0.4,0.4]",
                 "SANDBOX_OUTCOME_WEIGHTS": '{"completed": 1}', "DISPATCH_MAX_CPS": "1000",
                 "DISPATCHER_EMBEDDED": "true"}  # fmt: skip
        if args.only in (None, "pacing", "load"):
            with Cluster(Path(tmp) / "b", **paced) as cluster:
                line = cluster.sandbox_line(**UNCAPPED)
                if args.only != "load":
                    for label, cpm, conc, n in (
                        ("CPS-bound", 600, 20, 250),
                        ("concurrency-bound", 6000, 10, 400),
                    ):
                        pacing(cluster, line, label, cpm, conc, n, args.runs)
                pacing(cluster, line, "concurrency-bound, under API load", 6000, 10, 400,
                       args.runs, load_connections=args.load_connections)  # fmt: skip
        if args.only in (None, "load"):
            # The production layout: the dispatcher in its own process, the API under load.
            apart = {**paced, "DISPATCHER_EMBEDDED": "false"}
            with Cluster(Path(tmp) / "d", **apart) as cluster:
                line = cluster.sandbox_line(**UNCAPPED)
                cluster.start_dispatcher()
                label = "concurrency-bound, under API load, dispatcher apart"
                pacing(cluster, line, label, 6000, 10, 400, args.runs,
                       load_connections=args.load_connections)  # fmt: skip
        if args.only in (None, "pacing"):
            # The same concurrency bound with 2 s calls: the fixed cost between a call's end
            # and the next dial on its line weighs less against a longer handle time.
            long_calls = {**paced, "SANDBOX_TALK_SECONDS": "[2.0,2.0]"}
            with Cluster(Path(tmp) / "c", **long_calls) as cluster:
                line = cluster.sandbox_line(**UNCAPPED)
                pacing(cluster, line, "concurrency-bound, 2 s calls", 6000, 10, 120, args.runs)


def throughput(args: argparse.Namespace, tmp: Path, zero: dict[str, str]) -> None:
    out = print
    with Cluster(tmp, **zero) as cluster:
        line = cluster.sandbox_line(**UNCAPPED, calls_per_minute=1_000_000)
        rates, raws, claims = [], [], []
        for run in range(args.runs):
            cid = run_campaign(cluster, line, args.contacts, run * args.contacts, 100)
            m = asyncio.run(measure(cluster.tenant_dsn, cid))
            raw = asyncio.run(raw_originate_loop(cluster, line, min(args.contacts, 1500), 100))
            claim = asyncio.run(raw_claim_loop(cluster.tenant_dsn, cid, 100))
            rates.append(m["rate"])
            raws.append(raw)
            claims.append(claim)
            out(f"  run {run + 1}: {m['n']} dials in {m['seconds']:.1f} s = "
                f"{m['rate']:.1f} dials/s ({m['completed']} completed, peak {m['peak']} "
                f"in flight); raw originate {raw:.1f}/s, ratio {m['rate'] / raw:.2f}")  # fmt: skip
        rate, raw, claim = (statistics.median(v) for v in (rates, raws, claims))
        out(f"P6 zero-latency carrier, concurrency 100: {rate:.1f} dials/s; raw originate "
            f"loop (same concurrency) {raw:.1f}/s; ratio {rate / raw:.2f} "
            f"(medians of {args.runs})")  # fmt: skip
        out(f"raw SKIP LOCKED claim+finish loop, same table: {claim:,.0f} contacts/s "
            f"(dispatcher = {rate / claim:.2%} of it)")  # fmt: skip


class Background:
    """`GET /api/v1/agents/{id}` load on the API (bench/_load.py) until stopped."""

    def __init__(self, cluster: Cluster, agent_id: str, connections: int) -> None:
        self.port = urlsplit(cluster.url).port or 80
        self.request = build_request("GET", f"/api/v1/agents/{agent_id}", cluster.headers)
        self.connections = connections
        self.requests = 0
        self.seconds = 0.0
        self.statuses: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            r = load("127.0.0.1", self.port, self.request, self.connections, 1.0)
            self.requests += r.requests
            self.seconds += r.seconds
            for status, count in r.statuses.items():
                self.statuses[status] = self.statuses.get(status, 0) + count

    def __enter__(self) -> Background:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def pacing(
    cluster: Cluster, line: dict[str, str], label: str, cpm: int, conc: int, n: int, runs: int,
    load_connections: int = 0,
) -> None:  # fmt: skip
    r = cluster.api("PATCH", "/api/v1/call-limits", json={"calls_per_minute": cpm},
                    headers=cluster.jwt_headers)  # fmt: skip
    assert r.status_code == 200
    time.sleep(6)  # the dispatcher re-reads an account's rate every 5 s
    ratios, violations, loads = [], 0, []
    statuses: Counter[int] = Counter()
    out = print
    for run in range(runs):
        offset = 10_000 * conc + 1_000 * run + (500_000 if load_connections else 0)
        if load_connections:
            with Background(cluster, line["agent_id"], load_connections) as bg:
                cid = run_campaign(cluster, line, n, offset, conc)
            loads.append(bg.requests / max(bg.seconds, 1e-9))
            statuses.update(bg.statuses)
        else:
            cid = run_campaign(cluster, line, n, offset, conc)
        m = asyncio.run(measure(cluster.tenant_dsn, cid))
        bound = min(cpm / 60, conc / m["handle"])
        over = int(m["refused"]) + max(0, int(m["peak"]) - conc)
        violations += over
        ratios.append(m["rate"] / bound)
        extra = f"; API load {loads[-1]:.0f} req/s" if loads else ""
        out(f"  run {run + 1}: handle {m['handle']:.2f} s → bound {bound:.2f}/s, achieved "
            f"{m['rate']:.2f}/s = {m['rate'] / bound:.3f}; peak in flight {m['peak']}, "
            f"refused by caps {m['refused']}{extra}")  # fmt: skip
    answers = ", ".join(f"{n} × {status}" for status, n in sorted(statuses.items()))
    extra = f", API load {statistics.median(loads):.0f} req/s ({answers})" if loads else ""
    out(f"pacing, {label}: CPS {cpm / 60:.0f}, concurrency {conc}: achieved/bound "
        f"{statistics.median(ratios):.3f} (median of {runs}), cap violations {violations}"
        f"{extra}")  # fmt: skip


if __name__ == "__main__":
    main()
