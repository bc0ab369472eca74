"""Carriers that behave like real ones for campaign runs, and keep their own log.

`SimulatedCarrier`: the local carrier server (Twilio wire format over real HTTP) where each
call lasts a random handle time, ends with a weighted random outcome and then sends its signed
callbacks (retried while our API answers 403 for a call it has not committed yet, as carriers
retry). `count_sandbox` wraps the sandbox carrier the same way. Both record, on the carrier's
side, the calls in flight at every instant and every call placed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
from kataven_hub.carriers import sandbox
from kataven_hub.core.db import utcnow
from kataven_hub.core.settings import get_settings

from tests.fixtures.carriers import CarrierServer, FakeCall

OUTCOMES = {"completed": 0.6, "busy": 0.15, "no-answer": 0.15, "failed": 0.1}


class CarrierLog:
    def __init__(self) -> None:
        self.in_flight = 0
        self.max_in_flight = 0
        self.placed: list[str] = []  # the dialled number of every call, in order
        # (the process clock's time, number, calls in flight) at every call placed
        self.timeline: list[tuple[datetime, str, int]] = []

    def began(self, to_number: str) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.placed.append(to_number)
        self.timeline.append((utcnow(), to_number, self.in_flight))

    def ended(self) -> None:
        self.in_flight -= 1


class SimulatedCarrier(CarrierServer):
    def __init__(
        self, client: httpx.AsyncClient, handle: tuple[float, float] = (0.05, 0.25)
    ) -> None:
        super().__init__()
        self.client = client
        self.handle = handle
        self.carrier_log = CarrierLog()
        self.outcomes = dict(OUTCOMES)

    def _schedule(self, call: FakeCall) -> None:
        self.carrier_log.began(call.to_number)

        async def run() -> None:
            await asyncio.sleep(random.uniform(*self.handle))
            outcome = random.choices(list(self.outcomes), weights=list(self.outcomes.values()))[0]
            self.carrier_log.ended()
            for cb in self.callbacks(call.call_id, outcome, duration=1):
                if cb.kind != "status":
                    continue
                for _ in range(50):
                    r = await self.deliver(self.client, cb)
                    if r.status_code != 403:
                        break
                    await asyncio.sleep(0.1)

        task = asyncio.create_task(run())
        self._auto.add(task)
        task.add_done_callback(self._auto.discard)


@contextlib.contextmanager
def count_sandbox(
    ring: float = 0.03, talk: tuple[float, float] = (0.05, 0.2)
) -> Iterator[CarrierLog]:
    """Fast sandbox calls, counted on the carrier's side."""
    settings = get_settings()
    saved = (settings.SANDBOX_RING_SECONDS, settings.SANDBOX_TALK_SECONDS,
             settings.SANDBOX_OUTCOME_WEIGHTS, settings.CALL_RECORDING_ENABLED)  # fmt: skip
    settings.SANDBOX_RING_SECONDS, settings.SANDBOX_TALK_SECONDS = ring, talk
    settings.SANDBOX_OUTCOME_WEIGHTS = {k.replace("-", "_"): v for k, v in OUTCOMES.items()}
    settings.CALL_RECORDING_ENABLED = False
    log = CarrierLog()
    # A call's end counts once, and only for a call placed inside this block: a retried callback
    # reports the same end again, and a retry of an earlier test's call can arrive here.
    live: set[str] = set()
    original, deliver = sandbox.SandboxCarrier._simulate, sandbox._deliver
    assert deliver is not None

    async def simulate(self: Any, creds: Any, call_id: str, urls: Any, from_number: str,
                       to_number: str, record: bool) -> None:  # fmt: skip
        live.add(call_id)
        log.began(to_number)
        await original(self, creds, call_id, urls, from_number, to_number, record)

    async def report(
        provider: str, url: str, params: dict[str, str], headers: dict[str, str]
    ) -> None:
        status, call_id = params.get("CallStatus"), params.get("CallSid", "")
        if status in ("completed", "busy", "no-answer", "failed", "canceled") and call_id in live:
            live.discard(call_id)
            log.ended()  # the carrier ended the call; then it tells us
        await deliver(provider, url, params, headers)

    sandbox.SandboxCarrier._simulate = simulate  # type: ignore[method-assign]
    sandbox._deliver = report
    try:
        yield log
    finally:
        sandbox.SandboxCarrier._simulate = original  # type: ignore[method-assign]
        sandbox._deliver = deliver
        (settings.SANDBOX_RING_SECONDS, settings.SANDBOX_TALK_SECONDS,
         settings.SANDBOX_OUTCOME_WEIGHTS, settings.CALL_RECORDING_ENABLED) = saved  # fmt: skip
