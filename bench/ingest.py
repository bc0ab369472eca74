"""Campaign CSV ingest on PostgreSQL: `POST /api/v1/campaigns` with a 1,000,000-row CSV (2 %
duplicate numbers; the size limit raised by KATAVEN_CAMPAIGN_CSV_MAX_BYTES), beside `COPY … FROM
STDIN (FORMAT csv)` of the same rows already normalised (ids, E.164, JSON) into the same table,
and the failure path (5 % invalid rows → 400 naming the first 20). Reports rows/s, the ratio
ingest ÷ COPY (target ≥ 0.25) and the API process's peak RSS (target ≤ 300 MB).

    .venv/bin/python bench/ingest.py [--rows 1000000]

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379. The upload goes over real HTTP
to one `kataven-hub api` process (the time includes the multipart upload and parsing).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        good, bad, prepared = tmpdir / "good.csv", tmpdir / "bad.csv", tmpdir / "copy.csv"
        unique = write_csv(good, args.rows, invalid_every=None)
        write_csv(bad, args.rows, invalid_every=20)
        size_mb = good.stat().st_size / 2**20
        print(f"CSV: {args.rows:,} rows, {unique:,} unique numbers, {size_mb:.1f} MB")  # noqa: T201
        settings = {"CAMPAIGN_CSV_MAX_BYTES": str(1 << 30), "DISPATCHER_EMBEDDED": "false"}
        with Cluster(tmpdir / "data", **settings) as cluster:
            line = cluster.sandbox_line()
            form = {"name": "bench", **line}
            base_rss = peak_rss_mb(cluster.proc.pid)  # type: ignore[union-attr]
            with good.open("rb") as f:
                started = time.perf_counter()
                r = cluster.api(
                    "POST",
                    "/api/v1/campaigns",
                    data=form,
                    files={"contacts": ("c.csv", f, "text/csv")},
                )
                ingest_s = time.perf_counter() - started
            assert r.status_code == 201, r.text[:500]
            campaign = r.json()
            assert campaign["contacts_total"] == unique, campaign
            rss = peak_rss_mb(cluster.proc.pid)  # type: ignore[union-attr]
            with bad.open("rb") as f:
                started = time.perf_counter()
                r = cluster.api("POST", "/api/v1/campaigns", data=form, files={"contacts": ("c.csv", f, "text/csv")},
                                headers={**cluster.headers, "Accept": "application/json"})  # fmt: skip
                fail_s = time.perf_counter() - started
            assert r.status_code == 400 and len(r.json()["errors"]) == 20, r.text[:300]
            n = write_copy_rows(good, prepared, campaign["id"])
            copy_s, binary_s = asyncio.run(copy(cluster.tenant_dsn, prepared))
        ingest_rate, copy_rate, binary_rate = unique / ingest_s, n / copy_s, n / binary_s
        out = print
        out(f"ingest (HTTP upload → 201):      {ingest_s:6.2f} s  {ingest_rate:10,.0f} rows/s")
        out(f"COPY FROM STDIN (csv), same rows: {copy_s:6.2f} s  {copy_rate:10,.0f} rows/s")
        out(f"binary COPY of prebuilt tuples:   {binary_s:6.2f} s  {binary_rate:10,.0f} rows/s")
        out(f"ratio ingest / COPY: {ingest_rate / copy_rate:.2f} (csv), "
            f"{ingest_rate / binary_rate:.2f} (binary)   target ≥ 0.25")  # fmt: skip
        print(f"failure path (5 % invalid → 400, first 20 named): {fail_s:.2f} s")  # noqa: T201
        print(f"API peak RSS: {rss:.0f} MB (before the upload: {base_rss:.0f} MB; target ≤ 300)")  # noqa: T201


if __name__ == "__main__":
    main()
