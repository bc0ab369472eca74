"""The one place that turns an account into a database engine.

Each account owns a database: a SQLite file under DATA_DIR/tenants by default, or a PostgreSQL
database on the configured cluster. Engines are created lazily and kept in a bounded LRU; the
least recently used idle one is disposed when the cache is full.

On PostgreSQL the tenant pools of one process share a budget of connections
(`DB_TENANT_CONNECTIONS_MAX`): a new connection is opened only while the process holds fewer;
otherwise the idle pools of other accounts are closed to make room, and if none is idle the
request waits up to `DB_CONNECT_WAIT_SECONDS` for one, then gets 503 with Retry-After. Pools
idle for `DB_TENANT_POOL_IDLE_SECONDS` are closed as well. So however many accounts are busy,
one process never holds more than the budget plus its control pool.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool
from sqlalchemy.util import greenlet_spawn

from kataven_hub.core import db
from kataven_hub.core.errors import ServiceUnavailable
from kataven_hub.core.settings import Settings

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
RESERVED_ACCOUNTS = frozenset({"kataven-admin"})
_PG_NAME_MAX = 63
_SWEEP_SECONDS = 5.0
log = logging.getLogger("kataven_hub.tenancy")


class DatabaseBusy(ServiceUnavailable):
    code = "database_busy"
    description = "No database connection is free; retry shortly"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": "1"})


def _open_connections(pool: Pool) -> int:
    """Connections a pool holds open (idle or checked out, or being opened)."""
    size, overflow = getattr(pool, "size", None), getattr(pool, "overflow", None)
    if not callable(size) or not callable(overflow):
        return 0
    return int(size()) + int(overflow())


def _checked_out(pool: Pool) -> int:
    checkedout = getattr(pool, "checkedout", None)
    return int(checkedout()) if callable(checkedout) else 0


class Tenancy:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engines: OrderedDict[str, AsyncEngine] = OrderedDict()
        self._used: dict[str, float] = {}  # slug → monotonic time of its last engine_for
        # Engines out of the cache whose connections are not all closed yet (still counted).
        self._retired: list[AsyncEngine] = []
        self._waiting = 0  # connection openings waiting for room in the budget
        self._next_sweep = 0.0
        self._lock = asyncio.Lock()
        if settings.is_postgres:
            assert settings.DATABASE_URL
            self.control_url = settings.DATABASE_URL
        else:
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            (settings.DATA_DIR / "tenants").mkdir(exist_ok=True)
            self.control_url = db.sqlite_url(settings.DATA_DIR / "control.db")
        self.control_engine = db.make_engine(
            self.control_url,
            pool_size=settings.DB_POOL_SIZE,
            max_overflow=settings.DB_MAX_OVERFLOW,
        )

    # -- placement ---------------------------------------------------------------------------
    def database_name(self, slug: str) -> str:
        """The database an account is placed in (stored on the account row)."""
        name = f"{self.settings.TENANT_DB_PREFIX}{slug}"
        if len(name) > _PG_NAME_MAX:
            digest = hashlib.sha256(slug.encode()).hexdigest()[:10]
            name = f"{name[: _PG_NAME_MAX - 11]}_{digest}"
        return name

    def tenant_url(self, database: str) -> str:
        if self.settings.is_postgres:
            return (
                make_url(self.control_url)
                .set(database=database)
                .render_as_string(hide_password=False)
            )
        return db.sqlite_url(self._sqlite_path(database))

    def _sqlite_path(self, database: str) -> Path:
        return self.settings.DATA_DIR / "tenants" / f"{database}.db"

    async def _placement(self, slug: str) -> str | None:
        async with self.control_engine.connect() as conn:
            row = await conn.execute(
                text("SELECT database_name FROM accounts WHERE slug = :slug"), {"slug": slug}
            )
            return row.scalar_one_or_none()

    # -- engines -----------------------------------------------------------------------------
    async def engine_for(self, slug: str) -> AsyncEngine | None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_SECONDS
            await self._sweep(now)
        engine = self._engines.get(slug)
        if engine is not None:
            self._engines.move_to_end(slug)
            self._used[slug] = now
            return engine
        database = await self._placement(slug)
        if database is None:
            return None
        return await self._open(slug, database)

    async def _open(self, slug: str, database: str) -> AsyncEngine:
        async with self._lock:
            engine = self._engines.get(slug)
            if engine is not None:
                return engine
            url = self.tenant_url(database)
            owner: list[AsyncEngine] = []
            connect = self._budgeted_connect(slug, owner) if self.settings.is_postgres else None
            engine = db.make_engine(
                url,
                pool_size=self.settings.DB_POOL_SIZE,
                max_overflow=self.settings.DB_MAX_OVERFLOW,
                pool_timeout=self.settings.DB_CONNECT_WAIT_SECONDS,
                connect=connect,
            )
            owner.append(engine)
            self._engines[slug] = engine
            self._used[slug] = time.monotonic()
            if len(self._engines) > self.settings.TENANT_ENGINE_CACHE_SIZE:
                for old_slug in list(self._engines):
                    if len(self._engines) <= self.settings.TENANT_ENGINE_CACHE_SIZE:
                        break
                    if old_slug != slug:
                        await self._retire(old_slug)
            return engine

    async def _retire(self, slug: str) -> None:
        """Out of the cache; its pool is closed now if idle, else once its connections are
        back (until then they still count against the budget)."""
        engine = self._engines.pop(slug, None)
        self._used.pop(slug, None)
        if engine is None:
            return
        if _checked_out(engine.sync_engine.pool) == 0:
            await engine.dispose()
        else:
            self._retired.append(engine)

    async def forget(self, slug: str) -> None:
        engine = self._engines.pop(slug, None)
        self._used.pop(slug, None)
        if engine is not None:
            await engine.dispose()

    # -- the connection budget (PostgreSQL) --------------------------------------------------
    def open_connections(self) -> int:
        """Tenant connections this process holds open (the control pool is not counted)."""
        engines = [*self._engines.values(), *self._retired]
        return sum(_open_connections(e.sync_engine.pool) for e in engines)

    def _budgeted_connect(self, slug: str, owner: list[AsyncEngine]) -> Any:
        """`asyncpg.connect` for `slug`'s pool (the engine in `owner`), once the budget has room
        for one more."""

        async def connect(*args: Any, **kwargs: Any) -> Any:
            import asyncpg

            engine = owner[0]
            if engine not in self._retired and self._engines.get(slug) is not engine:
                # A request took this engine before it left the cache and opens a connection on
                # it now: it is tracked again, so the connection counts and an idle-pool close
                # can reach it.
                self._retired.append(engine)
            await self._admit(slug)
            kwargs.setdefault("timeout", self.settings.DB_CONNECT_WAIT_SECONDS)
            return await asyncpg.connect(*args, **kwargs)

        return connect

    async def _admit(self, slug: str) -> None:
        """Wait until one more connection fits the budget: idle pools of other accounts are
        closed to make room; past DB_CONNECT_WAIT_SECONDS, DatabaseBusy (503)."""
        limit = max(1, self.settings.DB_TENANT_CONNECTIONS_MAX)
        deadline = time.monotonic() + self.settings.DB_CONNECT_WAIT_SECONDS
        self._waiting += 1
        try:
            while True:
                # The pools already count every opening in progress, waiting ones included.
                if self.open_connections() - self._waiting + 1 <= limit:
                    return
                if await self._close_idle_pool(exclude=slug):
                    continue
                if time.monotonic() >= deadline:
                    log.warning("no database connection within the budget for %s", slug)
                    raise DatabaseBusy("No database connection is free; retry shortly")
                await asyncio.sleep(0.02)
        finally:
            self._waiting -= 1

    async def _close_idle_pool(self, exclude: str) -> bool:
        """Close the pool of the least recently used account whose connections are all idle;
        True when one was closed."""
        self._retired = [e for e in self._retired if _open_connections(e.sync_engine.pool) > 0]
        candidates = [*self._retired, *(e for s, e in self._engines.items() if s != exclude)]
        for engine in candidates:
            pool = engine.sync_engine.pool
            if _open_connections(pool) > 0 and _checked_out(pool) == 0:
                await _close_pool(engine)
                return True
        return False

    async def _sweep(self, now: float) -> None:
        """Close the pools of accounts idle for DB_TENANT_POOL_IDLE_SECONDS."""
        idle_before = now - self.settings.DB_TENANT_POOL_IDLE_SECONDS
        for slug, engine in list(self._engines.items()):
            pool = engine.sync_engine.pool
            if (
                self._used.get(slug, now) < idle_before
                and _open_connections(pool) > 0
                and _checked_out(pool) == 0
            ):
                await _close_pool(engine)
        # Taken off the list before the first await: `_close_idle_pool` rebuilds the list while
        # this one waits for a dispose.
        done = [e for e in self._retired if _checked_out(e.sync_engine.pool) == 0]
        self._retired = [e for e in self._retired if e not in done]
        for engine in done:
            await engine.dispose()

    # -- databases ---------------------------------------------------------------------------
    async def create_database(self, database: str) -> AsyncEngine:
        """Create an empty tenant database and return a (not cached) engine on it."""
        if self.settings.is_postgres:
            async with self.control_engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(f'CREATE DATABASE "{database}"'))
        else:
            path = self._sqlite_path(database)
            if path.exists():
                raise FileExistsError(path)
        return db.make_engine(self.tenant_url(database), pool_size=2, max_overflow=2)

    async def drop_database(self, slug: str, database: str) -> None:
        await self.forget(slug)
        if self.settings.is_postgres:
            async with self.control_engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        else:
            for suffix in ("", "-wal", "-shm"):
                path = Path(f"{self._sqlite_path(database)}{suffix}")
                await asyncio.to_thread(path.unlink, missing_ok=True)

    async def close(self) -> None:
        for slug in list(self._engines):
            await self.forget(slug)
        for engine in self._retired:
            await engine.dispose()
        self._retired = []
        await self.control_engine.dispose()


async def _close_pool(engine: AsyncEngine) -> None:
    """Close an idle pool: the engine gets a fresh (empty) pool first, in the same step as the
    check that nothing is checked out, so no request can draw from the pool being closed."""
    sync = engine.sync_engine
    old = sync.pool
    sync.pool = old.recreate()
    await greenlet_spawn(old.dispose)


_tenancy: Tenancy | None = None


def init(settings: Settings) -> Tenancy:
    global _tenancy
    _tenancy = Tenancy(settings)
    return _tenancy


def get() -> Tenancy:
    if _tenancy is None:
        raise RuntimeError("tenancy is not initialised")
    return _tenancy


async def shutdown() -> None:
    global _tenancy
    if _tenancy is not None:
        await _tenancy.close()
        _tenancy = None
