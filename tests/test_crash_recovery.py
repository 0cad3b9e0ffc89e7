"""Killing the server in the middle of a save leaves the database as it was, and the site
works after a restart. A real server process, a real SIGKILL.

The save is the confirmation of a large staff import (thousands of people in one
transaction). It is written in bulk and takes about a second, so the server is killed the moment
the database shows the save's transaction writing, not after a fixed wait.
"""

from __future__ import annotations

import threading
import time
import urllib.error
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from criteria import StaffCategory
from evaluation.accounts.models import AccountRole, User
from evaluation.cli import alembic_config
from evaluation.core.db import make_engine
from evaluation.imports import services as imports
from evaluation.organisation import services as organisation
from evaluation.organisation.models import Person, UnitKind
from tests.conftest import _TEST_HASH, PASSWORD, private_database
from tests.imports.helpers import staff_book
from tests.live_server import Browser, Server

PEOPLE = 12000
SCHEMA = "crash_e2e"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A migrated database with an agency, its personnel office, and a large pending import."""
    url = private_database(tmp_path, SCHEMA)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        agency = organisation.create_unit(
            session, code="SO", name="Sở", kind=UnitKind.AGENCY, parent=None
        )
        clerk = organisation.place_new_person(
            session, code="TC1", full_name="Cán bộ tổ chức", category=StaffCategory.CONG_CHUC,
            job_position="Chuyên viên", unit=agency, starts_on=date(2026, 1, 1),
        )  # fmt: skip
        user = User(
            username="tochuc", password_hash=_TEST_HASH, role=AccountRole.PERSONNEL,
            person=clerk, served_unit=agency,
        )  # fmt: skip
        session.add(user)
        session.flush()
        people = [
            [f"NV{n:05d}", f"Nguyễn Văn {n}", date(1990, 1, 1), "Công chức", "Chuyên viên", "SO",
             "", ""]
            for n in range(PEOPLE)
        ]  # fmt: skip
        result = imports.upload_staff(
            session, user.viewer(), staff_book([], people), actor_id=user.id,
            today=date(2026, 11, 24),
        )  # fmt: skip
        assert result.batch is not None, result.errors[:3]
        batch_id = result.batch.id
        session.commit()
    engine.dispose()
    yield url, batch_id


def people_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count(Person.id)))
    finally:
        engine.dispose()


def writing_now(url: str) -> bool:
    """Whether another connection holds a write transaction open on the database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout=0")
                try:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                except sa.exc.OperationalError:
                    return True  # the write lock is taken: the save is under way
                connection.exec_driver_sql("ROLLBACK")
                return False
            return bool(
                connection.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
                        "AND pid <> pg_backend_pid() AND datname = current_database()"
                    )
                )
            )
    finally:
        engine.dispose()


def test_a_kill_in_the_middle_of_a_save_changes_nothing(world):
    url, batch_id = world
    before = people_count(url)
    server = Server(url)
    try:
        browser = Browser(server.base)
        browser.post("/login", browser.get("/login"), {"username": "tochuc", "password": PASSWORD})
        preview = browser.get(f"/imports/batches/{batch_id}")
        outcome: dict[str, object] = {}

        def confirm() -> None:
            try:
                outcome["status"] = browser.post(
                    f"/imports/batches/{batch_id}/confirm", preview, {}
                )
            except (urllib.error.URLError, ConnectionError, OSError) as error:
                outcome["error"] = error

        saving = threading.Thread(target=confirm)
        saving.start()
        deadline = time.monotonic() + 60
        while not writing_now(url) and "status" not in outcome and time.monotonic() < deadline:
            time.sleep(0.005)
        server.kill()
        assert "status" not in outcome, "the save finished before the kill: make it larger"
        saving.join(timeout=30)
    finally:
        if server.process.poll() is None:
            server.kill()
    assert "error" in outcome  # the connection died with the server
    assert people_count(url) == before  # nothing of the interrupted transaction remains

    restarted = Server(url)
    try:
        browser = Browser(restarted.base)
        browser.post("/login", browser.get("/login"), {"username": "tochuc", "password": PASSWORD})
        assert "Cơ cấu tổ chức" in browser.get("/organisation/")
        preview = browser.get(f"/imports/batches/{batch_id}")
        browser.post(f"/imports/batches/{batch_id}/confirm", preview, {}, timeout=120)
    finally:
        restarted.kill()
    assert people_count(url) == before + PEOPLE  # the same save, done again, completes
