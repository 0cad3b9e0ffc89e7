"""Citizens' and businesses' satisfaction with a front desk (bộ phận một cửa), as a portal
counts it: per person, or per desk (the front-desk unit), and per period.

The seeds' directive makes satisfaction a criterion of front-desk work (rules.md §10); the
front-desk criteria sets give it its own criterion, "Mức độ hài lòng của người dân, doanh
nghiệp". `satisfaction_points` turns a period's counts into that criterion's points: the
person's own counts where the portal rates people, else their desk's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from evaluation.core import audit
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.core.errors import DomainError
from evaluation.organisation.models import Person, Unit
from evaluation.plans.models import in_period
from evaluation.plans.periods import Period, PeriodKind

SOURCE_SYSTEM_MAX = 50
RESPONSES_MAX = 1_000_000


class SatisfactionRating(Base):
    """One period's counts from one source system, for a person or (person empty) a desk."""

    __tablename__ = "satisfaction_rating"
    __table_args__ = (
        sa.Index(
            "uq_satisfaction_rating_person",
            "person_id",
            "period_kind",
            "period_year",
            "period_number",
            "source_system",
            unique=True,
            sqlite_where=sa.text("person_id IS NOT NULL"),
            postgresql_where=sa.text("person_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_satisfaction_rating_desk",
            "unit_id",
            "period_kind",
            "period_year",
            "period_number",
            "source_system",
            unique=True,
            sqlite_where=sa.text("person_id IS NULL"),
            postgresql_where=sa.text("person_id IS NULL"),
        ),
        sa.CheckConstraint("period_number BETWEEN 1 AND 53", name="period_number_range"),
        sa.CheckConstraint(
            f"responses > 0 AND responses <= {RESPONSES_MAX}", name="responses_range"
        ),
        sa.CheckConstraint("satisfied >= 0 AND satisfied <= responses", name="satisfied_range"),
        sa.CheckConstraint("length(source_system) >= 1", name="source_system_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    # The desk: the person's unit when a person is rated.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "period_kind"))
    period_year: Mapped[int]
    period_number: Mapped[int]
    source_system: Mapped[str] = mapped_column(sa.String(SOURCE_SYSTEM_MAX))
    responses: Mapped[int]
    satisfied: Mapped[int]  # "hài lòng" or "rất hài lòng"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_year, self.period_number)


@dataclass(frozen=True)
class RatingInput:
    responses: int
    satisfied: int


def put_rating(
    session: Session,
    *,
    person: Person | None,
    desk: Unit,
    period: Period,
    source_system: str,
    data: RatingInput,
    actor_id: int,
) -> tuple[SatisfactionRating, bool]:
    """The period's counts for a person or a desk: a second push of the same period and
    source replaces the first (the portal re-counts), so pushing twice is harmless.
    Answers the row and whether it was new."""
    if not 0 < data.responses <= RESPONSES_MAX:
        raise DomainError(_("Số lượt đánh giá phải từ 1 trở lên."), field="responses")
    if not 0 <= data.satisfied <= data.responses:
        raise DomainError(_("Số lượt hài lòng phải từ 0 đến số lượt đánh giá."), field="satisfied")
    if person is not None and not person.front_desk:
        raise DomainError(
            _("%(name)s không làm việc tại bộ phận một cửa.", name=person.full_name),
            field="person_id",
        )
    subject = (
        SatisfactionRating.person_id == person.id
        if person is not None
        else sa.and_(SatisfactionRating.person_id.is_(None), SatisfactionRating.unit_id == desk.id)
    )
    rating = session.scalars(
        sa.select(SatisfactionRating).where(
            subject,
            in_period(SatisfactionRating, period),
            SatisfactionRating.source_system == source_system,
        )
    ).first()
    created = rating is None
    old = None if rating is None else {"responses": rating.responses, "satisfied": rating.satisfied}
    if rating is None:
        rating = SatisfactionRating(
            person_id=person.id if person is not None else None,
            unit_id=desk.id,
            period_kind=period.kind,
            period_year=period.year,
            period_number=period.number,
            source_system=source_system,
        )
        session.add(rating)
    new = {"responses": data.responses, "satisfied": data.satisfied}
    if old == new:
        return rating, False
    rating.responses = data.responses
    rating.satisfied = data.satisfied
    rating.recorded_at = utcnow()
    rating.recorded_by_id = actor_id
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="satisfaction",
        object_id=rating.id,
        action="record",
        old=old,
        new=new,
    )
    return rating, created


def satisfaction_share(session: Session, person: Person, period: Period) -> Decimal | None:
    """The share of satisfied responses for the person in the period: their own counts,
    else their desk's; None when no portal has counted anything."""
    for subject in (
        SatisfactionRating.person_id == person.id,
        sa.and_(
            SatisfactionRating.person_id.is_(None), SatisfactionRating.unit_id == person.unit_id
        ),
    ):
        responses, satisfied = session.execute(
            sa.select(
                sa.func.sum(SatisfactionRating.responses),
                sa.func.sum(SatisfactionRating.satisfied),
            ).where(subject, in_period(SatisfactionRating, period))
        ).one()
        if responses:
            return Decimal(satisfied) / Decimal(responses)
    return None


def satisfaction_points(
    session: Session, person: Person, period: Period, max_points: Decimal
) -> Decimal | None:
    """The satisfaction criterion's points: its maximum times the satisfied share, to two
    decimals; None when nothing was counted (the manager scores it by hand)."""
    share = satisfaction_share(session, person, period)
    if share is None:
        return None
    return (max_points * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
