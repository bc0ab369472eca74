"""The dispatcher loop: a series of small steps over the campaigns it holds leases on.

Each tick: renew leases (every third of their lifetime), take due campaigns while it has room,
then serve accounts round-robin (the starting account rotates, so one big account cannot starve
the rest), one step per campaign (campaigns/dialer.py), and start the dials those steps
recorded as tasks (at most `DISPATCH_MAX_PARALLEL_DIALS` at once). It sleeps until the next
tick, the next pacing token, or a wake-up on the bus (a call ended, a campaign was started).

`stop` (SIGTERM) ends the loop after the current tick: the dials already started finish, and
the leases are handed back so another dispatcher takes over at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
import socket
import time
import uuid
from collections import defaultdict
from typing import Any

from kataven_hub.calls import service as calls_service
from kataven_hub.campaigns import dialer
from kataven_hub.campaigns.events import WAKE_CHANNEL
from kataven_hub.core import events, tenancy
from kataven_hub.core.db import ControlSession, new_session
from kataven_hub.core.settings import get_settings
from kataven_hub.dispatcher import leases
from kataven_hub.dispatcher.pacing import Pacer
from kataven_hub.limits import service as limits_service

log = logging.getLogger("kataven_hub.dispatcher")
_RATE_CACHE_SECONDS = 5.0


def _dump_tasks() -> None:
    out = io.StringIO()
    for task in asyncio.all_tasks():
        task.print_stack(limit=12, file=out)
    log.warning("dispatcher tasks:\n%s", out.getvalue())


class Dispatcher:
    def __init__(self, *, owner: str | None = None, originate: dialer.Dial | None = None) -> None:
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.originate = originate or calls_service.originate
        self.settings = get_settings()
        self.held: dict[str, leases.Lease] = {}
        self.pacer = Pacer()
        self.dials: set[asyncio.Task[None]] = set()
        self.ticks = 0
        self._wake = asyncio.Event()
        self._stopping = False
        self._rates: dict[str, tuple[float, int, float]] = {}  # account → (rate, cpm, until)
        self._next_renew = 0.0
        self._next_acquire = 0.0
        self._next_sweep: dict[str, float] = {}
        self._rotation = 0

    # -- lifecycle -----------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            # Operators: `kill -USR1 <pid>` logs where every task is waiting.
            asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, _dump_tasks)
        listener = asyncio.create_task(self._listen(stop))
        dialer.serve_locally(self._grant)
        try:
            while not stop.is_set():
                sleep = self.settings.DISPATCH_TICK_SECONDS
                self._wake.clear()  # a wake-up during the tick below runs the next one at once
                try:
                    sleep = min(sleep, await self.tick())
                except Exception:
                    log.exception("dispatcher tick failed")
                    sleep = 1.0
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wait(stop), max(0.01, sleep))
        finally:
            self._stopping = True
            dialer.serve_locally(None)
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await self.drain()

    async def _wait(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()

    async def _listen(self, stop: asyncio.Event) -> None:
        """Wake-ups from any process (call ended, campaign started or resumed)."""
        while not stop.is_set():
            try:
                async with events.bus().subscribe(WAKE_CHANNEL) as sub:
                    while not stop.is_set():
                        message = await sub.get(timeout=1.0)
                        if message is None:
                            continue
                        campaign_id = message[1].decode().rpartition(":")[2]
                        if campaign_id not in self.held:
                            self._next_acquire = 0.0  # started or resumed: look for it now
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("dispatcher wake-up channel lost; polling", exc_info=True)
                await asyncio.sleep(1.0)

    async def drain(self) -> None:
        """Let started dials finish, then hand every lease back."""
        while self.dials:  # a call that ended meanwhile may have started one more
            await asyncio.gather(*list(self.dials), return_exceptions=True)
        control = tenancy.get().control_engine
        for lease in list(self.held.values()):
            with contextlib.suppress(Exception):
                await leases.release(control, self.owner, lease, None)
        self.held.clear()

    # -- one tick ------------------------------------------------------------------------------
    async def tick(self) -> float:
        """One pass; returns how long the loop may sleep before the next."""
        self.ticks += 1
        s = self.settings
        control = tenancy.get().control_engine
        now = time.monotonic()
        if now >= self._next_renew and self.held:
            for lost in await leases.renew(
                control, self.owner, list(self.held.values()), s.DISPATCH_LEASE_SECONDS
            ):
                self.held.pop(lost, None)
            self._next_renew = now + s.DISPATCH_LEASE_SECONDS / 3
        if now >= self._next_acquire and len(self.held) < s.DISPATCH_MAX_CAMPAIGNS:
            room = s.DISPATCH_MAX_CAMPAIGNS - len(self.held)
            for lease in await leases.acquire(control, self.owner, room, s.DISPATCH_LEASE_SECONDS):
                self.held[lease.campaign_id] = lease
            self._next_acquire = now + 1.0
        by_account: dict[str, list[leases.Lease]] = defaultdict(list)
        for lease in self.held.values():
            by_account[lease.account].append(lease)
        accounts = sorted(by_account)
        self._rotation += 1
        sleep = s.DISPATCH_TICK_SECONDS
        for i in range(len(accounts)):
            account = accounts[(i + self._rotation) % len(accounts)]
            for lease in by_account[account]:
                sleep = min(sleep, await self._serve(control, lease))
        return sleep

    async def _serve(self, control: Any, lease: leases.Lease) -> float:
        s = self.settings
        engine = await tenancy.get().engine_for(lease.account)
        if engine is None:  # the account is gone
            await leases.remove(control, lease)
            self.held.pop(lease.campaign_id, None)
            return s.DISPATCH_TICK_SECONDS
        if not lease.taken_over:
            async with dialer.tenant_session(engine, lease.account) as session:
                ok = await dialer.progress.take_over(session, lease.campaign_id, lease.token)
                await session.commit()
            if not ok:
                await leases.remove(control, lease)  # campaign deleted (or a newer lease)
                self.held.pop(lease.campaign_id, None)
                return s.DISPATCH_TICK_SECONDS
            lease.taken_over = True
        now = time.monotonic()
        sweep = now >= self._next_sweep.get(lease.campaign_id, 0.0)
        if sweep:
            self._next_sweep[lease.campaign_id] = now + s.DISPATCH_SWEEP_SECONDS
        rate, per_minute = await self._rate(lease.account)
        room = max(0, s.DISPATCH_MAX_PARALLEL_DIALS - len(self.dials))
        capacity = self.pacer.take(lease.account, room, rate, per_minute=per_minute)
        result = await dialer.step(
            engine, control, lease.account, lease.campaign_id, lease.token, capacity, sweep
        )
        self.pacer.give_back(lease.account, capacity - len(result.claimed))
        if result.fenced:
            self.held.pop(lease.campaign_id, None)
            return s.DISPATCH_TICK_SECONDS
        if result.drained:
            await leases.remove(control, lease)
            self.held.pop(lease.campaign_id, None)
            self._next_sweep.pop(lease.campaign_id, None)
        elif result.idle_until is not None:
            await leases.release(control, self.owner, lease, result.idle_until)
            self.held.pop(lease.campaign_id, None)
        for claimed in result.claimed:
            self._start_dial(engine, lease, result.campaign, claimed)
        if result.status == "running" and capacity == 0 and rate > 0:
            return self.pacer.wait_hint(lease.account)
        return s.DISPATCH_TICK_SECONDS

    async def _grant(self, account: str, campaign_id: str) -> dialer.Grant | None:
        """A call of `campaign_id` ended in this process: leave to dial its next contacts at
        once, if we serve the campaign (see dialer.call_ended). The wake-up still comes."""
        lease = self.held.get(campaign_id)
        if lease is None or not lease.taken_over or self._stopping:
            return None
        engine = await tenancy.get().engine_for(account)
        if engine is None:
            return None
        rate, per_minute = await self._rate(account)
        room = max(0, self.settings.DISPATCH_MAX_PARALLEL_DIALS - len(self.dials))
        capacity = self.pacer.take(account, room, rate, per_minute=per_minute)
        if capacity == 0:
            return None

        def start(info: dict[str, Any], claimed: list[Any]) -> None:
            self.pacer.give_back(account, capacity - len(claimed))
            for c in claimed:
                self._start_dial(engine, lease, info, c)

        return dialer.Grant(lease.token, capacity, start)

    def _start_dial(
        self, engine: Any, lease: leases.Lease, info: dict[str, Any], claimed: Any
    ) -> None:
        async def run() -> None:
            try:
                hold = await dialer.dial(
                    engine,
                    lease.account,
                    lease.campaign_id,
                    info,
                    lease.token,
                    claimed,
                    self.originate,
                )
                if hold:
                    self.pacer.hold(lease.account, hold)
            except Exception:
                log.exception("dial task failed")

        task = asyncio.create_task(run())
        self.dials.add(task)
        task.add_done_callback(self.dials.discard)

    async def _rate(self, account: str) -> tuple[float, int]:
        """Dials per second for the account (≤ DISPATCH_MAX_CPS and ≤ calls_per_minute / 60),
        and its calls_per_minute."""
        cached = self._rates.get(account)
        now = time.monotonic()
        if cached is not None and cached[2] > now:
            return cached[0], cached[1]
        async with new_session(tenancy.get().control_engine) as control:
            limits = await limits_service.get_limits(ControlSession(control), account)
        per_minute = int(limits["calls_per_minute"])
        rate = min(self.settings.DISPATCH_MAX_CPS, per_minute / 60.0)
        self._rates[account] = (rate, per_minute, now + _RATE_CACHE_SECONDS)
        return rate, per_minute
