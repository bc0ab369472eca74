"""Campaign CSV ingest on PostgreSQL: `POST /api/v1/campaigns` with a 1,000,000-row CSV (2 %
duplicate numbers, 1 % on a 10,000-number do-not-call list; the size limit raised by
KATAVEN_CAMPAIGN_CSV_MAX_BYTES), beside `COPY … FROM STDIN (FORMAT csv)` of the same rows
already normalised (ids, E.164, JSON) into the same table, and the failure path (5 % invalid rows
→ 400 naming the first 20). Reports rows/s, the ratio ingest ÷ COPY (target ≥ 0.25) and the
API process's peak RSS (target ≤ 300 MB).

Beside it, the campaign controls: `POST /api/v1/campaigns/preflight` of the same upload (target
≥ 0.8 of the ingest's rows/s) and `GET /api/v1/campaigns/{id}/contacts.csv` of the 1,000,000
contacts read to the end over HTTP, beside `COPY (SELECT …) TO STDOUT (FORMAT csv)` of the same
rows' stored columns (target ≥ 0.5), each with the API's peak RSS during it alone (the kernel's
high-water mark is reset before each; target ≤ 300 MB). Each timing is the median of `--repeat`
runs (ingest: one campaign per run).

    .venv/bin/python bench/ingest.py [--rows 1000000] [--repeat 3]

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379. The upload goes over real HTTP
to one `kataven-hub api` process (the time includes the multipart upload and parsing).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _cluster import Cluster, peak_rss_mb


def number(i: int) -> str:
    return f"+1415{2000000 + i:07d}"


def write_csv(path: Path, rows: int, *, invalid_every: int | None) -> int:
    """phone_number,name,plan,region; every 50th row repeats an earlier number (2 %)."""
    seen: set[str] = set()
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["phone_number", "name", "plan", "region"])
        for i in range(rows):
            if invalid_every and i % invalid_every == invalid_every - 1:
                phone = f"+1000{i:06d}"  # not a valid number
            elif i % 50 == 49:
                phone = number(i - 25)
            else:
                phone = number(i)
            seen.add(phone)
            w.writerow([phone, f"Customer {i}", "gold" if i % 3 else "basic", "west"])
    return len(seen)


def write_copy_rows(src: Path, dst: Path, campaign_id: str) -> int:
    """The accepted rows of `src`, normalised as the ingest stores them, as CSV for COPY."""
    seen: set[str] = set()
    now = datetime.now(UTC).isoformat()
    n = 0
    with src.open(newline="") as f, dst.open("w", newline="") as out:
        reader, w = csv.reader(f), csv.writer(out)
        next(reader)
        for phone, name, plan, region in reader:
            if phone in seen:
                continue
            seen.add(phone)
            n += 1
            custom = json.dumps(
                {"name": name, "plan": plan, "region": region}, separators=(",", ":")
            )
            w.writerow(
                [f"ct_{uuid.uuid4().hex[:26].upper()}", campaign_id, n, phone, custom, now, now]
            )
    return n


COLUMNS = ["id", "campaign_id", "seq", "phone_number", "custom_fields", "created_at", "updated_at"]


async def copy(dsn: str, path: Path) -> tuple[float, float]:
    """(text COPY FROM STDIN of the CSV, binary COPY of the same rows as in-memory tuples),
    each into the table as the ingest found it: empty (TRUNCATE before each)."""
    now = datetime.now(UTC)
    with path.open(newline="") as f:
        records = [(a, b, int(c), d, e, now, now) for a, b, c, d, e, _, _ in csv.reader(f)]
    conn = await asyncpg.connect(dsn)
    try:
        timings = []
        for kind in ("text", "binary"):
            await conn.execute("TRUNCATE campaign_contacts")
            await conn.execute("VACUUM ANALYZE campaign_contacts")
            started = time.perf_counter()
            async with conn.transaction():
                if kind == "text":
                    await conn.copy_to_table(
                        "campaign_contacts", source=str(path), format="csv", columns=COLUMNS
                    )
                else:
                    await conn.copy_records_to_table(
                        "campaign_contacts", records=records, columns=COLUMNS
                    )
            timings.append(time.perf_counter() - started)
        return timings[0], timings[1]
    finally:
        await conn.close()


def reset_peak(pid: int) -> None:
    """Reset the process's peak-RSS mark (VmHWM) so the next phase is measured alone."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def dnc_csv(path: Path, rows: int) -> int:
    """Every 100th number of the upload (10,000 at 1,000,000 rows)."""
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["phone_number"])
        n = 0
        for i in range(0, rows, 100):
            if i % 50 != 49:
                w.writerow([number(i)])
                n += 1
    return n


async def copy_to(dsn: str, campaign_id: str) -> tuple[float, int]:
    """COPY of the stored columns the export reads, as CSV, to a counting sink."""
    conn = await asyncpg.connect(dsn)
    size = 0

    async def sink(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)

    try:
        started = time.perf_counter()
        await conn.copy_from_query(
            "SELECT phone_number, custom_fields, id, status, attempts, last_outcome, "
            "failure_reason, call_id, timezone, next_attempt_at, completed_at "
            "FROM campaign_contacts WHERE campaign_id = $1 ORDER BY seq",
            campaign_id,
            output=sink,
            format="csv",
        )
        return time.perf_counter() - started, size
    finally:
        await conn.close()


def export(cluster: Cluster, campaign_id: str) -> tuple[float, int, int]:
    """(seconds, lines, bytes) of the export read to the end over HTTP."""
    lines = size = 0
    started = time.perf_counter()
    with httpx.stream(
        "GET",
        f"{cluster.url}/api/v1/campaigns/{campaign_id}/contacts.csv",
        headers=cluster.headers,
        timeout=600,
    ) as r:
        assert r.status_code == 200, r.read()[:300]
        for chunk in r.iter_bytes():
            lines += chunk.count(b"\n")
            size += len(chunk)
    return time.perf_counter() - started, lines, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out = print
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        good, bad, prepared = tmpdir / "good.csv", tmpdir / "bad.csv", tmpdir / "copy.csv"
        unique = write_csv(good, args.rows, invalid_every=None)
        write_csv(bad, args.rows, invalid_every=20)
        listed = dnc_csv(tmpdir / "dnc.csv", args.rows)
        size_mb = good.stat().st_size / 2**20
        out(
            f"CSV: {args.rows:,} rows, {unique:,} unique numbers, {size_mb:.1f} MB; "
            f"{listed:,} numbers on the do-not-call list"
        )
        settings = {"CAMPAIGN_CSV_MAX_BYTES": str(1 << 30), "DISPATCHER_EMBEDDED": "false"}
        with Cluster(tmpdir / "data", **settings) as cluster:
            pid = cluster.proc.pid  # type: ignore[union-attr]
            line = cluster.sandbox_line()
            form = {"name": "bench", **line}
            with (tmpdir / "dnc.csv").open("rb") as f:
                r = cluster.api(
                    "POST", "/api/v1/dnc/import", files={"file": ("d.csv", f, "text/csv")}
                )
            assert r.status_code == 200, r.text[:300]
            assert r.json()["added"] == listed, r.text[:300]
            base_rss = peak_rss_mb(pid)
            ingest_runs, pre_runs, export_runs, copy_to_runs = [], [], [], []
            ingest_rss = pre_rss = export_rss = 0.0
            campaign: dict = {}
            for _ in range(args.repeat):
                reset_peak(pid)
                with good.open("rb") as f:
                    started = time.perf_counter()
                    r = cluster.api(
                        "POST",
                        "/api/v1/campaigns",
                        data=form,
                        files={"contacts": ("c.csv", f, "text/csv")},
                    )
                    ingest_runs.append(time.perf_counter() - started)
                assert r.status_code == 201, r.text[:500]
                campaign = r.json()
                assert campaign["contacts_total"] == unique, campaign
                ingest_rss = max(ingest_rss, peak_rss_mb(pid))
                reset_peak(pid)
                with good.open("rb") as f:
                    started = time.perf_counter()
                    r = cluster.api(
                        "POST",
                        "/api/v1/campaigns/preflight",
                        data=form,
                        files={"contacts": ("c.csv", f, "text/csv")},
                    )
                    pre_runs.append(time.perf_counter() - started)
                assert r.status_code == 200, r.text[:500]
                report = r.json()
                assert report["contacts_total"] == campaign["contacts_total"], report
                assert report["do_not_call"] == campaign["do_not_call_skipped"], report
                assert report["duplicates"] == campaign["duplicates_skipped"], report
                pre_rss = max(pre_rss, peak_rss_mb(pid))
                reset_peak(pid)
                seconds, lines, exported = export(cluster, campaign["id"])
                export_runs.append(seconds)
                assert lines == unique + 1, lines
                export_rss = max(export_rss, peak_rss_mb(pid))
                copy_s, copied = asyncio.run(copy_to(cluster.tenant_dsn, campaign["id"]))
                copy_to_runs.append(copy_s)
            with bad.open("rb") as f:
                started = time.perf_counter()
                r = cluster.api(
                    "POST",
                    "/api/v1/campaigns",
                    data=form,
                    files={"contacts": ("c.csv", f, "text/csv")},
                    headers={**cluster.headers, "Accept": "application/json"},
                )
                fail_s = time.perf_counter() - started
            assert r.status_code == 400, r.text[:300]
            assert len(r.json()["errors"]) == 20, r.text[:300]
            n = write_copy_rows(good, prepared, campaign["id"])
            copy_s, binary_s = asyncio.run(copy(cluster.tenant_dsn, prepared))
        ingest_s = statistics.median(ingest_runs)
        pre_s, export_s = statistics.median(pre_runs), statistics.median(export_runs)
        copy_to_s = statistics.median(copy_to_runs)
        ingest_rate, copy_rate, binary_rate = unique / ingest_s, n / copy_s, n / binary_s
        pre_rate, export_rate, copy_to_rate = unique / pre_s, unique / export_s, unique / copy_to_s
        runs = f"medians of {args.repeat}"
        out(
            f"ingest (HTTP upload → 201):      {ingest_s:6.2f} s  {ingest_rate:10,.0f} rows/s  "
            f"({runs})"
        )
        out(f"COPY FROM STDIN (csv), same rows: {copy_s:6.2f} s  {copy_rate:10,.0f} rows/s")
        out(f"binary COPY of prebuilt tuples:   {binary_s:6.2f} s  {binary_rate:10,.0f} rows/s")
        out(
            f"ratio ingest / COPY: {ingest_rate / copy_rate:.2f} (csv), "
            f"{ingest_rate / binary_rate:.2f} (binary)   target ≥ 0.25"
        )
        out(f"failure path (5 % invalid → 400, first 20 named): {fail_s:.2f} s")
        out(
            f"preflight (HTTP upload → report):  {pre_s:6.2f} s  {pre_rate:10,.0f} rows/s  "
            f"ratio preflight / ingest {pre_rate / ingest_rate:.2f}   target ≥ 0.8"
        )
        out(
            f"export (contacts.csv over HTTP):   {export_s:6.2f} s  {export_rate:10,.0f} rows/s  "
            f"{exported / 2**20:.0f} MB"
        )
        out(
            f"COPY (SELECT …) TO STDOUT (csv):   {copy_to_s:6.2f} s  {copy_to_rate:10,.0f} rows/s  "
            f"{copied / 2**20:.0f} MB"
        )
        out(f"ratio export / COPY TO: {export_rate / copy_to_rate:.2f}   target ≥ 0.5")
        out(
            f"API peak RSS: ingest {ingest_rss:.0f} MB, preflight {pre_rss:.0f} MB, export "
            f"{export_rss:.0f} MB (before the uploads: {base_rss:.0f} MB; target ≤ 300)"
        )


if __name__ == "__main__":
    main()
