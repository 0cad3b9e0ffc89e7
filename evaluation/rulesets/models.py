"""Versions of criteria sets and of the policy, and the pins of sets to units.

A version is a draft until it is published with the day it takes effect; a published version
is never edited again, only superseded by a later one (the service refuses, and scores keep the
id of the set they were given under, `PeriodScore.criteria_set`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.organisation.models import Unit


class VersionStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class CriteriaSetVersion(Base):
    """One version of a criteria set: its data is criteria/sets/'s schema.

    `unit_id`: the unit whose personnel office drafted the set (None: a built-in set, or one an
    administrator drafted); that office keeps it."""

    __tablename__ = "criteria_set_version"
    __table_args__ = (
        sa.UniqueConstraint("name", "version", name="uq_criteria_set_version_name_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "status = 'draft' OR effective_from IS NOT NULL", name="published_has_effective_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), index=True)
    version: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(enum_type(VersionStatus, "version_status"))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    effective_from: Mapped[date | None]
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()

    @property
    def set_id(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def title(self) -> str:
        title = self.data.get("title") if isinstance(self.data, dict) else None
        return title if isinstance(title, str) and title.strip() else self.name


class PolicyVersion(Base):
    """One version of the policy parameters (`criteria.set_data.EDITABLE_POLICY`)."""

    __tablename__ = "policy_version"
    __table_args__ = (
        sa.UniqueConstraint("version", name="uq_policy_version_version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "status = 'draft' OR effective_from IS NOT NULL", name="published_has_effective_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(enum_type(VersionStatus, "version_status"))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.Text)
    effective_from: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CriteriaSetPin(Base):
    """A set pinned to a unit: its people and those of the units below it whom the set
    applies to (its categories, leaders or not) are scored against it; the nearest pin wins."""

    __tablename__ = "criteria_set_pin"
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "set_name", name="uq_criteria_set_pin_unit_set"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    set_name: Mapped[str] = mapped_column(sa.String(60))
    pinned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    pinned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
