"""Campaign dispatch on PostgreSQL + Redis, through the real originate path (caps, sandbox
carrier, status webhooks, the terminal hook), the dispatcher embedded in one API process.

1. Throughput: dials/s with a zero-latency carrier (every call answered and finished at once),
   beside a raw `FOR UPDATE SKIP LOCKED` claim loop on the same table (claim a batch, mark it
   done, repeat: the database's ceiling for the same state changes).
2. Pacing: a carrier with a fixed handle time; achieved dials/s ÷ min(CPS, concurrency ÷ handle
   time) (target ≥ 0.95), once CPS-bound and once concurrency-bound (0.5 s calls, then 2 s
   calls), and cap violations: calls overlapping beyond max_concurrent_calls, or dials refused
   by a cost cap (target 0).

    .venv/bin/python bench/dispatch.py [--contacts 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).parent))
from _cluster import UNCAPPED, ZERO_LATENCY, Cluster, run_campaign


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=3000)
    args = parser.parse_args()
    out = print
    with tempfile.TemporaryDirectory() as tmp:
        zero = {**ZERO_LATENCY, "DISPATCHER_EMBEDDED": "true"}
        with Cluster(Path(tmp) / "a", **zero) as cluster:
            line = cluster.sandbox_line(**UNCAPPED, calls_per_minute=1_000_000)
            cid = run_campaign(cluster, line, args.contacts, 0, 100)
            m = asyncio.run(measure(cluster.tenant_dsn, cid))
            raw = asyncio.run(raw_claim_loop(cluster.tenant_dsn, cid, 100))
            out(f"zero-latency carrier: {m['n']} dials in {m['seconds']:.1f} s = {m['rate']:.0f} dials/s "
                f"(concurrency 100; {m['completed']} completed, peak {m['peak']} in flight)")  # fmt: skip
            out(f"raw SKIP LOCKED claim+finish loop, same table: {raw:,.0f} contacts/s "
                f"(dispatcher = {m['rate'] / raw:.2%} of it)")  # fmt: skip
        paced = {"SANDBOX_RING_SECONDS": "0.1", "SANDBOX_TALK_SECONDS": "[0.4,0.4]",
                 "SANDBOX_OUTCOME_WEIGHTS": '{"completed": 1}', "DISPATCH_MAX_CPS": "1000",
                 "DISPATCHER_EMBEDDED": "true"}  # fmt: skip
        with Cluster(Path(tmp) / "b", **paced) as cluster:
            line = cluster.sandbox_line(**UNCAPPED)
            for label, cpm, conc, n in (
                ("CPS-bound", 600, 20, 250),
                ("concurrency-bound", 6000, 10, 400),
            ):
                pacing(cluster, line, label, cpm, conc, n)
        # The same concurrency bound with 2 s calls: the fixed cost between a call's end and
        # the next dial on its line weighs less against a longer handle time.
        long_calls = {**paced, "SANDBOX_TALK_SECONDS": "[2.0,2.0]"}
        with Cluster(Path(tmp) / "c", **long_calls) as cluster:
            line = cluster.sandbox_line(**UNCAPPED)
            pacing(cluster, line, "concurrency-bound, 2 s calls", 6000, 10, 120)


def pacing(cluster: Cluster, line: dict[str, str], label: str, cpm: int, conc: int, n: int) -> None:
    r = cluster.api("PATCH", "/api/v1/call-limits", json={"calls_per_minute": cpm},
                    headers=cluster.jwt_headers)  # fmt: skip
    assert r.status_code == 200
    time.sleep(6)  # the dispatcher re-reads an account's rate every 5 s
    cid = run_campaign(cluster, line, n, 10_000 * conc, conc)
    m = asyncio.run(measure(cluster.tenant_dsn, cid))
    bound = min(cpm / 60, conc / m["handle"])
    violations = int(m["refused"]) + max(0, int(m["peak"]) - conc)
    out = print
    out(f"pacing, {label}: CPS {cpm / 60:.0f}, concurrency {conc}, handle {m['handle']:.2f} s "
          f"→ bound {bound:.2f}/s, achieved {m['rate']:.2f}/s = {m['rate'] / bound:.3f}; "
          f"peak in flight {m['peak']}, refused by caps {m['refused']}, violations {violations}")  # fmt: skip


if __name__ == "__main__":
    main()
