"""The plans list counts each plan's tasks in SQL: the same three figures as
`Plan.task_counts` (total, completed, overdue) for every outcome, deadline and plan status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from evaluation.plans import services as plans
from evaluation.plans.models import Plan, PlanStatus, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput

TODAY = date(2026, 5, 20)


def test_sql_counts_equal_the_plans_own(session, make_unit, make_person, clock):
    clock(TODAY)
    person = make_person(make_unit("Phòng Tổng hợp"))
    outcomes = [None, *TaskOutcome]
    made = []
    for month in (3, 4, 5, 6):
        plan = plans.create_plan(
            session, person, Period(PeriodKind.MONTH, 2026, month), actor_id=None
        )
        for number, outcome in enumerate(outcomes * 2):
            day = date(2026, month, 1 + 3 * number)
            task = plans.add_task(
                session, plan, TaskInput("Việc", None, Decimal(1), "hồ sơ", Decimal(1), day),
                actor_id=None,
            )  # fmt: skip
            task.outcome = outcome
            if outcome is not None and outcome.completed:
                task.completed_on = day
            if outcome is TaskOutcome.CANCELLED:
                task.cancel_reason = "Không còn cần"
        made.append(plan)
    empty = plans.create_plan(session, person, Period(PeriodKind.MONTH, 2026, 7), actor_id=None)
    made[0].status = PlanStatus.CLOSED  # a closed plan's open tasks are not overdue
    session.flush()

    listed = list(session.scalars(sa.select(Plan).where(Plan.person_id == person.id)))
    counted = plans.plan_task_counts(session, listed, TODAY)

    assert {plan.id: plan.task_counts(TODAY) for plan in listed} == counted
    assert counted[empty.id] == (0, 0, 0)
    assert counted[made[1].id].overdue > 0 and counted[made[1].id].completed > 0
    assert counted[made[0].id].overdue == 0
