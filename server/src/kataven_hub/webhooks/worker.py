"""The delivery worker: sends queued webhook deliveries, records each attempt, retries.

It runs inside the API process on the embedded default and inside every `kataven-hub
dispatcher` process in production. A step, per account that has endpoints: lease due attempts
(`claim`, committed before anything is sent, so two workers never send the same attempt at once;
a worker that dies mid-send leaves a lease that expires after `WEBHOOKS_LEASE_SECONDS`, and the
attempt is sent again), send them in parallel, record the outcomes (guarded by the lease, so a
late worker cannot overwrite a newer attempt). Delivery is therefore at least once; receivers
deduplicate by `webhook-id`. Per-endpoint ordering is not promised.

Failed attempts are retried with exponential backoff and jitter until the event is
`WEBHOOKS_RETRY_WINDOW_SECONDS` old (24 h), then given up (`failed`). An endpoint whose
deliveries keep failing for `WEBHOOKS_DISABLE_AFTER_SECONDS` (3 days) is disabled, with the
reason on the endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson

from kataven_hub.core import events, secrets, tenancy
from kataven_hub.core.db import ControlSession, TenantSession, new_session, sqlite_immediate, utcnow
from kataven_hub.core.sessions import commit
from kataven_hub.core.settings import get_settings
from kataven_hub.webhooks import signing, ssrf
from kataven_hub.webhooks.models import (
    DELIVERED,
    ENDPOINT_PREVIOUS_SECRET,
    ENDPOINT_SECRET,
    FAILED,
    PENDING,
    WebhookEndpoint,
)
from kataven_hub.webhooks.outbox import WAKE_CHANNEL
from kataven_hub.webhooks.repository import WebhookAccountRepository, WebhookRepository

log = logging.getLogger("kataven_hub.webhooks.worker")
USER_AGENT = "Kataven-Hub-Webhooks/1"
_KEEP_SECONDS = 30 * 86_400  # settled deliveries are kept this long
_PURGE_EVERY_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff(attempt: int) -> float:
    """Seconds before retry `attempt + 1`: doubling from the base, capped, with equal jitter
    (half fixed, half random) so retries of many deliveries spread out."""
    settings = get_settings()
    delay = min(
        settings.WEBHOOKS_RETRY_MAX_SECONDS,
        settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1),
    )
    return float(delay / 2 + random.uniform(0, delay / 2))


def new_client() -> httpx.AsyncClient:
    # No redirects, no proxies from the environment, no cookies kept between receivers.
    return httpx.AsyncClient(follow_redirects=False, trust_env=False, http2=False)


async def send(
    client: httpx.AsyncClient, url: str, signing_secrets: list[str], payload: dict[str, Any]
) -> Outcome:
    """One attempt: check the destination, POST the signed body to the checked address, read
    at most WEBHOOKS_RESPONSE_MAX_BYTES of the answer."""
    settings = get_settings()
    started = time.perf_counter()

    def took() -> int:
        return round((time.perf_counter() - started) * 1000)

    try:
        async with asyncio.timeout(settings.WEBHOOKS_TIMEOUT_SECONDS):
            target = await ssrf.check(url)
            body = orjson.dumps(payload)
            headers = signing.headers(signing_secrets, str(payload["id"]), int(time.time()), body)
            headers.update(
                {"content-type": "application/json", "user-agent": USER_AGENT,
                 "host": target.host_header}
            )  # fmt: skip
            extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
            request = client.build_request(
                "POST", target.connect_url, content=body, headers=headers, extensions=extensions,
                timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
            )  # fmt: skip
            response = await client.send(request, stream=True)
            try:
                read = 0
                async for chunk in response.aiter_raw():
                    read += len(chunk)
                    if read >= settings.WEBHOOKS_RESPONSE_MAX_BYTES:
                        break
            finally:
                await response.aclose()
    except ssrf.DestinationRefused as exc:
        return Outcome(None, took(), f"Destination refused: {exc}"[:500])
    except TimeoutError:
        return Outcome(None, took(), "Timed out")
    except httpx.HTTPError as exc:
        return Outcome(None, took(), f"{type(exc).__name__}: {exc}"[:500] or "Connection failed")
    code = response.status_code
    error = None if 200 <= code < 300 else f"HTTP {code}"
    if 300 <= code < 400:
        error = f"HTTP {code} (redirects are not followed)"
    return Outcome(code, took(), error)


def signing_secrets(account: str, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The endpoint's secret, and its previous one while that still signs (after a rotation)."""
    out = [ENDPOINT_SECRET.decrypt(endpoint.secret, account=account, row_id=endpoint.id).decode()]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        previous = ENDPOINT_PREVIOUS_SECRET.decrypt(
            endpoint.previous_secret, account=account, row_id=endpoint.id
        )
        out.append(previous.decode())
    return out


class DeliveryWorker:
    def __init__(self, *, owner: str | None = None, client: httpx.AsyncClient | None = None):
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.client = client
        self._wake = asyncio.Event()
        self._next_purge: dict[str, float] = {}
        self._gate = asyncio.Semaphore(get_settings().WEBHOOKS_MAX_PARALLEL)

    async def run(self, stop: asyncio.Event) -> None:
        own_client = self.client is None
        self.client = self.client or new_client()
        listener = asyncio.create_task(self._listen(stop))
        try:
            while not stop.is_set():
                self._wake.clear()
                busy = False
                try:
                    busy = await self.tick()
                except Exception:
                    log.exception("webhook delivery step failed")
                if busy:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wait(stop), get_settings().WEBHOOKS_POLL_SECONDS)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            if own_client:
                await self.client.aclose()

    async def _wait(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()

    async def _listen(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async with events.bus().subscribe(WAKE_CHANNEL) as sub:
                    while not stop.is_set():
                        if await sub.get(timeout=1.0) is not None:
                            self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("webhook wake-up channel lost; polling", exc_info=True)
                await asyncio.sleep(1.0)

    async def tick(self) -> bool:
        """One pass over the accounts with endpoints; True when anything was sent."""
        async with new_session(tenancy.get().control_engine) as control:
            accounts = await WebhookAccountRepository(ControlSession(control)).accounts()
        sent = 0
        for account in accounts:
            try:
                sent += await self.serve(account)
            except Exception:
                log.exception("webhook deliveries of an account failed")
        return sent > 0

    async def serve(self, account: str) -> int:
        """Claim, send and record one batch of `account`'s due deliveries."""
        engine = await tenancy.get().engine_for(account)
        if engine is None:  # the account was deleted
            async with new_session(tenancy.get().control_engine) as control:
                await WebhookAccountRepository(ControlSession(control)).remove(account)
                await control.commit()
            return 0
        settings = get_settings()
        now = utcnow()
        async with new_session(engine) as raw:
            due = await WebhookRepository(TenantSession(raw)).has_due(now)
        if not due:
            await self._purge(engine, account)
            return 0
        lease_until = now + timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
        async with new_session(sqlite_immediate(engine)) as raw:
            session = TenantSession(raw)
            repo = WebhookRepository(session)
            claimed = await repo.claim(self.owner, now, lease_until, settings.WEBHOOKS_BATCH)
            if not claimed:
                return 0
            endpoints = await repo.endpoints_by_id(sorted({c["endpoint_id"] for c in claimed}))
            await commit(session)
        jobs = []
        for c in claimed:
            jobs.append(self._attempt(account, endpoints.get(c["endpoint_id"]), c["payload"], now))
        outcomes = await asyncio.gather(*jobs)
        await self._record(engine, account, claimed, endpoints, outcomes)
        return len(claimed)

    async def _attempt(
        self,
        account: str,
        endpoint: WebhookEndpoint | None,
        payload: dict[str, Any] | None,
        now: datetime,
    ) -> Outcome:
        if endpoint is None or payload is None:
            return Outcome(None, 0, "Endpoint or event no longer exists")
        try:
            keys = signing_secrets(account, endpoint, now)
        except secrets.SecretUndecryptable:
            return Outcome(None, 0, "The endpoint's secret cannot be decrypted")
        assert self.client is not None
        async with self._gate:
            return await send(self.client, endpoint.url, keys, payload)

    async def _record(
        self,
        engine: Any,
        account: str,
        claimed: list[dict[str, Any]],
        endpoints: dict[str, WebhookEndpoint],
        outcomes: list[Outcome],
    ) -> None:
        settings = get_settings()
        now = utcnow()
        async with new_session(sqlite_immediate(engine)) as raw:
            session = TenantSession(raw)
            repo = WebhookRepository(session)
            for c, outcome in zip(claimed, outcomes, strict=True):
                values: dict[str, Any] = {
                    "response_status": outcome.status_code,
                    "latency_ms": outcome.latency_ms,
                    "error": outcome.error,
                    "updated_at": now,
                }
                if outcome.ok:
                    values.update(status=DELIVERED, delivered_at=now, next_attempt_at=None)
                else:
                    age = (now - c["created_at"]).total_seconds()
                    if age >= settings.WEBHOOKS_RETRY_WINDOW_SECONDS:
                        values.update(status=FAILED, next_attempt_at=None)
                    else:
                        retry_at = now + timedelta(seconds=backoff(c["attempts"]))
                        values.update(status=PENDING, next_attempt_at=retry_at)
                if not await repo.finish(c["id"], self.owner, c["attempts"], values):
                    continue  # the lease ran out and another worker took the attempt over
                await self._endpoint_health(repo, endpoints.get(c["endpoint_id"]), outcome, now)
            await commit(session)

    async def _endpoint_health(
        self,
        repo: WebhookRepository,
        endpoint: WebhookEndpoint | None,
        outcome: Outcome,
        now: datetime,
    ) -> None:
        if endpoint is None:
            return
        if outcome.ok:
            if endpoint.failing_since is not None:
                await repo.endpoint_succeeded(endpoint.id)
                endpoint.failing_since = None
            return
        since = await repo.endpoint_failed(endpoint.id, now)
        endpoint.failing_since = since
        failing = (now - since).total_seconds()
        if failing >= get_settings().WEBHOOKS_DISABLE_AFTER_SECONDS:
            days = failing / 86_400
            reason = (
                f"Disabled automatically: every delivery failed for {days:.1f} days "
                f"(since {since.isoformat(timespec='seconds')}; last: {outcome.error})"
            )
            await repo.disable_failing(endpoint.id, reason, now)

    async def _purge(self, engine: Any, account: str) -> None:
        due = self._next_purge.get(account, 0.0)
        if time.monotonic() < due:
            return
        self._next_purge[account] = time.monotonic() + _PURGE_EVERY_SECONDS
        async with new_session(sqlite_immediate(engine)) as raw:
            session = TenantSession(raw)
            await WebhookRepository(session).purge(utcnow() - timedelta(seconds=_KEEP_SECONDS))
            await commit(session)
