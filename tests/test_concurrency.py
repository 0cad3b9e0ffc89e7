"""Concurrent writers against a real server process: every write succeeds or is answered, none
ends in a 500.

Issue 11: 20 users creating plans at the same moment on SQLite, 14 of them got a 500,
"database is locked" (a deferred transaction that has read cannot take the write lock once
another connection has written). And two identical POSTs to a plan transition (a double
click) gave a 500. The server here is the application in a process of its own, threaded, on
a database of its own (SQLite file, or a schema of the PostgreSQL test database).
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from criteria import StaffCategory
from evaluation.accounts.models import User
from evaluation.cli import alembic_config
from evaluation.core.audit import AuditRecord
from evaluation.core.db import make_engine
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from tests.conftest import _TEST_HASH, PASSWORD, private_database
from tests.live_server import Browser, Server

WRITERS = 20
SCHEMA = "concurrent_writers"
WEEK = Period(PeriodKind.WEEK, 2026, 48)


def _person(session: Session, unit, code: str, role=LeadershipRole.NONE) -> User:
    person = organisation.place_new_person(
        session, code=code, full_name=f"Người dùng {code}", category=StaffCategory.CONG_CHUC,
        job_position="Chuyên viên", unit=unit, role=role, starts_on=date(2026, 1, 1),
    )  # fmt: skip
    user = User(username=code.lower(), password_hash=_TEST_HASH, person=person)
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, object]]:
    """A division with its head, WRITERS staff, and one plan waiting for the head's approval."""
    url = private_database(tmp_path, SCHEMA)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        unit = organisation.create_unit(
            session, code="PDT", name="Phòng Đồng Thời", kind=UnitKind.DIVISION, parent=None
        )
        head = _person(session, unit, "TP", LeadershipRole.HEAD)
        staff = [_person(session, unit, f"NV{n:02d}") for n in range(WRITERS)]
        plan = plans.create_plan(session, staff[0].person, WEEK, actor_id=staff[0].id)
        plans.add_task(
            session, plan,
            TaskInput("Tiếp nhận hồ sơ", None, 1, "hồ sơ", 1, WEEK.ends_on),
            actor_id=staff[0].id,
        )  # fmt: skip
        plans.transition(session, plan, "submit", actor_id=staff[0].id)
        session.commit()
        names = {"head": head.username, "staff": [user.username for user in staff]}
        plan_id = plan.id
    engine.dispose()
    yield {"url": url, "plan_id": plan_id, **names}


def _signed_in(base: str, username: str) -> Browser:
    browser = Browser(base)
    browser.post("/login", browser.get("/login"), {"username": username, "password": PASSWORD})
    return browser


def _post(browser: Browser, path: str, form_page: str, data: dict[str, str]) -> int:
    """The final status after redirects; an error answer is a status too, not an exception."""
    try:
        return browser.post(path, form_page, data)
    except urllib.error.HTTPError as error:
        return error.code


def _all_at_once(calls: list) -> list[object]:
    """Run the calls in threads released together, as users clicking at the same moment."""
    start = threading.Barrier(len(calls))
    answers: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            answers[index] = calls[index]()
        except Exception as error:  # a dropped connection is an answer too
            answers[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _count(url: str, query: sa.Select) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(query)
    finally:
        engine.dispose()


def test_twenty_users_creating_plans_at_the_same_moment_all_succeed(world) -> None:
    server = Server(world["url"])
    try:
        browsers = [_signed_in(server.base, name) for name in world["staff"]]
        pages = [browser.get("/plans") for browser in browsers]
        form = {"kind": "month", "day": "2026-11-24"}
        answers = _all_at_once(
            [
                lambda browser=browser, page=page: _post(browser, "/plans/new", page, form)
                for browser, page in zip(browsers, pages, strict=True)
            ]
        )
    finally:
        server.kill()
    assert answers == [200] * WRITERS  # each redirected to its new plan, which opened
    created = sa.select(sa.func.count(Plan.id)).where(
        Plan.period_kind == PeriodKind.MONTH, Plan.period_year == 2026, Plan.period_number == 11
    )
    assert _count(world["url"], created) == WRITERS


def test_a_double_click_on_approve_approves_once_and_never_fails(world) -> None:
    server = Server(world["url"])
    plan_path = f"/plans/{world['plan_id']}"
    try:
        browser = _signed_in(server.base, world["head"])
        page = browser.get(plan_path)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
        answers = _all_at_once(
            [
                lambda: _post(browser, f"{plan_path}/approve", page, {"version": version}),
                lambda: _post(browser, f"{plan_path}/approve", page, {"version": version}),
            ]
        )
        shown = browser.get(plan_path)
    finally:
        server.kill()
    # The first approves; the second is told the plan is already approved (it read the plan
    # after the first saved) or that it changed meanwhile (409: it read it before).
    assert sorted(answers) in ([200, 200], [200, 409]), answers
    assert "Đã duyệt" in shown or "đã được duyệt" in shown
    status = sa.select(Plan.status).where(Plan.id == world["plan_id"])
    assert _count(world["url"], status) is PlanStatus.APPROVED
    approvals = sa.select(sa.func.count(AuditRecord.id)).where(
        AuditRecord.object_type == "plan",
        AuditRecord.object_id == world["plan_id"],
        AuditRecord.action == "approve",
    )
    assert _count(world["url"], approvals) == 1


def test_a_writer_stuck_behind_a_long_write_is_answered_never_with_a_500(world) -> None:
    """Another connection holds the write lock longer than busy_timeout (5 s), as a large
    import does. SQLite gives up waiting: the page says the system is busy and nothing was
    saved (503). PostgreSQL waits for the lock and saves."""
    url = world["url"]
    server = Server(url)
    engine = make_engine(url)
    try:
        browser = _signed_in(server.base, world["staff"][1])
        page = browser.get("/plans")
        with engine.connect() as holder:
            if engine.dialect.name == "sqlite":
                holder.exec_driver_sql("COMMIT")  # end the plain BEGIN SQLAlchemy emitted
                holder.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                holder.exec_driver_sql("LOCK TABLE plan IN EXCLUSIVE MODE")
            answers: list[int] = []
            form = {"kind": "month", "day": "2026-10-05"}
            waiting = threading.Thread(
                target=lambda: answers.append(_post(browser, "/plans/new", page, form))
            )
            waiting.start()
            waiting.join(timeout=6.5)
            holder.rollback()
        waiting.join(timeout=30)
        shown = browser.get("/plans") if answers == [503] else ""
    finally:
        engine.dispose()
        server.kill()
    october = sa.select(sa.func.count(Plan.id)).where(
        Plan.period_kind == PeriodKind.MONTH, Plan.period_year == 2026, Plan.period_number == 10
    )
    if engine.dialect.name == "sqlite":
        assert answers == [503]
        assert _count(url, october) == 0
        assert "Tháng 10/2026" not in shown
    else:
        assert answers == [200]
        assert _count(url, october) == 1
