"""`kataven-hub dispatcher` (or `python -m kataven_hub.dispatcher`): the campaign dispatcher as
a process of its own, for production (PostgreSQL + Redis; run as many as you like), with the
webhook delivery worker beside it. SIGTERM or SIGINT finishes the current step, lets started
dials finish and hands the leases back."""

from __future__ import annotations

import asyncio
import signal

from kataven_hub import wiring
from kataven_hub.calls import tasks as call_tasks
from kataven_hub.carriers import registry as carrier_registry
from kataven_hub.carriers import sandbox
from kataven_hub.core import counters, events, redis, tenancy
from kataven_hub.core import logging as log_setup
from kataven_hub.core.settings import get_settings
from kataven_hub.dispatcher.loop import Dispatcher
from kataven_hub.webhooks.worker import DeliveryWorker


async def serve() -> None:
    settings = get_settings()
    log_setup.setup(settings.LOG_LEVEL, settings.LOG_FORMAT, production=not settings.is_development)
    tenancy.init(settings)
    carrier_registry.init(settings)
    events.reset()
    counters.reset()
    wiring.register()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        loops = [Dispatcher().run(stop)]
        if settings.WEBHOOKS_WORKER_ENABLED:
            loops.append(DeliveryWorker().run(stop))  # webhook deliveries run here too
        await asyncio.gather(*loops)
    finally:
        await sandbox.shutdown()
        await call_tasks.drain()
        await carrier_registry.shutdown()
        await tenancy.shutdown()
        await redis.close()


def main() -> int:
    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
