"""The unit tree and the people in it, with the history of who was where and when."""

from __future__ import annotations

import enum
from datetime import date
from typing import Protocol

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from criteria.levels import StaffCategory
from evaluation.core.db import Base, enum_type
from evaluation.core.labels import register_labels
from evaluation.core.text import fold


class UnitKind(enum.Enum):
    AGENCY = "co_quan_hanh_chinh"
    PUBLIC_SERVICE = "don_vi_su_nghiep"
    COMMUNE = "xa"
    DIVISION = "phong"


class ScoringFrequency(enum.Enum):
    """How often managers score their staff (the seeds: monthly; heads quarterly)."""

    MONTHLY = "month"
    QUARTERLY = "quarter"


class LeadershipRole(enum.Enum):
    HEAD = "head"
    DEPUTY = "deputy"
    NONE = "none"

    @property
    def is_leader(self) -> bool:
        return self is not LeadershipRole.NONE


class UnitLike(Protocol):
    """What the tree's rules read of a unit: a mapped `Unit`, or a plain row of the same
    columns (a page that reads a province's 1 500 units on every request, as rows)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> UnitKind: ...

    @property
    def path(self) -> str: ...


class Unit(Base):
    """A unit of the organisation tree.

    `path` is the materialized path of ids ("/1/4/9/"), so a whole subtree is one indexed
    `LIKE '/1/4/%'` in SQL: authorization filters and roll-ups never walk the tree in Python.
    """

    __tablename__ = "unit"
    __table_args__ = (sa.CheckConstraint("parent_id <> id", name="not_own_parent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("unit.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(sa.String(400), index=True, default="")
    depth: Mapped[int] = mapped_column(default=0)
    scoring_frequency: Mapped[ScoringFrequency] = mapped_column(
        enum_type(ScoringFrequency, "scoring_frequency"), default=ScoringFrequency.MONTHLY
    )
    # A unit may pin a rule set other than the one chosen by year and category (rules.md §1).
    rulebook_pin: Mapped[str | None] = mapped_column(sa.String(20))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    def contains(self, other: Unit) -> bool:
        """True when `other` is this unit or lies below it."""
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Person(Base):
    """A cadre, civil servant, public employee or worker.

    `unit_id` and `leadership_role` are the current placement, kept for the many queries
    that need it; `Placement` rows hold the history that evaluations read by period.
    """

    __tablename__ = "person"
    __table_args__ = (
        # A unit has at most one head (issue 11): `head_of` is then unambiguous.
        sa.Index(
            "uq_person_one_head_per_unit",
            "unit_id",
            unique=True,
            sqlite_where=sa.text("leadership_role = 'head'"),
            postgresql_where=sa.text("leadership_role = 'head'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    # The name folded for search (`core.text.fold`): kept on every write, by the ORM (the
    # listener below) and by bulk inserts (the column default), so "nguyen van an" finds
    # "Nguyễn Văn An" with one indexed comparison on SQLite and PostgreSQL alike.
    search_name: Mapped[str] = mapped_column(
        sa.String(120), default=lambda context: _folded_name(context), index=True
    )
    date_of_birth: Mapped[date | None]
    email: Mapped[str | None] = mapped_column(sa.String(254))
    category: Mapped[StaffCategory] = mapped_column(enum_type(StaffCategory, "staff_category"))
    job_position: Mapped[str] = mapped_column(sa.String(200))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    leadership_role: Mapped[LeadershipRole] = mapped_column(
        enum_type(LeadershipRole, "leadership_role"), default=LeadershipRole.NONE
    )
    # Front-desk staff (Trung tâm Phục vụ hành chính công) are also scored on satisfaction.
    front_desk: Mapped[bool] = mapped_column(default=False)

    unit: Mapped[Unit] = relationship()
    placements: Mapped[list[Placement]] = relationship(
        back_populates="person", order_by="Placement.starts_on"
    )
    # Delegations and acting-head assignments given to this person, past ones included: few
    # per person, loaded with the account so the reach they give costs no query (`Viewer`).
    grants: Mapped[list[Delegation]] = relationship(
        foreign_keys="Delegation.to_person_id", viewonly=True, order_by="Delegation.starts_on"
    )

    @property
    def is_leader(self) -> bool:
        return self.leadership_role.is_leader

    def __repr__(self) -> str:
        return f"<Person {self.code}>"


def _folded_name(context: sa.engine.interfaces.ExecutionContext) -> str:
    """The column default for inserts outside the ORM (the demo generator's bulk load)."""
    return fold(context.get_current_parameters().get("full_name") or "")


@sa.event.listens_for(Person.full_name, "set")
def _keep_search_name(target: Person, value: str | None, *_: object) -> None:
    target.search_name = fold(value or "")


class Placement(Base):
    """Who was in which unit, in which role, from when to when (ends_on is inclusive)."""

    __tablename__ = "placement"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        # At most one open placement per person.
        sa.Index(
            "uq_placement_open_per_person",
            "person_id",
            unique=True,
            sqlite_where=sa.text("ends_on IS NULL"),
            postgresql_where=sa.text("ends_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    leadership_role: Mapped[LeadershipRole] = mapped_column(
        enum_type(LeadershipRole, "leadership_role")
    )
    job_position: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="placements")
    unit: Mapped[Unit] = relationship()


class DelegationKind(enum.Enum):
    """Ủy quyền: a leader lends their authority over a unit; quyền trưởng / phụ trách: someone
    acts as the unit's head (its head is away, or none is appointed yet)."""

    DELEGATION = "delegation"
    ACTING_HEAD = "acting_head"


class Delegation(Base):
    """For the dates from `starts_on` to `ends_on` (inclusive), `to_person` holds `role` over
    `unit`: they see, plan and score its people, and an acting head decides for them (P2)."""

    __tablename__ = "delegation"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("role <> 'none'", name="grants_a_leadership_role"),
        sa.CheckConstraint(
            "kind <> 'delegation' OR from_person_id IS NOT NULL", name="delegation_has_delegator"
        ),
        sa.CheckConstraint(
            "from_person_id IS NULL OR from_person_id <> to_person_id", name="not_to_oneself"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DelegationKind] = mapped_column(enum_type(DelegationKind, "delegation_kind"))
    from_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    to_person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    role: Mapped[LeadershipRole] = mapped_column(enum_type(LeadershipRole, "leadership_role"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)

    from_person: Mapped[Person | None] = relationship(foreign_keys=[from_person_id])
    to_person: Mapped[Person] = relationship(foreign_keys=[to_person_id])
    unit: Mapped[Unit] = relationship()

    def in_force(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


# The names the pages and exports show (`core.labels`).
register_labels(
    "delegation_kind",
    {
        DelegationKind.DELEGATION: _l("Ủy quyền"),
        DelegationKind.ACTING_HEAD: _l("Quyền trưởng, phụ trách đơn vị"),
    },
)

register_labels(
    "role",
    {
        LeadershipRole.HEAD: _l("Cấp trưởng"),
        LeadershipRole.DEPUTY: _l("Cấp phó"),
        LeadershipRole.NONE: _l("Không giữ chức vụ"),
    },
)

register_labels(
    "unit_kind",
    {
        UnitKind.AGENCY: _l("Cơ quan hành chính"),
        UnitKind.PUBLIC_SERVICE: _l("Đơn vị sự nghiệp công lập"),
        UnitKind.COMMUNE: _l("Xã, phường"),
        UnitKind.DIVISION: _l("Phòng, ban"),
    },
)
