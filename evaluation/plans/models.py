"""Work plans and their tasks. A task's reported result lives on the task (one result each)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Protocol

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evaluation.accounts.models import User
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.core.labels import register_labels
from evaluation.organisation.models import Person, Unit
from evaluation.plans.periods import Period, PeriodKind

TITLE_MAX = 300
TEXT_MAX = 4000
UNIT_OF_MEASURE_MAX = 50
EVIDENCE_MAX = 1000
QUANTITY_MAX = Decimal("1000000")
EXTERNAL_REF_MAX = 100
SOURCE_SYSTEM_MAX = 50


class PlanStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    REPORTED = "reported"
    CLOSED = "closed"

    @property
    def editable(self) -> bool:
        """Tasks can be added and changed only before approval, or after a return."""
        return self in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class TaskSource(enum.Enum):
    ASSIGNED = "assigned"  # giao bởi lãnh đạo
    UNIT_PLAN = "unit_plan"  # từ kế hoạch của đơn vị
    SELF_PROPOSED = "self_proposed"  # tự đề xuất


class TaskOutcome(enum.Enum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    NOT_DONE = "not_done"
    CANCELLED = "cancelled"

    @property
    def completed(self) -> bool:
        return self in COMPLETED_OUTCOMES


class SelfQuality(enum.Enum):
    """The person's own view of a product's quality; the manager's view comes with scoring."""

    GOOD = "good"
    MEETS = "meets"
    POOR = "poor"


# A task is overdue while it is still open (no result, or reported as not done) past its deadline
# and its plan is not closed.
OPEN_OUTCOMES = (None, TaskOutcome.NOT_DONE)
# Done, on time or late: what the rules, the lists and the sums count as completed.
COMPLETED_OUTCOMES = (TaskOutcome.DONE_ON_TIME, TaskOutcome.DONE_LATE)


class PeriodColumns(Protocol):
    period_kind: Any
    period_year: Any
    period_number: Any


def in_period(model: PeriodColumns, period: Period) -> sa.ColumnElement[bool]:
    """Rows of a period-keyed model (plans, period scores) for exactly this period."""
    return sa.and_(
        model.period_kind == period.kind,
        model.period_year == period.year,
        model.period_number == period.number,
    )


# The statuses of ix_plan_open's and ix_plan_submitted's predicates, written as the indexes
# write them: PostgreSQL's generic plan of a prepared statement cannot prove a bound parameter
# equal to a predicate's text, a literal it can (a count read every plan of a subtree: 18 ms).
CLOSED_AS_TEXT = sa.literal_column(f"'{PlanStatus.CLOSED.value}'")
SUBMITTED_AS_TEXT = sa.literal_column(f"'{PlanStatus.SUBMITTED.value}'")


class Plan(Base):
    """One person's plan for one period, or, with no person, a unit's own plan (its targets)."""

    __tablename__ = "plan"
    __table_args__ = (
        sa.Index(
            "uq_plan_person_period",
            "person_id",
            "period_kind",
            "period_year",
            "period_number",
            unique=True,
            sqlite_where=sa.text("person_id IS NOT NULL"),
            postgresql_where=sa.text("person_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_plan_unit_period",
            "unit_id",
            "period_kind",
            "period_year",
            "period_number",
            unique=True,
            sqlite_where=sa.text("person_id IS NULL"),
            postgresql_where=sa.text("person_id IS NULL"),
        ),
        sa.Index("ix_plan_unit_period", "unit_id", "period_year", "period_kind"),
        # Open work (the overdue report): plans not yet closed, few among millions of closed.
        sa.Index(
            "ix_plan_open",
            "unit_id",
            sqlite_where=sa.text("status != 'closed'"),
            postgresql_where=sa.text("status != 'closed'"),
        ),
        # A manager's queue: the few submitted plans among millions, oldest first.
        sa.Index(
            "ix_plan_submitted",
            "submitted_at",
            sqlite_where=sa.text("status = 'submitted'"),
            postgresql_where=sa.text("status = 'submitted'"),
        ),
        sa.CheckConstraint("period_number BETWEEN 1 AND 53", name="period_number_range"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("length(return_comment) <= 4000", name="return_comment_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    # The unit the plan was made in: a person who moves keeps old plans in the old unit.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "period_kind"))
    period_year: Mapped[int]
    period_number: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[PlanStatus] = mapped_column(
        enum_type(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    return_comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic locking: a save based on a stale version is refused, never silently applied.
    version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[User | None] = relationship()
    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan",
        order_by="(Task.deadline, Task.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_year, self.period_number)

    @period.setter
    def period(self, period: Period) -> None:
        self.period_kind = period.kind
        self.period_year = period.year
        self.period_number = period.number
        self.starts_on = period.starts_on
        self.ends_on = period.ends_on

    @property
    def total_weight(self) -> Decimal:
        return sum((task.weight for task in self.tasks), Decimal(0))

    def task_counts(self, today: date) -> TaskCounts:
        return TaskCounts(
            total=len(self.tasks),
            completed=sum(1 for t in self.tasks if t.outcome is not None and t.outcome.completed),
            overdue=sum(1 for t in self.tasks if t.is_overdue(today)),
        )


class TaskCounts(NamedTuple):
    total: int
    completed: int
    overdue: int


def effective_delays(delays: int | None, outcome: TaskOutcome | None) -> int:
    """`Task.effective_delays` from the task's columns, for lists that read rows, not tasks:
    the delays the manager recorded, else one for a late or unfinished product."""
    if delays is not None:
        return delays
    return int(outcome in (TaskOutcome.DONE_LATE, TaskOutcome.NOT_DONE))


def with_quality(quality_ok: bool | None, self_quality: SelfQuality | None) -> bool:
    """`Task.with_quality` from the task's columns: the manager's judgment of quality, else
    the person's own unless they said poor."""
    if quality_ok is not None:
        return quality_ok
    return self_quality is not SelfQuality.POOR


class Task(Base):
    """A concrete task with a quantified product, a deadline and a weight, and its result."""

    __tablename__ = "task"
    __table_args__ = (
        sa.CheckConstraint("length(title) >= 1", name="title_not_empty"),
        sa.CheckConstraint("length(description) <= 4000", name="description_length"),
        sa.CheckConstraint(
            "target_quantity > 0 AND target_quantity <= 1000000", name="target_quantity_range"
        ),
        sa.CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        sa.CheckConstraint(
            "achieved_quantity IS NULL OR (achieved_quantity >= 0 "
            "AND achieved_quantity <= 1000000)",
            name="achieved_quantity_range",
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome NOT IN ('done_on_time', 'done_late') "
            "OR completed_on IS NOT NULL",
            name="completed_has_date",
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome <> 'cancelled' OR length(coalesce(cancel_reason, '')) >= 1",
            name="cancel_has_reason",
        ),
        sa.CheckConstraint(
            "major_error_returns BETWEEN 0 AND 20", name="major_error_returns_range"
        ),
        sa.CheckConstraint("delays IS NULL OR delays BETWEEN 0 AND 20", name="delays_range"),
        sa.CheckConstraint("coefficient > 0 AND coefficient <= 100", name="coefficient_range"),
        sa.Index("ix_task_deadline_outcome", "deadline", "outcome"),
        # A document system's task is found again by its reference: pushing it twice updates.
        sa.Index(
            "uq_task_external_ref",
            "source_system",
            "external_ref",
            unique=True,
            sqlite_where=sa.text("external_ref IS NOT NULL"),
            postgresql_where=sa.text("external_ref IS NOT NULL"),
        ),
        sa.CheckConstraint(
            "(external_ref IS NULL) = (source_system IS NULL)", name="external_ref_has_source"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    description: Mapped[str | None] = mapped_column(sa.Text)
    target_quantity: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    unit_of_measure: Mapped[str] = mapped_column(sa.String(UNIT_OF_MEASURE_MAX))
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(1))
    deadline: Mapped[date]
    source: Mapped[TaskSource] = mapped_column(
        enum_type(TaskSource, "task_source"), default=TaskSource.SELF_PROPOSED
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The task of the longer plan that this one breaks down (year → quarter → month → week).
    parent_task_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("task.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Sent by another system (the document system's number of the assigning document, and
    # which system): the page shows "theo văn bản số …", and a second push updates the task.
    external_ref: Mapped[str | None] = mapped_column(sa.String(EXTERNAL_REF_MAX))
    source_system: Mapped[str | None] = mapped_column(sa.String(SOURCE_SYSTEM_MAX))
    # A manager changed the system's task on purpose, with this reason: later pushes of the
    # same reference no longer overwrite it.
    override_reason: Mapped[str | None] = mapped_column(sa.String(TITLE_MAX))

    # The reported result.
    outcome: Mapped[TaskOutcome | None] = mapped_column(enum_type(TaskOutcome, "task_outcome"))
    achieved_quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    completed_on: Mapped[date | None]
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(TITLE_MAX))
    evidence: Mapped[str | None] = mapped_column(sa.String(EVIDENCE_MAX))
    self_quality: Mapped[SelfQuality | None] = mapped_column(enum_type(SelfQuality, "self_quality"))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # The manager's assessment when scoring (ND335 S2): quality, returns for major errors,
    # delays, an objective cause that waives the deductions, and the quy đổi coefficient.
    quality_ok: Mapped[bool | None]
    major_error_returns: Mapped[int] = mapped_column(default=0, server_default="0")
    delays: Mapped[int | None]
    objective_cause: Mapped[str | None] = mapped_column(sa.String(TITLE_MAX))
    coefficient: Mapped[Decimal] = mapped_column(
        sa.Numeric(6, 3), default=Decimal(1), server_default="1"
    )

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    evidence_files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="task",
        order_by="EvidenceFile.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    assigned_by: Mapped[User | None] = relationship()
    parent_task: Mapped[Task | None] = relationship(remote_side=[id])

    @property
    def effective_delays(self) -> int:
        """Delays the manager recorded, else one for a late or unfinished product."""
        return effective_delays(self.delays, self.outcome)

    @property
    def with_quality(self) -> bool:
        """The manager's judgment of quality, else the person's own unless they said poor."""
        return with_quality(self.quality_ok, self.self_quality)

    def is_overdue(self, today: date) -> bool:
        """Open past its deadline, in a plan not yet closed (a closed plan is settled)."""
        return (
            self.deadline < today
            and self.outcome in OPEN_OUTCOMES
            and self.plan.status is not PlanStatus.CLOSED
        )

    @staticmethod
    def overdue_clause(today: date) -> sa.ColumnElement[bool]:
        """The SQL form of `is_overdue`, for lists and counts; the query joins Plan."""
        return sa.and_(
            Task.deadline < today,
            sa.or_(Task.outcome.is_(None), Task.outcome == TaskOutcome.NOT_DONE),
            Plan.status != PlanStatus.CLOSED,
        )


EVIDENCE_FILE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_FILE_NAME_MAX = 200


class EvidenceFile(Base):
    """A file that proves a task's result (a signed report, a photo, a spreadsheet).

    Kept in the database, so servers without shared disks serve the same files and a backup
    of the database is a backup of the evidence. The type was checked from the content
    (`plans.evidence.detect`), and `content_type` is that finding, not what the browser said.
    """

    __tablename__ = "evidence_file"
    __table_args__ = (
        sa.CheckConstraint(
            f"size_bytes > 0 AND size_bytes <= {EVIDENCE_FILE_MAX_BYTES}", name="size_range"
        ),
        sa.CheckConstraint("length(file_name) >= 1", name="file_name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("task.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(EVIDENCE_FILE_NAME_MAX))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    # Deferred: the plan page lists files by name and size without reading megabytes.
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    task: Mapped[Task] = relationship(back_populates="evidence_files")


# The names the pages and exports show (`core.labels`).
register_labels(
    "plan_status",
    {
        PlanStatus.DRAFT: _l("Nháp"),
        PlanStatus.SUBMITTED: _l("Chờ duyệt"),
        PlanStatus.APPROVED: _l("Đã duyệt"),
        PlanStatus.RETURNED: _l("Bị trả lại"),
        PlanStatus.REPORTED: _l("Đã báo cáo kết quả"),
        PlanStatus.CLOSED: _l("Đã đóng"),
    },
)

register_labels(
    "outcome",
    {
        TaskOutcome.DONE_ON_TIME: _l("Hoàn thành đúng hạn"),
        TaskOutcome.DONE_LATE: _l("Hoàn thành trễ hạn"),
        TaskOutcome.NOT_DONE: _l("Chưa hoàn thành"),
        TaskOutcome.CANCELLED: _l("Đã huỷ"),
    },
)

register_labels(
    "source",
    {
        TaskSource.ASSIGNED: _l("Lãnh đạo giao"),
        TaskSource.UNIT_PLAN: _l("Theo kế hoạch đơn vị"),
        TaskSource.SELF_PROPOSED: _l("Tự đề xuất"),
    },
)

register_labels(
    "self_quality",
    {
        SelfQuality.GOOD: _l("Tốt"),
        SelfQuality.MEETS: _l("Đạt yêu cầu"),
        SelfQuality.POOR: _l("Chưa đạt"),
    },
)
