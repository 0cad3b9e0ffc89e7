"""The synthetic province: deterministic, within the constraints, and usable by the rankings."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from criteria import Level
from evaluation.demo.generator import Options, generate_province, prefix_for
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.plans.models import Plan, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings.services import unit_results
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

OPTIONS = Options(people=200, years=1, seed=7, last_year=2025)


def _ours() -> sa.ColumnElement[bool]:
    return Person.code.startswith(prefix_for(OPTIONS.seed))


def _summary(session: Session, counts: Counter[str]) -> dict[str, Any]:
    levels = session.execute(
        sa.select(AnnualEvaluation.computed_level, sa.func.count())
        .join(Person, AnnualEvaluation.person_id == Person.id)
        .where(_ours())
        .group_by(AnnualEvaluation.computed_level)
    )
    outcomes = session.execute(
        sa.select(Task.outcome, sa.func.count())
        .join(Plan, Task.plan_id == Plan.id)
        .join(Unit, Plan.unit_id == Unit.id)
        .where(Unit.code.startswith(prefix_for(OPTIONS.seed)))
        .group_by(Task.outcome)
    )
    roles = session.execute(
        sa.select(Person.category, Person.leadership_role, sa.func.count())
        .where(_ours())
        .group_by(Person.category, Person.leadership_role)
    )
    return {
        "counts": dict(counts),
        "levels": {level: n for level, n in levels},
        "outcomes": {outcome: n for outcome, n in outcomes},
        "roles": {(category, role): n for category, role, n in roles},
    }


def test_the_same_seed_gives_the_same_province(session: Session) -> None:
    first = _summary(session, generate_province(session, OPTIONS))
    session.rollback()  # back to the test's savepoint: the province is gone
    assert not session.scalar(sa.select(sa.func.count()).where(_ours()))
    second = _summary(session, generate_province(session, OPTIONS))

    assert first == second
    assert first["counts"]["person"] == 200
    assert sum(first["levels"].values()) == 200
    assert len(first["levels"]) >= 2  # not everyone alike
    assert {TaskOutcome.DONE_LATE, TaskOutcome.NOT_DONE} <= set(first["outcomes"])
    categories = {category for category, _ in first["roles"]}
    roles = {role for _, role in first["roles"]}
    assert len(categories) == 4 and roles == set(LeadershipRole)


def test_constraints_hold_and_the_rankings_run(session: Session) -> None:
    generate_province(session, OPTIONS)
    prefix = prefix_for(OPTIONS.seed)

    outside = session.scalar(
        sa.select(sa.func.count())
        .select_from(Task)
        .join(Plan, Task.plan_id == Plan.id)
        .join(Person, Plan.person_id == Person.id)
        .where(_ours(), sa.or_(Task.deadline < Plan.starts_on, Task.deadline > Plan.ends_on))
    )
    assert outside == 0

    parent_task, parent_plan = aliased(Task), aliased(Plan)
    misplaced = session.scalar(
        sa.select(sa.func.count())
        .select_from(Task)
        .join(Plan, Task.plan_id == Plan.id)
        .join(parent_task, Task.parent_task_id == parent_task.id)
        .join(parent_plan, parent_task.plan_id == parent_plan.id)
        .where(
            sa.or_(
                parent_plan.person_id != Plan.person_id,
                parent_plan.starts_on > Plan.starts_on,
                parent_plan.ends_on < Plan.ends_on,
            )
        )
    )
    assert misplaced == 0

    general_low, general_high, task_low, task_high, scores = session.execute(
        sa.select(
            sa.func.min(PeriodScore.general_points),
            sa.func.max(PeriodScore.general_points),
            sa.func.min(PeriodScore.task_points),
            sa.func.max(PeriodScore.task_points),
            sa.func.count(),
        )
        .join(Person, PeriodScore.person_id == Person.id)
        .where(_ours())
    ).one()
    assert 0 <= general_low <= general_high <= 30
    assert 0 <= task_low <= task_high <= 70
    assert scores == 200 * 12

    units = list(session.scalars(sa.select(Unit).where(Unit.code.startswith(prefix))))
    by_id = {unit.id: unit for unit in units}
    for unit in units:
        parent = by_id.get(unit.parent_id)
        assert unit.path == f"{parent.path if parent else '/'}{unit.id}/"

    results = unit_results(
        session, units, Period(PeriodKind.YEAR, OPTIONS.last_year, 1), date(2026, 1, 15)
    )
    root = next(unit for unit in units if unit.parent_id is None)
    assert set(results) == set(by_id)
    assert sum(results[root.id].levels.values()) == 200
    assert results[root.id].figures.members_scored == 200
    assert results[root.id].tasks > 0
    assert 0 < results[root.id].overdue_pct < 100
    assert set(results[root.id].levels) <= {
        Level.XUAT_SAC,
        Level.TOT,
        Level.HOAN_THANH,
        Level.KHONG_HOAN_THANH,
    }
