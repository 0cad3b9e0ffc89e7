"""Leave and discipline: the facts of eligibility (E1–E3) and discipline (D1–D3, S6)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from criteria.levels import DisciplineForm
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.organisation.models import Person


class LeaveKind(enum.Enum):
    LAWFUL = "lawful"  # nghỉ theo quy định (ốm đau, không lương, …): E2
    MATERNITY = "maternity"  # thai sản: E3


class LeaveRecord(Base):
    __tablename__ = "leave_record"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("length(note) <= 1000", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LeaveKind] = mapped_column(enum_type(LeaveKind, "leave_kind"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship()


class DisciplineRecord(Base):
    """One disciplinary decision. The same violation may be decided by the Party and the
    State in different years; `violation` ties them together (D3)."""

    __tablename__ = "discipline_record"
    __table_args__ = (
        sa.CheckConstraint("length(violation) >= 1", name="violation_not_empty"),
        sa.CheckConstraint(
            "counted_in_year IS NULL OR counted_in_year BETWEEN 2000 AND 2100",
            name="counted_in_year_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    violation: Mapped[str] = mapped_column(sa.String(300))
    decision_number: Mapped[str | None] = mapped_column(sa.String(80))
    effective_on: Mapped[date]
    form: Mapped[DisciplineForm] = mapped_column(enum_type(DisciplineForm, "discipline_form"))
    party: Mapped[bool] = mapped_column(default=False)
    duty_related: Mapped[bool] = mapped_column(default=True)
    # D2: the year in which this violation already produced khong_hoan_thanh, before any decision.
    counted_in_year: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship()
