"""The one place that turns an account into a database engine.

Each account owns a database: a SQLite file under DATA_DIR/tenants by default, or a PostgreSQL
database on the configured cluster. Engines are created lazily and kept in a bounded LRU; the
least recently used is disposed when the cache is full.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import OrderedDict
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.core import db
from kataven_hub.core.settings import Settings

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
RESERVED_ACCOUNTS = frozenset({"kataven-admin"})
_PG_NAME_MAX = 63


class Tenancy:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engines: OrderedDict[str, AsyncEngine] = OrderedDict()
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
        engine = self._engines.get(slug)
        if engine is not None:
            self._engines.move_to_end(slug)
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
            engine = db.make_engine(
                self.tenant_url(database),
                pool_size=self.settings.DB_POOL_SIZE,
                max_overflow=self.settings.DB_MAX_OVERFLOW,
            )
            self._engines[slug] = engine
            while len(self._engines) > self.settings.TENANT_ENGINE_CACHE_SIZE:
                _, old = self._engines.popitem(last=False)
                await old.dispose()
            return engine

    async def forget(self, slug: str) -> None:
        engine = self._engines.pop(slug, None)
        if engine is not None:
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
        await self.control_engine.dispose()


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
