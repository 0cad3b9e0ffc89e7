"""No N+1: the number of SQL statements a page runs does not grow with the rows it shows.

Issue 7's acceptance: every main page runs as many statements for a unit of 200 people as for
a unit of 10. Each person carries what the pages show (a month plan with tasks late and open,
a period score, an annual evaluation), so a query per row would show up as a difference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from criteria import load_criteria_set
from evaluation.accounts.models import AccountRole
from evaluation.core.db import db, statements_run
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import ResultInput, TaskInput
from evaluation.scoring import periods, procedure
from tests.conftest import account_id

MARCH = Period(PeriodKind.MONTH, 2026, 3)
SMALL, LARGE = 10, 200  # people in the unit, its head included
GENERAL = {
    criterion.code: Decimal(5)
    for criterion in periods.general_criteria(load_criteria_set("nd335-non-leader"))
}


def counting(app: Flask) -> AbstractContextManager[list[str]]:
    """The SQL statements sent to the database inside the block."""
    return statements_run(db.engine_of(app))


@dataclass
class Province:
    """An agency with a division that grows, a small peer division, and a personnel office."""

    agency: Unit
    division: Unit
    head: Person
    employee: Person  # one of the division's staff, for "my plans"
    personnel: Person
    add_staff: Callable[[Unit, Person, int], list[Person]]


@pytest.fixture
def province(session: Session, make_unit, make_person, clock) -> Province:
    # The dashboards show the current year: keep it the year of the data.
    clock(date(2026, 12, 15))
    agency = make_unit("Sở", UnitKind.AGENCY)
    division = make_unit("Phòng Một", parent=agency)
    peer = make_unit("Phòng Hai", parent=agency)
    office = make_unit("Tổ chức", parent=agency)
    head = make_person(division, role=LeadershipRole.HEAD)
    personnel = make_person(office, account_role=AccountRole.PERSONNEL, served_unit=agency)

    def add_staff(unit: Unit, manager: Person, count: int) -> list[Person]:
        """People with March's work: half approved and reported (one task late, one not done),
        half still awaiting approval with an open task past its deadline; each scored and
        with an annual evaluation computed by the rulebook."""
        manager_id = account_id(session, manager)
        people = [make_person(unit) for _ in range(count)]
        for number, person in enumerate(people):
            plan = plans.create_plan(session, person, MARCH, actor_id=None)
            for day in (5, 20):
                plans.add_task(
                    session,
                    plan,
                    TaskInput("Việc", None, Decimal(3), "hồ sơ", Decimal(1), date(2026, 3, day)),
                    actor_id=None,
                )
            plans.transition(session, plan, "submit", actor_id=None)
            if number % 2 == 0:
                plans.transition(session, plan, "approve", actor_id=manager_id)
                late, missed = plan.tasks
                plans.report_result(
                    session,
                    late,
                    ResultInput("done", Decimal(3), date(2026, 3, 9), None, None, None),
                    actor_id=None,
                )
                plans.report_result(
                    session,
                    missed,
                    ResultInput("not_done", None, None, None, None, None),
                    actor_id=None,
                )
            periods.save_period_score(
                session,
                person,
                MARCH,
                periods.ScoreInput(GENERAL, None, None, None, None),
                actor_id=manager_id,
            )
            procedure.open_evaluation(session, person, 2026)
        session.flush()
        return people

    peer_head = make_person(peer, role=LeadershipRole.HEAD)
    add_staff(peer, peer_head, 3)  # a ranking needs someone to compare with
    employee, *_ = add_staff(division, head, SMALL - 2)  # the test adds the tenth
    return Province(agency, division, head, employee, personnel, add_staff)


def main_pages(province: Province) -> list[tuple[str, Person, str]]:
    """Issue 7's main pages: (name, who looks, URL)."""
    agency, division = province.agency.id, province.division.id
    return [
        ("my plans", province.employee, "/plans?year=2026"),
        ("to-do, employee", province.employee, "/"),
        ("to-do, head", province.head, "/"),
        ("to-do, personnel", province.personnel, "/"),
        ("unit of the head", province.head, "/unit"),
        ("organisation unit", province.head, f"/organisation/units/{division}"),
        ("scoring sheet", province.head, f"/scoring/{MARCH.key}"),
        ("evaluations, head", province.head, "/evaluations/2026"),
        ("evaluations, personnel", province.personnel, "/evaluations/2026"),
        ("organisation tree", province.personnel, "/organisation/"),
        ("ranking, month", province.personnel, f"/rankings/{MARCH.key}"),
        ("ranking, year", province.personnel, "/rankings/2026"),
        ("dashboard, head", province.head, "/dashboard"),
        ("dashboard, personnel", province.personnel, "/dashboard"),
        (
            "classification summary",
            province.personnel,
            f"/reports/evaluations/2026/units/{agency}.xlsx",
        ),
    ]


def statements_per_page(
    app: Flask, login_as: Callable[[Person], FlaskClient], pages: list[tuple[str, Person, str]]
) -> dict[str, list[str]]:
    """Each page's statements on its first visit since the data changed (closed periods'
    stored sums are stale, so recomputed) and on the next (where kept sums are read back)."""
    seen: dict[str, list[str]] = {}
    for name, who, url in pages:
        client = login_as(who)
        for visit in ("first", "again"):
            with counting(app) as statements:
                response = client.get(url)
            assert response.status_code == 200, name
            seen[f"{name} ({visit})"] = statements
    return seen


def growth(few: dict[str, list[str]], many: dict[str, list[str]]) -> dict[str, str]:
    """The pages whose count changed, with both counts and the statement that repeats."""
    grown = {}
    for name, before in few.items():
        if len(many[name]) != len(before):
            extra = (Counter(many[name]) - Counter(before)).most_common(1)
            repeated = " ".join(extra[0][0].split())[:300] if extra else "-"
            grown[name] = f"{len(before)} → {len(many[name])}; repeated: {repeated}"
    return grown


def members(session: Session, unit: Unit) -> int:
    return session.scalar(sa.select(sa.func.count()).where(Person.unit_id == unit.id))


def test_main_pages_run_as_many_statements_for_200_people_as_for_10(
    app, session, login_as, province
):
    pages = main_pages(province)
    statements_per_page(app, login_as, pages)  # what a process loads once is not counted
    province.add_staff(province.division, province.head, 1)
    assert members(session, province.division) == SMALL
    few = statements_per_page(app, login_as, pages)
    province.add_staff(province.division, province.head, LARGE - SMALL)
    assert members(session, province.division) == LARGE
    many = statements_per_page(app, login_as, pages)

    grown = growth(few, many)
    assert not grown, f"statements with {SMALL} people → with {LARGE}: {grown}"


def test_pages_over_all_units_do_not_grow_with_units(
    app, login_as, province, make_unit, make_person
):
    """The personnel office's pages over the whole agency, 4 units then 16 (the ranking and
    dashboard pages are also counted against units in tests/rankings/test_rankings_pages.py)."""
    pages = [page for page in main_pages(province) if page[1] is province.personnel]
    statements_per_page(app, login_as, pages)
    province.add_staff(province.division, province.head, 1)
    few = statements_per_page(app, login_as, pages)
    for number in range(12):
        unit = make_unit(f"Phòng {number}", parent=province.agency)
        province.add_staff(unit, make_person(unit, role=LeadershipRole.HEAD), 2)
    many = statements_per_page(app, login_as, pages)
    grown = growth(few, many)
    assert not grown, f"statements with 4 units → with 16: {grown}"


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
