"""The raw originate loop the call benchmarks compare against (bench/calls.py P4,
bench/dispatch.py P6): per call, on an asyncpg pool and the app's own counters in Redis, with no
HTTP server, app or framework in between, the essential work of an originate:

  number and agent reads, the caps' counter script (one slot), the call INSERT committed; the
  carrier request (the Twilio adapter's create-call POST to a local carrier server, through
  a client built as the app builds its own); the carrier's answer recorded (UPDATE …
  RETURNING); the slot confirmed.

The process must have the app's KATAVEN_* settings in its environment (Redis URL and prefix);
the slots are counted under a scope of their own, never the account's."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "server") not in sys.path:
    sys.path.insert(0, str(ROOT / "server"))  # the tests package (carrier server fixture)

from tests.fixtures.carriers import CarrierServer  # noqa: E402

INSERT = (
    "INSERT INTO calls (id, direction, status, from_number, to_number, agent_id, provider,"
    " number_id, credentials_id, custom_fields, recording_status, created_at, updated_at)"
    " VALUES ($1, 'outbound', 'queued', $2, $3, $4, 'twilio', $5, $6, '{}', NULL, now(), now())"
)
BIG = 1_000_000


class RawOriginate:
    def __init__(
        self, pool: asyncpg.Pool, server: CarrierServer, number: dict[str, Any], agent_id: str,
        public_url: str,
    ) -> None:  # fmt: skip
        from kataven_hub.carriers.http import new_client
        from kataven_hub.carriers.twilio import TwilioCarrier
        from kataven_hub.core import settings as settings_mod
        from kataven_hub.limits import service as limits_service

        settings_mod.configure()
        self.pool, self.number, self.agent_id, self.public_url = pool, number, agent_id, public_url
        self.creds = server.new_twilio_account()
        self.carrier = TwilioCarrier(server.base_url, new_client(10.0))
        limits = dict.fromkeys(
            ("concurrent_max", "calls_per_minute", "daily_calls_max", "daily_minutes_max"), BIG
        )
        self.windows = limits_service.windows(limits)
        self.concurrent = limits_service.CONCURRENT
        self.scope = "rawbench" + uuid.uuid4().hex[:6]

    async def one(self, _: int = 0) -> None:
        from kataven_hub.carriers.base import CallbackUrls
        from kataven_hub.core.counters import counters

        session_id = f"sess_raw{uuid.uuid4().hex}"
        e164, to = self.number["e164"], "+14155550100"
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.fetchrow("SELECT * FROM phone_numbers WHERE e164 = $1", e164)
            await conn.fetchrow("SELECT * FROM agents WHERE id = $1", self.agent_id)
            assert await counters().acquire(self.scope, self.windows, member=session_id) is None
            await conn.execute(INSERT, session_id, e164, to, self.agent_id, self.number["id"],
                               self.number["credentials_id"])  # fmt: skip
        urls = CallbackUrls(f"{self.public_url}/twilio/status?session={session_id}",
                            f"{self.public_url}/twilio/voice?session={session_id}")  # fmt: skip
        placed = await self.carrier.place_call(
            self.creds, from_number=e164, to_number=to, urls=urls, record=False
        )
        async with self.pool.acquire() as conn:
            await conn.fetchrow(
                "UPDATE calls SET carrier_call_id = $2, status = CASE WHEN status = 'queued' THEN"
                " $3 ELSE status END, updated_at = now() WHERE id = $1 RETURNING *",
                session_id, placed.carrier_call_id, placed.status,
            )  # fmt: skip
        await counters().keep(self.scope, self.concurrent, session_id, 3600)

    async def run(self, n: int, concurrency: int) -> float:
        """Originates/s of `n` calls, at most `concurrency` in flight."""
        return await timed(n, concurrency, self.one)

    async def clean(self) -> None:
        """Remove the raw loop's calls (so they never count as the account's)."""
        async with self.pool.acquire() as conn:
            await conn.execute("DELETE FROM calls WHERE id LIKE 'sess_raw%'")

    async def aclose(self) -> None:
        await self.carrier.client.aclose()


async def timed(n: int, concurrency: int, one: Any) -> float:
    """Run `one(i)` for i < n with at most `concurrency` in flight; return operations/s."""
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return n / (time.perf_counter() - started)
