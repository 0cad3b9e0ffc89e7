"""Emulation (thi đua, khen thưởng): achievements, the council's decisions and their awards."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from criteria.levels import Title
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.organisation.models import Person, Unit


class AchievementKind(enum.Enum):
    INITIATIVE = "initiative"  # sáng kiến được công nhận (A2)
    SCIENCE_WORK = "science_work"  # đề tài khoa học được nghiệm thu (A2)


class Achievement(Base):
    __tablename__ = "achievement"
    __table_args__ = (
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        sa.CheckConstraint("length(title) >= 1", name="title_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    kind: Mapped[AchievementKind] = mapped_column(enum_type(AchievementKind, "achievement_kind"))
    title: Mapped[str] = mapped_column(sa.String(300))
    recognised_by: Mapped[str | None] = mapped_column(sa.String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship()


class EmulationDecision(Base):
    """A decision of the emulation council (hội đồng thi đua, khen thưởng). Revoking keeps the
    decision and its evidence on record, with the reason (A6)."""

    __tablename__ = "emulation_decision"
    __table_args__ = (
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        sa.CheckConstraint("length(number) >= 1", name="number_not_empty"),
        sa.CheckConstraint(
            "revoked_at IS NULL OR length(coalesce(revoke_reason, '')) >= 1",
            name="revocation_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(80), unique=True)
    decided_on: Mapped[date]
    year: Mapped[int]
    title: Mapped[Title] = mapped_column(enum_type(Title, "title"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)

    unit: Mapped[Unit] = relationship()
    awards: Mapped[list[EmulationAward]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", passive_deletes=True
    )


class EmulationAward(Base):
    """One person or one collective named in a decision."""

    __tablename__ = "emulation_award"
    __table_args__ = (
        sa.CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="person_or_collective"),
        sa.UniqueConstraint("decision_id", "person_id", name="uq_emulation_award_person"),
        sa.UniqueConstraint("decision_id", "unit_id", name="uq_emulation_award_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("emulation_decision.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))

    decision: Mapped[EmulationDecision] = relationship(back_populates="awards")
    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
