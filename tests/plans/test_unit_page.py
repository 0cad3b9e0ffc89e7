"""The unit page's lists computed in SQL equal the same lists found through the ORM and the
plan rules in Python, on an organisation with open and closed plans inside and outside a reach."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from evaluation.accounts.models import AccountRole, User
from evaluation.organisation.models import LeadershipRole, Person
from evaluation.organisation.permissions import Viewer
from evaluation.plans import services
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.permissions import PlanAction, can_plan
from tests.conftest import account_id
from tests.plans.test_overdue import add as add_task

TODAY = date(2026, 3, 20)


def viewer_of(session: Session, person: Person) -> Viewer:
    return session.get(User, account_id(session, person)).viewer()


@pytest.fixture
def organisation(session, make_unit, make_person):
    """A department with two divisions, a unit beside it, and an officer of the personnel
    office who serves the department but is placed in the unit beside it: every kind of plan
    (open and closed, each status, inside and outside each reach), each with tasks overdue,
    due later, done and not done."""
    department = make_unit("Sở")
    divisions = [make_unit(f"Phòng {n}", parent=department) for n in (1, 2)]
    beside = make_unit("Sở khác")
    people = {
        "head": make_person(department, role=LeadershipRole.HEAD, name="Trần Trưởng"),
        "deputy": make_person(department, role=LeadershipRole.DEPUTY, name="Lê Phó"),
        "division head": make_person(divisions[0], role=LeadershipRole.HEAD, name="Vũ Phòng"),
        "officer": make_person(
            beside, account_role=AccountRole.PERSONNEL, served_unit=department, name="Đỗ Tổ"
        ),
        "outside": make_person(beside, name="Hồ Ngoài"),
    }
    staff = [make_person(divisions[n % 2], name=f"Nguyễn Thị {n}") for n in range(6)]
    statuses = list(PlanStatus)
    for number, person in enumerate([*people.values(), *staff]):
        for month in (1, 2, 3):
            plan = services.create_plan(
                session, person, Period(PeriodKind.MONTH, 2026, month), actor_id=None
            )
            add_task(session, plan, f"Quá hạn {number}-{month}", date(2026, month, 5))
            add_task(
                session,
                plan,
                f"Chưa xong {number}-{month}",
                date(2026, month, 6),
                TaskOutcome.NOT_DONE,
            )
            add_task(
                session,
                plan,
                f"Đã xong {number}-{month}",
                date(2026, month, 7),
                TaskOutcome.DONE_LATE,
            )
            add_task(session, plan, f"Còn hạn {number}-{month}", date(2026, month, 28))
            plan.status = statuses[(number + month) % len(statuses)]
            if plan.status is PlanStatus.SUBMITTED:
                plan.submitted_at = sa.func.now()
    session.flush()
    return people


def overdue_by_the_rules(session: Session, viewer: Viewer) -> list[Task]:
    """Every task the viewer may see (`can_plan` VIEW) that `Task.is_overdue`, as the list
    orders them, read through the ORM."""
    tasks = session.scalars(sa.select(Task).join(Plan).order_by(Task.deadline, Task.id))
    return [
        task
        for task in tasks
        if task.is_overdue(TODAY) and can_plan(viewer, PlanAction.VIEW, task.plan)
    ]


@pytest.mark.parametrize("who", ["head", "deputy", "division head", "officer", "outside"])
def test_overdue_list_and_count_equal_the_rules(session, organisation, who):
    viewer = viewer_of(session, organisation[who])
    expected = overdue_by_the_rules(session, viewer)
    assert expected or who == "outside"
    assert services.overdue_tasks(session, viewer, TODAY, limit=None) == expected
    assert services.overdue_tasks(session, viewer, TODAY, limit=4) == expected[:4]
    assert services.overdue_count(session, viewer, TODAY) == len(expected)


def test_the_officer_sees_the_overdue_tasks_of_their_own_plans_outside_the_reach(
    session, organisation
):
    officer = organisation["officer"]
    viewer = viewer_of(session, officer)
    own = [
        task
        for task in services.overdue_tasks(session, viewer, TODAY, limit=None)
        if task.plan.person_id == officer.id
    ]
    assert own
    assert all(task.plan.unit.name == "Sở khác" for task in own)


def test_an_administrator_sees_every_overdue_task(session, organisation, make_admin):
    viewer = make_admin().viewer()
    expected = [
        task
        for task in session.scalars(sa.select(Task).order_by(Task.deadline, Task.id))
        if task.is_overdue(TODAY)
    ]
    assert services.overdue_tasks(session, viewer, TODAY, limit=None) == expected
    assert services.overdue_count(session, viewer, TODAY) == len(expected)


def test_sqlite_finds_the_open_plans_of_a_reach_from_their_partial_index(session, organisation):
    """Each arm of the reach carries the open condition: SQLite reads the open plans of the
    units in reach from ix_plan_open, not every plan of those units (years of closed weeks)."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    statements: list[tuple[str, tuple]] = []

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    engine = session.get_bind().engine
    viewer = viewer_of(session, organisation["head"])
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        services.overdue_count(session, viewer, TODAY)
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    statement, parameters = next(s for s in statements if "count(task.id)" in s[0])
    plan = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    steps = " / ".join(row[3] for row in plan)
    assert "ix_plan_open" in steps, steps


def as_row(task: Task) -> services.OverdueRow:
    """What the ORM's task, plan, person and unit say of one overdue task."""
    plan = task.plan
    return services.OverdueRow(
        task.id,
        task.title,
        task.deadline,
        plan.id,
        plan.period,
        plan.person.full_name if plan.person else None,
        plan.unit.name,
    )


@pytest.mark.parametrize("who", ["head", "deputy", "division head", "officer", "outside"])
def test_overdue_rows_equal_the_orm_tasks(session, organisation, who):
    viewer = viewer_of(session, organisation[who])
    tasks = services.overdue_tasks(session, viewer, TODAY, limit=None)
    rows = [as_row(task) for task in tasks]
    assert services.overdue_rows(session, viewer, TODAY, 1000) == rows
    assert services.overdue_rows(session, viewer, TODAY, 3, offset=2) == rows[2:5]
    first, total = services.overdue_first(session, viewer, TODAY, 4)
    assert (first, total) == (rows[:4], len(rows))
    filters = services.OverdueFilter(search="Nguyễn Thị", kind=PeriodKind.MONTH, min_days=20)
    filtered = services.overdue_tasks(session, viewer, TODAY, limit=None, filters=filters)
    assert services.overdue_rows(session, viewer, TODAY, 1000, filters=filters) == [
        as_row(task) for task in filtered
    ]
    assert len(filtered) == services.overdue_count(session, viewer, TODAY, filters)


def test_a_units_own_plan_is_named_by_its_unit(session, organisation):
    viewer = viewer_of(session, organisation["head"])
    department = organisation["head"].unit
    plan = Plan(unit_id=department.id, status=PlanStatus.APPROVED)
    plan.period = Period(PeriodKind.MONTH, 2026, 3)
    session.add(plan)
    session.flush()
    task = add_task(session, plan, "Chỉ tiêu của Sở", date(2026, 3, 1))
    rows = services.overdue_rows(session, viewer, TODAY, 1000)
    row = next(row for row in rows if row.task_id == task.id)
    assert (row.person_name, row.unit_name) == (None, "Sở")
    assert row == as_row(task)


def test_the_unit_page_shows_what_the_orm_reads(session, organisation, client, login_as, clock):
    """The page's rows, links and labels, against the ORM's tasks, plans and people."""
    clock(TODAY)
    head = organisation["head"]
    viewer = viewer_of(session, head)
    html = login_as(head).get("/unit").get_data(as_text=True)
    tasks = overdue_by_the_rules(session, viewer)
    assert f"({len(tasks)})" in html
    for task in tasks[:10]:
        person = task.plan.person
        cells = (
            f'<td>{person.full_name}<div class="muted small">{task.plan.unit.name}</div></td>\n'
            f'    <th scope="row">{task.title}</th>'
        )
        assert cells in html
        assert f'<a href="/plans/{task.plan_id}">{task.plan.period.label}</a>' in html
    assert tasks[10].title not in html
    awaiting = services.plans_awaiting(session, viewer)
    assert awaiting
    for plan in awaiting:
        assert (
            f'<a href="/plans/{plan.id}">{plan.person.full_name} — {plan.period.label}</a>' in html
        )
    deputy = organisation["deputy"]
    assert (
        f'<a href="/organisation/people/{deputy.id}">{deputy.full_name}</a>'
        ' <span class="badge">Cấp phó</span>'
    ) in html
    assert "<td>Công chức</td>" in html
