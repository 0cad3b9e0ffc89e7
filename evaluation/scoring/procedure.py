"""The annual evaluation's procedure (Decree 90, P1–P2).

Who decides (P2), and the steps of P1: open, self-assessment, the collective's comments, the
party committee's comment, the personnel office's proposal, the decision within the quota
(Q1–Q4), notification, petition and its resolution, and reopening. Services flush, never
commit, and leave an audit record for every change of a level.
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from criteria import GeneralAssessment, Level, classify
from criteria.procedure import Step, can_take
from evaluation.core import audit, events
from evaluation.core.clock import local_today
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError
from evaluation.organisation.models import LeadershipRole, Person
from evaluation.organisation.services import agency_of, deciding_head
from evaluation.scoring import snapshot
from evaluation.scoring.common import _check_version, _decimal
from evaluation.scoring.facts import assemble_facts
from evaluation.scoring.models import AnnualEvaluation
from evaluation.scoring.periods import criteria_set_for, policy_for
from evaluation.scoring.quotas import decision_quota

# --- who decides (P2) ------------------------------------------------


def competent_decider(session: Session, person: Person) -> Person | None:
    """P2: staff and deputies by the head of their agency; its head by the superior's head.
    An acting head (or the head's delegate) in force today decides in the head's place."""
    agency = agency_of(session, person.unit)
    today = local_today()
    if person.unit_id == agency.id and person.leadership_role is LeadershipRole.HEAD:
        if agency.parent is None:
            return None
        return deciding_head(session, agency_of(session, agency.parent).id, today, person.id)
    return deciding_head(session, agency.id, today, person.id)


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
    result = classify(facts, policy_for(session, evaluation.person, evaluation.year))
    evaluation.rulebook = result.rulebook
    evaluation.computed_level = result.level
    evaluation.computed_points = _decimal(result.points) if result.points is not None else None
    evaluation.computed_rules = list(result.rules)
    evaluation.computed_reasons = [reason.to_record() for reason in result.reasons]
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
    events.evaluation_advanced.send(evaluation, session=session, step=step, actor_id=actor_id)


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
    events.decision_notified.send(evaluation, session=session, actor_id=actor_id)


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
