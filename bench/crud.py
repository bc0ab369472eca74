"""CRUD speed on PostgreSQL (targets P1-P3): `GET /api/v1/agents/{id}` and `POST /api/v1/agents`
with an sk_live_ key, beside floors measured in the same run:

- `fastapi`: one FastAPI route per method doing the same database work through an asyncpg pool,
  no auth, no validation, no limits: the most an app built on FastAPI (as ours is) can reach.
  P1 (GET) and P2 (POST): app ÷ fastapi, target ≥ 0.5.
- `unguarded`: the real app with both API-key verification and the request limits skipped;
  `no-auth`: with only the verification skipped. P3: the cost of authentication and request
  limits together, 1 − app ÷ unguarded, target ≤ 10%.
- `floor`: the same as `fastapi` in framework-free ASGI (the most any Python server on this
  stack reaches here); `raw PG`: an asyncpg loop running the app's own statement (GET) or the
  same INSERT in a transaction (POST) with no HTTP; `bare`: an ASGI app returning the recorded
  bytes with no database.

    make bench            # or: .venv/bin/python bench/crud.py [--seconds 4] [--runs 3]
    .venv/bin/python bench/crud.py --profile DIR   # where the app's time goes (py-spy)

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (the production layout). Every
figure is requests (or queries) per second, the median of --runs runs, the servers measured in
turn within each run; each server is one uvicorn process (uvloop + httptools); the load
generator is one process with --connections keep-alive connections.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI, Request, Response

sys.path.insert(0, str(Path(__file__).parent))
from _load import build_request, load, median, summarise

ROOT = Path(__file__).resolve().parents[1]
HUB = str(Path(sys.executable).parent / "kataven-hub")
PG = "postgresql://postgres@127.0.0.1:5432"


def bare_app_factory() -> object:
    """(b) An ASGI app with no framework: answers every request with the recorded bytes."""
    get_body = Path(os.environ["BENCH_GET_BODY"]).read_bytes()
    post_body = Path(os.environ["BENCH_POST_BODY"]).read_bytes()

    async def app(scope: dict, receive: object, send: object) -> None:
        if scope["type"] != "http":
            return
        while True:  # drain the request body
            message = await receive()  # type: ignore[operator]
            if not message.get("more_body"):
                break
        body, status = (post_body, 201) if scope["method"] == "POST" else (get_body, 200)
        await send(
            {
                "type": "http.response.start",
                "status": status,  # type: ignore[operator]
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})  # type: ignore[operator]

    return app


async def _floor_pool() -> Any:
    """The floors' pool: grows to the load's 16 connections, shrinks a second after it (the
    servers of one run stay up together, within PostgreSQL's 100 connections)."""
    return await asyncpg.create_pool(
        os.environ["BENCH_TENANT_DSN"], min_size=1, max_size=16, max_inactive_connection_lifetime=1
    )


def floor_app_factory() -> object:
    """(c) The floor: asyncpg and uvicorn only, the same database work as the raw loop."""
    import orjson

    get_sql, post_sql = os.environ["BENCH_GET_SQL"], os.environ["BENCH_POST_SQL"]
    pool: list[Any] = []

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                pool.append(await _floor_pool())
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] == "/healthz":
            status, out = 200, b"ok"
        elif scope["method"] == "POST":
            fields = orjson.loads(body)
            async with pool[0].acquire() as conn, conn.transaction():
                await conn.execute(post_sql, "agent_" + uuid.uuid4().hex, fields["name"])
            status, out = 201, orjson.dumps(fields)
        else:
            async with pool[0].acquire() as conn:
                row = await conn.fetchrow(get_sql, scope["path"].rpartition("/")[2])
            status, out = 200, orjson.dumps(dict(row), default=str)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(out)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": out})

    return app


def fastapi_floor_app_factory() -> object:
    """(d) The FastAPI floor: (c) as one FastAPI route per method, nothing else."""
    from contextlib import asynccontextmanager

    get_sql, post_sql = os.environ["BENCH_GET_SQL"], os.environ["BENCH_POST_SQL"]
    pool: list[Any] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        pool.append(await _floor_pool())
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> str:
        return "ok"

    @app.get("/api/v1/agents/{agent_id}")
    async def get_agent(agent_id: str) -> Any:
        async with pool[0].acquire() as conn:
            return dict(await conn.fetchrow(get_sql, agent_id))

    @app.post("/api/v1/agents", status_code=201)
    async def create_agent(request: Request) -> Response:
        fields = await request.json()
        async with pool[0].acquire() as conn, conn.transaction():
            await conn.execute(post_sql, "agent_" + uuid.uuid4().hex, fields["name"])
        return Response(await request.body(), 201, media_type="application/json")

    return app


def noauth_app_factory() -> object:
    """The real app with API-key verification replaced by a fixed principal: the bearer header
    is still read and the request limits that follow authentication still run, so the
    difference is the cost of authenticating. (Not FastAPI's dependency_overrides: an
    overridden dependency is re-introspected on every request, which costs more than auth.)"""
    from kataven_hub.core import auth
    from kataven_hub.main import create_app

    principal = auth.Principal(
        account=os.environ["BENCH_ACCOUNT"], kind="api_key", subject="key_bench", role="api_key"
    )

    async def unverified(request: Request, token: str, settings: Any) -> auth.Principal:
        return principal

    auth._authenticate_key = unverified  # type: ignore[assignment]
    return create_app()


def unguarded_app_factory() -> object:
    """The no-auth app with the request limits skipped too (P3's reference)."""
    from kataven_hub.rate_limits import service as rate_limits

    async def admitted(request: Request, principal: Any) -> None:
        return None

    rate_limits.admit = admitted  # type: ignore[assignment]
    return noauth_app_factory()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(factory: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        factory,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    proc = subprocess.Popen(cmd, env={**env, "PYTHONPATH": str(ROOT / "bench")}, cwd=ROOT)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{factory} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(10)


async def raw_loop(
    dsn: str, sql: str, args_fn: object, connections: int, seconds: float, transaction: bool
) -> float:
    """(a) asyncpg directly: the same statement, the same concurrency, no HTTP."""
    pool = await asyncpg.create_pool(dsn, min_size=connections, max_size=connections)
    count = 0
    stop_at = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal count
        async with pool.acquire() as conn:
            stmt = await conn.prepare(sql)
            while time.perf_counter() < stop_at:
                if transaction:
                    async with conn.transaction():
                        await stmt.fetch(*args_fn())  # type: ignore[operator]
                else:
                    await stmt.fetch(*args_fn())  # type: ignore[operator]
                count += 1

    start = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(connections)])
    elapsed = time.perf_counter() - start
    await pool.close()
    return count / elapsed


def profile(pid: int, port: int, request: bytes, opts: argparse.Namespace, name: str) -> None:
    """py-spy samples the app process while the load runs; prints where the time goes."""
    out = Path(opts.profile)
    out.mkdir(parents=True, exist_ok=True)
    raw = out / f"{name}.txt"
    spy = subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--rate", "500",
         "--duration", str(int(opts.seconds)), "--format", "raw", "--nonblocking", "-o", str(raw)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    result = load("127.0.0.1", port, request, opts.connections, opts.seconds)
    spy.wait(60)
    print(f"{name}: {result.rps:.0f} req/s under the profiler; {raw}")
    summarise(raw, top=40)


def app_read_sql() -> str:
    """The statement the app runs for `GET /agents/{id}`, compiled as it sends it."""
    from kataven_hub.agents.repository import _read_statement
    from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

    return str(_read_statement("postgresql", True).compile(dialect=asyncpg_dialect.dialect()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="instead of the figures, sample the app with py-spy under the GET and the POST load "
        "and write DIR/{get,post}.txt (collapsed stacks) and the functions where time goes",
    )
    opts = parser.parse_args()

    run_id = uuid.uuid4().hex[:6]
    control = f"khbench{run_id}_control"
    data_dir = tempfile.mkdtemp(prefix="khbench")
    env = {
        **os.environ,
        "KATAVEN_ENV": "testing",
        "KATAVEN_DATA_DIR": data_dir,
        "KATAVEN_DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{control}",
        "KATAVEN_TENANT_DB_PREFIX": f"khbench{run_id}_t_",
        "KATAVEN_REDIS_URL": "redis://127.0.0.1:6379/0",
        "KATAVEN_REDIS_KEY_PREFIX": f"khbench{run_id}",
        "KATAVEN_API_KEY_PEPPER": "bench-pepper-" + run_id,
        "KATAVEN_BOOTSTRAP_DEMO_ACCOUNT": "false",
        "KATAVEN_LOG_LEVEL": "WARNING",
        "KATAVEN_DB_POOL_SIZE": "10",  # plenty for one CPU-bound process; the servers share 100
        "KATAVEN_DB_MAX_OVERFLOW": "0",
        "BENCH_ACCOUNT": "bench",
    }

    async def create_control() -> None:
        conn = await asyncpg.connect(f"{PG}/postgres")
        await conn.execute(f'CREATE DATABASE "{control}"')
        await conn.close()

    asyncio.run(create_control())
    procs: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run(
            [HUB, "accounts", "create", "bench", "--json"], env=env, check=True, capture_output=True
        )
        key = json.loads(
            subprocess.run(
                [HUB, "keys", "create", "--account", "bench", "--name", "b", "--json"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )["key"]
        # Generous request limits, so the benchmark measures the work, not the 429s.
        subprocess.run(
            [
                HUB,
                "limits",
                "set",
                "--account",
                "bench",
                "--requests-per-minute",
                "100000000",
                "--requests-per-hour",
                "100000000",
                "--requests-per-day",
                "100000000",
                "--concurrent-requests",
                "100000",
            ],
            env=env,
            capture_output=True,
        )
        auth = {"Authorization": f"Bearer {key}"}
        port_app, port_noauth, port_unguarded, port_bare, port_floor, port_fastapi = (
            free_port() for _ in range(6)
        )
        procs.append(serve("kataven_hub.main:create_app", env, port_app))
        base = f"http://127.0.0.1:{port_app}"
        post_json = json.dumps(
            {"name": "Bench agent", "system_prompt": "You are helpful."}
        ).encode()
        created = httpx.post(
            f"{base}/api/v1/agents",
            content=post_json,
            headers={**auth, "Content-Type": "application/json"},
        )
        assert created.status_code == 201, created.text
        agent_id = created.json()["id"]
        got = httpx.get(f"{base}/api/v1/agents/{agent_id}", headers=auth)
        get_file, post_file = Path(data_dir) / "get.json", Path(data_dir) / "post.json"
        get_file.write_bytes(got.content)
        post_file.write_bytes(created.content)
        env.update(BENCH_GET_BODY=str(get_file), BENCH_POST_BODY=str(post_file))
        procs.append(serve("crud:noauth_app_factory", env, port_noauth))
        procs.append(serve("crud:unguarded_app_factory", env, port_unguarded))
        procs.append(serve("crud:bare_app_factory", env, port_bare))

        json_headers = {"Content-Type": "application/json"}
        get_path = f"/api/v1/agents/{agent_id}"
        requests = {
            "GET": (build_request("GET", get_path, auth), build_request("GET", get_path, {})),
            "POST": (
                build_request("POST", "/api/v1/agents", {**auth, **json_headers}, post_json),
                build_request("POST", "/api/v1/agents", json_headers, post_json),
            ),
        }
        tenant_dsn = f"{PG}/khbench{run_id}_t_bench"
        get_sql = app_read_sql()  # the app's own statement for one agent with its links
        post_sql = (  # the columns the app inserts; it runs in a transaction, as the app's does
            "INSERT INTO agents (id, name, description, category, status, system_prompt, "
            "active_prompt_id, greeting_message, greeting_mode, llm_model, voice_provider, "
            "voice_id, auth_mode, ringing_enabled, background_audio_enabled, "
            "background_audio_volume, noise_suppression_enabled, template_id, created_by, "
            "created_at, updated_at) VALUES ($1, $2, '', 'custom', 'draft', 'You are helpful.', "
            "NULL, '', 'interruptible', 'gpt-4o', 'cartesia', '', 'authenticated', true, false, "
            "0.8, true, NULL, 'key_bench', now(), now())"
        )
        env.update(BENCH_GET_SQL=get_sql, BENCH_POST_SQL=post_sql, BENCH_TENANT_DSN=tenant_dsn)
        procs.append(serve("crud:floor_app_factory", env, port_floor))
        procs.append(serve("crud:fastapi_floor_app_factory", env, port_fastapi))
        raw_args = {
            "GET": lambda: (agent_id,),
            "POST": lambda: ("agent_" + uuid.uuid4().hex, "Bench agent"),
        }
        raw_sql = {"GET": get_sql, "POST": post_sql}
        if opts.profile:
            for method in ("GET", "POST"):
                profile(procs[0].pid, port_app, requests[method][0], opts, method.lower())
            return

        print(
            f"{'':6}{'app':>7}{'no-auth':>9}{'unguarded':>11}{'fastapi':>9}{'floor':>7}"
            f"{'raw PG':>8}{'bare':>7}   {'P1/P2 app/fastapi':>17}{'P3 auth+limits':>16}"
            f"{'auth alone':>12}{'app/floor':>11}"
        )
        for method in ("GET", "POST"):
            kinds = ("app", "noauth", "unguarded", "raw", "bare", "floor", "fastapi")
            samples: dict[str, list[float]] = {k: [] for k in kinds}
            ok = {201 if method == "POST" else 200}
            # (server, port, authenticated request?) for every HTTP figure
            servers = [("app", port_app, 0), ("noauth", port_noauth, 0),
                       ("unguarded", port_unguarded, 0), ("bare", port_bare, 0),
                       ("floor", port_floor, 1), ("fastapi", port_fastapi, 1)]  # fmt: skip
            for _ in range(opts.runs):
                for kind, port, variant in servers:
                    r = load("127.0.0.1", port, requests[method][variant], opts.connections,
                             opts.seconds)  # fmt: skip
                    assert set(r.statuses) == ok, (kind, r.statuses)
                    samples[kind].append(r.rps)
                raw = raw_loop(tenant_dsn, raw_sql[method], raw_args[method], opts.connections,
                               opts.seconds, transaction=method == "POST")  # fmt: skip
                samples["raw"].append(asyncio.run(raw))
            m = {k: median(v) for k, v in samples.items()}
            print(
                f"{method:6}{m['app']:7.0f}{m['noauth']:9.0f}{m['unguarded']:11.0f}"
                f"{m['fastapi']:9.0f}{m['floor']:7.0f}{m['raw']:8.0f}{m['bare']:7.0f}   "
                f"{m['app'] / m['fastapi']:17.2f}{1 - m['app'] / m['unguarded']:16.1%}"
                f"{1 - m['app'] / m['noauth']:12.1%}{m['app'] / m['floor']:11.2f}"
            )
        print(
            f"(req/s, medians of {opts.runs} runs of {opts.seconds:.0f} s, {opts.connections} "
            "connections; targets: P1/P2 app/fastapi >= 0.5, P3 auth+limits <= 10%)"
        )
    finally:
        for proc in procs:
            stop(proc)

        async def drop() -> None:
            conn = await asyncpg.connect(f"{PG}/postgres")
            for row in await conn.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", f"khbench{run_id}%"
            ):
                await conn.execute(f'DROP DATABASE "{row["datname"]}" WITH (FORCE)')
            await conn.close()

        asyncio.run(drop())


if __name__ == "__main__":
    main()
