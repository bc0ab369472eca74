"""`client.agents.get` in a loop beside a raw httpx client doing the same request on the same
server (sync and async): medians of 5 runs and the ratio SDK ÷ raw in requests per second.

Starts its own `kataven-hub api` (embedded default: SQLite, in-process) on a free port:
    .venv/bin/python bench/sdk.py [--requests 400] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from kataven import AsyncKatavenClient, KatavenClient

HUB = str(Path(sys.executable).parent / "kataven-hub")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def hub_cli(env: dict[str, str], *args: str) -> dict[str, str]:
    out = subprocess.run(
        [HUB, *args, "--json"], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, str] = json.loads(out.stdout)
    return result


def start(data: str) -> tuple[subprocess.Popen[bytes], str, str]:
    port = free_port()
    env = {**os.environ, "KATAVEN_DATA_DIR": data, "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false",
           "KATAVEN_LOG_LEVEL": "WARNING"}  # fmt: skip
    proc = subprocess.Popen([HUB, "api", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    hub_cli(env, "accounts", "create", "bench")
    key = hub_cli(env, "keys", "create", "--account", "bench", "--name", "bench")["key"]
    hub_cli(env, "limits", "set", "--account", "bench", "--requests-per-minute", "1000000",
            "--requests-per-hour", "10000000", "--requests-per-day", "100000000")  # fmt: skip
    return proc, url, key


def rate(n: int, fn: object) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return n / (time.perf_counter() - t0)


async def arate(n: int, fn: object) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        await fn()  # type: ignore[operator]
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        proc, url, key = start(data)
        try:
            headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
            with KatavenClient(key, base_url=url) as sdk, httpx.Client(headers=headers) as raw:
                agent_id = sdk.agents.create(name="Bench")["id"]
                path = f"{url}/api/v1/agents/{agent_id}"
                sdk.agents.get(agent_id)
                raw.get(path).json()
                sync_sdk, sync_raw = [], []
                for i in range(args.runs):  # alternate who goes first (the box is shared)
                    pair = [
                        (sync_raw, lambda: raw.get(path).json()),
                        (sync_sdk, lambda: sdk.agents.get(agent_id)),
                    ]
                    for out, fn in pair if i % 2 == 0 else pair[::-1]:
                        out.append(rate(args.requests, fn))

            async def run_async() -> tuple[list[float], list[float]]:
                a_sdk, a_raw = [], []
                async with (
                    AsyncKatavenClient(key, base_url=url) as sdk,
                    httpx.AsyncClient(headers=headers) as raw,
                ):

                    async def raw_get() -> object:
                        return (await raw.get(path)).json()

                    await sdk.agents.get(agent_id)
                    await raw_get()
                    for i in range(args.runs):
                        pair = [(a_raw, raw_get), (a_sdk, lambda: sdk.agents.get(agent_id))]
                        for out, fn in pair if i % 2 == 0 else pair[::-1]:
                            out.append(await arate(args.requests, fn))
                return a_sdk, a_raw

            async_sdk, async_raw = asyncio.run(run_async())
        finally:
            proc.terminate()
            proc.wait()
    for label, s, r in (("sync", sync_sdk, sync_raw), ("async", async_sdk, async_raw)):
        ms, mr = statistics.median(s), statistics.median(r)
        sys.stdout.write(
            f"{label:5}  SDK {ms:7.0f} req/s   raw httpx {mr:7.0f} req/s   "
            f"SDK ÷ raw {ms / mr:.2f}   (medians of {args.runs} × {args.requests})\n"
        )


if __name__ == "__main__":
    main()
