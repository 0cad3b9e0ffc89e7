"""Verbs on work plans and the queries their pages need.

Services flush but never commit: the route commits once, so a refused step saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList

from evaluation.accounts.models import User
from evaluation.core import audit, events
from evaluation.core.audit import AuditRecord
from evaluation.core.clock import local_today
from evaluation.core.db import utcnow
from evaluation.core.errors import Conflict, DomainError
from evaluation.core.labels import LABELS
from evaluation.core.templating import format_date
from evaluation.core.text import fold
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import LIST_PAGE_SIZE, name_matches
from evaluation.plans.decided import ensure_plan_open
from evaluation.plans.models import (
    CLOSED_AS_TEXT,
    COMPLETED_OUTCOMES,
    SUBMITTED_AS_TEXT,
    TITLE_MAX,
    Plan,
    PlanStatus,
    SelfQuality,
    Task,
    TaskCounts,
    TaskOutcome,
    TaskSource,
    in_period,
)
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.permissions import ASSIGNABLE_STATUSES, can_put_tasks, plan_scope

# The plan workflow: (from, verb) → to. Anything else is refused.
TRANSITIONS: dict[tuple[PlanStatus, str], PlanStatus] = {
    (PlanStatus.DRAFT, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.RETURNED, "submit"): PlanStatus.SUBMITTED,
    (PlanStatus.SUBMITTED, "approve"): PlanStatus.APPROVED,
    (PlanStatus.SUBMITTED, "return"): PlanStatus.RETURNED,
    (PlanStatus.APPROVED, "report"): PlanStatus.REPORTED,
    (PlanStatus.REPORTED, "close"): PlanStatus.CLOSED,
}


@dataclass(frozen=True)
class TaskInput:
    """What a person or a manager types for a task."""

    title: str
    description: str | None
    target_quantity: Decimal
    unit_of_measure: str
    weight: Decimal
    deadline: date
    parent_task_id: int | None = None


@dataclass(frozen=True)
class ResultInput:
    """What a person reports for a task."""

    outcome: str  # "done", "not_done" or "cancelled"; on time or late follows from the dates
    achieved_quantity: Decimal | None
    completed_on: date | None
    cancel_reason: str | None
    evidence: str | None
    self_quality: SelfQuality | None


# --- plans --------------------------------------------------------------------------------


def find_plan(session: Session, person: Person, period: Period) -> Plan | None:
    return session.scalars(
        sa.select(Plan).where(Plan.person_id == person.id, in_period(Plan, period))
    ).first()


def create_plan(session: Session, person: Person, period: Period, *, actor_id: int) -> Plan:
    """A new draft plan; one per person and period (also a database constraint)."""
    if find_plan(session, person, period) is not None:
        raise DomainError(
            _("Đã có kế hoạch %(period)s; hãy mở kế hoạch đó để sửa.", period=period.label),
            field="day",
        )
    plan = Plan(person=person, unit_id=person.unit_id, status=PlanStatus.DRAFT)
    plan.period = period
    session.add(plan)
    session.flush()
    _audit_plan(session, plan, actor_id, "create", None, plan.status)
    return plan


def check_version(plan: Plan, seen_version: int | None) -> None:
    """Optimistic locking: refuse a form built on a version somebody has since changed."""
    if seen_version is not None and seen_version != plan.version:
        raise moved_on()


def moved_on() -> Conflict:
    """The refusal when another tab or person changed the plan since this page was loaded."""
    return Conflict(
        _("Kế hoạch vừa được người khác thay đổi. Hãy tải lại trang để xem bản mới trước khi lưu.")
    )


def statuses_before(verb: str) -> list[PlanStatus]:
    """The statuses a plan may take `verb` from (submit: a draft or a returned plan)."""
    return [before for before, step in TRANSITIONS if step == verb]


def transition(
    session: Session,
    plan: Plan,
    verb: str,
    *,
    actor_id: int,
    comment: str | None = None,
    seen_version: int | None = None,
) -> Plan:
    check_version(plan, seen_version)
    target = TRANSITIONS.get((plan.status, verb))
    if target is None:
        raise DomainError(_("Không thể thực hiện thao tác này ở trạng thái hiện tại."))
    if verb == "submit" and not plan.tasks:
        raise DomainError(_("Kế hoạch chưa có nhiệm vụ nào."))
    if verb == "return" and not (comment and comment.strip()):
        raise DomainError(_("Cần ghi rõ lý do trả lại."), field="comment")
    if verb == "report":
        unreported = [task.title for task in plan.tasks if task.outcome is None]
        if unreported:
            raise DomainError(
                _("Còn %(count)d nhiệm vụ chưa báo cáo kết quả.", count=len(unreported))
            )
    old = plan.status
    now = utcnow()
    plan.status = target
    plan.updated_at = now
    if verb == "submit":
        plan.submitted_at = now
        plan.return_comment = None
    elif verb in ("approve", "return"):
        plan.decided_at = now
        plan.decided_by_id = actor_id
        plan.return_comment = comment.strip() if verb == "return" and comment else None
    elif verb == "report":
        plan.reported_at = now
    elif verb == "close":
        plan.closed_at = now
    session.flush()
    _audit_plan(session, plan, actor_id, verb, old, target, comment)
    if (announced := PLAN_EVENTS.get(verb)) is not None:
        announced.send(plan, session=session, actor_id=actor_id)
    return plan


# The steps somebody else is told about (`core.events`; notifications hears them).
PLAN_EVENTS = {
    "submit": events.plan_submitted,
    "return": events.plan_returned,
    "approve": events.plan_approved,
}


def _audit_plan(
    session: Session,
    plan: Plan,
    actor_id: int,
    action: str,
    old: PlanStatus | None,
    new: PlanStatus,
    reason: str | None = None,
) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        object_type="plan",
        object_id=plan.id,
        action=action,
        old=old.value if old else None,
        new=new.value,
        reason=reason,
    )


# --- tasks --------------------------------------------------------------------------------


def _check_task(session: Session, plan: Plan, data: TaskInput) -> None:
    if not plan.period.contains(data.deadline):
        raise DomainError(
            _(
                "Hạn hoàn thành phải nằm trong kỳ kế hoạch (%(start)s – %(end)s).",
                start=format_date(plan.starts_on),
                end=format_date(plan.ends_on),
            ),
            field="deadline",
        )
    if data.parent_task_id is not None:
        allowed = {task.id for task in parent_task_choices(session, plan)}
        if data.parent_task_id not in allowed:
            raise DomainError(
                _("Nhiệm vụ cha phải thuộc kế hoạch dài hơn của cùng người."),
                field="parent_task_id",
            )


def add_task(
    session: Session,
    plan: Plan,
    data: TaskInput,
    *,
    actor_id: int,
    source: TaskSource = TaskSource.SELF_PROPOSED,
) -> Task:
    ensure_plan_open(session, plan)
    _check_task(session, plan, data)
    task = Task(
        plan=plan,
        title=data.title.strip(),
        description=(data.description or "").strip() or None,
        target_quantity=data.target_quantity,
        unit_of_measure=data.unit_of_measure.strip(),
        weight=data.weight,
        deadline=data.deadline,
        source=source,
        assigned_by_id=actor_id if source is TaskSource.ASSIGNED else None,
        parent_task_id=data.parent_task_id,
    )
    session.add(task)
    _touch(plan)
    session.flush()
    return task


def update_task(session: Session, task: Task, data: TaskInput, *, actor_id: int) -> Task:
    ensure_plan_open(session, task.plan)
    _check_task(session, task.plan, data)
    task.title = data.title.strip()
    task.description = (data.description or "").strip() or None
    task.target_quantity = data.target_quantity
    task.unit_of_measure = data.unit_of_measure.strip()
    task.weight = data.weight
    task.deadline = data.deadline
    task.parent_task_id = data.parent_task_id
    _touch(task.plan)
    session.flush()
    return task


def delete_task(session: Session, task: Task) -> None:
    plan = task.plan
    ensure_plan_open(session, plan)
    plan.tasks.remove(task)
    _touch(plan)
    session.flush()


def _touch(plan: Plan) -> None:
    """A change to a plan's tasks is a change to the plan: its version moves on, so another
    tab still showing the old version is refused (`version_id_col` checks it in the UPDATE)."""
    plan.updated_at = utcnow()


def report_result(session: Session, task: Task, data: ResultInput, *, actor_id: int) -> Task:
    """Record a task's result; on time or late follows from the completion date and deadline."""
    ensure_plan_open(session, task.plan)
    if data.outcome == "done":
        if data.completed_on is None:
            raise DomainError(_("Cần nhập ngày hoàn thành."), field="completed_on")
        if data.achieved_quantity is None:
            raise DomainError(_("Cần nhập số lượng đạt được."), field="achieved_quantity")
        if data.completed_on > local_today():
            raise DomainError(_("Ngày hoàn thành không thể ở tương lai."), field="completed_on")
        outcome = (
            TaskOutcome.DONE_ON_TIME
            if data.completed_on <= task.deadline
            else TaskOutcome.DONE_LATE
        )
    elif data.outcome == "not_done":
        outcome = TaskOutcome.NOT_DONE
    elif data.outcome == "cancelled":
        if not (data.cancel_reason and data.cancel_reason.strip()):
            raise DomainError(_("Cần ghi lý do huỷ nhiệm vụ."), field="cancel_reason")
        outcome = TaskOutcome.CANCELLED
    else:
        raise DomainError(_("Kết quả không hợp lệ."), field="outcome")
    old = task.outcome.value if task.outcome else None
    task.outcome = outcome
    task.achieved_quantity = data.achieved_quantity
    task.completed_on = data.completed_on if outcome.completed else None
    task.cancel_reason = data.cancel_reason.strip() if outcome is TaskOutcome.CANCELLED else None
    task.evidence = (data.evidence or "").strip() or None
    task.self_quality = data.self_quality
    task.reported_at = utcnow()
    _touch(task.plan)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="task",
        object_id=task.id,
        action="report_result",
        old=old,
        new=outcome.value,
    )
    return task


def assign_task(
    session: Session, person: Person, period: Period, data: TaskInput, *, actor_id: int
) -> Task:
    """A manager gives a staff member a task, in that person's plan for the period."""
    plan = find_plan(session, person, period) or create_plan(
        session, person, period, actor_id=actor_id
    )
    if plan.status not in ASSIGNABLE_STATUSES:  # as can_plan(ASSIGN), the import's rule
        raise DomainError(
            _("Kế hoạch %(period)s đã báo cáo kết quả; không thể giao thêm.", period=period.label),
            field="day",
        )
    task = add_task(session, plan, data, actor_id=actor_id, source=TaskSource.ASSIGNED)
    events.task_assigned.send(task, session=session, actor_id=actor_id)
    return task


def find_external_task(session: Session, source_system: str, external_ref: str) -> Task | None:
    return session.scalars(
        sa.select(Task)
        .options(joinedload(Task.plan))
        .where(Task.source_system == source_system, Task.external_ref == external_ref)
    ).first()


def put_external_task(
    session: Session,
    viewer: Viewer,
    person: Person,
    period: Period,
    data: TaskInput,
    *,
    source_system: str,
    external_ref: str,
) -> tuple[Task, str]:
    """A task another system (a document system) gives a person, found again by its
    reference: the first push assigns it as a manager would, a later one changes it under
    the rules of the task pages (`can_put_tasks`), and the same push twice changes nothing.

    Answers the task and what happened: "created", "updated", "unchanged", or "overridden"
    when a manager has changed it with a reason and the push is left aside."""
    task = find_external_task(session, source_system, external_ref)
    if task is None:
        task = assign_task(session, person, period, data, actor_id=viewer.user_id)
        task.external_ref = external_ref
        task.source_system = source_system
        session.flush()
        _audit_task(session, task, viewer.user_id, "create", None, _task_values(task))
        return task, "created"
    if task.plan.person_id != person.id or task.plan.period != period:
        raise DomainError(
            _("Văn bản số %(number)s đã giao nhiệm vụ này cho người khác hoặc kỳ khác.",
              number=external_ref),
            field="external_ref",
        )  # fmt: skip
    if task.override_reason:
        return task, "overridden"
    old = _task_values(task)
    if old == _input_values(data):
        return task, "unchanged"
    if not can_put_tasks(viewer, task.plan):
        raise DomainError(
            _("Kế hoạch %(period)s ở trạng thái %(status)s; không thể sửa nhiệm vụ.",
              period=task.plan.period.label, status=LABELS["plan_status"][task.plan.status]),
            field="period",
        )  # fmt: skip
    update_task(session, task, data, actor_id=viewer.user_id)
    _audit_task(session, task, viewer.user_id, "update", old, _task_values(task))
    return task, "updated"


def override_task(
    session: Session, task: Task, data: TaskInput, *, reason: str, actor_id: int
) -> Task:
    """A manager changes a task another system sent, with a written reason: the change is
    kept, and later pushes of the same document no longer overwrite it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Cần ghi lý do điều chỉnh."), field="reason")
    old = _task_values(task)
    update_task(session, task, data, actor_id=actor_id)
    task.override_reason = reason[:TITLE_MAX]
    session.flush()
    _audit_task(session, task, actor_id, "override", old, _task_values(task), reason)
    return task


def _task_values(task: Task) -> dict[str, str | None]:
    return {
        "title": task.title,
        "description": task.description,
        "target_quantity": _number(task.target_quantity),
        "unit_of_measure": task.unit_of_measure,
        "weight": _number(task.weight),
        "deadline": task.deadline.isoformat(),
    }


def _number(value: Decimal) -> str:
    """1, 1.0 and 1.00 alike: a push that only spells a number differently changes nothing."""
    return f"{Decimal(value).normalize():f}"


def _input_values(data: TaskInput) -> dict[str, str | None]:
    return {
        "title": data.title.strip(),
        "description": (data.description or "").strip() or None,
        "target_quantity": _number(data.target_quantity),
        "unit_of_measure": data.unit_of_measure.strip(),
        "weight": _number(data.weight),
        "deadline": data.deadline.isoformat(),
    }


def _audit_task(
    session: Session,
    task: Task,
    actor_id: int,
    action: str,
    old: dict[str, str | None] | None,
    new: dict[str, str | None],
    reason: str | None = None,
) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        object_type="task",
        object_id=task.id,
        action=action,
        old=old,
        new=new,
        reason=reason,
    )


def parent_task_choices(session: Session, plan: Plan) -> list[Task]:
    """Tasks of the same owner's enclosing plan (year → quarter → month → week)."""
    enclosing = plan.period.enclosing()
    if enclosing is None or plan.person_id is None:
        return []
    return list(
        session.scalars(
            sa.select(Task)
            .join(Plan)
            .where(Plan.person_id == plan.person_id, in_period(Plan, enclosing))
            .order_by(Task.deadline, Task.id)
        )
    )


# --- queries for pages --------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFilter:
    """What the plans list may be narrowed to (each None means any)."""

    kind: PeriodKind | None = None
    status: PlanStatus | None = None

    def clause(self) -> sa.ColumnElement[bool]:
        conditions = []
        if self.kind is not None:
            conditions.append(Plan.period_kind == self.kind)
        if self.status is not None:
            conditions.append(Plan.status == self.status)
        return sa.and_(sa.true(), *conditions)


def plans_of(
    session: Session,
    person: Person,
    year: int,
    filters: PlanFilter | None = None,
    *,
    page: int | None = None,
    page_size: int = LIST_PAGE_SIZE,
) -> list[Plan]:
    """A person's plans of a year, newest first; one page of them when `page` is given. Their
    tasks are not loaded: the list shows `plan_task_counts`."""
    query = (
        sa.select(Plan)
        .where(Plan.person_id == person.id, Plan.period_year == year)
        .where((filters or PlanFilter()).clause())
        .order_by(Plan.starts_on.desc(), Plan.period_kind, Plan.id)
    )
    if page is not None:
        query = query.limit(page_size).offset((page - 1) * page_size)
    return list(session.scalars(query))


def plan_task_counts(session: Session, plans: Sequence[Plan], today: date) -> dict[int, TaskCounts]:
    """Each plan's tasks counted in SQL (`Plan.task_counts` in one GROUP BY): a list of fifty
    plans shows three numbers each, not their thousand tasks."""
    rows = session.execute(
        sa.select(
            Task.plan_id,
            sa.func.count(Task.id),
            sa.func.count(sa.case((Task.outcome.in_(COMPLETED_OUTCOMES), 1))),
            sa.func.count(sa.case((Task.overdue_clause(today), 1))),
        )
        .join(Plan, Task.plan_id == Plan.id)
        .where(Task.plan_id.in_([plan.id for plan in plans]))
        .group_by(Task.plan_id)
    )
    counts = {plan_id: TaskCounts(*figures) for plan_id, *figures in rows}
    return {plan.id: counts.get(plan.id, TaskCounts(0, 0, 0)) for plan in plans}


def count_plans_of(
    session: Session, person: Person, year: int, filters: PlanFilter | None = None
) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(Plan.id)).where(
                Plan.person_id == person.id,
                Plan.period_year == year,
                (filters or PlanFilter()).clause(),
            )
        )
        or 0
    )


def plan_with_tasks(session: Session, plan_id: int) -> Plan | None:
    return session.scalars(
        sa.select(Plan)
        .options(
            joinedload(Plan.person).joinedload(Person.unit),
            joinedload(Plan.unit),
            selectinload(Plan.tasks).joinedload(Task.parent_task),
            selectinload(Plan.tasks).selectinload(Task.evidence_files),
        )
        .where(Plan.id == plan_id)
    ).first()


@dataclass(frozen=True)
class HistoryStep:
    """One step of a plan's workflow: what was done, by whom, when, and the comment given."""

    at: datetime
    action: str
    actor: str
    comment: str | None

    @property
    def label(self) -> str:
        return str(PLAN_STEP_LABELS.get(self.action, self.action))


# What each recorded step of a plan is called on its history.
PLAN_STEP_LABELS = {
    "create": _l("Lập kế hoạch"),
    "submit": _l("Gửi duyệt"),
    "approve": _l("Duyệt"),
    "return": _l("Trả lại"),
    "report": _l("Báo cáo kết quả"),
    "close": _l("Đóng kế hoạch"),
    "reopen": _l("Mở lại"),
}


def plan_history(session: Session, plan: Plan) -> list[HistoryStep]:
    """The plan's workflow as its audit records tell it, oldest first, with each actor's name
    in the same query (the trail keeps who, when and the comment of every step)."""
    actor = sa.func.coalesce(Person.full_name, User.username)
    rows = session.execute(
        sa.select(AuditRecord.at, AuditRecord.action, actor, AuditRecord.reason)
        .outerjoin(User, AuditRecord.actor_id == User.id)
        .outerjoin(Person, User.person_id == Person.id)
        .where(AuditRecord.object_type == "plan", AuditRecord.object_id == plan.id)
        .order_by(AuditRecord.at, AuditRecord.id)
    )
    return [HistoryStep(at, action, name or "—", reason) for at, action, name, reason in rows]


def plans_awaiting(session: Session, viewer: Viewer) -> list[Plan]:
    """Submitted plans in the manager's subtree that this manager may decide."""
    if viewer.managed_path is None:
        return []
    candidates = session.scalars(SUBMITTED_UNDER, {"managed_path": viewer.managed_path})
    return [plan for plan in candidates if plan.person and viewer.manages(plan.person)]


# The submitted plans of a subtree, oldest first: one statement for every manager, built once
# (the unit page pays for running it, not for building and keying it again).
SUBMITTED_UNDER = (
    sa.select(Plan)
    .join(Unit, Plan.unit_id == Unit.id)
    .options(joinedload(Plan.person).joinedload(Person.unit), joinedload(Plan.unit))
    .where(
        Plan.status == SUBMITTED_AS_TEXT,
        Unit.path.startswith(sa.bindparam("managed_path", type_=sa.String)),
    )
    .order_by(Plan.submitted_at)
)


def _open_plans_in_reach(session: Session, viewer: Viewer) -> sa.ColumnElement[bool]:
    """Tasks of the viewer's plans not yet closed: the few open plans first (a partial index
    holds them), then their tasks; never the millions of tasks of closed plans by deadline.
    The units in reach go in as a list, so the open plans are found from the indexes.

    The open condition goes into each arm of the scope's OR: SQLite plans each arm alone,
    and with the condition beside the OR it served the units' arm from `ix_plan_unit_period`,
    reading every closed plan of the reach (a head's ten years of weeks), not `ix_plan_open`."""
    return Task.plan_id.in_(
        sa.select(Plan.id).where(
            _within_each_arm(plan_scope(viewer, session=session), Plan.status != CLOSED_AS_TEXT)
        )
    )


def _within_each_arm(
    scope: sa.ColumnElement[bool], condition: sa.ColumnElement[bool]
) -> sa.ColumnElement[bool]:
    """`condition AND scope`, written as `(condition AND a) OR (condition AND b)` when the
    scope is an OR, so a partial index whose predicate is `condition` serves each arm."""
    if isinstance(scope, BooleanClauseList) and scope.operator is operators.or_:
        return sa.or_(*(sa.and_(condition, arm) for arm in scope.clauses))
    return sa.and_(condition, scope)


@dataclass(frozen=True)
class OverdueFilter:
    """What the overdue report may be narrowed to: the person's name (as the search box
    folds it), the plan's period kind, and a least number of days late."""

    search: str = ""
    kind: PeriodKind | None = None
    min_days: int | None = None

    def clause(self, today: date) -> sa.ColumnElement[bool]:
        conditions = []
        if fold(self.search):
            conditions.append(
                Plan.person_id.in_(sa.select(Person.id).where(name_matches(self.search)))
            )
        if self.kind is not None:
            conditions.append(Plan.period_kind == self.kind)
        if self.min_days:
            conditions.append(Task.deadline <= today - timedelta(days=self.min_days))
        return sa.and_(sa.true(), *conditions)


def _overdue_in_reach(
    session: Session, viewer: Viewer, today: date, filters: OverdueFilter | None
) -> list[sa.ColumnElement[bool]]:
    """The conditions of the overdue report, on a query of tasks joined to their plans: one
    place for the list, its rows, its count and the export."""
    return [
        Task.overdue_clause(today),
        _open_plans_in_reach(session, viewer),
        (filters or OverdueFilter()).clause(today),
    ]


def overdue_tasks(
    session: Session,
    viewer: Viewer,
    today: date,
    limit: int | None = 500,
    *,
    filters: OverdueFilter | None = None,
    offset: int = 0,
) -> list[Task]:
    """The Monday report: open tasks past their deadline in everything this account reaches,
    the longest overdue first; `limit` None for all of them (the export)."""
    query = (
        sa.select(Task)
        .join(Plan)
        .options(
            joinedload(Task.plan).joinedload(Plan.person),
            joinedload(Task.plan).joinedload(Plan.unit),
        )
        .where(*_overdue_in_reach(session, viewer, today, filters))
        .order_by(Task.deadline, Task.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def overdue_count(
    session: Session, viewer: Viewer, today: date, filters: OverdueFilter | None = None
) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(Task.id))
            .join(Plan)
            .where(*_overdue_in_reach(session, viewer, today, filters))
        )
        or 0
    )


@dataclass(frozen=True)
class OverdueRow:
    """One overdue task as the pages list it (`plans/_overdue_table.html`): plain values read
    in one statement, not a task, its plan, its person and its unit as ORM objects."""

    task_id: int
    title: str
    deadline: date
    plan_id: int
    period: Period
    person_name: str | None  # None: a unit's own plan, named by its unit
    unit_name: str


def _overdue_rows_query(
    session: Session, viewer: Viewer, today: date, filters: OverdueFilter | None
) -> sa.Select:
    return (
        sa.select(
            Task.id,
            Task.title,
            Task.deadline,
            Task.plan_id,
            Plan.period_kind,
            Plan.period_year,
            Plan.period_number,
            Person.full_name,
            Unit.name,
        )
        .join(Plan, Task.plan_id == Plan.id)
        .join(Unit, Plan.unit_id == Unit.id)  # every plan has its unit
        .outerjoin(Person, Plan.person_id == Person.id)
        .where(*_overdue_in_reach(session, viewer, today, filters))
        .order_by(Task.deadline, Task.id)
    )


def _overdue_row(row: sa.Row) -> OverdueRow:
    task_id, title, deadline, plan_id, kind, year, number, person_name, unit_name = row[:9]
    return OverdueRow(
        task_id, title, deadline, plan_id, Period(kind, year, number), person_name, unit_name
    )


def overdue_rows(
    session: Session,
    viewer: Viewer,
    today: date,
    limit: int,
    *,
    filters: OverdueFilter | None = None,
    offset: int = 0,
) -> list[OverdueRow]:
    """One page of `overdue_tasks`, as rows for the report page."""
    query = _overdue_rows_query(session, viewer, today, filters).limit(limit).offset(offset)
    return [_overdue_row(row) for row in session.execute(query)]


def overdue_first(
    session: Session, viewer: Viewer, today: date, limit: int
) -> tuple[list[OverdueRow], int]:
    """The unit page's first `limit` overdue tasks and how many there are in all, in one
    statement: the count is a window over the same rows (none found, none in all)."""
    query = (
        _overdue_rows_query(session, viewer, today, None)
        .add_columns(sa.func.count().over())
        .limit(limit)
    )
    rows = session.execute(query).all()
    return [_overdue_row(row) for row in rows], (rows[0][-1] if rows else 0)


def reopen(session: Session, plan: Plan, *, reason: str, actor_id: int) -> Plan:
    """A closed plan is read-only; the personnel office may reopen it with a written reason.

    It goes back to approved, so its results can be corrected and reported again.
    """
    if plan.status is not PlanStatus.CLOSED:
        raise DomainError(_("Chỉ mở lại được kế hoạch đã đóng."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Cần ghi lý do mở lại."), field="reason")
    plan.status = PlanStatus.APPROVED
    plan.closed_at = None
    plan.reported_at = None
    _touch(plan)
    session.flush()
    _audit_plan(session, plan, actor_id, "reopen", PlanStatus.CLOSED, plan.status, reason)
    return plan
