"""Webhook delivery throughput and the outbox's cost on the originate path.

    .venv/bin/python bench/webhooks.py [--backend postgres|sqlite] [--runs 3] [--rounds 6]
                                       [--events 100] [--calls 40] [--concurrency 10]

1. deliveries/s: `--events` events committed to the outbox at once, then sent by the delivery
   worker (claim with a lease, decrypt the endpoint secret, check the destination, sign, POST,
   record the outcome) to a local receiver; baseline: a raw loop signing the same bodies
   (Standard Webhooks HMAC) and POSTing them to the same receiver with the same parallelism
   (WEBHOOKS_MAX_PARALLEL), with no database. Target: ratio >= 0.5.
2. outbox cost on originate: `POST /api/v1/calls/originate` (the Twilio adapter over HTTP to
   the local carrier server) with an endpoint subscribed to every event, so each originate
   writes a `call.queued` event and its delivery row in its transaction, beside the same
   originates with the outbox switched off. Target: cost <= 10%.
Each figure is the median of `--runs` runs; within a run the two sides of each comparison
alternate in `--rounds` short rounds, so a shared machine's changing load hits both alike.
Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 for the postgres backend;
everything it creates is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))  # the tests package (carrier server fixture)

import httpx  # noqa: E402
import orjson  # noqa: E402
import uvicorn  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402
from tests.fixtures.backends import (  # noqa: E402
    PG_HOST,
    PG_PORT,
    PG_USER,
    REDIS_URL,
    delete_run_keys,
    drop_run_databases,
    pg_admin,
)
from tests.fixtures.carriers import CarrierServer, point_adapters_at  # noqa: E402


async def timed(n: int, concurrency: int, one: Any) -> float:
    """Run `one(i)` for i < n with at most `concurrency` in flight; return operations/s."""
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return n / (time.perf_counter() - started)


class Receiver:
    """Answers 200 "ok" to every POST and counts them."""

    def __init__(self) -> None:
        self.count = 0
        self.port = 0
        self.done = asyncio.Event()
        self.expect = 0

    async def _handle(self, request: Request) -> Response:
        await request.body()
        self.count += 1
        if self.count >= self.expect:
            self.done.set()
        return Response(b"ok")

    async def start(self) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            Starlette(routes=[Route("/hooks", self._handle, methods=["POST"])]),
            log_level="warning", access_log=False, lifespan="off", log_config=None,
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve(sockets=[sock]))
        while not self.server.started:  # noqa: ASYNC110 (uvicorn exposes a flag, not an event)
            await asyncio.sleep(0.01)

    def arm(self, n: int) -> None:
        self.count, self.expect = 0, n
        self.done.clear()

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


async def main(args: argparse.Namespace) -> None:
    run_id = uuid.uuid4().hex[:8]
    data_dir = Path(tempfile.mkdtemp(prefix="kataven-bench-"))
    env = {
        "KATAVEN_ENV": "testing",
        "KATAVEN_DATA_DIR": str(data_dir),
        "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false",
        "KATAVEN_LOG_LEVEL": "WARNING",
        "KATAVEN_API_KEY_PEPPER": "bench-pepper-" + run_id,
        "KATAVEN_CALL_RECORDING_ENABLED": "false",
        "KATAVEN_DB_POOL_SIZE": "10",
        "KATAVEN_DB_MAX_OVERFLOW": "0",  # the PostgreSQL connection limit is shared
        # The bench runs its own worker when it measures deliveries (none during originates).
        "KATAVEN_WEBHOOKS_WORKER_ENABLED": "false",
    }
    if args.backend == "postgres":
        conn = await pg_admin()
        await conn.execute(f'CREATE DATABASE "kht{run_id}_control"')
        await conn.close()
        env.update(
            KATAVEN_DATABASE_URL=(
                f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/kht{run_id}_control"
            ),
            KATAVEN_TENANT_DB_PREFIX=f"kht{run_id}_t_",
            KATAVEN_REDIS_URL=REDIS_URL,
            KATAVEN_REDIS_KEY_PREFIX=f"kht{run_id}",
        )
    os.environ.update(env)
    try:
        await bench(args)
    finally:
        if args.backend == "postgres":
            await drop_run_databases(run_id)
            await delete_run_keys(f"kht{run_id}")


async def bench(args: argparse.Namespace) -> None:
    from kataven_hub.accounts import service as accounts_service
    from kataven_hub.api_keys import service as api_keys_service
    from kataven_hub.core import settings as settings_mod
    from kataven_hub.core import tenancy
    from kataven_hub.core.db import ControlSession, TenantSession, new_session, sqlite_immediate
    from kataven_hub.core.sessions import commit
    from kataven_hub.limits import service as limits_service
    from kataven_hub.limits.schemas import CallLimitsUpdate
    from kataven_hub.main import create_app
    from kataven_hub.rate_limits import service as rate_limits_service
    from kataven_hub.rate_limits.schemas import RateLimitsUpdate
    from kataven_hub.webhooks import outbox, signing
    from kataven_hub.webhooks.worker import DeliveryWorker, new_client

    settings = settings_mod.configure()
    app = create_app()
    server, receiver = CarrierServer(), Receiver()
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        await server.start()
        await receiver.start()
        point_adapters_at(server)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hub.bench", timeout=60
        )
        slug = "bench-" + uuid.uuid4().hex[:6]
        async with new_session(tenancy.get().control_engine) as session:
            await accounts_service.create_account(ControlSession(session), slug)
            big = 10**6
            await limits_service.update_limits(
                ControlSession(session), slug,
                CallLimitsUpdate(concurrent_max=big, calls_per_minute=big, daily_calls_max=big,
                                 daily_minutes_max=big),
            )  # fmt: skip
            await rate_limits_service.set_limits(
                ControlSession(session), slug,
                RateLimitsUpdate(requests_per_minute=big, requests_per_hour=big,
                                 requests_per_day=big, concurrent_requests=big),
            )  # fmt: skip
            await session.commit()
        key = await api_keys_service.create_for_account(slug, "bench", None)
        headers = {"Authorization": f"Bearer {key}"}
        url = f"http://127.0.0.1:{receiver.port}/hooks"
        hook = await client.post("/api/v1/webhook-endpoints", json={"url": url}, headers=headers)
        assert hook.status_code == 201, hook.text
        secret = hook.json()["secret"]
        engine = sqlite_immediate(await tenancy.get().engine_for(slug))
        n = args.events

        # -- deliveries --------------------------------------------------------------------
        async def worker_run() -> float:
            async with new_session(engine) as raw:
                session = TenantSession(raw)
                items = [("call.completed", {"session_id": f"sess_{i}", "n": i}) for i in range(n)]
                await outbox.emit_many(session, slug, items)
                await commit(session)
            receiver.arm(n)
            worker, stop = DeliveryWorker(), asyncio.Event()
            started = time.perf_counter()
            task = asyncio.create_task(worker.run(stop))
            await receiver.done.wait()
            elapsed = time.perf_counter() - started
            stop.set()
            await task
            return n / elapsed

        async def raw_run() -> float:
            bodies = [
                {"id": f"evt_{uuid.uuid4().hex}", "type": "call.completed", "created_at": "x",
                 "account": slug, "data": {"session_id": f"sess_{i}", "n": i}}
                for i in range(n)
            ]  # fmt: skip
            receiver.arm(n)
            gate = asyncio.Semaphore(settings.WEBHOOKS_MAX_PARALLEL)
            async with new_client() as http:

                async def one(body: dict[str, Any]) -> None:
                    data = orjson.dumps(body)
                    sent = signing.headers([secret], body["id"], int(time.time()), data)
                    async with gate:
                        r = await http.post(url, content=data, headers=sent, timeout=5)
                    assert r.status_code == 200

                started = time.perf_counter()
                await asyncio.gather(*[one(b) for b in bodies])
                return n / (time.perf_counter() - started)

        # -- originates ----------------------------------------------------------------------
        creds = server.new_twilio_account()
        providers = "/api/v1/telephony/providers"
        twilio = {"provider": "twilio", "credentials": creds}
        prov = (await client.post(providers, headers=headers, json=twilio)).json()
        agent = (await client.post("/api/v1/agents", headers=headers,
                                   json={"name": "B", "status": "active"})).json()  # fmt: skip
        number = (await client.post("/api/v1/telephony/numbers", headers=headers, json={
            "e164": "+12025550199", "provider": "twilio", "credentials_id": prov["id"],
            "agent_id": agent["id"],
        })).json()  # fmt: skip
        body = {"from_number": number["e164"], "to_number": "+14155550100", "agent_id": agent["id"]}

        async def originate(_: int) -> None:
            r = await client.post("/api/v1/calls/originate", json=body, headers=headers)
            assert r.status_code == 200, r.text

        real = (outbox.emit, outbox.emit_many)

        async def no_emit(*_: Any, **__: Any) -> None:
            return None

        async def no_emit_many(*_: Any, **__: Any) -> list[str]:
            return []

        def use(emit: Any, emit_many: Any) -> None:
            outbox.emit, outbox.emit_many = emit, emit_many  # type: ignore[assignment]

        # The machine's load drifts: each run interleaves the two sides of a comparison in
        # short rounds (order alternating) and compares their summed times.
        async def interleaved(sides: list[tuple[str, Any]], rounds: int) -> dict[str, float]:
            took = {name: 0.0 for name, _ in sides}
            for i in range(rounds):
                for name, one in sides if i % 2 == 0 else reversed(sides):
                    rate, count = await one()
                    took[name] += count / rate
            return took

        async def originates(emit: Any, emit_many: Any) -> tuple[float, int]:
            use(emit, emit_many)
            try:
                return await timed(args.calls, args.concurrency, originate), args.calls
            finally:
                use(*real)

        async def worker_side() -> tuple[float, int]:
            return await worker_run(), n

        async def raw_side() -> tuple[float, int]:
            return await raw_run(), n

        results: dict[str, list[float]] = {k: [] for k in ("dl", "dl_raw", "orig", "orig_off")}
        await timed(args.concurrency, args.concurrency, originate)  # warm up
        for _ in range(args.runs):
            took = await interleaved([("dl", worker_side), ("dl_raw", raw_side)], args.rounds)
            for name, seconds in took.items():
                results[name].append(n * args.rounds / seconds)
            took = await interleaved(
                [
                    ("orig", lambda: originates(*real)),
                    ("orig_off", lambda: originates(no_emit, no_emit_many)),
                ],
                args.rounds,
            )
            for name, seconds in took.items():
                results[name].append(args.calls * args.rounds / seconds)
        await client.aclose()
        await receiver.stop()
        await server.stop()

    med = {k: statistics.median(v) for k, v in results.items()}
    print(  # noqa: T201
        f"backend={args.backend} runs={args.runs} rounds={args.rounds} events/round={n} "
        f"originates/round={args.calls} concurrency={args.concurrency} (medians)"
    )
    ratio = med["dl"] / med["dl_raw"]
    print(  # noqa: T201
        f"deliveries/s        {med['dl']:8.1f}   raw signed POSTs/s {med['dl_raw']:8.1f}"
        f"   ratio {ratio:.2f} (target >= 0.5)"
    )
    cost = 1 - med["orig"] / med["orig_off"]
    print(  # noqa: T201
        f"originates/s        {med['orig']:8.1f}   without outbox     {med['orig_off']:8.1f}"
        f"   outbox cost {cost * 100:.1f}% (target <= 10%)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds per run")
    asyncio.run(main(parser.parse_args()))
