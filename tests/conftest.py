"""Fixtures: one migrated database per run; every test inside a transaction rolled back after.

The database is SQLite unless TEST_DATABASE_URL names another (`make test` runs both).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from criteria.levels import StaffCategory
from evaluation import create_app
from evaluation.accounts.models import AccountRole, User
from evaluation.cli import alembic_config
from evaluation.core import clock as clock_module
from evaluation.core.db import db
from evaluation.core.throttle import limiter
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind

# Every write shows at once on every page the tests read (the lag a busy province allows the
# pages that sum it is tested on its own, tests/core/test_page_cache.py); the environment
# carries it to the live servers the browser tests start.
os.environ.setdefault("PAGE_CACHE_MAX_LAG", "0")

PASSWORD = "Matkhau2026"
# Tests hash with cheap parameters; production uses scrypt (see accounts.models).
_TEST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def private_database(tmp_path: Path, name: str) -> str:
    """A database of its own for a test that runs real server processes and commits: a SQLite
    file, or, when the suite runs on PostgreSQL, a schema of its own in the test database."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {name}")
    engine.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"


DEMO_DAY = date(2026, 11, 24)  # the evaluation season: every step of the procedure is on a page


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of its own with the demo loaded on DEMO_DAY and committed, built once per
    session for the tests that read it whole (pages as every role, a read-only replica).
    Tests that share it only read, or write what changes no page (a sign-in)."""
    from evaluation.core.db import make_engine
    from evaluation.demo.loader import load_demo

    url = private_database(tmp_path_factory.mktemp("demo"), "demo_shared")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        load_demo(session, today=DEMO_DAY)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql"):
            _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
        }
    )
    command.upgrade(alembic_config(database_url), "head")
    yield application
    db.engine_of(application).dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test.

    Requests made by the test client get their own session on the same connection (each
    commit releases a savepoint), as in production where every request has its own; no app
    context is held open, so nothing cached in `g` leaks from one request to the next.
    """
    connection = db.engine_of(app).connect()
    outer = connection.begin()
    db.bind_to(app, connection)
    test_session = db.new_session(app)
    yield test_session
    test_session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    limiter.reset()  # sign-in failures of one test do not count against the next
    return app.test_client()


@pytest.fixture
def csrf_client(app: Flask, session: Session) -> Iterator[FlaskClient]:
    """A client with CSRF checks on, for tests that post forms as a browser would."""
    app.config["WTF_CSRF_ENABLED"] = True
    limiter.reset()
    yield app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False


_counter = itertools.count(1)


@pytest.fixture
def make_unit(session: Session) -> Callable[..., Unit]:
    def make(
        name: str | None = None,
        kind: UnitKind = UnitKind.DIVISION,
        parent: Unit | None = None,
        code: str | None = None,
    ) -> Unit:
        number = next(_counter)
        unit = organisation.create_unit(
            session,
            code=code or f"U{number}",
            name=name or f"Đơn vị {number}",
            kind=kind,
            parent=parent,
        )
        return unit

    return make


@pytest.fixture
def make_person(session: Session) -> Callable[..., Person]:
    """A person with a login (username = code, password PASSWORD)."""

    def make(
        unit: Unit,
        role: LeadershipRole = LeadershipRole.NONE,
        category: StaffCategory = StaffCategory.CONG_CHUC,
        name: str | None = None,
        account_role: AccountRole = AccountRole.STAFF,
        served_unit: Unit | None = None,
        starts_on: date = date(2026, 1, 1),
    ) -> Person:
        number = next(_counter)
        person = organisation.place_new_person(
            session,
            code=f"P{number}",
            full_name=name or f"Nguyễn Văn {number}",
            category=category,
            job_position="Chuyên viên",
            unit=unit,
            role=role,
            starts_on=starts_on,
        )
        session.add(
            User(
                username=person.code.lower(),
                password_hash=_TEST_HASH,
                role=account_role,
                person=person,
                served_unit=served_unit,
            )
        )
        session.flush()
        return person

    return make


@pytest.fixture
def make_admin(session: Session) -> Callable[[], User]:
    def make() -> User:
        user = User(
            username=f"admin{next(_counter)}", password_hash=_TEST_HASH, role=AccountRole.ADMIN
        )
        session.add(user)
        session.flush()
        return user

    return make


def username_of(who: Person | User) -> str:
    if isinstance(who, User):
        return who.username
    return who.code.lower()


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[Person | User], FlaskClient]:
    """Posts the real login form; returns the client signed in."""

    def login(who: Person | User) -> FlaskClient:
        client.post("/logout")
        response = client.post("/login", data={"username": username_of(who), "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return login


def form_errors(html: str) -> list[str]:
    """The error messages a page shows next to its fields."""
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'class="error"[^>]*>(.*?)<', html)]


@pytest.fixture
def today() -> date:
    return date(2026, 3, 10)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Sets the agencies' today for the test: `clock(date(2026, 12, 20))`.

    Every module reads the day through `core.clock.local_today`, each by its own imported
    name; the clock's `datetime` is replaced instead, so all of them see the day that was set,
    and no test needs to know which modules ask.
    """

    def set_today(day: date) -> None:
        noon = datetime.combine(day, time(12), clock_module.AGENCY_TIMEZONE)

        class Frozen(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
                return noon.astimezone(tz) if tz else noon.replace(tzinfo=None)

        monkeypatch.setattr(clock_module, "datetime", Frozen)

    return set_today


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """Browser tests run last: they start servers and are the slowest."""
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)


ROOT = Path(__file__).resolve().parent.parent


def account_id(session: Session, person: Person) -> int:
    """The login account of a person made by `make_person`."""
    return session.scalar(sa.select(User.id).where(User.person_id == person.id))


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, started once for the whole session: one Playwright may run at a time
    (a second, started beside it, finds its event loop running), so every test shares this."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
