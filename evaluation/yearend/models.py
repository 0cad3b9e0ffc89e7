"""The year-end close's snapshot: what the year-end computed for a subtree, kept as it was.

One `YearClose` per run; the current one of a (year, unit) is what the pages of a closed year
read. A run's rows are written in one transaction with its `current` flag, so the previous
snapshot stays in force until the new one is whole.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from evaluation.core.db import Base, UTCDateTime, utcnow


class YearClose(Base):
    __tablename__ = "year_close"
    __table_args__ = (
        sa.Index("ix_year_close_year_unit", "year", "unit_id"),
        # One snapshot in force per year and subtree.
        sa.Index(
            "uq_year_close_current",
            "year",
            "unit_id",
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    is_current: Mapped[bool] = mapped_column(default=True)
    people: Mapped[int] = mapped_column(default=0)
    units: Mapped[int] = mapped_column(default=0)
    proposals: Mapped[int] = mapped_column(default=0)


class YearClosePerson(Base):
    """A person's level as the rulebook gave it, with its reasons (to show them again)."""

    __tablename__ = "year_close_person"

    close_id: Mapped[int] = mapped_column(
        sa.ForeignKey("year_close.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(sa.String(20))
    points: Mapped[float | None]
    rulebook: Mapped[str] = mapped_column(sa.String(40))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)


class YearCloseUnit(Base):
    """A unit's year result (its subtree rolled up) and its place in its ranking group."""

    __tablename__ = "year_close_unit"

    close_id: Mapped[int] = mapped_column(
        sa.ForeignKey("year_close.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True
    )
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    points: Mapped[float | None]
    own_points: Mapped[float | None]
    level: Mapped[str | None] = mapped_column(sa.String(20))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    levels: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    tasks: Mapped[int] = mapped_column(default=0)
    overdue_pct: Mapped[float] = mapped_column(default=0.0)
    position: Mapped[int | None]  # in its ranking group; None: not ranked


class YearCloseProposal(Base):
    """An emulation title proposed for a person, or for the agency itself (no person)."""

    __tablename__ = "year_close_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    close_id: Mapped[int] = mapped_column(
        sa.ForeignKey("year_close.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    titles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    warning: Mapped[str | None] = mapped_column(sa.Text)
