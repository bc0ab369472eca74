"""Calls throughput, each figure beside a raw baseline doing the same essential work.

    .venv/bin/python bench/calls.py [--backend postgres|sqlite] [--runs 5] [--calls 300]
                                    [--concurrency 10]

1. originates/s: `POST /api/v1/calls/originate` through the whole app (auth, tenancy, caps in
   Redis, credential decryption, the Twilio adapter over real HTTP to the local carrier server,
   the insert); baseline: a raw loop doing the same database reads and insert and the same
   counter script, with no HTTP, app or carrier in between.
2. status callbacks/s: signed Twilio `completed` callbacks to `/twilio/status` (signature check,
   idempotent update, slot release); baseline: a raw loop computing the HMAC and running the
   same guarded UPDATE.
Each figure is the median of `--runs` runs. Needs PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379 for the postgres backend (the default); everything it creates is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))  # the tests package (carrier server fixture)

import httpx  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from sqlalchemy import text  # noqa: E402
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


async def timed(n: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> float:
    """Run `one(i)` for i < n with at most `concurrency` in flight; return operations/s."""
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return n / (time.perf_counter() - started)


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
    }
    if args.backend == "postgres":
        conn = await pg_admin()
        await conn.execute(f'CREATE DATABASE "kht{run_id}_control"')
        await conn.close()
        env.update(
            KATAVEN_DATABASE_URL=f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/kht{run_id}_control",
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
    from kataven_hub.carriers.signatures import twilio_signature
    from kataven_hub.core import settings as settings_mod
    from kataven_hub.core import tenancy
    from kataven_hub.core.counters import counters
    from kataven_hub.core.db import ControlSession, new_session, sqlite_immediate
    from kataven_hub.limits import service as limits_service
    from kataven_hub.limits.schemas import CallLimitsUpdate
    from kataven_hub.main import create_app

    settings_mod.configure()
    app = create_app()
    server = CarrierServer()
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        await server.start()
        point_adapters_at(server)
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(transport=transport, base_url="http://hub.bench", timeout=60)
        slug = "bench-" + uuid.uuid4().hex[:6]
        async with new_session(tenancy.get().control_engine) as session:
            await accounts_service.create_account(ControlSession(session), slug)
            big = 10**6
            await limits_service.update_limits(
                ControlSession(session),
                slug,
                CallLimitsUpdate(
                    concurrent_max=big,
                    calls_per_minute=big,
                    daily_calls_max=big,
                    daily_minutes_max=big,
                ),
            )
            await session.commit()
        key = await api_keys_service.create_for_account(slug, "bench", None)
        headers = {"Authorization": f"Bearer {key}"}
        creds = server.new_twilio_account()
        prov = (
            await client.post(
                "/api/v1/telephony/providers",
                headers=headers,
                json={"provider": "twilio", "credentials": creds},
            )
        ).json()
        agent = (
            await client.post(
                "/api/v1/agents", headers=headers, json={"name": "B", "status": "active"}
            )
        ).json()
        number = (
            await client.post(
                "/api/v1/telephony/numbers",
                headers=headers,
                json={
                    "e164": "+12025550199",
                    "provider": "twilio",
                    "credentials_id": prov["id"],
                    "agent_id": agent["id"],
                },
            )
        ).json()
        body = {"from_number": number["e164"], "to_number": "+14155550100", "agent_id": agent["id"]}
        engine = sqlite_immediate(await tenancy.get().engine_for(slug))  # as the app's writers
        control = tenancy.get().control_engine
        limits = await _limits(control, slug, limits_service)
        windows = limits_service.windows(limits)
        n, c = args.calls, args.concurrency

        # -- originates ------------------------------------------------------------------
        async def originate(_: int) -> None:
            r = await client.post("/api/v1/calls/originate", json=body, headers=headers)
            assert r.status_code == 200, r.text

        async def raw_originate(i: int) -> None:
            async with control.connect() as cconn:
                await cconn.execute(
                    text("SELECT * FROM call_limits WHERE account = :a"), {"a": slug}
                )
            async with engine.begin() as conn:
                await conn.execute(
                    text("SELECT * FROM phone_numbers WHERE e164 = :e"), {"e": number["e164"]}
                )
                await conn.execute(text("SELECT * FROM agents WHERE id = :a"), {"a": agent["id"]})
                assert await counters().acquire(slug, windows) is None
                await conn.execute(
                    text(
                        "INSERT INTO calls (id, direction, status, from_number, to_number,"
                        " agent_id, provider, number_id, credentials_id, carrier_call_id,"
                        " created_at, updated_at) VALUES (:id, 'outbound', 'queued', :f, :t, :a,"
                        " 'twilio', :n, :p, :c, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {
                        "id": f"sess_raw{uuid.uuid4().hex}",
                        "f": number["e164"],
                        "t": "+14155550100",
                        "a": agent["id"],
                        "n": number["id"],
                        "p": prov["id"],
                        "c": "CA" + uuid.uuid4().hex,
                    },
                )

        # -- callbacks -------------------------------------------------------------------
        async def prepared_callbacks() -> list:
            ids = []
            for _ in range(n):
                r = await client.post("/api/v1/calls/originate", json=body, headers=headers)
                ids.append(r.json()["session_id"])
            by_url = {call.status_url: call.call_id for call in server.calls.values()}
            out = []
            for session_id in ids:
                sid = next(v for k, v in by_url.items() if f"session={session_id}" in k)
                out.append(server.callbacks(sid, "completed", duration=30)[-1])
            return out

        async def raw_callbacks() -> list:
            rows = []
            async with engine.begin() as conn:
                for _ in range(n):
                    call_id = f"sess_raw{uuid.uuid4().hex}"
                    await conn.execute(
                        text(
                            "INSERT INTO calls (id, direction, status, from_number, to_number,"
                            " provider, created_at, updated_at) VALUES (:id, 'outbound', 'queued',"
                            " '+1', '+2', 'twilio', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                        ),
                        {"id": call_id},
                    )
                    rows.append(call_id)
            return rows

        def raw_update(rows: list[str]) -> Callable[[int], Awaitable[None]]:
            earlier = ["queued", "ringing", "in_progress"]

            async def one(i: int) -> None:
                url = f"http://hub.bench/twilio/status?account={slug}&session={rows[i]}"
                params = {"CallSid": "CA1", "CallStatus": "completed", "CallDuration": "30"}
                sig = twilio_signature(creds["auth_token"], url, params)
                assert hmac.compare_digest(sig, twilio_signature(creds["auth_token"], url, params))
                async with engine.begin() as conn:
                    await conn.execute(
                        text(
                            "UPDATE calls SET status = 'completed', duration_seconds = 30,"
                            " ended_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP"
                            " WHERE id = :id AND status IN (:s0, :s1, :s2)"
                        ),
                        {"id": rows[i], "s0": earlier[0], "s1": earlier[1], "s2": earlier[2]},
                    )

            return one

        results: dict[str, list[float]] = {k: [] for k in ("orig", "orig_raw", "cb", "cb_raw")}
        for _ in range(args.runs):
            results["orig"].append(await timed(n, c, originate))
            results["orig_raw"].append(await timed(n, c, raw_originate))
            callbacks = await prepared_callbacks()

            async def deliver(i: int, callbacks: list = callbacks) -> None:
                r = await server.deliver(client, callbacks[i])
                assert r.status_code == 204, r.text

            results["cb"].append(await timed(n, c, deliver))
            rows = await raw_callbacks()
            results["cb_raw"].append(await timed(n, c, raw_update(rows)))
        await client.aclose()
        await server.stop()

    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"backend={args.backend} calls/run={n} concurrency={c} runs={args.runs} (medians)")  # noqa: T201
    for label, key in (("originates/s", "orig"), ("status callbacks/s", "cb")):
        figure, baseline = med[key], med[key + "_raw"]
        line = (
            f"{label:20} {figure:8.1f}   baseline {baseline:8.1f}   ratio {figure / baseline:.2f}"
        )
        print(line)  # noqa: T201


async def _limits(control, slug, limits_service) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from kataven_hub.core.db import ControlSession, new_session

    async with new_session(control) as session:
        return await limits_service.get_limits(ControlSession(session), slug)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
