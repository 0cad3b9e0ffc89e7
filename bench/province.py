"""The benchmarked province: built once by the generator, then reused by every run.

`make bench` measures a 40 000-person province (issue 7) with weekly plans and a login per
person. Building it takes minutes, so a database that already holds it (same seed) is reused;
a PostgreSQL database that does not exist yet is created first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "instance" / "bench"
SEED = 2026


@dataclass(frozen=True)
class Province:
    database_url: str
    backend: str  # "sqlite" or "postgresql"
    people: int
    units: int
    tasks: int
    build_seconds: float | None  # None: reused


def default_url(people: int) -> str:
    CACHE.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{CACHE / f'province-{people}-s{SEED}.sqlite3'}"


def _create_postgres_database(url: str) -> None:
    """CREATE DATABASE when missing (it cannot run inside a transaction)."""
    target = make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    server.dispose()


def ensure(database_url: str, people: int) -> Province:
    """Migrate the database and generate the province unless it is there already."""
    from alembic import command

    from evaluation import create_app
    from evaluation.cli import alembic_config
    from evaluation.core.db import db
    from evaluation.demo.generator import Options, generate_province, prefix_for
    from evaluation.organisation.models import Person, Unit
    from evaluation.plans.models import Task

    backend = make_url(database_url).get_backend_name()
    if backend == "postgresql":
        _create_postgres_database(database_url)
    command.upgrade(alembic_config(database_url), "head")
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        prefix = prefix_for(SEED)
        with db.transaction() as session:
            present = session.scalar(
                sa.select(sa.func.count()).select_from(Person).where(Person.code.startswith(prefix))
            )
        build_seconds = None
        if not present:
            print(f"Generating a province of {people:,} people (once; several minutes) …")
            started = time.perf_counter()
            with db.transaction() as session:
                generate_province(
                    session, Options(people=people, years=1, seed=SEED, weeks=True, logins=True)
                )
            with db.transaction() as session:  # planner statistics for millions of new rows
                session.execute(sa.text("ANALYZE"))
            build_seconds = round(time.perf_counter() - started, 1)
        elif present != people:
            raise SystemExit(
                f"{database_url} holds a province of {present:,} people, not {people:,}: "
                "pass another --database or --people"
            )
        with db.transaction() as session:
            units = session.scalar(sa.select(sa.func.count()).select_from(Unit)) or 0
            tasks = session.scalar(sa.select(sa.func.count()).select_from(Task)) or 0
    db.engine_of(app).dispose()
    return Province(database_url, backend, people, units, tasks, build_seconds)
