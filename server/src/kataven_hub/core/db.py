"""ORM bases, portable column types and engine construction (SQLite or PostgreSQL).

Two metadata trees: `ControlBase` (one shared database) and `TenantBase` (one database per
account). Dialect-specific choices live here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, NewType

from sqlalchemy import JSON, ColumnElement, DateTime, MetaData, event, exc, func, literal_column
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import await_

from kataven_hub.core import clock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ControlSession = NewType("ControlSession", AsyncSession)
TenantSession = NewType("TenantSession", AsyncSession)

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every engine (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return clock.now()  # the system clock, unless a test installed another (core/clock.py)


class ControlBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }


class TenantBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def make_engine(
    url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    connect: Callable[..., Awaitable[Any]] | None = None,
) -> AsyncEngine:
    """An engine on SQLite or PostgreSQL. On PostgreSQL a pooled connection is pinged when it is
    checked out (see `_check_alive`): one the server closed (a restart,
    `pg_terminate_backend`, an idle timeout) is replaced instead of failing the request that
    drew it. `connect` opens new driver connections in place of `asyncpg.connect`, with the
    same arguments (those of the URL included); the tenant connection budget goes through it."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {"server_settings": {"application_name": APPLICATION_NAME}}
    if connect is not None:
        # The asyncpg dialect's hook for its connect function (what `async_creator` uses),
        # given the URL's connection arguments unlike `async_creator` itself.
        connect_args["async_creator_fn"] = connect
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=1800,
        connect_args=connect_args,
    )
    event.listen(engine.sync_engine, "checkin", _checked_in)
    event.listen(engine.sync_engine, "checkout", _check_alive)
    return engine


# A pooled connection given back this recently, and still open, is handed out without a ping.
PING_AFTER_IDLE_SECONDS = 2.0
_CHECKED_IN = "kataven_checked_in"


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def _check_alive(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """The pool's pre-ping, cheaper. A connection that went back to the pool less than
    `PING_AFTER_IDLE_SECONDS` ago is checked without a round trip: a server that closed it (a
    restart, `pg_terminate_backend`, PgBouncer or a proxy dropping it) has closed the socket,
    which asyncpg has seen by the time a request asks for a connection (`is_closed`); one killed
    in that very instant costs its request, as it would after any ping. An older one is pinged
    with one simple-protocol round trip, which also finds a connection lost without a word (a
    dead peer, a NAT timeout). (SQLAlchemy's `pool_pre_ping` runs the asyncpg dialect's ping on
    every checkout: BEGIN, a prepared `;`, ROLLBACK, three round trips and a fifth of a cached
    read's CPU. `SELECT 1` needs no transaction or prepared statement, so it is also safe behind
    PgBouncer in transaction mode; not an empty query: asyncpg cannot read its answer.) A dead
    connection raises DisconnectionError, on which the pool replaces it and tries again."""
    conn = dbapi_connection._connection
    idle = time.monotonic() - record.info.get(_CHECKED_IN, 0.0)
    if conn.is_closed():
        raise exc.DisconnectionError("the server closed this connection")
    if idle < PING_AFTER_IDLE_SECONDS:
        return
    try:
        await_(conn.execute("SELECT 1"))
    except Exception as error:
        raise exc.DisconnectionError(f"ping failed: {type(error).__name__}") from error


APPLICATION_NAME = "kataven-hub"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin), as its aiosqlite docs recommend.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


def new_session(engine: AsyncEngine) -> AsyncSession:
    return AsyncSession(engine, expire_on_commit=False, autoflush=False)


def sqlite_immediate(engine: AsyncEngine) -> AsyncEngine:
    """The same pool, but transactions take SQLite's write lock up front (BEGIN IMMEDIATE).

    A deferred SQLite transaction that reads and then writes fails with SQLITE_BUSY when another
    writer committed in between; taking the lock first makes writers queue instead.
    """
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")


def json_array_agg(
    dialect: str, fields: Mapping[str, Any], *, nested: frozenset[str] = frozenset()
) -> ColumnElement[Any]:
    """An aggregate: each row of the group as a JSON object with these keys, all in one JSON
    array (`json_agg` on PostgreSQL, `json_group_array` on SQLite; NULL for no rows). `nested`
    names JSON columns, which SQLite stores as text and must parse to nest. The order of the
    elements is unspecified: sort them after loading."""
    pairs: list[ColumnElement[Any]] = []
    for key, value in fields.items():
        assert key.isidentifier(), key  # keys are code constants, quoted as SQL literals
        pairs.append(literal_column(f"'{key}'"))
        pairs.append(func.json(value) if dialect == "sqlite" and key in nested else value)
    if dialect == "sqlite":
        return func.json_group_array(func.json_object(*pairs), type_=JSON)
    return func.json_agg(func.json_build_object(*pairs), type_=JSON)
