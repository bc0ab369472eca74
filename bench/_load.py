"""A small HTTP/1.1 load generator: N keep-alive connections, each sending one request at a
time, counting responses for a fixed duration. Runs on uvloop; parsing is minimal (status line,
Content-Length) so the generator costs far less than the servers it measures."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

import uvloop


@dataclass
class Result:
    requests: int
    seconds: float
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def build_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: bench"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _worker(
    host: str, port: int, request: bytes, stop_at: float, statuses: dict[int, int]
) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while time.perf_counter() < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            lower = head.lower()
            i = lower.find(b"content-length:")
            if i >= 0:
                length = int(lower[i + 15 : lower.find(b"\r\n", i)])
            if length:
                await reader.readexactly(length)
            statuses[status] = statuses.get(status, 0) + 1
            done += 1
    finally:
        writer.close()
    return done


async def _run(host: str, port: int, request: bytes, connections: int, seconds: float) -> Result:
    statuses: dict[int, int] = {}
    start = time.perf_counter()
    counts = await asyncio.gather(
        *[_worker(host, port, request, start + seconds, statuses) for _ in range(connections)]
    )
    return Result(sum(counts), time.perf_counter() - start, statuses)


def load(
    host: str, port: int, request: bytes, connections: int = 16, seconds: float = 4.0
) -> Result:
    return uvloop.run(_run(host, port, request, connections, seconds))


def median(values: list[float]) -> float:
    return statistics.median(values)
