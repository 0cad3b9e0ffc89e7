"""The year-end computation for a whole province, set-based.

Person by person, `assemble_facts` runs about eight queries, and a leader's sub-unit results
five more: right for one page, some 350 000 round trips for a province of 40 000. Here each kind
of record is read once for everyone — the task results already grouped by SQL into at most
sixteen (completed, on time, quality, exceeded) counts per person — and the facts are built by
the same `build_facts`. The rulebook then classifies each person in memory (pure functions), the
unit results are computed once for the whole tree, and the rankings and the emulation proposals
follow. `tests/yearend/test_year_end.py` checks that both ways give the same facts and levels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import Facts, GeneralAssessment, Level, Policy, Result, TaskFacts, classify
from criteria.facts import with_task_counts
from evaluation.core.collector import collector_paused
from evaluation.organisation.models import Person, Placement, Unit
from evaluation.organisation.services import agencies_among
from evaluation.plans.models import Plan, SelfQuality, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation, task_counts
from evaluation.rankings.services import (
    RankingGroup,
    UnitResult,
    rankings,
    roll_up,
)
from evaluation.rankings.stored import stored_period_sums
from evaluation.rankings.sums import COMPLETED
from evaluation.rankings.task_counts import fetched
from evaluation.records.models import DisciplineRecord, LeaveRecord
from evaluation.rulesets import services as rulesets
from evaluation.scoring.facts import (
    PersonTraits,
    UnitFigures,
    build_facts,
    figures_from_counts,
    leader_unit_facts,
    scoring_kind,
)
from evaluation.scoring.models import AnnualEvaluation, PeriodScore


@dataclass(frozen=True)
class YearEnd:
    """Everything the year-end produces, for the whole tree, in memory."""

    year: int
    as_of: date
    facts: dict[int, Facts]  # by person id
    classified: dict[int, Result]  # by person id
    unit_results: dict[int, UnitResult]  # by unit id
    rankings: list[RankingGroup]
    proposals: list[emulation.Proposal]

    def level_counts(self) -> dict[Level, int]:
        counts: dict[Level, int] = defaultdict(int)
        for result in self.classified.values():
            counts[result.level] += 1
        return dict(counts)


def year_end(
    session: Session,
    year: int,
    as_of: date,
    on_step: Callable[[str], None] | None = None,
    policy_of: Callable[[int], Policy] | None = None,
) -> YearEnd:
    """Task results → facts and classifications → unit results → rankings → proposals.

    `on_step` is told each step's name as it ends (`make bench` times them). `policy_of`
    gives a person's policy by id (a draft's preview, `rulesets`); by default the policy in
    force at the year's end."""
    with collector_paused():  # 5 000 people's facts, results and reasons: a third of the time
        return _year_end(session, year, as_of, on_step or (lambda _name: None), policy_of)


def _year_end(
    session: Session,
    year: int,
    as_of: date,
    step: Callable[[str], None],
    policy_of: Callable[[int], Policy] | None,
) -> YearEnd:
    batch_settings(session)
    units = list(session.scalars(sa.select(Unit).order_by(Unit.path)))
    results = year_results(session, year, as_of, units)
    step("unit results")
    facts = province_facts(session, year, as_of, units=units, results=results)
    step("facts")
    in_force = rulesets.policy_in_force(session, date(year, 12, 31))
    policy = policy_of or (lambda _person_id: in_force)
    classified = {
        person_id: classify(person_facts, policy(person_id))
        for person_id, person_facts in facts.items()
    }
    step("classification")
    by_id = {unit.id: unit for unit in units}
    ranked = rankings(results, {}, by_id)
    step("rankings")
    agencies = agencies_among(units)
    proposed = emulation.proposals(
        session, agencies, year, results, among=agencies, known_units=units
    )
    step("emulation proposals")
    return YearEnd(
        year=year,
        as_of=as_of,
        facts=facts,
        classified=classified,
        unit_results=results,
        rankings=ranked,
        proposals=proposed,
    )


def year_results(
    session: Session, year: int, as_of: date, units: Sequence[Unit]
) -> dict[int, UnitResult]:
    """`unit_results` of the year for the whole tree: from the stored sums once the year is
    stored (cheap), its lateness read from the task counts when they are complete."""
    period = Period(PeriodKind.YEAR, year, 1)
    return roll_up(units, stored_period_sums(session, period, as_of, task_counts.year_sums))


def batch_settings(session: Session) -> None:
    """PostgreSQL, for this transaction: a few big aggregates, not many small queries. JIT
    compiling them costs about a second each, more than it saves; the default 4 MB of sort
    memory sends their grouping to disk."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL jit = off"))
        session.execute(sa.text("SET LOCAL work_mem = '64MB'"))


def province_facts(
    session: Session,
    year: int,
    as_of: date,
    *,
    units: Sequence[Unit],
    results: dict[int, UnitResult],
    only: Collection[int] | None = None,
) -> dict[int, Facts]:
    """The facts of every person placed in `units` for `year`, as `assemble_facts` builds them
    one by one (with the unit's general assessment where the evaluation records one).

    `results` are the units' year results (`unit_results` over the same units), from which
    leaders get their sub-units' levels. `only`: these people's alone, each query limited to
    them (the close redone after a reopening recomputes a few dozen, not 40 000).
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    unit_by_id = {unit.id: unit for unit in units}
    chosen = None if only is None else sorted(only)

    def theirs(column: Any) -> tuple[sa.ColumnElement[bool], ...]:
        return () if chosen is None else (column.in_(chosen),)

    connection = session.connection()  # plain rows: 500 000 through the ORM cost seconds
    people = connection.execute(
        sa.select(Person.id, Person.category, Person.leadership_role, Person.unit_id).where(
            *theirs(Person.id)
        )
    ).all()
    placements = _grouped(
        connection.execute(
            sa.select(Placement.person_id, Placement.starts_on, Placement.ends_on).where(
                Placement.starts_on <= end,
                sa.or_(Placement.ends_on.is_(None), Placement.ends_on >= start),
                *theirs(Placement.person_id),
            )
        )
    )
    leaves: dict[int, list[LeaveRecord]] = defaultdict(list)
    for leave in session.scalars(
        sa.select(LeaveRecord).where(
            LeaveRecord.starts_on <= end,
            LeaveRecord.ends_on >= start,
            *theirs(LeaveRecord.person_id),
        )
    ):
        leaves[leave.person_id].append(leave)
    disciplines: dict[int, list[DisciplineRecord]] = defaultdict(list)
    for record in session.scalars(
        sa.select(DisciplineRecord)
        .where(*theirs(DisciplineRecord.person_id))
        .order_by(DisciplineRecord.id)
    ):
        disciplines[record.person_id].append(record)
    scores: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for person_id, general_points, task_points in fetched(
        connection.execute(
            sa.select(
                PeriodScore.person_id,
                sa.cast(PeriodScore.general_points, sa.Float),  # as build_facts reads them:
                sa.cast(PeriodScore.task_points, sa.Float),  # no Decimal for 480 000 rows
            )
            .where(PeriodScore.period_year == year, *theirs(PeriodScore.person_id))
            .order_by(PeriodScore.person_id, PeriodScore.period_kind, PeriodScore.period_number)
        )
    ):  # the person's rows in period order; a row a tuple (no star-unpacking: 480 000 rows)
        scores[person_id].append((general_points, task_points))
    general: dict[int, GeneralAssessment] = dict(
        connection.execute(
            sa.select(AnnualEvaluation.person_id, AnnualEvaluation.general_assessment).where(
                AnnualEvaluation.year == year,
                AnnualEvaluation.general_assessment.is_not(None),
                *theirs(AnnualEvaluation.person_id),
            )
        ).all()
    )
    tasks, task_counts_of = _task_facts(session, year, as_of, chosen)
    leading = None
    if chosen is not None:
        leading = {unit_id for _p, _c, role, unit_id in people if role.is_leader}
    own_targets = _unit_targets(session, year, as_of, leading)
    children: dict[int, list[Unit]] = defaultdict(list)
    for unit in sorted(units, key=lambda unit: unit.id):
        if unit.parent_id is not None:
            children[unit.parent_id].append(unit)

    kinds = {unit.id: scoring_kind(unit).value for unit in units}  # keys: no enum hashing
    no_tasks = (0, 0, 0, 0)
    facts = {}
    for person_id, category, role, unit_id in people:
        if unit_id not in unit_by_id:
            continue
        unit = unit_by_id[unit_id]
        kind = kinds[unit_id]
        unit_facts = None
        if role.is_leader:
            sub_levels = tuple(
                level
                for child in children.get(unit.id, ())
                if (level := results[child.id].score.level) is not None
            )
            figures = own_targets.get((unit.id, PeriodKind(kind)), figures_from_counts(
                targets=0, completed=0, on_time=0, exceeded=0
            ))  # fmt: skip
            unit_facts = leader_unit_facts(figures, sub_levels)
        built = build_facts(
            year=year,
            person=PersonTraits(category, role.is_leader, unit.rulebook_pin),
            placements=placements.get(person_id, ()),
            leaves=leaves.get(person_id, ()),
            disciplines=disciplines.get(person_id, ()),
            scores=scores.get(person_id, ()),
            general=general.get(person_id),
            tasks=tasks.get((person_id, kind), ()),
            unit=unit_facts,
        )
        facts[person_id] = with_task_counts(built, task_counts_of.get((person_id, kind), no_tasks))
    return facts


def _grouped(rows: sa.Result) -> dict[int, list[tuple]]:
    """(person id, *values) rows → person id: [values…], in the rows' order."""
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for person_id, *values in fetched(rows):
        grouped[person_id].append(tuple(values))
    return grouped


def _scored_tasks(year: int, as_of: date) -> tuple[sa.ColumnElement[bool], ...]:
    """The year's tasks of scored periods (months, quarters) that count on `as_of`: reported
    or past their deadline, and not cancelled. The query joins Plan."""
    return (
        Plan.period_year == year,
        Plan.period_kind.in_((PeriodKind.MONTH, PeriodKind.QUARTER)),
        sa.or_(Task.outcome.is_not(None), Task.deadline < as_of),
        sa.or_(Task.outcome.is_(None), Task.outcome != TaskOutcome.CANCELLED),
    )


@cache
def _task_run(completed: bool, on_time: bool, quality: bool, exceeded: bool) -> TaskFacts:
    """Sixteen shared instances: a person's tasks are runs of the same few facts."""
    return TaskFacts(completed=completed, on_time=on_time, quality=quality, exceeded=exceeded)


TaskCounts = tuple[int, int, int, int]  # as `Facts.task_counts`: all, missed, not done, exceeded


def _task_facts(
    session: Session, year: int, as_of: date, people: Collection[int] | None = None
) -> tuple[dict[tuple[int, str], tuple[TaskFacts, ...]], dict[tuple[int, str], TaskCounts]]:
    """Each person's task criteria of the year, per plan kind (of `people`, or everyone's):
    from the year's task counts when complete, else counted in SQL from the tasks (read once,
    never loaded). The facts' order is not the tasks' (the rules only count). With them, their
    counts as `Facts.task_counts` gives them, counted from the rows (a few per person), not
    from the facts (hundreds per person). Keyed by (person id, plan kind's value)."""
    rows = (
        task_counts.fact_rows(session, year, as_of, people)
        if task_counts.counted(session, year)
        else _task_fact_rows(session, year, as_of, people)
    )
    runs: dict[tuple[int, str], list[TaskFacts]] = defaultdict(list)
    counts: dict[tuple[int, str], list[int]] = {}
    for person_id, value, completed_, on_time_, quality_, exceeded_, count in rows:
        fact = _task_run(bool(completed_), bool(on_time_), bool(quality_), bool(exceeded_))
        key = (person_id, value)
        runs[key].extend((fact,) * count)
        tally = counts.get(key)
        if tally is None:
            tally = counts[key] = [0, 0, 0, 0]
        tally[0] += count
        tally[1] += count * fact.missed
        tally[2] += count * (not fact.completed)
        tally[3] += count * fact.exceeded
    return (
        {key: tuple(facts) for key, facts in runs.items()},
        {
            key: (total, missed, not_done, exceeded)
            for key, (total, missed, not_done, exceeded) in counts.items()
        },
    )


def _task_fact_rows(
    session: Session, year: int, as_of: date, people: Collection[int] | None = None
) -> Iterable[Sequence[Any]]:
    """(person, plan kind, completed, on time, quality, exceeded, tasks), from the tasks."""
    completed = sa.case((Task.outcome.in_(COMPLETED), 1), else_=0)
    on_time = sa.case((Task.outcome == TaskOutcome.DONE_ON_TIME, 1), else_=0)
    quality = sa.case(  # Task.with_quality: the manager's judgment, else the person's own
        (Task.quality_ok.is_(True), 1),
        (Task.quality_ok.is_(False), 0),
        (Task.self_quality == SelfQuality.POOR, 0),
        else_=1,
    )
    exceeded = sa.case(
        (sa.func.coalesce(Task.achieved_quantity, 0) > Task.target_quantity, 1), else_=0
    )
    kind = sa.type_coerce(Plan.period_kind, sa.String)  # the value: no enum per row
    return fetched(
        session.connection().execute(
            sa.select(Plan.person_id, kind, completed, on_time, quality, exceeded, sa.func.count())
            .join(Plan, Task.plan_id == Plan.id)
            .where(
                Plan.person_id.is_not(None)
                if people is None
                else Plan.person_id.in_(sorted(people)),
                *_scored_tasks(year, as_of),
            )
            .group_by(Plan.person_id, kind, completed, on_time, quality, exceeded)
        )
    )


def _unit_targets(
    session: Session, year: int, as_of: date, units: Collection[int] | None = None
) -> dict[tuple[int, PeriodKind], UnitFigures]:
    """Each unit's own targets of the year (of `units`, or all), per plan kind, as leaders'
    unit facts count them."""
    if units is not None and not units:
        return {}
    rows = session.execute(
        sa.select(
            Plan.unit_id,
            Plan.period_kind,
            sa.func.count(),
            sa.func.count(sa.case((Task.outcome.in_(COMPLETED), 1))),
            sa.func.count(sa.case((Task.outcome == TaskOutcome.DONE_ON_TIME, 1))),
            sa.func.count(
                sa.case((sa.func.coalesce(Task.achieved_quantity, 0) > Task.target_quantity, 1))
            ),
        )
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.person_id.is_(None),
            *_scored_tasks(year, as_of),
            *(() if units is None else (Plan.unit_id.in_(sorted(units)),)),
        )
        .group_by(Plan.unit_id, Plan.period_kind)
    )
    return {
        (unit_id, kind): figures_from_counts(
            targets=targets, completed=completed, on_time=on_time, exceeded=exceeded
        )
        for unit_id, kind, targets, completed, on_time, exceeded in rows
    }


def task_rows_floor(session: Session, year: int) -> int:
    """The floor `make bench` compares the year-end with: one aggregate that reads every task
    row of the year once (grouped by person, the least any year-end must do); returns the
    number of task rows it read."""
    rows = session.execute(
        sa.select(Plan.person_id, sa.func.count(), sa.func.sum(Task.achieved_quantity))
        .join(Plan, Task.plan_id == Plan.id)
        .where(Plan.period_year == year)
        .group_by(Plan.person_id)
    ).all()
    return sum(count for _person, count, _achieved in rows)
