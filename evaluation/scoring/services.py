"""Verbs of scoring and the queries its pages need.

Period scores: the manager's general points and the task points computed from the plan
(ND335 S2–S3). Annual evaluations: the steps of P1, the rulebook's level with its reasons,
the decision by the competent person (P2) within the quota (Q1–Q4). Services flush, never
commit, and leave an audit record for every change of a score or a level.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, contains_eager, joinedload, load_only, selectinload

from criteria import (
    Candidate,
    CriteriaSet,
    GeneralAssessment,
    Level,
    PeriodTask,
    PeriodTaskScore,
    QuotaOutcome,
    apply_quota,
    choose_criteria_set,
    classify,
    consequences,
    decision_deadline,
    leader_task_points,
    places,
    rulebook_family,
    score_period_tasks,
    select_rulebook,
    unit_result_ratio,
)
from criteria.bands import level_by_points
from criteria.consequences import Flag
from criteria.in_force import level_in_force
from criteria.procedure import Step, can_take
from criteria.quota import quota_pct
from evaluation.core import audit
from evaluation.core.db import utcnow
from evaluation.core.errors import Conflict, DomainError
from evaluation.core.levels import level_in_force_sql
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import (
    agencies_among,
    agencies_within,
    agency_of,
    current_head,
    nearest_agency,
    quota_group,
    unit_on,
    units_of_agency,
)
from evaluation.plans.decided import ensure_year_open
from evaluation.plans.models import Plan, Task, TaskOutcome, in_period
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import find_plan
from evaluation.scoring import snapshot
from evaluation.scoring.facts import assemble_facts, scoring_kind
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from evaluation.scoring.permissions import can_score

TWO_PLACES = Decimal("0.01")


def _decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES)


def _check_version(current: int, seen: int | None) -> None:
    if seen is not None and seen != current:
        raise Conflict(_("Hồ sơ vừa được người khác thay đổi. Hãy tải lại trang để xem bản mới."))


# --- criteria sets ------------------------------------------------------------------------


def rulebook_name(person: Person, year: int) -> str:
    return select_rulebook(year, person.category, person.unit.rulebook_pin).name


def criteria_set_for(person: Person, year: int) -> CriteriaSet:
    """The criteria a manager scores this person against (the rulebook's choice)."""
    return choose_criteria_set(
        year,
        person.category,
        leader=person.is_leader,
        front_desk=person.front_desk,
        pinned=person.unit.rulebook_pin,
    )


def general_criteria(criteria_set: CriteriaSet) -> Sequence:
    return next(group for group in criteria_set.groups if group.code == "general").criteria


# --- period scores ------------------------------------------------------------------------


def people_to_score(session: Session, viewer: Viewer) -> list[Person]:
    """Whom a manager scores: the staff of their own unit each month, and the heads of the
    units directly below each quarter (the seeds' rule), not the whole subtree."""
    if viewer.managed_unit_id is None:
        return []
    child_head = sa.and_(
        Person.leadership_role == LeadershipRole.HEAD, Unit.parent_id == viewer.managed_unit_id
    )
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


def to_period_task(task: Task) -> PeriodTask:
    return PeriodTask(
        target_quantity=float(task.target_quantity),
        achieved_quantity=float(task.achieved_quantity or 0),
        weight=float(task.weight),
        coefficient=float(task.coefficient),
        quality_ok=task.with_quality,
        major_error_returns=task.major_error_returns,
        delays=task.effective_delays,
        objective_cause=bool(task.objective_cause),
        cancelled=task.outcome is TaskOutcome.CANCELLED,
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
    return _decimal(own)


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
    criteria_set = criteria_set_for(person, period.year)
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


# --- who decides (P2) ------------------------------------------------


def competent_decider(session: Session, person: Person) -> Person | None:
    """P2: staff and deputies by the head of their agency; its head by the superior's head."""
    agency = agency_of(session, person.unit)
    if person.unit_id == agency.id and person.leadership_role is LeadershipRole.HEAD:
        if agency.parent is None:
            return None
        return current_head(session, agency_of(session, agency.parent).id)
    return current_head(session, agency.id)


# --- annual evaluations -------------------------------------------------------------------


def find_evaluation(session: Session, person_id: int, year: int) -> AnnualEvaluation | None:
    return session.scalars(
        sa.select(AnnualEvaluation)
        .options(joinedload(AnnualEvaluation.person).joinedload(Person.unit))
        .where(AnnualEvaluation.person_id == person_id, AnnualEvaluation.year == year)
    ).first()


def open_evaluation(session: Session, person: Person, year: int) -> AnnualEvaluation:
    """The person's evaluation for the year, created with the rulebook's result if new."""
    evaluation = find_evaluation(session, person.id, year)
    if evaluation is None:
        evaluation = AnnualEvaluation(
            person=person,
            year=year,
            unit_id=person.unit_id,
            unit=person.unit,
            category=person.category,
            leader=person.is_leader,
        )
        refresh_result(session, evaluation)  # complete before the first flush can insert it
        session.add(evaluation)
    else:
        refresh_result(session, evaluation)
    session.flush()
    return evaluation


def refresh_result(session: Session, evaluation: AnnualEvaluation) -> None:
    """Re-run the rulebook on the current records; a decided evaluation stays as decided."""
    if evaluation.locked:
        return
    facts = assemble_facts(
        session, evaluation.person, evaluation.year, general=evaluation.general_assessment
    )
    result = classify(facts)
    evaluation.rulebook = result.rulebook
    evaluation.computed_level = result.level
    evaluation.computed_points = _decimal(result.points) if result.points is not None else None
    evaluation.computed_rules = list(result.rules)
    evaluation.computed_reasons = [reason.to_dict() for reason in result.reasons]
    evaluation.facts = dataclasses.asdict(facts)
    evaluation.computed_at = utcnow()


def _advance(
    session: Session,
    evaluation: AnnualEvaluation,
    step: Step,
    *,
    actor_id: int,
    old: object = None,
    new: object = None,
    reason: str | None = None,
) -> None:
    """Move to `step` if P1 allows it from the current one, and put it on the record."""
    if not can_take(evaluation.step, step):
        raise DomainError(_("Bước này không thực hiện được ở trạng thái hiện tại của hồ sơ."))
    evaluation.step = step
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="evaluation",
        object_id=evaluation.id,
        action=step.value,
        old=old,
        new=new,
        reason=reason,
    )


def _required(text: str | None, message: str, field: str) -> str:
    value = (text or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def self_assess(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    report: str,
    level: Level,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    _check_version(evaluation.version, seen_version)  # before anything changes
    evaluation.self_report = _required(report, _("Cần viết báo cáo tự đánh giá."), "report")
    evaluation.self_level = level
    _advance(
        session,
        evaluation,
        Step.SELF_ASSESSMENT,
        actor_id=actor_id,
        new=level.value,
    )


def record_collective(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    minutes: str,
    general: GeneralAssessment,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    """The unit meeting's minutes, and its assessment of the general criteria (ND90 Art. 3)."""
    _check_version(evaluation.version, seen_version)  # before anything changes
    evaluation.collective_minutes = _required(
        minutes, _("Cần nhập biên bản họp góp ý của tập thể."), "minutes"
    )
    evaluation.general_assessment = general
    refresh_result(session, evaluation)
    _advance(
        session,
        evaluation,
        Step.COLLECTIVE_COMMENTS,
        actor_id=actor_id,
        new=general.value,
    )


def record_party_comment(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    comment: str,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    _check_version(evaluation.version, seen_version)  # before anything changes
    evaluation.party_comment = _required(comment, _("Cần nhập ý kiến của cấp ủy."), "comment")
    _advance(
        session, evaluation, Step.PARTY_COMMITTEE_COMMENTS, actor_id=actor_id,
        )  # fmt: skip


def propose(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    level: Level,
    comment: str | None,
    rank: int | None,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    """The personnel office proposes a level; a rank orders the excellent candidates (Q3)."""
    _check_version(evaluation.version, seen_version)  # before anything changes
    if level is Level.CAN_QUYET_DINH:
        raise DomainError(_("Cần đề xuất một mức xếp loại cụ thể."), field="level")
    evaluation.personnel_level = level
    evaluation.personnel_comment = (comment or "").strip() or None
    evaluation.quota_rank = rank if level is Level.XUAT_SAC else None
    refresh_result(session, evaluation)
    _advance(
        session,
        evaluation,
        Step.PERSONNEL_PROPOSAL,
        actor_id=actor_id,
        new=level.value,
    )


def decide(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    level: Level,
    reason: str | None,
    quota_exception: str | None,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    """P2: the competent person decides. Departing from the rulebook needs a written reason
    (G1); an excellent level beyond the quota needs a recorded exception (Q3)."""
    _check_version(evaluation.version, seen_version)  # before anything changes
    refresh_result(session, evaluation)
    reason = (reason or "").strip() or None
    if level is Level.CAN_QUYET_DINH:
        raise DomainError(_("Cần chọn một mức xếp loại cụ thể."), field="level")
    if level != evaluation.computed_level and reason is None:
        raise DomainError(
            _(
                "Mức quyết định khác mức theo quy tắc (%(level)s): cần ghi rõ lý do.",
                level=evaluation.computed_level.label,
            ),
            field="reason",
        )
    exception = (quota_exception or "").strip() or None
    if level is Level.XUAT_SAC and exception is None:
        status = decision_quota(session, evaluation)
        if status.excellent_after > status.allowed:
            raise DomainError(
                _(
                    "Vượt tỷ lệ Hoàn thành xuất sắc (%(pct)s%% số Hoàn thành tốt): chỉ có "
                    "%(allowed)d chỉ tiêu. Cần sắp xếp lại hoặc ghi lý do ngoại lệ.",
                    pct=f"{status.pct:g}",
                    allowed=status.allowed,
                ),
                field="quota_exception",
            )
    evaluation.final_level = level
    evaluation.decision_reason = reason
    evaluation.quota_exception_reason = exception if level is Level.XUAT_SAC else None
    evaluation.decided_by_id = actor_id
    evaluation.decided_at = utcnow()
    points = snapshot.build(
        session, evaluation, evaluation.person, criteria_set_for(evaluation.person, evaluation.year)
    )
    evaluation.decision_snapshot = points.to_json()
    _advance(
        session,
        evaluation,
        Step.DECISION,
        actor_id=actor_id,
        old=evaluation.computed_level.value,
        new={
            "level": level.value,
            "total": points.total,
            "general": points.general,
            "task": points.task,
            "rulebook": points.rulebook,
            "criteria_set": points.criteria_set,
        },
        reason=reason or exception,
    )


def notify(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    """Notify the person and publish inside the unit (P1)."""
    _check_version(evaluation.version, seen_version)  # before anything changes
    evaluation.notified_at = utcnow()
    _advance(session, evaluation, Step.NOTIFICATION, actor_id=actor_id)


def petition(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    text: str,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    _check_version(evaluation.version, seen_version)  # before anything changes
    evaluation.petition_text = _required(text, _("Cần nêu nội dung kiến nghị."), "text")
    evaluation.petition_at = utcnow()
    _advance(session, evaluation, Step.PETITION, actor_id=actor_id)


def resolve_petition(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    resolution: str,
    level: Level | None,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    """The petition's answer; it may change the level, and the change is on the record."""
    _check_version(evaluation.version, seen_version)  # before anything changes
    evaluation.petition_resolution = _required(
        resolution, _("Cần nêu kết quả giải quyết kiến nghị."), "resolution"
    )
    evaluation.petition_resolved_at = utcnow()
    old = evaluation.final_level.value if evaluation.final_level else None
    if level is not None and level is not evaluation.final_level:
        if level is Level.CAN_QUYET_DINH:
            raise DomainError(_("Cần chọn một mức xếp loại cụ thể."), field="level")
        evaluation.final_level = level
        if level is not evaluation.computed_level:
            evaluation.decision_reason = evaluation.petition_resolution
    _advance(
        session,
        evaluation,
        Step.PETITION_RESOLVED,
        actor_id=actor_id,
        old=old,
        new=evaluation.level.value,
        reason=evaluation.petition_resolution,
    )


def reopen(
    session: Session,
    evaluation: AnnualEvaluation,
    *,
    reason: str,
    actor_id: int,
    seen_version: int | None = None,
) -> None:
    """A decided evaluation is locked; the personnel office may reopen it with a written
    reason. The decision and its snapshot are withdrawn (on the record), the year's inputs
    may change again, and the competent person decides again on a new snapshot."""
    _check_version(evaluation.version, seen_version)
    if not evaluation.locked:
        raise DomainError(_("Hồ sơ chưa có quyết định; không cần mở lại."))
    reason = _required(reason, _("Cần ghi lý do mở lại."), "reason")
    old = evaluation.final_level.value if evaluation.final_level else None
    evaluation.final_level = None
    evaluation.decision_reason = None
    evaluation.quota_exception_reason = None
    evaluation.decided_at = None
    evaluation.decided_by_id = None
    evaluation.decision_snapshot = None
    evaluation.notified_at = None
    evaluation.step = Step.PERSONNEL_PROPOSAL  # outside P1's forward steps: a recorded reopening
    refresh_result(session, evaluation)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="evaluation",
        object_id=evaluation.id,
        action="reopen",
        old=old,
        new=None,
        reason=reason,
    )


# --- quotas (Q1–Q4) -----------------------------------------------------------------------


def _quota_group(session: Session, evaluation: AnnualEvaluation) -> list[AnnualEvaluation]:
    """Same agency, same year, same rule set: the people whose levels share a quota."""
    agency = agency_of(session, evaluation.unit)
    known = {agency.id: agency}
    key = quota_group(evaluation.unit.path, evaluation.rulebook, known)
    return [
        other
        for other in session.scalars(
            sa.select(AnnualEvaluation)
            .join(Unit, AnnualEvaluation.unit_id == Unit.id)
            .options(contains_eager(AnnualEvaluation.unit))
            .where(AnnualEvaluation.year == evaluation.year, units_of_agency(session, agency))
        )
        if quota_group(other.unit.path, other.rulebook, known) == key
    ]


@dataclass(frozen=True)
class DecisionQuota:
    pct: float
    allowed: int
    excellent_after: int


def decision_quota(session: Session, evaluation: AnnualEvaluation) -> DecisionQuota:
    """Q4 on the expected final counts: would one more excellent decision exceed the quota?"""
    group = [other for other in _quota_group(session, evaluation) if other.id != evaluation.id]
    excellent = 1 + sum(other.final_level is Level.XUAT_SAC for other in group)
    at_tot = sum(level_in_force(other) is Level.TOT for other in group)
    pct = quota_pct(rulebook_family(evaluation.rulebook))
    return DecisionQuota(pct, places(at_tot, excellent, pct), excellent)


# What quotas read of an evaluation: a department's worth of evaluations is loaded without
# their texts and JSON (see `quota_views`).
LEVEL_FIELDS = (
    AnnualEvaluation.id,
    AnnualEvaluation.person_id,
    AnnualEvaluation.unit_id,
    AnnualEvaluation.year,
    AnnualEvaluation.rulebook,
    AnnualEvaluation.computed_level,
    AnnualEvaluation.personnel_level,
    AnnualEvaluation.final_level,
    AnnualEvaluation.quota_rank,
    AnnualEvaluation.quota_exception_reason,
    AnnualEvaluation.decided_at,
    AnnualEvaluation.version,
)


@dataclass(frozen=True)
class QuotaView:
    """One quota group on the unit's evaluation page: places, candidates in order, moves."""

    agency: Unit
    rulebook: str
    candidates: list[AnnualEvaluation]
    at_tot: int
    outcome: QuotaOutcome


def quota_views(session: Session, agencies: Sequence[Unit], year: int) -> list[QuotaView]:
    """The quota groups of several agencies: levels counted in SQL, only the candidates for
    Hoàn thành xuất sắc loaded (a department has thousands of evaluations, a dozen candidates).

    Each evaluation belongs to the nearest agency above its unit (`quota_group`), among every
    agency of the subtrees: an agency nested in a requested one keeps its own quota.
    """
    if not agencies:
        return []
    level = level_in_force_sql(AnnualEvaluation)
    scope = (
        AnnualEvaluation.year == year,
        sa.or_(*(Unit.path.startswith(agency.path) for agency in agencies)),
    )
    by_id = {agency.id: agency for agency in agencies}
    known = {**agencies_within(session, agencies), **by_id}
    at_tot: Counter[tuple[int, str]] = Counter()
    for path, rulebook, value, count in session.execute(
        sa.select(Unit.path, AnnualEvaluation.rulebook, level, sa.func.count())
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(*scope)
        .group_by(Unit.path, AnnualEvaluation.rulebook, level)
    ):
        key = quota_group(path, rulebook, known)
        at_tot[key] += count if Level(value) is Level.TOT else 0  # every group gets a key
    candidates: dict[tuple[int, str], list[AnnualEvaluation]] = defaultdict(list)
    for evaluation in session.scalars(
        sa.select(AnnualEvaluation)
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .options(
            load_only(*LEVEL_FIELDS),
            joinedload(AnnualEvaluation.person).load_only(Person.id, Person.full_name),
            joinedload(AnnualEvaluation.unit),
        )
        .where(*scope, level == Level.XUAT_SAC.value)
    ):
        candidates[quota_group(evaluation.unit.path, evaluation.rulebook, known)].append(evaluation)
    views = []
    for agency_id, family in sorted(key for key in at_tot if key[0] in by_id):
        ordered = sorted(
            candidates[(agency_id, family)],
            key=lambda e: (e.quota_rank is None, e.quota_rank or 0, e.person.full_name),
        )
        tot = at_tot[(agency_id, family)]
        outcome = apply_quota([Candidate(str(e.id), e.quota_rank) for e in ordered], tot, family)
        views.append(QuotaView(by_id[agency_id], family, ordered, tot, outcome))
    return views


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
    flags = {}
    for person in people:
        history = levels.get(person.id, {})
        if year in history:
            found = consequences(person.category, person.is_leader, history, year=year)
            if found:
                flags[person.id] = found
    return flags


# --- queries for pages --------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringRow:
    person: Person
    plan: Plan | None
    computed: PeriodTaskScore | None
    score: PeriodScore | None


def scoring_sheet(session: Session, people: Sequence[Person], period: Period) -> list[ScoringRow]:
    """Each person's plan, S2 points and score for the period, in three queries in all."""
    ids = [person.id for person in people]
    plans = {
        plan.person_id: plan
        for plan in session.scalars(
            sa.select(Plan)
            .options(selectinload(Plan.tasks))
            .where(Plan.person_id.in_(ids), in_period(Plan, period))
        )
    }
    scores = {
        score.person_id: score
        for score in session.scalars(
            sa.select(PeriodScore).where(
                PeriodScore.person_id.in_(ids), in_period(PeriodScore, period)
            )
        )
    }
    rows = []
    for person in people:
        plan = plans.get(person.id)
        tasks = [to_period_task(task) for task in plan.tasks] if plan else []
        computed = score_period_tasks(tasks) if any(not t.cancelled for t in tasks) else None
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


@dataclass(frozen=True)
class EvaluationRow:
    person: Person
    evaluation: AnnualEvaluation | None


def evaluation_sheet(session: Session, people: Sequence[Person], year: int) -> list[EvaluationRow]:
    ids = [person.id for person in people]
    found = {
        e.person_id: e
        for e in session.scalars(
            sa.select(AnnualEvaluation).where(
                AnnualEvaluation.person_id.in_(ids), AnnualEvaluation.year == year
            )
        )
    }
    return [EvaluationRow(person, found.get(person.id)) for person in people]


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


def published_in_unit(session: Session, unit_id: int, year: int) -> list[AnnualEvaluation]:
    """P1: results notified to the people are published inside their unit."""
    return list(
        session.scalars(
            sa.select(AnnualEvaluation)
            .join(Person, AnnualEvaluation.person_id == Person.id)
            .options(joinedload(AnnualEvaluation.person))
            .where(
                AnnualEvaluation.unit_id == unit_id,
                AnnualEvaluation.year == year,
                AnnualEvaluation.notified_at.is_not(None),
            )
            .order_by(Person.full_name)
        )
    )
