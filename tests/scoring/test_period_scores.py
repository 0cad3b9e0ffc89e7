"""Period scores: task points computed from the plan, adjustable only with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from criteria import StaffCategory
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring import periods
from evaluation.scoring.models import PeriodScore
from tests.conftest import account_id, form_errors

MARCH = Period(PeriodKind.MONTH, 2026, 3)
FULL_GENERAL = {"TC1": "6", "TC2": "6", "TC3": "6", "TC4": "6", "TC5": "6"}


@pytest.fixture
def team(session, make_unit, make_person):
    agency = make_unit("Sở", UnitKind.AGENCY)
    director = make_person(agency, role=LeadershipRole.HEAD)
    division = make_unit("Phòng Kinh tế", parent=agency)
    head = make_person(division, role=LeadershipRole.HEAD)
    staff = make_person(division, category=StaffCategory.CONG_CHUC, name="Vũ Thị Lan")
    return director, head, staff


def month_plan(session, person, tasks: list[tuple[int, int, TaskOutcome, int]]) -> Plan:
    """(target, achieved, outcome, weight) per task, in March 2026."""
    plan = Plan(person=person, unit_id=person.unit_id, status=PlanStatus.CLOSED)
    plan.period = MARCH
    session.add(plan)
    for index, (target, achieved, outcome, weight) in enumerate(tasks):
        deadline = date(2026, 3, 10 + index)
        session.add(
            Task(
                plan=plan,
                title=f"Việc {index}",
                target_quantity=Decimal(target),
                unit_of_measure="hồ sơ",
                weight=Decimal(weight),
                deadline=deadline,
                outcome=outcome,
                achieved_quantity=Decimal(achieved),
                completed_on=deadline if outcome is TaskOutcome.DONE_ON_TIME else None,
            )
        )
    session.flush()
    return plan


def test_task_points_follow_s2_from_the_plan(session, team):
    """Hand-computed: two tasks of weight 1 and 3.

    Task A: 10/10 on time → quantity 1, quality 1, progress 1.
    Task B: 5/10 not done (one delay) → quantity .5, quality .5, progress .5 × .75.
    Weighted: quantity (1 + 1.5)/4 = 62.5%; quality 62.5%; progress (1 + 1.125)/4 = 53.125%.
    Points: 70 × mean(62.5, 62.5, 53.125) / 100 = 41.5625 → 41.56.
    """
    staff = team[2]
    month_plan(
        session,
        staff,
        [(10, 10, TaskOutcome.DONE_ON_TIME, 1), (10, 5, TaskOutcome.NOT_DONE, 3)],
    )
    result = periods.period_task_result(session, staff, MARCH)
    assert result.score is not None
    assert result.score.quantity_pct == 62.5
    assert result.score.progress_pct == 53.12
    assert periods.computed_task_points(session, staff, MARCH, result, None) == Decimal("41.56")


def test_manager_scores_through_the_page(session, client, login_as, team):
    _, head, staff = team
    plan = month_plan(session, staff, [(10, 10, TaskOutcome.DONE_ON_TIME, 1)])
    login_as(head)
    listing = client.get(f"/scoring/{MARCH.key}").get_data(as_text=True)
    assert "Vũ Thị Lan" in listing
    assert "70" in listing  # computed from the plan: everything delivered on time
    response = client.post(
        f"/scoring/{MARCH.key}/people/{staff.id}",
        data={
            **{f"general_{k}": v for k, v in FULL_GENERAL.items()},
            **checked_quality(plan),
            "comment": "Tốt",
        },
    )
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    score = periods.find_period_score(session, staff, MARCH)
    assert (score.general_points, score.task_points) == (Decimal(30), Decimal(70))
    reopened = client.get(f"/scoring/{MARCH.key}/people/{staff.id}")
    assert reopened.status_code == 200
    assert 'name="general_TC1" required step="any" type="number" value="6.00"' in reopened.get_data(
        as_text=True
    )
    assert score.criteria_set == "nd335-non-leader@1"
    assert score.scored_by_id == account_id(session, head)


def test_adjusting_task_points_needs_a_reason(session, client, login_as, team):
    _, head, staff = team
    plan = month_plan(session, staff, [(10, 10, TaskOutcome.DONE_ON_TIME, 1)])
    login_as(head)
    url = f"/scoring/{MARCH.key}/people/{staff.id}"
    general = {f"general_{k}": v for k, v in FULL_GENERAL.items()} | checked_quality(plan)
    response = client.post(url, data={**general, "task_points": "60"})
    assert response.status_code == 422
    assert any("cần ghi lý do" in e for e in form_errors(response.get_data(as_text=True)))
    assert periods.find_period_score(session, staff, MARCH) is None
    client.post(url, data={**general, "task_points": "60", "adjustment_reason": "Sai số liệu"})
    score = periods.find_period_score(session, staff, MARCH)
    assert score.task_points == Decimal(60)
    assert score.computed_task_points == Decimal(70)
    entry = session.scalars(
        sa.select(AuditRecord).where(
            AuditRecord.object_type == "period_score", AuditRecord.object_id == score.id
        )
    ).one()
    assert entry.reason == "Sai số liệu"
    assert '"task_points": "60.00"' in entry.new_value


def test_the_database_refuses_an_adjustment_without_a_reason(session, team):
    staff = team[2]
    session.add(
        PeriodScore(
            person=staff,
            unit_id=staff.unit_id,
            period_kind=PeriodKind.MONTH,
            period_year=2026,
            period_number=3,
            criteria_set="x",
            general_points=Decimal(25),
            computed_task_points=Decimal(50),
            task_points=Decimal(60),
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


@pytest.mark.parametrize(("field", "value"), [("general_TC1", "7"), ("general_TC2", "-1")])
def test_general_points_stay_within_each_criterion(session, client, login_as, team, field, value):
    _, head, staff = team
    month_plan(session, staff, [(10, 10, TaskOutcome.DONE_ON_TIME, 1)])
    login_as(head)
    data = {f"general_{k}": v for k, v in FULL_GENERAL.items()} | {field: value}
    response = client.post(f"/scoring/{MARCH.key}/people/{staff.id}", data=data)
    assert response.status_code == 422
    assert periods.find_period_score(session, staff, MARCH) is None


def test_returns_and_delays_cost_quality_and_progress_unless_the_cause_is_objective(session, team):
    _, head, staff = team
    plan = month_plan(session, staff, [(10, 10, TaskOutcome.DONE_ON_TIME, 1)])
    task = plan.tasks[0]
    actor = account_id(session, head)
    base = periods.ScoreInput(
        general={k: Decimal(v) for k, v in FULL_GENERAL.items()},
        comment=None,
        task_points=None,
        adjustment_reason=None,
        organising_pct=None,
    )
    with_returns = periods.TaskAssessment(task.id, True, 2, 1, None)
    score = periods.save_period_score(
        session, staff, MARCH, dataclass_replace(base, assessments=(with_returns,)), actor_id=actor
    )
    # quality 50%, progress 75%, quantity 100% → 70 × 75% = 52.5
    assert score.computed_task_points == Decimal("52.50")
    waived = periods.TaskAssessment(task.id, True, 2, 1, "Mất điện diện rộng")
    score = periods.save_period_score(
        session, staff, MARCH, dataclass_replace(base, assessments=(waived,)), actor_id=actor
    )
    assert score.computed_task_points == Decimal("70.00")


def test_heads_are_scored_quarterly_by_the_unit_above(session, client, login_as, team):
    director, head, staff = team
    assert periods.scoring_period(head, date(2026, 5, 5)).kind is PeriodKind.QUARTER
    assert periods.scoring_period(staff, date(2026, 5, 5)).kind is PeriodKind.MONTH
    login_as(head)
    assert client.get(f"/scoring/2026-Q2/people/{head.id}").status_code == 403
    login_as(director)
    quarter = client.get("/scoring/2026-Q2").get_data(as_text=True)
    assert head.full_name in quarter
    assert staff.full_name not in quarter  # staff are scored monthly by their own head


def test_an_employee_cannot_score(session, client, login_as, team):
    staff = team[2]
    login_as(staff)
    assert client.get("/scoring/2026-03").status_code == 403
    assert client.get(f"/scoring/2026-03/people/{staff.id}").status_code == 403


def test_a_scoring_page_for_a_week_does_not_exist(client, login_as, team):
    login_as(team[1])
    assert client.get("/scoring/2026-W10").status_code == 404
    assert client.get("/scoring/not-a-period").status_code == 404


def checked_quality(plan: Plan) -> dict[str, str]:
    """The quality boxes a browser sends as the form shows them: checked."""
    return {f"quality_{task.id}": "y" for task in plan.tasks}


def dataclass_replace(value, **changes):
    import dataclasses

    return dataclasses.replace(value, **changes)


def test_a_manager_scores_their_own_staff_not_the_whole_subtree(
    session, client, login_as, team, make_person
):
    director, _head, staff = team
    own_staff = make_person(director.unit, name="Nhân viên văn phòng Sở")
    login_as(director)
    month = client.get("/scoring/2026-03").get_data(as_text=True)
    assert "Nhân viên văn phòng Sở" in month
    assert staff.full_name not in month  # a division's staff are scored by its own head
    assert client.get(f"/scoring/2026-03/people/{own_staff.id}").status_code == 200
