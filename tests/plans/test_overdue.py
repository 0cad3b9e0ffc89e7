"""Overdue detection and the Monday report of a manager's unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from evaluation.accounts.models import User
from evaluation.organisation.models import LeadershipRole
from evaluation.plans import services
from evaluation.plans.models import Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from tests.conftest import account_id

TODAY = date(2026, 3, 20)
MONTH = Period(PeriodKind.MONTH, 2026, 3)


def add(session, plan, title: str, deadline: date, outcome: TaskOutcome | None = None) -> Task:
    task = services.add_task(
        session,
        plan,
        TaskInput(title, None, Decimal(5), "hồ sơ", Decimal(1), deadline),
        actor_id=None,
    )
    task.outcome = outcome
    if outcome in (TaskOutcome.DONE_ON_TIME, TaskOutcome.DONE_LATE):
        task.completed_on = deadline
    if outcome is TaskOutcome.CANCELLED:
        task.cancel_reason = "Dừng theo chỉ đạo"
    session.flush()
    return task


@pytest.mark.parametrize(
    ("deadline", "outcome", "overdue"),
    [
        (date(2026, 3, 19), None, True),  # past, nothing reported
        (date(2026, 3, 19), TaskOutcome.NOT_DONE, True),  # reported as not done
        (date(2026, 3, 20), None, False),  # due today: not yet overdue
        (date(2026, 3, 25), None, False),  # still ahead
        (date(2026, 3, 2), TaskOutcome.DONE_LATE, False),  # finished, even if late
        (date(2026, 3, 2), TaskOutcome.DONE_ON_TIME, False),
        (date(2026, 3, 2), TaskOutcome.CANCELLED, False),
    ],
)
def test_overdue_rule_in_python_and_sql_agree(
    session, make_unit, make_person, deadline, outcome, overdue
):
    unit = make_unit()
    head = make_person(unit, role=LeadershipRole.HEAD)
    staff = make_person(unit)
    plan = services.create_plan(session, staff, MONTH, actor_id=None)
    task = add(session, plan, "Thẩm định", deadline, outcome)
    assert task.is_overdue(TODAY) is overdue
    viewer = _user(session, head).viewer()
    listed = services.overdue_tasks(session, viewer, TODAY)
    assert (task in listed) is overdue
    assert services.overdue_count(session, viewer, TODAY) == int(overdue)


def _user(session, person) -> User:
    return session.get(User, account_id(session, person))


def test_tasks_of_a_closed_plan_are_no_longer_overdue(session, make_unit, make_person):
    staff = make_person(make_unit())
    plan = services.create_plan(session, staff, MONTH, actor_id=None)
    task = add(session, plan, "Báo cáo tháng", date(2026, 3, 5), TaskOutcome.NOT_DONE)
    assert task.is_overdue(TODAY)
    plan.status = services.PlanStatus.CLOSED
    session.flush()
    assert not task.is_overdue(TODAY)
    viewer = _user(session, staff).viewer()
    assert services.overdue_count(session, viewer, TODAY) == 0


def test_monday_report_covers_the_subtree_and_nothing_else(session, make_unit, make_person):
    parent = make_unit("Sở")
    division = make_unit("Phòng", parent=parent)
    elsewhere = make_unit("Xã")
    head = make_person(parent, role=LeadershipRole.HEAD)
    inside = make_person(division)
    outside = make_person(elsewhere)
    late_inside = add(
        session,
        services.create_plan(session, inside, MONTH, actor_id=None),
        "Báo cáo rà soát",
        date(2026, 3, 5),
    )
    add(
        session,
        services.create_plan(session, outside, MONTH, actor_id=None),
        "Việc ở xã khác",
        date(2026, 3, 5),
    )
    viewer = _user(session, head).viewer()
    assert services.overdue_tasks(session, viewer, TODAY) == [late_inside]


def test_the_unit_page_lists_overdue_tasks_with_days_late(
    session, client, login_as, make_unit, make_person, clock
):
    clock(TODAY)
    unit = make_unit()
    head = make_person(unit, role=LeadershipRole.HEAD)
    staff = make_person(unit, name="Phạm Thu Trang")
    plan = services.create_plan(session, staff, MONTH, actor_id=None)
    add(session, plan, "Cập nhật sổ địa chính", date(2026, 3, 13))
    add(session, plan, "Việc đã xong", date(2026, 3, 13), TaskOutcome.DONE_ON_TIME)
    login_as(head)
    page = client.get("/unit").get_data(as_text=True)
    assert "Cập nhật sổ địa chính" in page
    assert "Việc đã xong" not in page
    assert '<td class="num">7</td>' in page  # 13 → 20 March
