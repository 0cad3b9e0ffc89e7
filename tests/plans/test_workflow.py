"""The plan workflow: draft → submitted → approved (or returned) → reported → closed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from evaluation.core.audit import AuditRecord
from evaluation.core.errors import Conflict, DomainError
from evaluation.organisation.models import LeadershipRole
from evaluation.plans import services
from evaluation.plans.models import Plan, PlanStatus, TaskOutcome, TaskSource
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import ResultInput, TaskInput
from tests.conftest import account_id

WEEK_11 = Period(PeriodKind.WEEK, 2026, 11)  # 9–15 March 2026


def task_input(**overrides: object) -> TaskInput:
    values: dict[str, object] = {
        "title": "Thẩm định hồ sơ đất đai",
        "description": None,
        "target_quantity": Decimal(12),
        "unit_of_measure": "hồ sơ",
        "weight": Decimal(2),
        "deadline": date(2026, 3, 13),
    }
    values.update(overrides)
    return TaskInput(**values)  # type: ignore[arg-type]


def done(on: date, quantity: int = 12) -> ResultInput:
    return ResultInput("done", Decimal(quantity), on, None, "Sổ theo dõi số 3", None)


@pytest.fixture
def team(make_unit, make_person):
    unit = make_unit()
    head = make_person(unit, role=LeadershipRole.HEAD)
    staff = make_person(unit)
    return unit, head, staff


@pytest.fixture
def staff_id(session, team) -> int:
    return account_id(session, team[2])


@pytest.fixture
def head_id(session, team) -> int:
    return account_id(session, team[1])


def test_full_cycle_records_each_step_in_the_audit_trail(session, team, staff_id, head_id):
    staff = team[2]
    plan = services.create_plan(session, staff, WEEK_11, actor_id=staff_id)
    task = services.add_task(session, plan, task_input(), actor_id=staff_id)
    services.transition(session, plan, "submit", actor_id=staff_id)
    services.transition(session, plan, "approve", actor_id=head_id)
    services.report_result(session, task, done(date(2026, 3, 12)), actor_id=staff_id)
    services.transition(session, plan, "report", actor_id=staff_id)
    services.transition(session, plan, "close", actor_id=head_id)

    assert plan.status is PlanStatus.CLOSED
    assert task.outcome is TaskOutcome.DONE_ON_TIME
    actions = session.scalars(
        sa.select(AuditRecord.action)
        .where(AuditRecord.object_type == "plan", AuditRecord.object_id == plan.id)
        .order_by(AuditRecord.id)
    ).all()
    assert actions == ["create", "submit", "approve", "report", "close"]


def test_returned_plan_carries_the_comment_and_can_be_resubmitted(session, team, staff_id, head_id):
    _, _, staff = team
    plan = services.create_plan(session, staff, WEEK_11, actor_id=staff_id)
    services.add_task(session, plan, task_input(), actor_id=staff_id)
    services.transition(session, plan, "submit", actor_id=staff_id)
    with pytest.raises(DomainError):
        services.transition(session, plan, "return", actor_id=head_id, comment="  ")
    services.transition(
        session, plan, "return", actor_id=head_id, comment="Thiếu chỉ tiêu số lượng"
    )
    assert plan.status is PlanStatus.RETURNED
    assert plan.return_comment == "Thiếu chỉ tiêu số lượng"
    assert plan.status.editable
    services.transition(session, plan, "submit", actor_id=staff_id)
    assert plan.status is PlanStatus.SUBMITTED
    assert plan.return_comment is None


@pytest.mark.parametrize(
    ("status", "verb"),
    [
        (PlanStatus.DRAFT, "approve"),
        (PlanStatus.DRAFT, "report"),
        (PlanStatus.SUBMITTED, "submit"),
        (PlanStatus.APPROVED, "approve"),
        (PlanStatus.APPROVED, "close"),
        (PlanStatus.CLOSED, "submit"),
        (PlanStatus.CLOSED, "return"),
    ],
)
def test_transitions_outside_the_workflow_are_refused(session, team, status, verb, staff_id):
    _, _, staff = team
    plan = services.create_plan(session, staff, WEEK_11, actor_id=staff_id)
    services.add_task(session, plan, task_input(), actor_id=staff_id)
    plan.status = status
    session.flush()
    with pytest.raises(DomainError):
        services.transition(session, plan, verb, actor_id=staff_id, comment="x")
    assert plan.status is status


def test_an_empty_plan_cannot_be_submitted(session, team, staff_id):
    plan = services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    with pytest.raises(DomainError):
        services.transition(session, plan, "submit", actor_id=staff_id)


def test_results_must_all_be_reported_before_the_report_is_sent(session, team, staff_id, head_id):
    plan = services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    first = services.add_task(session, plan, task_input(), actor_id=staff_id)
    services.add_task(session, plan, task_input(title="Báo cáo tuần"), actor_id=staff_id)
    services.transition(session, plan, "submit", actor_id=staff_id)
    services.transition(session, plan, "approve", actor_id=head_id)
    services.report_result(session, first, done(date(2026, 3, 13)), actor_id=staff_id)
    with pytest.raises(DomainError, match="1"):
        services.transition(session, plan, "report", actor_id=staff_id)


@pytest.mark.parametrize(
    ("completed_on", "expected"),
    [
        (date(2026, 3, 12), TaskOutcome.DONE_ON_TIME),
        (date(2026, 3, 13), TaskOutcome.DONE_ON_TIME),
        (date(2026, 3, 14), TaskOutcome.DONE_LATE),
    ],
)
def test_on_time_or_late_follows_from_the_dates(session, team, completed_on, expected, staff_id):
    plan = services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    task = services.add_task(
        session, plan, task_input(deadline=date(2026, 3, 13)), actor_id=staff_id
    )
    services.report_result(session, task, done(completed_on), actor_id=staff_id)
    assert task.outcome is expected


def test_cancelling_needs_a_reason(session, team, staff_id):
    plan = services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    task = services.add_task(session, plan, task_input(), actor_id=staff_id)
    with pytest.raises(DomainError) as refused:
        services.report_result(
            session, task, ResultInput("cancelled", None, None, " ", None, None), actor_id=staff_id
        )
    assert refused.value.field == "cancel_reason"
    services.report_result(
        session,
        task,
        ResultInput("cancelled", None, None, "UBND xã dừng triển khai", None, None),
        actor_id=staff_id,
    )
    assert task.outcome is TaskOutcome.CANCELLED
    assert task.completed_on is None


def test_one_plan_per_person_and_period(session, team, staff_id):
    services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    with pytest.raises(DomainError) as refused:
        services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    assert refused.value.field == "day"
    # the other kinds of the same dates are separate plans
    services.create_plan(session, team[2], Period(PeriodKind.MONTH, 2026, 3), actor_id=staff_id)


def test_the_database_refuses_a_second_plan_for_the_same_period(session, team, staff_id):
    staff = team[2]
    services.create_plan(session, staff, WEEK_11, actor_id=staff_id)
    duplicate = Plan(person=staff, unit_id=staff.unit_id)
    duplicate.period = WEEK_11
    session.add(duplicate)
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_deadline_must_lie_inside_the_period(session, team, staff_id):
    plan = services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    with pytest.raises(DomainError) as refused:
        services.add_task(session, plan, task_input(deadline=date(2026, 3, 16)), actor_id=staff_id)
    assert refused.value.field == "deadline"
    assert plan.tasks == []


def test_assigning_creates_the_plan_and_marks_the_source(session, team, head_id):
    staff = team[2]
    task = services.assign_task(session, staff, WEEK_11, task_input(), actor_id=head_id)
    assert task.source is TaskSource.ASSIGNED
    assert task.assigned_by_id == head_id
    assert task.plan.person_id == staff.id
    assert task.plan.status is PlanStatus.DRAFT


def test_assigning_into_a_reported_plan_is_refused(session, team, staff_id, head_id):
    staff = team[2]
    plan = services.create_plan(session, staff, WEEK_11, actor_id=staff_id)
    plan.status = PlanStatus.REPORTED
    session.flush()
    with pytest.raises(DomainError):
        services.assign_task(session, staff, WEEK_11, task_input(), actor_id=head_id)


def test_a_stale_version_is_refused(session, team, staff_id):
    plan = services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    seen = plan.version
    services.add_task(session, plan, task_input(), actor_id=staff_id)
    assert plan.version == seen + 1
    with pytest.raises(Conflict):
        services.transition(session, plan, "submit", actor_id=staff_id, seen_version=seen)


def test_week_tasks_break_down_a_task_of_the_enclosing_month(session, team, staff_id):
    staff = team[2]
    month = services.create_plan(
        session, staff, Period(PeriodKind.MONTH, 2026, 3), actor_id=staff_id
    )
    month_task = services.add_task(
        session, month, task_input(deadline=date(2026, 3, 31)), actor_id=staff_id
    )
    week = services.create_plan(session, staff, WEEK_11, actor_id=staff_id)
    assert services.parent_task_choices(session, week) == [month_task]
    task = services.add_task(
        session, week, task_input(parent_task_id=month_task.id), actor_id=staff_id
    )
    assert task.parent_task_id == month_task.id
    stranger = services.create_plan(
        session, team[1], Period(PeriodKind.MONTH, 2026, 3), actor_id=staff_id
    )
    foreign = services.add_task(
        session, stranger, task_input(deadline=date(2026, 3, 30)), actor_id=staff_id
    )
    with pytest.raises(DomainError):
        services.add_task(session, week, task_input(parent_task_id=foreign.id), actor_id=staff_id)


def test_the_database_refuses_a_cancelled_task_without_a_reason(session, team, staff_id):
    plan = services.create_plan(session, team[2], WEEK_11, actor_id=staff_id)
    task = services.add_task(session, plan, task_input(), actor_id=staff_id)
    task.outcome = TaskOutcome.CANCELLED
    task.cancel_reason = None
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_a_closed_plan_is_reopened_only_by_the_personnel_office_with_a_reason(
    session, client, login_as, make_unit, make_person
):
    from evaluation.accounts.models import AccountRole

    agency = make_unit("Sở")
    unit = make_unit(parent=agency)
    head = make_person(unit, role=LeadershipRole.HEAD)
    staff = make_person(unit)
    personnel = make_person(agency, account_role=AccountRole.PERSONNEL, served_unit=agency)
    plan = services.create_plan(session, staff, WEEK_11, actor_id=account_id(session, staff))
    plan.status = PlanStatus.CLOSED
    session.flush()
    for actor in (staff, head):
        login_as(actor)
        assert client.post(f"/plans/{plan.id}/reopen", data={"reason": "x"}).status_code == 403
    login_as(personnel)
    client.post(f"/plans/{plan.id}/reopen", data={"reason": ""})
    session.refresh(plan)
    assert plan.status is PlanStatus.CLOSED
    client.post(f"/plans/{plan.id}/reopen", data={"reason": "Báo cáo nhầm số liệu"})
    session.refresh(plan)
    assert plan.status is PlanStatus.APPROVED
    entry = session.scalars(
        sa.select(AuditRecord).where(
            AuditRecord.object_id == plan.id, AuditRecord.action == "reopen"
        )
    ).one()
    assert entry.reason == "Báo cáo nhầm số liệu"
