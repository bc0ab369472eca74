"""A small HTTP/1.1 load generator: N keep-alive connections, each sending one request at a
time, counting responses for a fixed duration. Runs on uvloop; parsing is minimal (status line,
Content-Length) so the generator costs far less than the servers it measures. The request is
fixed bytes, or a function that returns each request's bytes (a random account per request);
given a list, each response's latency (seconds) is appended to it."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import uvloop


@dataclass
class Result:
    requests: int
    seconds: float
    statuses: dict[int, int]
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def build_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: bench"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


Request = bytes | Callable[[], bytes]


async def _worker(
    host: str,
    port: int,
    request: Request,
    stop_at: float,
    statuses: dict[int, int],
    latencies: list[float] | None,
) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while (sent := time.perf_counter()) < stop_at:
            writer.write(request() if callable(request) else request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            lower = head.lower()
            i = lower.find(b"content-length:")
            if i >= 0:
                length = int(lower[i + 15 : lower.find(b"\r\n", i)])
            if length:
                await reader.readexactly(length)
            if latencies is not None:
                latencies.append(time.perf_counter() - sent)
            statuses[status] = statuses.get(status, 0) + 1
            done += 1
    finally:
        writer.close()
    return done


async def _run(
    host: str, port: int, request: Request, connections: int, seconds: float, timed: bool
) -> Result:
    statuses: dict[int, int] = {}
    latencies: list[float] | None = [] if timed else None
    start = time.perf_counter()
    counts = await asyncio.gather(
        *[
            _worker(host, port, request, start + seconds, statuses, latencies)
            for _ in range(connections)
        ]
    )
    return Result(sum(counts), time.perf_counter() - start, statuses, latencies or [])


def load(
    host: str,
    port: int,
    request: Request,
    connections: int = 16,
    seconds: float = 4.0,
    latencies: bool = False,
) -> Result:
    """Keep `connections` requests in flight for `seconds`; with `latencies`, the result holds
    each response's latency."""
    return uvloop.run(_run(host, port, request, connections, seconds, latencies))


def median(values: list[float]) -> float:
    return statistics.median(values)


def summarise(raw: Path, top: int = 35) -> None:
    """Print where the time went in py-spy's raw (collapsed-stack) output: the functions by
    their own samples, then by samples with their callees."""
    own: dict[str, int] = {}
    total: dict[str, int] = {}
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        n = int(count)
        samples += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            total[frame] = total.get(frame, 0) + n
    print(f"{raw}: {samples} samples")
    for title, table in (("own time", own), ("with callees", total)):
        print(f"  top functions by {title}")
        for frame, n in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {100 * n / max(1, samples):6.1f}%  {frame}")
