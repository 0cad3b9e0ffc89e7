"""No N+1: the number of SQL statements a page runs does not grow with the rows it shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from evaluation.accounts.models import AccountRole
from evaluation.core.db import db
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from evaluation.scoring import services as scoring

MARCH = Period(PeriodKind.MONTH, 2026, 3)


@contextmanager
def counting(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = db.engine_of(app)
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def grow(session, make_unit, make_person):
    """A division with a head, a personnel office, and a way to add staff with work."""
    agency = make_unit("Sở", UnitKind.AGENCY)
    division = make_unit("Phòng", parent=agency)
    office = make_unit("Tổ chức", parent=agency)
    head = make_person(division, role=LeadershipRole.HEAD)
    personnel = make_person(office, account_role=AccountRole.PERSONNEL, served_unit=agency)

    def add_staff(count: int) -> None:
        for _ in range(count):
            person = make_person(division)
            plan = plans.create_plan(session, person, MARCH, actor_id=None)
            plans.add_task(
                session,
                plan,
                TaskInput("Việc", None, Decimal(3), "hồ sơ", Decimal(1), date(2026, 3, 5)),
                actor_id=None,
            )
            plans.transition(session, plan, "submit", actor_id=None)
            scoring.open_evaluation(session, person, 2026)
        session.flush()

    return head, personnel, add_staff


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("head", "/unit"),
        ("head", "/scoring/2026-03"),
        ("head", "/evaluations/2026"),
        ("personnel", "/evaluations/2026"),
        ("personnel", "/organisation/"),
    ],
)
def test_statements_do_not_grow_with_rows(app, client, login_as, grow, who, url):
    head, personnel, add_staff = grow
    login_as(head if who == "head" else personnel)

    def statements_for(extra: int) -> int:
        add_staff(extra)
        with counting(app) as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements)

    few = statements_for(2)
    many = statements_for(8)
    assert many == few, f"{url}: {few} statements with 2 people, {many} with 10"


def test_my_plans_does_not_grow_with_plans(app, session, client, login_as, make_unit, make_person):
    person = make_person(make_unit())
    login_as(person)
    task = TaskInput("Việc", None, Decimal(1), "việc", Decimal(1), date(2026, 1, 2))

    def add_weeks(numbers: range) -> None:
        for number in numbers:
            plan = plans.create_plan(
                session, person, Period(PeriodKind.WEEK, 2026, number), actor_id=None
            )
            day = plan.starts_on
            plans.add_task(
                session, plan, task.__class__(**{**task.__dict__, "deadline": day}), actor_id=None
            )
        session.flush()

    add_weeks(range(2, 4))
    with counting(app) as few:
        client.get("/plans?year=2026")
    add_weeks(range(4, 14))
    with counting(app) as many:
        client.get("/plans?year=2026")
    assert len(many) == len(few)
