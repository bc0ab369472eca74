"""The shared Redis client (only when KATAVEN_REDIS_URL is set) and key naming."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError

from kataven_hub.core.settings import get_settings

_client: Redis | None = None


def client() -> Redis | None:
    """The process-wide client, or None on the embedded default (in-process backends)."""
    global _client
    url = get_settings().REDIS_URL
    if url is None:
        return None
    if _client is None:
        # A blocking pool: a burst of requests waits briefly for a connection instead of
        # failing (the default pool raises once its 100 connections are in use). A command on
        # a connection the server closed (a Redis restart or failover) is sent once more on a
        # new connection; an idle connection is checked before use.
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=get_settings().REDIS_MAX_CONNECTIONS,
            timeout=5,
            socket_timeout=2,
            socket_connect_timeout=2,
            health_check_interval=5,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[ConnectionError],
        )
        _client = Redis(connection_pool=pool)
    return _client


def key(*parts: str) -> str:
    """`kataven:{account}:…` — the account is a hash tag so one account's keys share a slot."""
    prefix = get_settings().REDIS_KEY_PREFIX
    if len(parts) > 1:
        return ":".join([prefix, "{" + parts[0] + "}", *parts[1:]])
    return ":".join([prefix, *parts])


async def close() -> None:
    global _client
    if _client is not None:
        await _client.aclose()
        await _client.connection_pool.disconnect()
        _client = None
