"""Background work the calls module starts after a commit (recording fetches), tracked so the
API's shutdown can finish or cancel it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("kataven_hub.calls.tasks")
_tasks: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any], name: str) -> None:
    async def guarded() -> None:
        try:
            await coro
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background task %s failed", name)

    task = asyncio.create_task(guarded(), name=name)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def drain(wait_seconds: float = 5.0) -> None:
    """Wait for running tasks (tests, shutdown), cancelling what is left after `wait_seconds`."""
    if not _tasks:
        return
    _, pending = await asyncio.wait(list(_tasks), timeout=wait_seconds)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
