"""Queries for the scoring pages: consequences (C1–C6), the scoring and evaluation sheets, the
rulebook's preview, the agencies' progress against the deadline, and published results.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from criteria import (
    Level,
    PeriodTask,
    PeriodTaskScore,
    consequences,
    decision_deadline,
    score_period_tasks,
)
from criteria.consequences import Flag
from criteria.procedure import Step
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.services import agencies_among, nearest_agency
from evaluation.plans.models import Plan, PlanStatus, Task, in_period
from evaluation.plans.periods import Period
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from evaluation.scoring.periods import PERIOD_TASK_COLUMNS, period_task
from evaluation.scoring.procedure import refresh_result

# --- consequences and deadlines -----------------------------------------------------------


def person_flags(session: Session, person: Person, year: int) -> list[Flag]:
    """C1–C6 from the decided levels of the years on record."""
    return flags_for(session, [person], year).get(person.id, [])


def flags_for(session: Session, people: Sequence[Person], year: int) -> dict[int, list[Flag]]:
    """C1–C6 for a whole list, from one query over the decided levels up to `year`."""
    levels: dict[int, dict[int, Level]] = {}
    for person_id, decided_year, level in session.execute(
        sa.select(
            AnnualEvaluation.person_id, AnnualEvaluation.year, AnnualEvaluation.final_level
        ).where(
            AnnualEvaluation.person_id.in_([person.id for person in people]),
            AnnualEvaluation.final_level.is_not(None),
            AnnualEvaluation.year <= year,
        )
    ):
        levels.setdefault(person_id, {})[decided_year] = level
    return _flags(people, levels, year)


def _flags(
    people: Sequence[Person], levels: Mapping[int, Mapping[int, Level]], year: int
) -> dict[int, list[Flag]]:
    """C1–C6 of each person decided in `year`, from their decided levels by year."""
    flags = {}
    for person in people:
        history = levels.get(person.id, {})
        if year in history:
            found = consequences(person.category, person.is_leader, history, year=year)
            if found:
                flags[person.id] = found
    return flags


# --- queries for pages --------------------------------------------------------------------


class PlanCell(NamedTuple):
    """What the scoring sheet shows of a plan: its link and status."""

    id: int
    status: PlanStatus


class ScoreCell(NamedTuple):
    """What the scoring sheet shows of a period score: the total and why it was adjusted."""

    total_points: Decimal
    adjustment_reason: str | None


@dataclass(frozen=True)
class ScoringRow:
    person: Person
    plan: PlanCell | None
    computed: PeriodTaskScore | None
    score: ScoreCell | None


def scoring_sheet(session: Session, people: Sequence[Person], period: Period) -> list[ScoringRow]:
    """Each person's plan, S2 points and score for the period, in two queries in all.

    Plans, tasks and scores are read as rows of the columns shown or scored: a unit's month
    is a hundred plans and thousands of tasks, and loading them as objects cost most of the
    page (`periods.period_task` applies the same rules as `to_period_task` on a Task).
    """
    ids = [person.id for person in people]
    plans: dict[int, PlanCell] = {}
    tasks: dict[int, list[PeriodTask]] = defaultdict(list)
    for plan_id, person_id, status, task_id, *columns in session.execute(
        sa.select(Plan.id, Plan.person_id, Plan.status, Task.id, *PERIOD_TASK_COLUMNS)
        .outerjoin(Task, Task.plan_id == Plan.id)  # a plan without tasks is shown too
        .where(Plan.person_id.in_(ids), in_period(Plan, period))
        .order_by(Plan.id, Task.deadline, Task.id)  # the plan's order of its tasks
    ):
        if person_id not in plans:  # one plan a period (uq_plan_person_period)
            plans[person_id] = PlanCell(plan_id, status)
        if task_id is not None:
            tasks[plan_id].append(period_task(*columns))
    scores = {
        person_id: ScoreCell(general + task_points, reason)
        for person_id, general, task_points, reason in session.execute(
            sa.select(
                PeriodScore.person_id,
                PeriodScore.general_points,
                PeriodScore.task_points,
                PeriodScore.adjustment_reason,
            ).where(PeriodScore.person_id.in_(ids), in_period(PeriodScore, period))
        )
    }
    rows = []
    for person in people:
        plan = plans.get(person.id)
        scorable = tasks.get(plan.id, []) if plan else []
        computed = score_period_tasks(scorable) if any(not t.cancelled for t in scorable) else None
        rows.append(ScoringRow(person, plan, computed, scores.get(person.id)))
    return rows


def preview(
    session: Session, person: Person, year: int, saved: AnnualEvaluation | None = None
) -> AnnualEvaluation:
    """The rulebook's result on today's records, not saved: what a GET may show.

    The unit's assessment of the general criteria, once recorded, is part of the facts.
    """
    evaluation = AnnualEvaluation(
        person=person,
        year=year,
        unit=person.unit,
        unit_id=person.unit_id,
        category=person.category,
        leader=person.is_leader,
        general_assessment=saved.general_assessment if saved else None,
    )
    refresh_result(session, evaluation)
    if evaluation in session:  # never saved by a GET
        session.expunge(evaluation)
    return evaluation


class EvaluationCell(NamedTuple):
    """What the evaluations list shows of an evaluation: the step reached and two levels."""

    step: Step | None
    computed_level: Level
    final_level: Level | None


@dataclass(frozen=True)
class EvaluationRow:
    person: Person
    evaluation: EvaluationCell | None


def evaluation_sheet(
    session: Session, people: Sequence[Person], year: int
) -> tuple[list[EvaluationRow], dict[int, list[Flag]]]:
    """Each person's evaluation of the year as the list shows it, and their flags (C1–C6,
    `flags_for`), from one read of their evaluations up to the year, as rows: whole
    evaluations carry their texts and JSON facts, which the list does not show."""
    found: dict[int, EvaluationCell] = {}
    levels: dict[int, dict[int, Level]] = {}
    for person_id, evaluated_year, step, computed_level, final_level in session.execute(
        sa.select(
            AnnualEvaluation.person_id,
            AnnualEvaluation.year,
            AnnualEvaluation.step,
            AnnualEvaluation.computed_level,
            AnnualEvaluation.final_level,
        ).where(
            AnnualEvaluation.person_id.in_([person.id for person in people]),
            AnnualEvaluation.year <= year,
        )
    ):
        if evaluated_year == year:
            found[person_id] = EvaluationCell(step, computed_level, final_level)
        if final_level is not None:
            levels.setdefault(person_id, {})[evaluated_year] = final_level
    rows = [EvaluationRow(person, found.get(person.id)) for person in people]
    return rows, _flags(people, levels, year)


@dataclass(frozen=True)
class AgencyProgress:
    """P3: how far an agency is with its decisions, against the deadline."""

    agency: Unit
    people: int
    decided: int
    deadline: date

    @property
    def finished(self) -> bool:
        return self.decided >= self.people

    def days_left(self, today: date) -> int:
        return (self.deadline - today).days


def agency_progress(session: Session, units: Sequence[Unit], year: int) -> list[AgencyProgress]:
    """Per agency in reach: people placed there now and decisions taken, in two queries."""
    agencies = agencies_among(units)
    people_by_unit = dict(
        session.execute(
            sa.select(Person.unit_id, sa.func.count(Person.id)).group_by(Person.unit_id)
        ).all()
    )
    decided_by_unit = dict(
        session.execute(
            sa.select(AnnualEvaluation.unit_id, sa.func.count(AnnualEvaluation.id))
            .where(AnnualEvaluation.year == year, AnnualEvaluation.decided_at.is_not(None))
            .group_by(AnnualEvaluation.unit_id)
        ).all()
    )

    known = {agency.id: agency for agency in agencies}
    people: Counter[int] = Counter()
    decided: Counter[int] = Counter()
    for unit in units:  # a unit counts for the nearest agency above it
        try:
            owner = nearest_agency(unit.path, known).id
        except LookupError:  # a division under no agency in reach
            continue
        people[owner] += people_by_unit.get(unit.id, 0)
        decided[owner] += decided_by_unit.get(unit.id, 0)
    deadline = decision_deadline(year)
    return [
        AgencyProgress(
            agency=agency,
            people=people[agency.id],
            decided=decided[agency.id],
            deadline=deadline,
        )
        for agency in agencies
    ]


class Published(NamedTuple):
    """A result published in the unit: whose, and the level decided."""

    person_id: int
    full_name: str
    final_level: Level | None


def published_in_unit(session: Session, unit_id: int, year: int) -> list[Published]:
    """P1: results notified to the people are published inside their unit."""
    return [
        Published(*row)
        for row in session.execute(
            sa.select(AnnualEvaluation.person_id, Person.full_name, AnnualEvaluation.final_level)
            .join(Person, AnnualEvaluation.person_id == Person.id)
            .where(
                AnnualEvaluation.unit_id == unit_id,
                AnnualEvaluation.year == year,
                AnnualEvaluation.notified_at.is_not(None),
            )
            .order_by(Person.full_name)
        )
    ]


# The evaluations overview's filter: where each person's evaluation of the year stands.
EVALUATION_STATES = {
    "not_started": _l("Chưa bắt đầu"),
    "in_progress": _l("Đang thực hiện"),
    "decided": _l("Đã quyết định"),
}


def evaluation_state(year: int, state: str | None) -> sa.ColumnElement[bool] | None:
    """People (the `Person` rows of a list) whose evaluation of the year is in this state, as
    a condition the list's own query carries, so filtering and paging stay in SQL."""
    if state not in EVALUATION_STATES:
        return None
    of_person = sa.and_(AnnualEvaluation.person_id == Person.id, AnnualEvaluation.year == year)
    started = sa.exists().where(of_person, AnnualEvaluation.step.is_not(None))
    decided = sa.exists().where(of_person, AnnualEvaluation.decided_at.is_not(None))
    if state == "not_started":
        return ~started
    if state == "in_progress":
        return sa.and_(started, ~decided)
    return decided
