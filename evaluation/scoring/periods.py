"""Criteria sets and period scores.

The criteria a manager scores a person against (the rulebook's choice), and the period
scores: the manager's general points and the task points computed from the plan (ND335
S2–S3). Services flush, never commit, and leave an audit record for every change of a score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, contains_eager, object_session

from criteria import (
    RULEBOOK_TABLE,
    CriteriaSet,
    InForce,
    Level,
    PeriodTask,
    PeriodTaskScore,
    Policy,
    StaffCategory,
    leader_task_points,
    load_criteria_set,
    pin_allowed,
    rulebook_family,
    score_period_tasks,
    select_rulebook,
    unit_result_ratio,
)
from criteria.bands import level_by_points
from criteria.criteria_sets import criteria_set_name
from evaluation.core import audit
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError
from evaluation.core.labels import LABELS
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import unit_on
from evaluation.plans.decided import ensure_year_open
from evaluation.plans.models import (
    Plan,
    SelfQuality,
    Task,
    TaskOutcome,
    effective_delays,
    in_period,
    with_quality,
)
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import find_plan
from evaluation.records.satisfaction import satisfaction_share
from evaluation.rulesets import services as rulesets
from evaluation.scoring.common import TWO_PLACES, _check_version, _decimal
from evaluation.scoring.facts import scoring_kind
from evaluation.scoring.models import PeriodScore
from evaluation.scoring.permissions import can_score

# --- criteria sets ------------------------------------------------------------------------


# The rule sets by name on the criteria pages (the rulebook's ids are not shown to users).
RULEBOOK_NAMES = {
    "nd90": _l("Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 48/2023/NĐ-CP)"),
    "nd335": _l("Nghị định 335/2025/NĐ-CP"),
}


def effective_pin(category: StaffCategory, year: int, pin: str | None) -> str | None:
    """The unit's pin where the rulebook's table gives it force, else none: a pin without
    force is refused, never applied (rules.md §11); `pin_refusal` says why on the pages."""
    return pin if pin_allowed(year, category, pin) else None


def pin_refusal(person: Person, year: int) -> str | None:
    """Why the unit's pinned rule set is not applied to this person for the year, if it is not."""
    pin = person.unit.rulebook_pin
    if effective_pin(person.category, year, pin) == pin:
        return None
    refused = RULEBOOK_NAMES.get(rulebook_family(pin or ""), pin)
    return _(
        "Đơn vị chọn áp dụng %(refused)s, nhưng văn bản này không có hiệu lực đối với "
        "%(category)s năm %(year)d nên không được áp dụng; hệ thống áp dụng %(applied)s.",
        refused=refused,
        category=str(LABELS["category"][person.category]).lower(),
        year=year,
        applied=RULEBOOK_NAMES[rulebook_name(person, year)],
    )


def rulebook_table() -> tuple[InForce, ...]:
    """The rows (category, from, to, rule set) the rulebook chooses by, for the criteria pages."""
    return RULEBOOK_TABLE


def rulebook_name(person: Person, year: int) -> str:
    pin = effective_pin(person.category, year, person.unit.rulebook_pin)
    return select_rulebook(year, person.category, pin).name


def criteria_set_for(person: Person, year: int, on: date | None = None) -> CriteriaSet:
    """The criteria a manager scores this person against on `on` (by default the year's
    last day): a set pinned to their unit or one above that applies to them, else the
    rulebook's choice; each the published version in force that day (`rulesets`), or the
    shipped file where the database holds none."""
    day = on or date(year, 12, 31)
    session = object_session(person)
    if session is not None:
        pinned = rulesets.pinned_set(
            session,
            person.unit,
            category=person.category,
            leader=person.is_leader,
            rulebook=rulebook_name(person, year),
            on=day,
        )
        if pinned is not None:
            return pinned
    name = criteria_set_name(
        year,
        person.category,
        leader=person.is_leader,
        front_desk=person.front_desk,
        pinned=effective_pin(person.category, year, person.unit.rulebook_pin),
    )
    in_force = rulesets.set_in_force(session, name, day) if session is not None else None
    return in_force if in_force is not None else load_criteria_set(name)


def criteria_set_by_id(session: Session, set_id: str) -> CriteriaSet:
    """The set a score was given under ("name@version"), published or shipped."""
    return rulesets.criteria_set_by_id(session, set_id)


def policy_for(session: Session, person: Person, year: int) -> Policy:
    """The policy in force at the year's end, with the bands of the person's set if it has
    its own (a scheme's bands, ND90 B1)."""
    policy = rulesets.policy_in_force(session, date(year, 12, 31))
    bands = criteria_set_for(person, year).bands
    return policy.replace(points_bands=bands) if bands is not None else policy


def general_criteria(criteria_set: CriteriaSet) -> Sequence:
    return next(group for group in criteria_set.groups if group.code == "general").criteria


# --- period scores ------------------------------------------------------------------------


def people_to_score(session: Session, viewer: Viewer) -> list[Person]:
    """Whom a manager scores: the staff of their own unit each month, and the heads of the
    units directly below each quarter (the seeds' rule), not the whole subtree."""
    if viewer.managed_unit_id is None:
        return []
    # The units below as a list of ids: an OR across the unit table made both engines scan
    # every person of the province.
    below = list(
        session.scalars(sa.select(Unit.id).where(Unit.parent_id == viewer.managed_unit_id))
    )
    child_head = sa.and_(Person.leadership_role == LeadershipRole.HEAD, Person.unit_id.in_(below))
    candidates = session.scalars(
        sa.select(Person)
        .join(Unit, Person.unit_id == Unit.id)
        .options(contains_eager(Person.unit))
        .where(sa.or_(Person.unit_id == viewer.managed_unit_id, child_head))
        .order_by(Unit.path, Person.full_name, Person.id)
    )
    return [person for person in candidates if can_score(viewer, person)]


def scoring_period(person: Person, day: date) -> Period:
    """Monthly or quarterly per the unit's setting; heads quarterly, as the seeds require."""
    kind = (
        PeriodKind.QUARTER
        if person.leadership_role is LeadershipRole.HEAD
        else scoring_kind(person.unit)
    )
    return Period.containing(kind, day)


# What S2 reads of a task, in the order `period_task` takes them: a sheet of a hundred
# people reads these columns as rows instead of loading thousands of Task objects.
PERIOD_TASK_COLUMNS = (
    Task.target_quantity,
    Task.achieved_quantity,
    Task.weight,
    Task.coefficient,
    Task.quality_ok,
    Task.self_quality,
    Task.major_error_returns,
    Task.delays,
    Task.outcome,
    Task.objective_cause,
)


def period_task(
    target_quantity: Decimal,
    achieved_quantity: Decimal | None,
    weight: Decimal,
    coefficient: Decimal,
    quality_ok: bool | None,
    self_quality: SelfQuality | None,
    major_error_returns: int,
    delays: int | None,
    outcome: TaskOutcome | None,
    objective_cause: str | None,
) -> PeriodTask:
    """S2's view of one task from its columns (`PERIOD_TASK_COLUMNS`), the task's own rules
    for quality and delays applied (`plans.models.with_quality`, `effective_delays`)."""
    return PeriodTask(
        target_quantity=float(target_quantity),
        achieved_quantity=float(achieved_quantity or 0),
        weight=float(weight),
        coefficient=float(coefficient),
        quality_ok=with_quality(quality_ok, self_quality),
        major_error_returns=major_error_returns,
        delays=effective_delays(delays, outcome),
        objective_cause=bool(objective_cause),
        cancelled=outcome is TaskOutcome.CANCELLED,
    )


def to_period_task(task: Task) -> PeriodTask:
    """S2's view of a loaded task: the same as `period_task` on its row."""
    return period_task(
        task.target_quantity,
        task.achieved_quantity,
        task.weight,
        task.coefficient,
        task.quality_ok,
        task.self_quality,
        task.major_error_returns,
        task.delays,
        task.outcome,
        task.objective_cause,
    )


@dataclass(frozen=True)
class TaskResult:
    """A period's plan, its tasks, and what S2 makes of them (None when nothing to score)."""

    plan: Plan | None
    tasks: list[Task]
    score: PeriodTaskScore | None


def period_task_result(session: Session, person: Person, period: Period) -> TaskResult:
    plan = find_plan(session, person, period)
    tasks = list(plan.tasks) if plan else []
    scorable = [to_period_task(task) for task in tasks]
    counted = [task for task in scorable if not task.cancelled]
    return TaskResult(plan, tasks, score_period_tasks(scorable) if counted else None)


def staff_period_levels(session: Session, leader: Person, period: Period) -> list[Level]:
    """S3: the period levels (by S5 bands) of the people a leader manages, for the unit ratio."""
    months = (
        range(3 * period.number - 2, 3 * period.number + 1)
        if period.kind is PeriodKind.QUARTER
        else range(period.number, period.number + 1)
    )
    totals = session.scalars(
        sa.select(PeriodScore.general_points + PeriodScore.task_points)
        .join(Unit, PeriodScore.unit_id == Unit.id)
        .where(
            Unit.path.startswith(leader.unit.path),
            PeriodScore.person_id != leader.id,
            PeriodScore.period_year == period.year,
            PeriodScore.period_kind == PeriodKind.MONTH,
            PeriodScore.period_number.in_(list(months)),
        )
    ).all()
    return [level_by_points(float(total)) for total in totals]


def computed_task_points(
    session: Session,
    person: Person,
    period: Period,
    result: TaskResult,
    organising_pct: Decimal | None,
) -> Decimal | None:
    """S2 for everyone; S3 for leaders under ND335 (own work, unit ratio, organising)."""
    if result.score is None:
        return None
    own = result.score.points
    if person.is_leader and rulebook_name(person, period.year) == "nd335":
        ratio = unit_result_ratio(staff_period_levels(session, person, period))
        organising = float(organising_pct) if organising_pct is not None else 100.0
        return _decimal(leader_task_points(own, ratio, organising))
    if person.front_desk:
        own = with_satisfaction(session, person, period, own)
    return _decimal(own)


# The front-desk criteria sets' "Mức độ hài lòng của người dân, doanh nghiệp" (rules.md §10).
SATISFACTION_CRITERION = "NV2"


def with_satisfaction(session: Session, person: Person, period: Period, points: float) -> float:
    """Front-desk staff: the tasks group's satisfaction criterion from a portal's counts
    (`records.satisfaction`), the plan's S2 points scaled to the rest of the group. Nothing
    counted for the period, or no such criterion in the person's set: the S2 points alone."""
    criteria_set = criteria_set_for(person, period.year, period.ends_on)
    group = next((g for g in criteria_set.groups if g.code == "tasks"), None)
    criterion = next(
        (c for c in (group.criteria if group else ()) if c.code == SATISFACTION_CRITERION), None
    )
    if group is None or criterion is None:
        return points
    share = satisfaction_share(session, person, period)
    if share is None:
        return points
    rest = group.max_points - criterion.max_points
    return points * rest / group.max_points + criterion.max_points * float(share)


@dataclass(frozen=True)
class TaskAssessment:
    """The manager's view of one task: quality, returns for errors, delays, objective cause."""

    task_id: int
    quality_ok: bool
    major_error_returns: int
    delays: int
    objective_cause: str | None


@dataclass(frozen=True)
class ScoreInput:
    general: dict[str, Decimal]
    comment: str | None
    task_points: Decimal | None  # None: take the computed points
    adjustment_reason: str | None
    organising_pct: Decimal | None
    assessments: tuple[TaskAssessment, ...] = ()


def find_period_score(session: Session, person: Person, period: Period) -> PeriodScore | None:
    return session.scalars(
        sa.select(PeriodScore).where(
            PeriodScore.person_id == person.id, in_period(PeriodScore, period)
        )
    ).first()


def _apply_assessments(
    session: Session, tasks: Sequence[Task], assessments: Sequence[TaskAssessment], actor_id: int
) -> None:
    by_id = {task.id: task for task in tasks}
    for item in assessments:
        task = by_id.get(item.task_id)
        if task is None:
            raise DomainError(_("Nhiệm vụ không thuộc kế hoạch của kỳ này."))
        old = (task.quality_ok, task.major_error_returns, task.delays, task.objective_cause)
        new = (item.quality_ok, item.major_error_returns, item.delays, item.objective_cause)
        if old != new:
            task.quality_ok, task.major_error_returns, task.delays = new[:3]
            task.objective_cause = (item.objective_cause or "").strip() or None
            audit.record(
                session,
                actor_id=actor_id,
                object_type="task",
                object_id=task.id,
                action="assess",
                old=list(old),
                new=list(new),
            )


def save_period_score(
    session: Session,
    person: Person,
    period: Period,
    data: ScoreInput,
    *,
    actor_id: int,
    seen_version: int | None = None,
) -> PeriodScore:
    """Record a period's score; task points other than the computed ones need a reason.
    A decided year's scores and task assessments are what it was decided on: refused."""
    if period.kind not in (PeriodKind.MONTH, PeriodKind.QUARTER):
        raise DomainError(_("Chỉ chấm điểm theo tháng hoặc quý."))
    ensure_year_open(session, person.id, [period.year])
    criteria_set = criteria_set_for(person, period.year, period.ends_on)
    limits = {c.code: Decimal(str(c.max_points)) for c in general_criteria(criteria_set)}
    if set(data.general) != set(limits):
        raise DomainError(_("Cần chấm đủ các tiêu chí chung."))
    for code, points in data.general.items():
        if not Decimal(0) <= points <= limits[code]:
            raise DomainError(
                _("Điểm tiêu chí %(code)s từ 0 đến %(max)s.", code=code, max=limits[code]),
                field=f"general-{code}",
            )
    score = find_period_score(session, person, period)
    if score is not None:
        _check_version(score.version, seen_version)  # before anything changes
    result = period_task_result(session, person, period)
    _apply_assessments(session, result.tasks, data.assessments, actor_id)
    session.flush()
    result = period_task_result(session, person, period)
    computed = computed_task_points(session, person, period, result, data.organising_pct)
    task_points = (
        data.task_points.quantize(TWO_PLACES) if data.task_points is not None else computed
    )
    reason = (data.adjustment_reason or "").strip() or None
    if task_points is None:
        raise DomainError(
            _("Kỳ này không có nhiệm vụ để tính điểm; cần nhập điểm và lý do."),
            field="task_points",
        )
    if task_points != computed and reason is None:
        raise DomainError(
            _(
                "Điểm kết quả nhiệm vụ khác điểm tính từ kế hoạch (%(points)s): cần ghi lý do.",
                points=computed if computed is not None else "—",
            ),
            field="adjustment_reason",
        )
    old = _score_snapshot(score) if score else None
    if score is None:
        held = unit_on(session, person.id, period.ends_on) or person.unit
        score = PeriodScore(person=person, unit_id=held.id)  # S4: the unit of that period
        score.period_kind, score.period_year, score.period_number = (
            period.kind,
            period.year,
            period.number,
        )
        session.add(score)
    score.criteria_set = criteria_set.id
    score.general_breakdown = {code: str(points) for code, points in data.general.items()}
    score.general_points = sum(data.general.values(), Decimal(0))
    score.general_comment = (data.comment or "").strip() or None
    score.computed_task_points = computed
    score.task_points = task_points
    score.adjustment_reason = reason if task_points != computed else None
    score.organising_pct = data.organising_pct
    if result.score is not None:
        score.quantity_pct = _decimal(result.score.quantity_pct)
        score.quality_pct = _decimal(result.score.quality_pct)
        score.progress_pct = _decimal(result.score.progress_pct)
    score.scored_by_id = actor_id
    score.scored_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="period_score",
        object_id=score.id,
        action="score",
        old=old,
        new=_score_snapshot(score),
        reason=score.adjustment_reason,
    )
    return score


def _score_snapshot(score: PeriodScore) -> dict[str, str | None]:
    return {
        "general_points": str(score.general_points),
        "task_points": str(score.task_points),
        "computed_task_points": (
            str(score.computed_task_points) if score.computed_task_points is not None else None
        ),
    }
