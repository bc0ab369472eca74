"""SSE fan-out: N subscribers (default 5,000) on one API process streaming one running
campaign's events (`GET /api/v1/campaigns/{id}/events`) at 50 events/s, beside a bare ASGI
streamer (uvicorn + uvloop + httptools, no framework) sending the same frames to the same N
subscribers at the same rate: one Redis subscription, each frame encoded once, fanned out
through an asyncio queue per subscriber (a subscriber that fell behind gets what queued up in
one write).

Events are not produced by dialling: the sandbox dispatcher does not hold a steady 50 events/s,
so the benchmark publishes campaign events itself through the dispatcher's own path: each
`contact` event is appended to the campaign's event log (`campaign_events`, numbered with
`campaigns.event_seq`) in a transaction, then published on the campaign's Redis channel, as
`campaigns.events` does after a commit. The last one is the campaign's `status: completed`,
after which every stream sends `event: end` and closes. Each event's data carries `t`, its
publish time (epoch seconds); delivery latency = receive time − `t`, per event per subscriber.

Subscribers are raw keep-alive sockets in 2 client processes (uvloop, minimal SSE parsing). A
run opens the N subscribers, reads the server's RSS, publishes `--seconds` × `--rate` events,
and waits for every stream to end. Figures: p50 / p99 / max delivery latency; events lost (every
subscriber must see every id exactly once, in order); (RSS with the subscribers open − the
server's RSS before its first run) ÷ N: the same server serves every run, and memory freed after
a run is kept by the process for the next, so "before this run" would read near 0 from the
second run on. Medians of --runs runs. Targets (app): p99 < 250 ms, ≤ 20 KB RSS per subscriber.

    make bench-sse        # or: .venv/bin/python bench/sse.py [--subscribers 5000] [--rate 50]
                          #                        [--seconds 20] [--runs 3]

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import redis.asyncio as aioredis

sys.path.insert(0, str(Path(__file__).parent))
from _cluster import REDIS, Cluster, free_port
from _load import build_request, median

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 2
HIST_MS = 120_000  # latency histogram: 1 ms buckets up to 2 minutes


out = print


_IDLE_RSS: dict[int, int] = {}  # pid → RSS before its first run


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --- the baseline: a bare ASGI streamer -------------------------------------------------------


def bare_app_factory() -> object:
    """One Redis subscription to BENCH_CHANNEL; every message becomes one SSE frame, encoded
    once and put on each subscriber's queue. A subscriber gets the snapshot first, then its
    queue (everything queued in one write); `end` after a `completed` status."""
    channel = os.environ["BENCH_CHANNEL"]
    snapshot = Path(os.environ["BENCH_SNAPSHOT"]).read_bytes()
    queues: set[asyncio.Queue[bytes]] = set()
    started: list[asyncio.Task[None]] = []

    async def reader() -> None:
        client = aioredis.Redis.from_url(REDIS)
        pubsub = client.pubsub()
        await pubsub.subscribe(channel)
        async for msg in pubsub.listen():
            if msg["type"] != "message":
                continue
            item = orjson.loads(msg["data"])
            frame = b"id: %d\nevent: %s\ndata: %s\n\n" % (
                item["seq"], item["event"].encode(), orjson.dumps(item["data"]))  # fmt: skip
            if item["event"] == "status" and item["data"]["status"] == "completed":
                frame += b'event: end\ndata: {"status":"completed"}\n\n'
            for q in queues:
                q.put_nowait(frame)

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    started.append(asyncio.create_task(reader()))
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        if scope["path"] == "/healthz":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"2")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b"ok"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"), (b"x-accel-buffering", b"no")]})  # fmt: skip
        q: asyncio.Queue[bytes] = asyncio.Queue()
        queues.add(q)
        try:
            await send({"type": "http.response.body", "body": snapshot, "more_body": True})
            while True:
                frames = [await q.get()]
                while not q.empty():
                    frames.append(q.get_nowait())
                body = b"".join(frames)
                end = body.endswith(b'"completed"}\n\n') and b"event: end" in frames[-1]
                await send({"type": "http.response.body", "body": body, "more_body": not end})
                if end:
                    return
        finally:
            queues.discard(q)

    return app


def serve_bare(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    from crud import serve  # one uvicorn process per factory, as crud.py starts its servers

    return serve("sse:bare_app_factory", env, port)


# --- the subscribers (client processes) -------------------------------------------------------

# A frame with a name (`id:` optional), and the `t` that leads its data (orjson keeps the
# publisher's key order; JSONB, for frames re-read from the log, puts the shortest key first).
FRAME = re.compile(rb'(?:id: (\d+)\n)?event: (\w+)\ndata: (?:\{"t":([\d.]+))?')


class Subscriber(asyncio.Protocol):
    def __init__(self, stats: dict[str, Any], hist: list[int], ready: asyncio.Event) -> None:
        self.stats, self.hist, self.ready = stats, hist, ready
        self.buf = b""
        self.first = True
        self.last = 0
        self.new = 0
        self.dups = 0
        self.ended = False
        self.closed = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.stats["request"])  # type: ignore[union-attr]

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buf = self.buf + data if self.buf else data
        if self.first and not buf.startswith(b"HTTP/1.1 200"):
            self.stats["errors"].append(buf[:300].decode(errors="replace"))
            self.transport.close()  # type: ignore[union-attr]
            return
        cut = buf.rfind(b"\n\n")
        if cut < 0:
            self.buf = buf
            return
        self.buf = buf[cut + 2 :]
        if self.first:
            self.first = False
            self.ready.set()
        hist = self.hist
        for m in FRAME.finditer(buf, 0, cut + 2):
            seq, name, t = m.groups()
            if seq is not None:
                n = int(seq)
                if n <= self.last:
                    self.dups += 1
                    continue
                if n != self.last + 1:
                    self.stats["gaps"] += 1
                self.last = n
                self.new += 1
                if t is not None:
                    lat = now - float(t)
                    hist[min(max(int(lat * 1000), 0), HIST_MS - 1)] += 1
                    if lat > self.stats["max"]:
                        self.stats["max"] = lat
            elif name == b"end":
                self.ended = True
                self.transport.close()  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


async def client_main(port: int, path: str, auth: str, n: int, seconds: float) -> None:
    import uvloop  # noqa: F401 (the loop policy is set by the caller)

    loop = asyncio.get_running_loop()
    headers = {"Accept": "text/event-stream"}
    if auth:
        headers["Authorization"] = auth
    stats: dict[str, Any] = {"request": build_request("GET", path, headers), "errors": [],
                             "gaps": 0, "max": 0.0}  # fmt: skip
    hist = [0] * HIST_MS
    subs: list[Subscriber] = []
    pending = asyncio.Semaphore(100)  # subscribers connecting at once

    async def open_one() -> None:
        async with pending:
            ready = asyncio.Event()
            _, sub = await loop.create_connection(
                lambda: Subscriber(stats, hist, ready), "127.0.0.1", port
            )
            subs.append(sub)
            await asyncio.wait(
                [asyncio.ensure_future(ready.wait()), sub.closed], timeout=120,
                return_when=asyncio.FIRST_COMPLETED)  # fmt: skip

    await asyncio.gather(*[open_one() for _ in range(n)])
    ready = sum(1 for s in subs if not s.first)
    sys.stdout.write(json.dumps({"ready": ready}) + "\n")
    sys.stdout.flush()
    await asyncio.wait([s.closed for s in subs], timeout=seconds)
    for s in subs:
        if s.transport is not None and not s.closed.done():
            s.transport.close()
    result = {
        "ready": ready,
        "ended": sum(s.ended for s in subs),
        "new": [s.new for s in subs],
        "dups": sum(s.dups for s in subs),
        "gaps": stats["gaps"],
        "max": stats["max"],
        "hist": {i: c for i, c in enumerate(hist) if c},
        "errors": stats["errors"][:3],
    }
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# --- the publisher ----------------------------------------------------------------------------


def contact_data(i: int) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {"t": time.time(), "contact_id": f"cc_{uuid.uuid4().hex[:20]}",
            "phone_number": f"+1415{2000000 + i:07d}", "status": "completed",
            "previous": "connected", "attempts": 1, "at": now, "outcome": "completed"}  # fmt: skip


class AppPublisher:
    """The dispatcher's path: log the event in a transaction, then publish it on the bus."""

    def __init__(self, dsn: str, channel: str, campaign_id: str) -> None:
        self.dsn, self.channel, self.cid = dsn, channel, campaign_id

    async def __aenter__(self) -> AppPublisher:
        self.conn = await asyncpg.connect(self.dsn)
        self.redis = aioredis.Redis.from_url(REDIS)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.conn.close()
        await self.redis.aclose()

    async def publish(self, event: str, data: dict[str, Any]) -> None:
        data["t"] = time.time()  # the log's copy and the bus's carry the same time
        async with self.conn.transaction():
            if event == "status":
                await self.conn.execute(
                    "UPDATE campaigns SET status = $2 WHERE id = $1", self.cid, data["status"]
                )
            seq = await self.conn.fetchval(
                "UPDATE campaigns SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
                self.cid)  # fmt: skip
            await self.conn.execute(
                "INSERT INTO campaign_events (campaign_id, seq, event, data, created_at) "
                "VALUES ($1, $2, $3, $4, now())",
                self.cid, seq, event, orjson.dumps(data).decode(),
            )  # fmt: skip
        await self.redis.publish(
            self.channel, orjson.dumps({"seq": seq, "event": event, "data": data})
        )


class BarePublisher:
    def __init__(self, channel: str) -> None:
        self.channel, self.seq = channel, 0

    async def __aenter__(self) -> BarePublisher:
        self.redis = aioredis.Redis.from_url(REDIS)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.redis.aclose()

    async def publish(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        data["t"] = time.time()
        await self.redis.publish(
            self.channel, orjson.dumps({"seq": self.seq, "event": event, "data": data})
        )


async def publish_all(publisher: Any, events: int, rate: float) -> float:
    async with publisher:
        start = time.perf_counter()
        for i in range(events):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await publisher.publish("contact", contact_data(i))
        await asyncio.sleep(max(0.0, start + events / rate - time.perf_counter()))
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        await publisher.publish("status", {"t": 0.0, "status": "completed",
                                           "previous": "running", "at": now})  # fmt: skip
        return events / (time.perf_counter() - start)


# --- one run ----------------------------------------------------------------------------------


def one_run(
    pid: int, port: int, path: str, auth: str, publisher: Any, opts: argparse.Namespace
) -> dict[str, float]:
    events = int(opts.seconds * opts.rate)
    before = _IDLE_RSS.setdefault(pid, rss_kb(pid))
    per = [opts.subscribers // CLIENTS + (i < opts.subscribers % CLIENTS) for i in range(CLIENTS)]
    timeout = opts.seconds + 120
    clients = [
        subprocess.Popen(
            [sys.executable, __file__, "--client", str(port), path, auth, str(n), str(timeout)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in per
    ]
    opened = time.perf_counter()
    ready = sum(json.loads(c.stdout.readline())["ready"] for c in clients)  # type: ignore[union-attr]
    opened = time.perf_counter() - opened
    time.sleep(1)
    after = rss_kb(pid)
    spy = None
    if opts.profile and path != "/events":
        raw = Path(opts.profile)
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--rate",
             "200", "--duration", str(int(opts.seconds)), "--format", "raw", "--nonblocking",
             "-o", str(raw)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    rate = asyncio.run(publish_all(publisher, events, opts.rate))
    if spy is not None:
        spy.wait(60)
    results = [json.loads(c.stdout.readline() or "{}") for c in clients]  # type: ignore[union-attr]
    for c in clients:
        c.wait(30)
    after_events = rss_kb(pid)
    hist = [0] * HIST_MS
    for r in results:
        for k, v in r.get("hist", {}).items():
            hist[int(k)] += v
    total = sum(hist)
    expected = events + 1  # the contacts, then the status
    news = [n for r in results for n in r.get("new", [])]
    lost = sum(max(0, expected - n) for n in news) + expected * (opts.subscribers - len(news))

    def pct(p: float) -> float:
        if not total:
            return float("nan")
        target, acc = p * total, 0
        for ms, count in enumerate(hist):
            acc += count
            if acc >= target:
                return float(ms)
        return float(HIST_MS)

    errors = [e for r in results for e in r.get("errors", [])]
    if errors:
        out("  errors:", errors[:2])
    return {
        "ready": ready, "open_s": opened, "rate": rate, "p50": pct(0.50), "p99": pct(0.99),
        "max": 1000 * max((r.get("max", 0.0) for r in results), default=0.0),
        "lost": lost, "dups": sum(r.get("dups", 0) for r in results),
        "ended": sum(r.get("ended", 0) for r in results),
        "kb": (after - before) / opts.subscribers,
        "kb_events": (after_events - before) / opts.subscribers,
    }  # fmt: skip


def show(label: str, r: dict[str, float], n: int) -> None:
    out(f"  {label:<5} {int(r['ready'])}/{n} open in {r['open_s']:.1f} s, {r['rate']:.1f} ev/s; "
          f"latency p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms, max {r['max']:.0f} ms; "
          f"lost {int(r['lost'])}, dups {int(r['dups'])}, ended {int(r['ended'])}; "
          f"RSS {r['kb']:.1f} KB/sub ({r['kb_events']:.1f} after the events)")  # fmt: skip


def make_campaign(cluster: Cluster, line: dict[str, str]) -> str:
    csv = "phone_number,name\n" + "".join(f"+1415{3000000 + i:07d},C{i}\n" for i in range(10))
    r = cluster.api("POST", "/api/v1/campaigns", data={"name": "sse", **line},
                    files={"contacts": ("c.csv", csv.encode(), "text/csv")})  # fmt: skip
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def set_running(dsn: str, cid: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("UPDATE campaigns SET status = 'running' WHERE id = $1", cid)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=50.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="of publishing per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["app", "bare"], default=None)
    parser.add_argument("--profile", metavar="FILE", help="py-spy raw samples of the app")
    opts = parser.parse_args()
    rows: dict[str, list[dict[str, float]]] = {"app": [], "bare": []}
    n = opts.subscribers
    out(f"SSE fan-out: {n} subscribers, {opts.rate:.0f} events/s for {opts.seconds:.0f} s "
          f"per run, {opts.runs} runs ({CLIENTS} client processes)")  # fmt: skip
    with (
        tempfile.TemporaryDirectory() as tmp,
        Cluster(
            Path(tmp), DISPATCHER_EMBEDDED="false", CAMPAIGN_SSE_HEARTBEAT_SECONDS="15"
        ) as cluster,
    ):
        assert cluster.proc is not None
        # A stream is a request in flight for its whole life: let N of them in.
        cluster._cli("limits", "set", "--account", cluster.slug, "--concurrent-requests",
                     str(10 * n))  # fmt: skip
        channel_prefix = f"khb{cluster.run}:{{bus}}:"
        line = cluster.sandbox_line()  # one agent and number; a campaign per run
        bare_port = free_port()
        snapshot = Path(tmp) / "snapshot"
        bare_channel = f"khb{cluster.run}:bare"
        bare: subprocess.Popen[bytes] | None = None  # started once the snapshot is known
        try:
            for run in range(opts.runs):
                out(f"run {run + 1}")
                cid = make_campaign(cluster, line)
                asyncio.run(set_running(cluster.tenant_dsn, cid))
                if opts.only != "bare":
                    channel = f"{channel_prefix}campaigns:{cluster.slug}:{cid}"
                    pub = AppPublisher(cluster.tenant_dsn, channel, cid)
                    r = one_run(cluster.proc.pid, cluster.port, f"/api/v1/campaigns/{cid}/events",
                                cluster.headers["Authorization"], pub, opts)  # fmt: skip
                    rows["app"].append(r)
                    show("app", r, n)
                if opts.only != "app":
                    if bare is None:
                        snap = cluster.api("GET", f"/api/v1/campaigns/{cid}").json()
                        snapshot.write_bytes(b"data: " + orjson.dumps(
                            {"campaign_id": cid, "status": "running",
                             "progress": snap.get("progress")}) + b"\n\n")  # fmt: skip
                        bare = serve_bare({**os.environ, "BENCH_CHANNEL": bare_channel,
                                           "BENCH_SNAPSHOT": str(snapshot)}, bare_port)  # fmt: skip
                    r = one_run(
                        bare.pid, bare_port, "/events", "", BarePublisher(bare_channel), opts
                    )
                    rows["bare"].append(r)
                    show("bare", r, n)
        finally:
            if bare is not None:
                bare.terminate()
                bare.wait(10)
    out(f"medians of {opts.runs} runs:")
    med = {k: {f: median([r[f] for r in v]) for f in v[0]} for k, v in rows.items() if v}
    for label, r in med.items():
        show(label, r, n)
    if "app" in med and "bare" in med:
        a, b = med["app"], med["bare"]
        out(
            f"app / bare: p50 {a['p50'] / max(b['p50'], 1):.2f}×, "
            f"p99 {a['p99'] / max(b['p99'], 1):.2f}×, RSS/sub {a['kb'] / max(b['kb'], 0.1):.2f}×"
        )
    if "app" in med:
        a = med["app"]
        ok = a["p99"] < 250 and a["kb"] <= 20 and a["lost"] == 0
        out(f"targets (app): p99 < 250 ms: {a['p99']:.0f} ms; ≤ 20 KB/sub: {a['kb']:.1f} KB; "
              f"lost 0: {int(a['lost'])} → {'met' if ok else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        import uvloop

        port, path, auth, count, wait = sys.argv[2:7]
        uvloop.run(client_main(int(port), path, auth, int(count), float(wait)))
    else:
        main()
