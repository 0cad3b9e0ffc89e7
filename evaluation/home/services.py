"""What waits for one person ("Việc cần làm"): each figure is one SQL aggregate over the viewer's
reach, so the page costs the same few statements for a unit of ten or a province.

The scopes below are the SQL forms of the areas' own checks (`Viewer.manages`,
`scoring.permissions.can_evaluate`, `scoring.procedure.competent_decider`); the tests compare
them with those checks, person by person, so a list and its count never disagree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import False_

from criteria import decision_deadline
from criteria.procedure import STEPS, Step, can_take
from evaluation.organisation.models import (
    LeadershipRole,
    Person,
    ScoringFrequency,
    Unit,
    UnitKind,
)
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import agencies_among, agency_of, units_of_agency
from evaluation.plans.models import SUBMITTED_AS_TEXT, Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings.dashboard import is_open
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from evaluation.scoring.quotas import QuotaView, quota_views

# The steps the to-do page counts for others, each once the step before it is taken. The party
# committee's comment and a petition are optional (P1), so nobody is told they owe them.
AWAITED_STEPS: tuple[Step, ...] = (
    Step.COLLECTIVE_COMMENTS,
    Step.PERSONNEL_PROPOSAL,
    Step.DECISION,
    Step.NOTIFICATION,
    Step.PETITION_RESOLVED,
)


def steps_before(target: Step) -> tuple[Step, ...]:
    """The steps after which `target` may be taken (`criteria.procedure.can_take`)."""
    return tuple(step for step in STEPS if can_take(step, target))


# --- SQL forms of the areas' checks --------------------------------------------------------


def managed_people(viewer: Viewer, person: type[Person] = Person, unit: type[Unit] = Unit):
    """`Viewer.manages(person)` in SQL, on a query that joins the person's current unit."""
    shape = manager_shape(viewer)
    if shape is None:
        return sa.false()
    return _managed(shape, person, unit, manager_params(viewer))


def manager_shape(viewer: Viewer) -> bool | None:
    """Which form of `managed_people` the viewer's statements take: None when the viewer
    manages nobody, else whether the viewer heads the unit (a head also acts on its deputies)."""
    if viewer.managed_path is None or viewer.person_id is None:
        return None
    return viewer.managed_role is LeadershipRole.HEAD


def manager_params(viewer: Viewer) -> dict[str, object]:
    """The values of `managed_people`'s named parameters for this viewer."""
    return {
        "viewer_person_id": viewer.person_id,
        "managed_unit_id": viewer.managed_unit_id,
        "managed_path": viewer.managed_path,
    }


def _managed(
    head: bool,
    person: type[Person],
    unit: type[Unit],
    values: dict[str, object] | None = None,
) -> sa.ColumnElement[bool]:
    """`managed_people`: with `values` (`manager_params`) bound in, else with the viewer's
    values as named parameters, so a statement built on it once serves every manager of the
    same shape (`manager_shape`)."""

    def value(name: str) -> sa.BindParameter[object]:
        if values is None:
            return sa.bindparam(name, type_=sa.String if name == "managed_path" else None)
        return sa.bindparam(name, values[name], unique=True)

    own_unit_leader = sa.and_(
        person.unit_id == value("managed_unit_id"),
        person.leadership_role != LeadershipRole.NONE,
    )
    head_on_deputy = person.leadership_role == LeadershipRole.DEPUTY if head else sa.false()
    return sa.and_(
        person.id != value("viewer_person_id"),
        unit.path.startswith(value("managed_path")),
        sa.or_(~own_unit_leader, head_on_deputy),
    )


def managed_agency(session: Session, viewer: Viewer) -> Unit | None:
    """The agency of the unit the viewer manages (`agency_of`): the to-do page reads it once
    for the decider's scope and the quota it watches."""
    if viewer.managed_unit_id is None:
        return None
    unit = session.get(Unit, viewer.managed_unit_id)
    return agency_of(session, unit) if unit is not None else None


def decided_people(
    session: Session,
    viewer: Viewer,
    person: type[Person] = Person,
    unit: type[Unit] = Unit,
    *,
    agency: Unit | None = None,
):
    """`competent_decider(person) is the viewer` in SQL (P2): the head of an agency decides for
    its staff and deputies, and for the heads of the agencies directly under it. `agency` is
    `managed_agency(viewer)` when the caller has read it."""
    if viewer.managed_role is not LeadershipRole.HEAD or viewer.managed_unit_id is None:
        return sa.false()
    if agency is None:
        agency = managed_agency(session, viewer)
    if agency is None or agency.id != viewer.managed_unit_id:
        return sa.false()  # the head of a division decides for nobody
    within = units_of_agency(session, agency)
    is_head = person.leadership_role == LeadershipRole.HEAD
    own_staff = sa.and_(
        person.unit_id.in_(sa.select(Unit.id).where(within)),
        ~sa.and_(person.unit_id == agency.id, is_head),
    )
    heads_below = sa.and_(
        is_head,
        unit.kind != UnitKind.DIVISION,
        unit.parent_id.in_(sa.select(Unit.id).where(within)),
    )
    return sa.and_(person.id != viewer.person_id, sa.or_(own_staff, heads_below))


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFigures:
    due_this_week: int
    overdue: int
    week_ends_on: date


@dataclass
class Todo:
    """Everything the to-do page shows; None where the viewer has no such duty."""

    today: date
    year: int
    plans_to_approve: int | None = None
    returned_plans: int | None = None
    tasks: TaskFigures | None = None
    scoring_month: Period | None = None
    scores_owed: int | None = None
    own_step: Step | None = None  # the step the viewer owes on their own evaluation
    steps_waiting: dict[Step, int] = field(default_factory=dict)
    quotas: list[QuotaView] = field(default_factory=list)
    provisional: bool = True  # the year is not over: its quota figures may still change
    decision_deadline: date | None = None  # P3, from the rulebook

    @property
    def waiting(self) -> list[tuple[Step, int]]:
        """The steps waiting for the viewer, in the procedure's order."""
        waiting = self.steps_waiting
        return [(step, waiting[step]) for step in AWAITED_STEPS if step in waiting]

    def days_left(self, day: date) -> int:
        return (day - self.today).days


def plans_to_approve(session: Session, viewer: Viewer) -> int:
    """Submitted plans this manager may approve or return (`plans.services.plans_awaiting`)."""
    shape = manager_shape(viewer)
    if shape is None:
        return 0
    return session.scalar(_plans_to_approve(shape), manager_params(viewer))


@functools.cache
def _plans_to_approve(head: bool) -> sa.Select[tuple[int]]:
    """Built once per shape of manager (`manager_shape`). The submitted plans come first, from
    their partial index (ix_plan_submitted, as the list reads them): joined from the people of
    the subtree, SQLite read each one's every plan."""
    submitted = sa.select(Plan.id).where(Plan.status == SUBMITTED_AS_TEXT)
    return (
        sa.select(sa.func.count(Plan.id))
        .join(Person, Plan.person_id == Person.id)
        .join(Unit, Person.unit_id == Unit.id)
        .where(Plan.id.in_(submitted), _managed(head, Person, Unit))
    )


# The figures of one's own work have the same shape for everyone: each statement is built once
# with named parameters, so a page pays for running it, not for building and keying it again.
RETURNED_PLANS = sa.select(sa.func.count(Plan.id)).where(
    Plan.person_id == sa.bindparam("person_id"), Plan.status == PlanStatus.RETURNED
)


def returned_plans(session: Session, person_id: int) -> int:
    return session.scalar(RETURNED_PLANS, {"person_id": person_id})


def _my_tasks_statement() -> sa.Select[tuple[int, int]]:
    today, week_ends = sa.bindparam("today"), sa.bindparam("week_ends")
    open_task = sa.or_(Task.outcome.is_(None), Task.outcome == TaskOutcome.NOT_DONE)
    due_soon = sa.and_(Task.outcome.is_(None), Task.deadline >= today, Task.deadline <= week_ends)
    return (
        sa.select(
            sa.func.count(sa.case((due_soon, 1))),
            sa.func.count(sa.case((Task.overdue_clause(today), 1))),
        )
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.person_id == sa.bindparam("person_id"),
            Plan.status != PlanStatus.CLOSED,
            open_task,
        )
    )


MY_TASKS = _my_tasks_statement()


def my_tasks(session: Session, person_id: int, today: date) -> TaskFigures:
    """Open tasks of one's own plans due by Sunday, and those already past their deadline."""
    week_ends = Period.containing(PeriodKind.WEEK, today).ends_on
    due, overdue = session.execute(
        MY_TASKS, {"person_id": person_id, "today": today, "week_ends": week_ends}
    ).one()
    return TaskFigures(due, overdue, week_ends)


def scoring_month(today: date) -> Period:
    """The month whose scores are owed now: the last one that ended."""
    return Period.containing(PeriodKind.MONTH, today.replace(day=1) - timedelta(days=1))


def scores_owed(session: Session, viewer: Viewer, month: Period) -> int:
    """People this manager scores (`scoring.periods.people_to_score`) with no score yet for
    `month`, or, for those scored by quarter (heads, quarterly units), for the quarter that
    `month` closes (`scoring.periods.scoring_period`). A person whose year is decided is owed
    nothing: that year's scores are locked (`plans.decided`)."""
    if viewer.managed_unit_id is None:
        return 0
    shape = manager_shape(viewer)
    if shape is None:
        return 0  # `managed_people` is false: nobody
    quarter = Period.containing(PeriodKind.QUARTER, month.starts_on)
    statement = _scores_owed(shape, quarter.ends_on == month.ends_on)
    return session.scalar(
        statement,
        {
            **manager_params(viewer),
            "month_kind": month.kind,
            "month_year": month.year,
            "month_number": month.number,
            "quarter_kind": quarter.kind,
            "quarter_year": quarter.year,
            "quarter_number": quarter.number,
        },
    )


@functools.cache
def _scores_owed(head: bool, quarter_closes: bool) -> sa.Select[tuple[int]]:
    """`scores_owed`'s statement, built once per shape of manager and of month (whether the
    month closes a quarter), its values named parameters."""
    quarterly = sa.or_(
        Person.leadership_role == LeadershipRole.HEAD,
        Unit.scoring_frequency == ScoringFrequency.QUARTERLY,
    )

    def scored(prefix: str) -> sa.ColumnElement[bool]:
        return sa.exists().where(
            PeriodScore.person_id == Person.id,
            PeriodScore.period_kind == sa.bindparam(f"{prefix}_kind"),
            PeriodScore.period_year == sa.bindparam(f"{prefix}_year"),
            PeriodScore.period_number == sa.bindparam(f"{prefix}_number"),
        )

    owed = sa.or_(
        sa.and_(~quarterly, ~scored("month")),
        sa.and_(quarterly, ~scored("quarter")) if quarter_closes else sa.false(),
    )
    mine = sa.or_(
        Person.unit_id == sa.bindparam("managed_unit_id"),
        sa.and_(
            Person.leadership_role == LeadershipRole.HEAD,
            Unit.parent_id == sa.bindparam("managed_unit_id"),
        ),
    )
    decided = sa.exists().where(
        AnnualEvaluation.person_id == Person.id,
        AnnualEvaluation.year == sa.bindparam("month_year"),
        AnnualEvaluation.decided_at.is_not(None),
    )
    return (
        sa.select(sa.func.count(Person.id))
        .join(Unit, Person.unit_id == Unit.id)
        .where(mine, _managed(head, Person, Unit), owed, ~decided)
    )


OWN_STEP = sa.select(AnnualEvaluation.step).where(
    AnnualEvaluation.person_id == sa.bindparam("person_id"),
    AnnualEvaluation.year == sa.bindparam("year"),
)


def own_step(session: Session, person_id: int, year: int) -> Step | None:
    """The step the person owes on their own evaluation: the self-assessment until it is made."""
    taken = session.execute(OWN_STEP, {"person_id": person_id, "year": year}).first()
    current = taken[0] if taken else None
    return Step.SELF_ASSESSMENT if can_take(current, Step.SELF_ASSESSMENT) else None


# Who takes each awaited step (`scoring.permissions.can_evaluate`'s actors): the manager above
# the person, the competent decider (P2), the personnel office of the evaluation's unit.
STEP_ACTORS: dict[Step, tuple[str, ...]] = {
    Step.COLLECTIVE_COMMENTS: ("above", "decider"),
    Step.PERSONNEL_PROPOSAL: ("office",),
    Step.DECISION: ("decider",),
    Step.NOTIFICATION: ("decider", "office"),
    Step.PETITION_RESOLVED: ("decider",),
}

# The unit holding an evaluation (the office's reach), beside the person's current unit; one
# alias for the process, so its columns are adapted once, not on every page.
EVALUATION_UNIT = aliased(Unit, name="evaluation_unit")


def steps_waiting(
    session: Session, viewer: Viewer, year: int, *, agency: Unit | None = None
) -> dict[Step, int]:
    """Evaluations of others whose next step is the viewer's to take, by that step, in one
    GROUP BY: the collective's comments (the manager above, or the decider), the office's
    proposal, the decision and its resolution of a petition (the decider), the notification
    (the decider or the office) — `scoring.permissions.can_evaluate`'s actors.

    The condition has one arm per kind of actor the viewer is (each with the steps that actor
    takes), not one per step repeating the actors: a third of the expression to build."""
    office = (
        sa.and_(
            Person.id != viewer.person_id if viewer.person_id else sa.true(),
            EVALUATION_UNIT.path.startswith(viewer.served_path),
        )
        if viewer.served_path
        else sa.false()
    )
    scopes = {
        "above": managed_people(viewer),
        "decider": decided_people(session, viewer, agency=agency),
        "office": office,
    }
    branches = [
        sa.and_(AnnualEvaluation.step.in_(STEPS_TAKEN_BY[actor]), scope)
        for actor, scope in scopes.items()
        if not isinstance(scope, False_)
    ]
    if not branches:
        return {}
    rows = session.execute(
        sa.select(AnnualEvaluation.step, sa.func.count(AnnualEvaluation.id))
        .join(Person, AnnualEvaluation.person_id == Person.id)
        .join(Unit, Person.unit_id == Unit.id)
        .join(EVALUATION_UNIT, AnnualEvaluation.unit_id == EVALUATION_UNIT.id)
        .where(
            AnnualEvaluation.id.in_(evaluations_in_reach(session, viewer, year)),
            sa.or_(*branches),
        )
        .group_by(AnnualEvaluation.step)
    )
    waiting: dict[Step, int] = {}
    for step, count in rows:
        target = TARGET_OF[step]
        waiting[target] = waiting.get(target, 0) + count
    return waiting


# The awaited step that follows each step taken, and the steps after which each kind of actor
# has a step to take: read from the procedure once.
TARGET_OF: dict[Step, Step] = {
    step: target for target in AWAITED_STEPS for step in steps_before(target)
}
STEPS_TAKEN_BY: dict[str, tuple[Step, ...]] = {
    actor: tuple(
        step
        for target in AWAITED_STEPS
        if actor in STEP_ACTORS[target]
        for step in steps_before(target)
    )
    for actor in ("above", "decider", "office")
}


def evaluations_in_reach(session: Session, viewer: Viewer, year: int) -> sa.Select[tuple[int]]:
    """The year's evaluations of people placed in a unit in reach, and those held in a unit in
    reach: a bound on every actor of `steps_waiting` (the manager above and the decider look
    at the person's unit, the office at the evaluation's, all within the viewer's subtrees),
    read from the indexes by person and by unit where the year alone scanned every year."""
    by_person = (
        sa.select(AnnualEvaluation.id)
        .join(Person, AnnualEvaluation.person_id == Person.id)
        .where(AnnualEvaluation.year == year, viewer.units_in_reach(Person.unit_id, session))
    )
    by_unit = sa.select(AnnualEvaluation.id).where(
        AnnualEvaluation.year == year, viewer.units_in_reach(AnnualEvaluation.unit_id, session)
    )
    return sa.union(by_person, by_unit)


def quota_agencies(session: Session, viewer: Viewer, *, agency: Unit | None = None) -> list[Unit]:
    """The agencies whose quota the viewer watches, as the evaluations page shows them: the
    office's agencies, else the agency a manager works in (`agency`, when already read)."""
    if viewer.served_path:
        return agencies_among(
            session.scalars(
                sa.select(Unit).where(Unit.path.startswith(viewer.served_path)).order_by(Unit.path)
            )
        )
    if agency is None:
        agency = managed_agency(session, viewer)
    return [agency] if agency is not None else []


def todo(session: Session, viewer: Viewer, today: date) -> Todo:
    """The to-do page of one account: only the duties its role has."""
    year = today.year
    result = Todo(today=today, year=year)
    result.provisional = is_open(Period(PeriodKind.YEAR, year, 1), today)
    if viewer.person_id is not None:
        result.returned_plans = returned_plans(session, viewer.person_id)
        result.tasks = my_tasks(session, viewer.person_id, today)
        result.own_step = own_step(session, viewer.person_id, year)
    if viewer.is_manager:
        result.plans_to_approve = plans_to_approve(session, viewer)
        result.scoring_month = scoring_month(today)
        result.scores_owed = scores_owed(session, viewer, result.scoring_month)
    agency = managed_agency(session, viewer)  # read once for the decider and the quota
    if viewer.is_manager or viewer.is_personnel or viewer.person_id is not None:
        result.steps_waiting = steps_waiting(session, viewer, year, agency=agency)
    if viewer.is_manager or viewer.is_personnel:
        views = quota_views(session, quota_agencies(session, viewer, agency=agency), year)
        result.quotas = [view for view in views if view.candidates]
    result.decision_deadline = decision_deadline(year)
    return result
