"""The five per-unit aggregates behind every unit result, for a whole province or a few units.

Each reads one kind of row once, grouped by the unit it belongs to: a unit's own targets, its
members' period scores and levels, their annual levels (a year), their tasks' lateness, and the
people disciplined while placed there. The roll-up up the tree (`services.roll_up`) then works
on these few numbers per unit, never on the rows. Given `units`, only those units' rows are
read: a write recomputes the units it touched (`stored`), not the province.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import Level
from evaluation.core.levels import level_by_points_sql, level_in_force_sql
from evaluation.organisation.models import Placement
from evaluation.plans.models import COMPLETED_OUTCOMES, Plan, Task, TaskOutcome, in_period
from evaluation.plans.periods import Period, PeriodKind
from evaluation.records.models import DisciplineRecord
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

COMPLETED = COMPLETED_OUTCOMES
_LEVELS = {level.value: level for level in Level}  # Level(value) is slow, 10 000 times a page


@dataclass(frozen=True)
class PeriodSums:
    """The five aggregates of a period, per unit, before any roll-up: what is stored."""

    own: dict[int, tuple[int, int, int, int]]  # targets, completed, on time, exceeded
    members: dict[int, tuple[int, float, Counter[Level]]]  # scored, sum of points, levels
    annual: dict[int, Counter[Level]] | None  # annual levels, for a year
    lateness: dict[int, tuple[int, int]]  # tasks, late
    disciplined: dict[int, int]

    def unit_ids(self) -> set[int]:
        """Every unit with a figure of its own in the period."""
        ids = set(self.own) | set(self.members) | set(self.lateness) | set(self.disciplined)
        return ids | set(self.annual or ())


def score_scope(period: Period) -> sa.ColumnElement[bool]:
    """Period scores that fall in the period: months in it, and quarters for a quarter/year."""
    if period.kind is PeriodKind.MONTH:
        return in_period(PeriodScore, period)
    if period.kind is PeriodKind.QUARTER:
        months = list(range(3 * period.number - 2, 3 * period.number + 1))
        return sa.and_(
            PeriodScore.period_year == period.year,
            sa.or_(
                sa.and_(
                    PeriodScore.period_kind == PeriodKind.MONTH,
                    PeriodScore.period_number.in_(months),
                ),
                sa.and_(
                    PeriodScore.period_kind == PeriodKind.QUARTER,
                    PeriodScore.period_number == period.number,
                ),
            ),
        )
    return PeriodScore.period_year == period.year


def _among(column: sa.ColumnElement[int], units: Collection[int] | None) -> sa.ColumnElement[bool]:
    return sa.true() if units is None else column.in_(sorted(units))


def _own_targets(
    session: Session, period: Period, units: Collection[int] | None
) -> dict[int, tuple[int, int, int, int]]:
    """Each unit's own plan for the period: targets, completed, on time, exceeded."""
    counted = Task.outcome.is_(None) | (Task.outcome != TaskOutcome.CANCELLED)
    rows = session.execute(
        sa.select(
            Plan.unit_id,
            sa.func.count(Task.id),
            sa.func.count(sa.case((Task.outcome.in_(COMPLETED), 1))),
            sa.func.count(sa.case((Task.outcome == TaskOutcome.DONE_ON_TIME, 1))),
            sa.func.count(sa.case((Task.achieved_quantity > Task.target_quantity, 1))),
        )
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.person_id.is_(None), in_period(Plan, period), counted, _among(Plan.unit_id, units)
        )
        .group_by(Plan.unit_id)
    )
    return {
        unit_id: (total, done, on_time, exceeded)
        for unit_id, total, done, on_time, exceeded in rows
    }


def _member_points(
    session: Session, period: Period, units: Collection[int] | None
) -> dict[int, tuple[int, float, Counter[Level]]]:
    """Per unit: members scored, the sum of their mean points, and their period levels (S5)."""
    per_person = (
        sa.select(
            PeriodScore.unit_id.label("unit_id"),
            PeriodScore.person_id.label("person_id"),
            sa.func.avg(PeriodScore.general_points + PeriodScore.task_points).label("points"),
        )
        .where(score_scope(period), _among(PeriodScore.unit_id, units))
        .group_by(PeriodScore.unit_id, PeriodScore.person_id)
        .subquery()
    )
    band = level_by_points_sql(per_person.c.points)
    result: dict[int, tuple[int, float, Counter[Level]]] = {}
    for unit_id, level, count, total in session.execute(
        sa.select(
            per_person.c.unit_id, band, sa.func.count(), sa.func.sum(per_person.c.points)
        ).group_by(per_person.c.unit_id, band)
    ):
        members, points, levels = result.get(unit_id, (0, 0.0, Counter()))
        levels[_LEVELS[level]] += count
        result[unit_id] = (members + count, points + float(total), levels)
    return result


def _annual_levels(
    session: Session, year: int, units: Collection[int] | None
) -> dict[int, Counter[Level]]:
    """Per unit: the levels in force of its members' annual evaluations."""
    level = level_in_force_sql(AnnualEvaluation)
    result: dict[int, Counter[Level]] = defaultdict(Counter)
    for unit_id, value, count in session.execute(
        sa.select(AnnualEvaluation.unit_id, level, sa.func.count())
        .where(AnnualEvaluation.year == year, _among(AnnualEvaluation.unit_id, units))
        .group_by(AnnualEvaluation.unit_id, level)
    ):
        result[unit_id][_LEVELS[value]] += count
    return dict(result)


def _lateness(
    session: Session, period: Period, today: date, units: Collection[int] | None
) -> dict[int, tuple[int, int]]:
    """Per unit: its members' tasks in plans of the period, and those late or still open late."""
    late = sa.or_(
        Task.outcome.in_((TaskOutcome.DONE_LATE, TaskOutcome.NOT_DONE)),
        sa.and_(Task.outcome.is_(None), Task.deadline < today),
    )
    counted = Task.outcome.is_(None) | (Task.outcome != TaskOutcome.CANCELLED)
    rows = session.execute(
        sa.select(Plan.unit_id, sa.func.count(Task.id), sa.func.count(sa.case((late, 1))))
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.person_id.is_not(None),
            Plan.starts_on >= period.starts_on,
            Plan.ends_on <= period.ends_on,
            counted,
            _among(Plan.unit_id, units),
        )
        .group_by(Plan.unit_id)
    )
    return {unit_id: (total, late_count) for unit_id, total, late_count in rows}


def _disciplined(session: Session, period: Period, units: Collection[int] | None) -> dict[int, int]:
    """Per unit: people disciplined with effect in the period, where they were placed then."""
    rows = session.execute(
        sa.select(Placement.unit_id, sa.func.count(sa.distinct(DisciplineRecord.person_id)))
        .join(Placement, Placement.person_id == DisciplineRecord.person_id)
        .where(
            DisciplineRecord.effective_on.between(period.starts_on, period.ends_on),
            Placement.starts_on <= DisciplineRecord.effective_on,
            sa.or_(Placement.ends_on.is_(None), Placement.ends_on >= DisciplineRecord.effective_on),
            _among(Placement.unit_id, units),
        )
        .group_by(Placement.unit_id)
    )
    return dict(rows.all())


LatenessRead = Callable[[Session, Period, date, Collection[int] | None], dict[int, tuple[int, int]]]


def period_sums(
    session: Session,
    period: Period,
    today: date,
    units: Collection[int] | None = None,
    *,
    lateness: LatenessRead | None = None,
) -> PeriodSums:
    """Read the period's rows once each, grouped by unit (only `units`' rows, when given).

    `lateness` reads it from elsewhere than the tasks (a year's `task_counts`)."""
    return PeriodSums(
        own=_own_targets(session, period, units),
        members=_member_points(session, period, units),
        annual=_annual_levels(session, period.year, units)
        if period.kind is PeriodKind.YEAR
        else None,
        lateness=(lateness or _lateness)(session, period, today, units),
        disciplined=_disciplined(session, period, units),
    )
