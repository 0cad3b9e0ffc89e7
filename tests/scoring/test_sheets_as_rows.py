"""The scoring sheet reads plans, tasks and scores as rows of columns, not as objects: it must
show what the objects give. Each person's S2 points equal `periods.period_task_result` on the
loaded plan, and each task's row gives the `PeriodTask` that `to_period_task` gives the Task."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from evaluation.organisation.models import LeadershipRole, Person, UnitKind
from evaluation.plans.models import Plan, PlanStatus, SelfQuality, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring import periods, queries
from evaluation.scoring.models import PeriodScore

MARCH = Period(PeriodKind.MONTH, 2026, 3)

# Every combination the two task rules read (quality: the manager's, the person's own; delays:
# recorded, or from the outcome), with the other S2 inputs varied along.
OUTCOMES = (None, *TaskOutcome)
QUALITY = (None, True, False)
SELF_QUALITY = (None, *SelfQuality)
DELAYS = (None, 0, 2)


def _tasks(plan: Plan, start: int, count: int) -> list[Task]:
    combos = list(itertools.product(OUTCOMES, QUALITY, SELF_QUALITY, DELAYS))
    tasks = []
    for index in range(start, start + count):
        outcome, quality_ok, self_quality, delays = combos[index % len(combos)]
        task = Task(
            plan=plan,
            title=f"Nhiệm vụ {index}",
            target_quantity=Decimal(10 + index % 7),
            unit_of_measure="hồ sơ",
            weight=Decimal(1 + index % 3),
            coefficient=Decimal("1.5") if index % 4 == 0 else Decimal(1),
            deadline=plan.starts_on + timedelta(days=(7 * index) % 28),
            outcome=outcome,
            quality_ok=quality_ok,
            self_quality=self_quality,
            delays=delays,
            major_error_returns=index % 3,
            objective_cause="Mất điện" if index % 11 == 0 else None,
        )
        if outcome is not None and outcome.completed:
            task.completed_on = task.deadline
            task.achieved_quantity = Decimal(8 + index % 5)
        elif outcome is TaskOutcome.CANCELLED:
            task.cancel_reason = "Không còn cần"
        elif index % 2:
            task.achieved_quantity = Decimal(3)
        tasks.append(task)
    return tasks


def _score(person, general: str, task_points: str, reason: str | None) -> PeriodScore:
    score = PeriodScore(
        person=person,
        unit_id=person.unit_id,
        criteria_set="nd335@1",
        general_points=Decimal(general),
        general_breakdown={},
        computed_task_points=None if reason else Decimal(task_points),
        task_points=Decimal(task_points),
        adjustment_reason=reason,
    )
    score.period_kind, score.period_year, score.period_number = (
        MARCH.kind,
        MARCH.year,
        MARCH.number,
    )
    return score


def test_each_task_row_gives_the_period_task_of_the_task():
    """`period_task` on the columns equals `to_period_task` on the Task, for every combination
    of the inputs of `Task.with_quality` and `Task.effective_delays`."""
    plan = Plan(status=PlanStatus.APPROVED)
    plan.period = MARCH
    tasks = _tasks(plan, 0, len(OUTCOMES) * len(QUALITY) * len(SELF_QUALITY) * len(DELAYS))
    for task in tasks:
        row = [getattr(task, column.key) for column in periods.PERIOD_TASK_COLUMNS]
        assert periods.period_task(*row) == periods.to_period_task(task), task.title


def test_the_scoring_sheet_shows_what_the_loaded_plans_give(session, make_unit, make_person):
    """Plans with many tasks, one with cancelled tasks only, one with none, people without a
    plan, scores given and adjusted: the sheet's plan, S2 points and score per person are
    those of the ORM's plan, `period_task_result` and `find_period_score`."""
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    make_person(division, role=LeadershipRole.HEAD)
    people = [make_person(division) for _ in range(7)]
    statuses = list(PlanStatus)
    start = 0
    for number, person in enumerate(people[:5]):
        plan = Plan(person=person, unit=division, status=statuses[number % len(statuses)])
        plan.period = MARCH
        session.add(plan)
        count = (0, 1, 40, 90, 160)[number]
        session.add_all(_tasks(plan, start, count))
        start += count
    cancelled_only = Plan(person=people[5], unit=division, status=PlanStatus.REPORTED)
    cancelled_only.period = MARCH
    session.add(cancelled_only)
    session.add(
        Task(
            plan=cancelled_only,
            title="Đã huỷ",
            target_quantity=Decimal(5),
            unit_of_measure="hồ sơ",
            deadline=MARCH.starts_on,
            outcome=TaskOutcome.CANCELLED,
            cancel_reason="Không còn cần",
        )
    )
    session.add(_score(people[2], "27.50", "61.25", None))
    session.add(_score(people[3], "30", "55", "Nhiệm vụ đột xuất chưa có trong kế hoạch"))
    session.add(_score(people[6], "20", "40", "Không có kế hoạch tháng"))
    session.flush()
    session.expire_all()

    rows = queries.scoring_sheet(session, people, MARCH)

    assert [row.person for row in rows] == people
    for person, row in zip(people, rows, strict=True):
        result = periods.period_task_result(session, person, MARCH)
        score = periods.find_period_score(session, person, MARCH)
        plan = result.plan
        shown_plan = (row.plan.id, row.plan.status) if row.plan else None
        assert shown_plan == ((plan.id, plan.status) if plan else None)
        assert row.computed == result.score, person.full_name
        shown = (row.score.total_points, row.score.adjustment_reason) if row.score else None
        assert shown == ((score.total_points, score.adjustment_reason) if score else None)
    assert [row.computed is not None for row in rows] == [
        False,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_the_scoring_sheet_reads_no_task_objects(session, make_unit, make_person):
    """A sheet of plans with tasks leaves no Task or Plan in the session: the rows are read."""
    division = make_unit("Phòng Công chức")
    people = [make_person(division) for _ in range(3)]
    for person in people:
        plan = Plan(person=person, unit=division, status=PlanStatus.APPROVED)
        plan.period = MARCH
        session.add(plan)
        session.add_all(_tasks(plan, 0, 5))
    session.flush()
    session.expunge_all()
    ids = [person.id for person in people]
    people = list(session.scalars(sa.select(Person).where(Person.id.in_(ids))))

    rows = queries.scoring_sheet(session, people, MARCH)

    assert all(row.computed is not None for row in rows)
    assert not [
        o for o in session.identity_map.values() if isinstance(o, (Task, Plan, PeriodScore))
    ]


def test_the_scoring_page_links_each_plan_and_person(
    client, session, make_unit, make_person, login_as
):
    """The links built once for the page are those `url_for` gives each row."""
    division = make_unit("Phòng Công chức")
    head = make_person(division, role=LeadershipRole.HEAD)
    staff = make_person(division, name="Trần Thị Bình")
    plan = Plan(person=staff, unit=division, status=PlanStatus.APPROVED)
    plan.period = MARCH
    session.add(plan)
    session.add_all(_tasks(plan, 0, 3))
    session.add(_score(staff, "25", "50", "Điều chỉnh theo thực tế"))
    session.flush()

    login_as(head)
    html = client.get("/scoring/2026-03").get_data(as_text=True)

    assert f'<a href="/plans/{plan.id}">Đã duyệt</a>' in html
    assert f'<a href="/scoring/2026-03/people/{staff.id}">Sửa điểm</a>' in html
    assert 'title="Điều chỉnh theo thực tế">đã điều chỉnh</span>' in html
    assert '<td class="num">75 <span' in html
