"""Period scores and annual evaluations.

Both keep what the rulebook was given and what it answered, so a result can always be
explained later with the facts and rule-set version that produced it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from criteria.in_force import level_in_force
from criteria.levels import GeneralAssessment, Level, StaffCategory
from criteria.procedure import Step
from evaluation.accounts.models import User
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.organisation.models import Person, Unit
from evaluation.plans.decided import provide_decided_pairs
from evaluation.plans.periods import Period, PeriodKind

TEXT_MAX = 20_000  # minutes of a unit meeting can be long


class PeriodScore(Base):
    """A manager's score of one person for one month or quarter (ND335 S1–S3).

    Task points are computed from the person's plan; the manager may adjust them only with a
    written reason (a database constraint as well as a form rule).
    """

    __tablename__ = "period_score"
    __table_args__ = (
        sa.Index(
            "uq_period_score_person_period",
            "person_id",
            "period_kind",
            "period_year",
            "period_number",
            unique=True,
        ),
        sa.Index("ix_period_score_unit_period", "unit_id", "period_year", "period_kind"),
        sa.CheckConstraint("period_kind IN ('month', 'quarter')", name="month_or_quarter"),
        sa.CheckConstraint("general_points BETWEEN 0 AND 30", name="general_points_range"),
        sa.CheckConstraint("task_points BETWEEN 0 AND 70", name="task_points_range"),
        sa.CheckConstraint(
            "computed_task_points IS NULL OR computed_task_points BETWEEN 0 AND 70",
            name="computed_task_points_range",
        ),
        sa.CheckConstraint(
            "organising_pct IS NULL OR organising_pct BETWEEN 0 AND 100",
            name="organising_pct_range",
        ),
        sa.CheckConstraint(
            "(computed_task_points IS NOT NULL AND task_points = computed_task_points) "
            "OR length(coalesce(adjustment_reason, '')) >= 1",
            name="adjustment_has_reason",
        ),
        sa.CheckConstraint("length(general_comment) <= 4000", name="comment_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "period_kind"))
    period_year: Mapped[int]
    period_number: Mapped[int]
    criteria_set: Mapped[str] = mapped_column(sa.String(40))
    general_points: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    general_breakdown: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    general_comment: Mapped[str | None] = mapped_column(sa.Text)
    computed_task_points: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    task_points: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    adjustment_reason: Mapped[str | None] = mapped_column(sa.Text)
    quantity_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    quality_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    progress_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    organising_pct: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    scored_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship()
    unit: Mapped[Unit] = relationship()
    scored_by: Mapped[User | None] = relationship()

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_year, self.period_number)

    @property
    def total_points(self) -> Decimal:
        return self.general_points + self.task_points


class AnnualEvaluation(Base):
    """One person's evaluation for one year, through the steps of P1.

    `step` is the last step completed (None before the self-assessment). The rulebook's
    result is refreshed from the records until the decision, then frozen: a decided
    evaluation is locked.
    """

    __tablename__ = "annual_evaluation"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "year", name="uq_annual_evaluation_person_year"),
        sa.Index("ix_annual_evaluation_unit_year", "unit_id", "year"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        # The decision may depart from the rulebook only with a written reason (G1, P2).
        sa.CheckConstraint(
            "final_level IS NULL OR final_level = computed_level "
            "OR length(coalesce(decision_reason, '')) >= 1",
            name="departure_has_reason",
        ),
        sa.CheckConstraint(
            "final_level IS NULL OR decided_at IS NOT NULL", name="decision_is_dated"
        ),
        sa.CheckConstraint(
            "final_level IS NULL OR final_level NOT IN ('can_quyet_dinh')",
            name="final_level_is_a_level",
        ),
        sa.CheckConstraint("quota_rank IS NULL OR quota_rank >= 1", name="quota_rank_positive"),
        sa.CheckConstraint(
            "decision_snapshot IS NULL OR decided_at IS NOT NULL", name="snapshot_of_a_decision"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    year: Mapped[int]
    # E4: the unit holding the person at evaluation time.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))
    category: Mapped[StaffCategory] = mapped_column(enum_type(StaffCategory, "staff_category"))
    leader: Mapped[bool] = mapped_column(default=False)
    step: Mapped[Step | None] = mapped_column(enum_type(Step, "evaluation_step"))

    self_report: Mapped[str | None] = mapped_column(sa.Text)
    self_level: Mapped[Level | None] = mapped_column(enum_type(Level, "self_level"))
    collective_minutes: Mapped[str | None] = mapped_column(sa.Text)
    # ND90 Art. 3: where no points are kept, the unit assesses the general criteria.
    general_assessment: Mapped[GeneralAssessment | None] = mapped_column(
        enum_type(GeneralAssessment, "general_assessment")
    )
    party_comment: Mapped[str | None] = mapped_column(sa.Text)
    personnel_level: Mapped[Level | None] = mapped_column(enum_type(Level, "personnel_level"))
    personnel_comment: Mapped[str | None] = mapped_column(sa.Text)
    quota_rank: Mapped[int | None]

    rulebook: Mapped[str] = mapped_column(sa.String(20))
    computed_level: Mapped[Level] = mapped_column(enum_type(Level, "computed_level"))
    computed_points: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    computed_rules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    computed_reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    facts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    final_level: Mapped[Level | None] = mapped_column(enum_type(Level, "final_level"))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    quota_exception_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the decision was decided on (`scoring.snapshot`): points per criterion and period,
    # the totals, the rulebook and criteria set. Exports of a decided evaluation print it.
    decision_snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    petition_text: Mapped[str | None] = mapped_column(sa.Text)
    petition_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    petition_resolution: Mapped[str | None] = mapped_column(sa.Text)
    petition_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship()
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[User | None] = relationship()

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @property
    def locked(self) -> bool:
        """Decided evaluations are final; only a petition's resolution may change the level.
        Their inputs are locked too (`plans.decided`) until the personnel office reopens."""
        return self.decided_at is not None

    @property
    def level(self) -> Level:
        """The level in force (`criteria.in_force`): decided, else proposed, else computed."""
        return level_in_force(self)

    @property
    def departs_from_rulebook(self) -> bool:
        return self.final_level is not None and self.final_level != self.computed_level


@provide_decided_pairs
def decided_pairs(
    session: Session, person_ids: Collection[int], years: Collection[int] | None
) -> set[tuple[int, int]]:
    """The (person id, year) pairs among these with a decided evaluation: the question the
    decided-year lock asks (`plans.decided`), answered beside the table it reads."""
    conditions = [
        AnnualEvaluation.person_id.in_(list(person_ids)),
        AnnualEvaluation.decided_at.is_not(None),
    ]
    if years is not None:
        conditions.append(AnnualEvaluation.year.in_(sorted(years)))
    rows = session.execute(
        sa.select(AnnualEvaluation.person_id, AnnualEvaluation.year).where(*conditions)
    )
    return {(person_id, year) for person_id, year in rows}
