"""Assemble the rulebook's facts for one person and year from what the system records.

Nothing here decides: it gathers placements, leave, discipline, the year's plans and the
period scores into `criteria.Facts`, and `criteria.classify` does the rest.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import fmean

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import (
    Discipline,
    Facts,
    GeneralAssessment,
    Level,
    StaffCategory,
    TaskFacts,
    UnitFacts,
    general_level_from_points,
    pin_allowed,
    select_rulebook,
)
from evaluation.core.clock import local_today
from evaluation.organisation.models import Person, Placement, ScoringFrequency, Unit
from evaluation.plans.models import Plan, Task, TaskOutcome
from evaluation.plans.periods import PeriodKind
from evaluation.records.models import DisciplineRecord, LeaveKind, LeaveRecord
from evaluation.scoring.models import PeriodScore


def months_between(first: date, last: date) -> float:
    """Calendar months from `first` to `last` inclusive: whole months count 1, parts pro rata.

    1 Feb – 31 May is 4 months, whatever the month lengths. Only the first and last months
    can be partial; those between count whole (a province asks this 40 000 times).
    """
    if last < first:
        return 0.0
    first_days = calendar.monthrange(first.year, first.month)[1]
    if (first.year, first.month) == (last.year, last.month):
        return round(((last - first).days + 1) / first_days, 2)
    head = (first_days - first.day + 1) / first_days
    tail = last.day / calendar.monthrange(last.year, last.month)[1]
    between = (last.year - first.year) * 12 + last.month - first.month - 1
    return round(head + between + tail, 2)


def _within_year(spans: Iterable[tuple[date, date | None]], year: int) -> float:
    start, end = date(year, 1, 1), date(year, 12, 31)
    total = 0.0
    for first, last in spans:
        total += months_between(max(first, start), min(last or end, end))
    return min(round(total, 2), 12.0)


def task_facts(tasks: Iterable[Task]) -> tuple[TaskFacts, ...]:
    """ND90: per task criterion, completed? on time? with quality? exceeded its target?

    Cancelled tasks are no longer criteria; a task with no result counts as not completed.
    """
    return tuple(
        TaskFacts(
            completed=task.outcome is not None and task.outcome.completed,
            on_time=task.outcome is TaskOutcome.DONE_ON_TIME,
            quality=task.with_quality,
            exceeded=(task.achieved_quantity or 0) > task.target_quantity,
        )
        for task in tasks
        if task.outcome is not TaskOutcome.CANCELLED
    )


@dataclass(frozen=True)
class UnitFigures:
    """A unit's own targets for the year: shares completed, on time and exceeded (percent)."""

    targets: int
    completed_pct: float
    on_time_pct: float
    exceeded_pct: float


def unit_figures(tasks: Sequence[Task]) -> UnitFigures:
    """On time is counted among the completed targets; exceeded among all targets."""
    counted = [t for t in tasks if t.outcome is not TaskOutcome.CANCELLED]
    return figures_from_counts(
        targets=len(counted),
        completed=sum(t.outcome is not None and t.outcome.completed for t in counted),
        on_time=sum(t.outcome is TaskOutcome.DONE_ON_TIME for t in counted),
        exceeded=sum((t.achieved_quantity or 0) > t.target_quantity for t in counted),
    )


def figures_from_counts(
    *, targets: int, completed: int, on_time: int, exceeded: int
) -> UnitFigures:
    """The shares from the counts: one arithmetic for the per-person and set-based paths."""
    if not targets:
        return UnitFigures(0, 100.0, 100.0, 0.0)
    return UnitFigures(
        targets=targets,
        completed_pct=round(100 * completed / targets, 2),
        on_time_pct=round(100 * on_time / completed, 2) if completed else 0.0,
        exceeded_pct=round(100 * exceeded / targets, 2),
    )


def scoring_kind(unit: Unit) -> PeriodKind:
    return (
        PeriodKind.QUARTER
        if unit.scoring_frequency is ScoringFrequency.QUARTERLY
        else PeriodKind.MONTH
    )


def _year_tasks(
    session: Session, year: int, kind: PeriodKind, as_of: date, **owner: object
) -> list[Task]:
    """The year's task criteria that can be judged on `as_of`: reported, or past their
    deadline. A task not yet due is not a task missed (evaluations start before year end)."""
    conditions = [
        Plan.period_year == year,
        Plan.period_kind == kind,
        sa.or_(Task.outcome.is_not(None), Task.deadline < as_of),
    ]
    conditions += [getattr(Plan, column) == value for column, value in owner.items()]
    return list(session.scalars(sa.select(Task).join(Plan).where(*conditions).order_by(Task.id)))


# A leader's sub-units' year results (X2/T2/H2/K2) are the rankings' to compute, an area above
# this one: it hands its function in here when imported (`rankings.services`), so the facts get
# the levels without scoring importing the rankings. Unset, the facts refuse rather than guess.
SubUnitLevels = Callable[[Session, Unit, int, date], tuple[Level, ...]]
_sub_unit_levels: list[SubUnitLevels] = []


def provide_sub_unit_levels(provider: SubUnitLevels) -> SubUnitLevels:
    """Register how a leader's sub-units' levels for a year are read (the rankings do)."""
    _sub_unit_levels[:] = [provider]
    return provider


def sub_unit_levels(session: Session, unit: Unit, year: int, as_of: date) -> tuple[Level, ...]:
    """X2/T2/H2/K2: the year's results of the units a leader manages directly."""
    if not _sub_unit_levels:
        raise RuntimeError("import evaluation.rankings.services: it provides sub-unit levels")
    return _sub_unit_levels[0](session, unit, year, as_of)


def assemble_facts(
    session: Session,
    person: Person,
    year: int,
    *,
    general: GeneralAssessment | None = None,
    as_of: date | None = None,
) -> Facts:
    """The facts of `person` for `year` as of a day (default today); `general` is the unit's
    assessment where given. About eight queries: for one page. The year-end computation for a
    whole province reads the same records set-based (`yearend.services`)."""
    as_of = as_of or local_today()
    placements = session.execute(
        sa.select(Placement.starts_on, Placement.ends_on).where(Placement.person_id == person.id)
    ).all()
    leaves = session.scalars(sa.select(LeaveRecord).where(LeaveRecord.person_id == person.id)).all()
    disciplines = session.scalars(
        sa.select(DisciplineRecord).where(DisciplineRecord.person_id == person.id)
    ).all()
    scores = session.execute(
        sa.select(PeriodScore.general_points, PeriodScore.task_points)
        .where(PeriodScore.person_id == person.id, PeriodScore.period_year == year)
        .order_by(PeriodScore.period_kind, PeriodScore.period_number)
    ).all()
    unit = person.unit
    kind = scoring_kind(unit)
    unit_facts = None
    if person.is_leader:
        figures = unit_figures(
            _year_tasks(session, year, kind, as_of, unit_id=unit.id, person_id=None)
        )
        unit_facts = leader_unit_facts(figures, sub_unit_levels(session, unit, year, as_of))
    return build_facts(
        year=year,
        person=PersonTraits(person.category, person.is_leader, unit.rulebook_pin),
        placements=[tuple(row) for row in placements],
        leaves=leaves,
        disciplines=disciplines,
        scores=[tuple(row) for row in scores],
        general=general,
        tasks=task_facts(_year_tasks(session, year, kind, as_of, person_id=person.id)),
        unit=unit_facts,
    )


@dataclass(frozen=True)
class PersonTraits:
    """What the rulebook needs to know of the person and their unit, besides records."""

    category: StaffCategory
    leader: bool
    rulebook_pin: str | None


def leader_unit_facts(figures: UnitFigures, sub_unit_levels: tuple[Level, ...]) -> UnitFacts:
    return UnitFacts(
        targets_completed_pct=figures.completed_pct,
        targets_on_time_pct=figures.on_time_pct,
        targets_exceeded_pct=figures.exceeded_pct,
        sub_unit_levels=sub_unit_levels,
    )


def _mean_general(points: Iterable[Decimal | float]) -> float | None:
    values = [float(value) for value in points]
    return fmean(values) if values else None


def year_general_points(points: Iterable[Decimal | float]) -> float | None:
    """The year's general points as the rulebook is given them: the periods' mean, to
    hundredths (the snapshot of a decision checks scores against this same figure)."""
    mean = _mean_general(points)
    return None if mean is None else round(mean, 2)


def build_facts(
    *,
    year: int,
    person: PersonTraits,
    placements: Iterable[tuple[date, date | None]],
    leaves: Iterable[LeaveRecord],
    disciplines: Iterable[DisciplineRecord],
    scores: Sequence[tuple[Decimal | float, Decimal | float]],
    general: GeneralAssessment | None,
    tasks: tuple[TaskFacts, ...],
    unit: UnitFacts | None,
) -> Facts:
    """The one place records become facts, whichever way they were read.

    `scores` are the year's (general points, task points) in period order; without a unit
    assessment, the mean general points decide it.
    """
    general_points = _mean_general([general_ for general_, _task in scores])  # read once
    if general is None:
        general = (
            general_level_from_points(general_points)
            if general_points is not None
            else GeneralAssessment.MEET
        )
    # A pin the rulebook's table gives no force for this category and year is refused, never
    # applied (rules.md §11): the person is classified under the rule set in force, and the
    # pages say why (`scoring.periods.pin_refusal`).
    pin = person.rulebook_pin if pin_allowed(year, person.category, person.rulebook_pin) else None
    leaves = list(leaves)
    return Facts(
        rulebook=select_rulebook(year, person.category, pin).name if pin else None,
        year=year,
        category=person.category,
        leader=person.leader,
        months_worked=_within_year(placements, year),
        leave_months=_within_year(
            ((r.starts_on, r.ends_on) for r in leaves if r.kind is LeaveKind.LAWFUL), year
        ),
        maternity_leave=any(
            r.kind is LeaveKind.MATERNITY and r.starts_on.year <= year <= r.ends_on.year
            for r in leaves
        ),
        general=general,
        disciplines=tuple(
            Discipline(
                violation=d.violation,
                year_effective=d.effective_on.year,
                form=d.form,
                party=d.party,
                duty_related=d.duty_related,
                counted_in_year=d.counted_in_year,
            )
            for d in disciplines
        ),
        tasks=tasks,
        unit=unit,
        # `year_general_points` of the same scores, from the mean read once above
        general_points=None if general_points is None else round(general_points, 2),
        period_task_points=tuple([float(task) for _general, task in scores]),
    )
