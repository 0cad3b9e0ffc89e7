"""Database setup: one declarative base, one engine per application, one session per request."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Every constraint gets a predictable name, so migrations can address it on every backend.

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Timezone-aware now; every `*_at` column stores UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores naive UTC and returns aware UTC, so SQLite and PostgreSQL agree."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def enum_type(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """Enums are stored by value as VARCHAR with a named CHECK, never as a native type."""
    return sa.Enum(
        enum_class,
        name=name,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum_class),
    )


# Requests that write. On SQLite their transaction takes the write lock when it begins.
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


_WRITING: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Work outside a request that writes (a background job): on SQLite its transactions take
    the write lock when they begin, as a writing request's do."""
    token = _WRITING.set(True)
    try:
        yield
    finally:
        _WRITING.reset(token)


def _begin_statement() -> str:
    """BEGIN IMMEDIATE for a writing request, plain BEGIN for anything else.

    A plain (deferred) transaction that has read and then writes must upgrade its lock; in WAL
    mode, when another connection has written meanwhile, SQLite refuses that upgrade at once
    with "database is locked", whatever the busy timeout. Taking the write lock at BEGIN makes
    concurrent writers wait their turn inside busy_timeout instead. Reads keep plain BEGIN and
    never wait for writers."""
    if _WRITING.get() or (has_request_context() and request.method in WRITING_METHODS):
        return "BEGIN IMMEDIATE"
    return "BEGIN"


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys, WAL and a busy timeout; and real transactions so SAVEPOINT works.

    pysqlite's own transaction handling breaks SAVEPOINT, so SQLAlchemy emits BEGIN itself
    (the recipe in SQLAlchemy's SQLite dialect documentation), IMMEDIATE when a request writes.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(_begin_statement())


def make_engine(url: str) -> Engine:
    engine = sa.create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


@dataclass
class _Binding:
    """One application's engine and the factory of its sessions."""

    engine: Engine
    sessionmaker: sessionmaker[Session]


class Database:
    """Each application's engine and its request-scoped session.

    The engine lives on the application (`app.extensions`), so two applications in one
    process (tests, a live server) never share or replace each other's connections.
    """

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["database"] = _Binding(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._remove_session)

    @staticmethod
    def _binding(app: Flask | None = None) -> _Binding:
        return (app or current_app).extensions["database"]

    def engine_of(self, app: Flask | None = None) -> Engine:
        return self._binding(app).engine

    def bind_to(self, app: Flask, connection: Connection) -> None:
        """Tests: run every session inside an outer transaction that is rolled back later."""
        self._binding(app).sessionmaker = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def new_session(self, app: Flask | None = None) -> Session:
        return self._binding(app).sessionmaker()

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.new_session()
        return g.db_session

    @staticmethod
    def _remove_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work outside a request (commands, loaders): commit or roll back as a whole."""
        session = self.new_session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


db = Database()


def commit_or_conflict(session: Session) -> None:
    """Commit; a stale version (another tab saved first) becomes a domain Conflict."""
    from sqlalchemy.orm.exc import StaleDataError

    from evaluation.core.errors import Conflict

    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise Conflict("stale") from error


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent on `engine` inside the block: tests and `make bench` count
    them to show a page's statements do not grow with the rows it shows."""
    statements: list[str] = []

    def record(*args: Any) -> None:  # conn, cursor, statement, parameters, context, many
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
