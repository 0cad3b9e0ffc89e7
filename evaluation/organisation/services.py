"""Verbs on the organisation: create units, place and move people, and the queries pages need."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, contains_eager

from criteria.levels import StaffCategory
from evaluation.core import audit
from evaluation.core.errors import DomainError
from evaluation.core.permissions import Viewer
from evaluation.organisation.models import LeadershipRole, Person, Placement, Unit, UnitKind


def agencies_among(units: Iterable[Unit]) -> list[Unit]:
    """The units that evaluate, hold a quota and propose titles on their own: agencies, public
    service units and communes; a division (phòng) belongs to the one above it."""
    return [unit for unit in units if unit.kind is not UnitKind.DIVISION]


def create_unit(
    session: Session, *, code: str, name: str, kind: UnitKind, parent: Unit | None
) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent)
    session.add(unit)
    session.flush()  # the path needs the id
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0
    session.flush()
    return unit


def place_new_person(
    session: Session,
    *,
    code: str,
    full_name: str,
    category: StaffCategory,
    job_position: str,
    unit: Unit,
    role: LeadershipRole = LeadershipRole.NONE,
    starts_on: date,
    date_of_birth: date | None = None,
    email: str | None = None,
    front_desk: bool = False,
) -> Person:
    person = Person(
        code=code,
        full_name=full_name,
        category=category,
        job_position=job_position,
        unit=unit,
        leadership_role=role,
        date_of_birth=date_of_birth,
        email=email,
        front_desk=front_desk,
    )
    session.add(person)
    session.add(
        Placement(
            person=person,
            unit=unit,
            leadership_role=role,
            job_position=job_position,
            starts_on=starts_on,
        )
    )
    session.flush()
    return person


def move_person(
    session: Session,
    person: Person,
    *,
    to_unit: Unit,
    role: LeadershipRole,
    job_position: str,
    on: date,
    actor_id: int | None,
    reason: str | None = None,
) -> Placement:
    """Close the open placement the day before `on` and open a new one (E4: who was where)."""
    current = session.scalars(
        sa.select(Placement).where(Placement.person_id == person.id, Placement.ends_on.is_(None))
    ).one()
    if on <= current.starts_on:
        raise DomainError(_("Ngày chuyển phải sau ngày bắt đầu vị trí hiện tại."), field="on")
    old = {"unit": current.unit.code, "role": current.leadership_role.value}
    current.ends_on = on - timedelta(days=1)
    session.flush()  # the open-placement index allows one open row at a time
    placement = Placement(
        person=person, unit=to_unit, leadership_role=role, job_position=job_position, starts_on=on
    )
    session.add(placement)
    person.unit = to_unit
    person.leadership_role = role
    person.job_position = job_position
    audit.record(
        session,
        actor_id=actor_id,
        object_type="person",
        object_id=person.id,
        action="move",
        old=old,
        new={"unit": to_unit.code, "role": role.value, "from": on.isoformat()},
        reason=reason,
    )
    session.flush()
    return placement


def unit_on(session: Session, person_id: int, day: date) -> Unit | None:
    """The unit that held the person on that day, from the placement history."""
    return session.scalars(
        sa.select(Unit)
        .join(Placement, Placement.unit_id == Unit.id)
        .where(
            Placement.person_id == person_id,
            Placement.starts_on <= day,
            sa.or_(Placement.ends_on.is_(None), Placement.ends_on >= day),
        )
    ).first()


def subtree(session: Session, unit: Unit) -> list[Unit]:
    """The unit and everything below it, parents before children."""
    return list(
        session.scalars(sa.select(Unit).where(Unit.path.startswith(unit.path)).order_by(Unit.path))
    )


PAGE_SIZE = 200


def people_in_reach(session: Session, viewer: Viewer, *, page: int | None = None) -> list[Person]:
    """The people an account may see, with their units, in tree order; a page of them when
    `page` is given (a province-wide office reaches tens of thousands)."""
    query = (
        sa.select(Person)
        .join(Unit, Person.unit_id == Unit.id)
        .options(contains_eager(Person.unit))
        .where(viewer.person_scope())
        .order_by(Unit.path, Person.leadership_role, Person.full_name, Person.id)
    )
    if page is not None:
        query = query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    return list(session.scalars(query))


def count_in_reach(session: Session, viewer: Viewer) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(Person.id))
            .join(Unit, Person.unit_id == Unit.id)
            .where(viewer.person_scope())
        )
        or 0
    )


def pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def units_with_counts(session: Session, viewer: Viewer) -> list[tuple[Unit, int]]:
    """Every unit in reach with the number of people placed in it now, in one query."""
    headcount = (
        sa.select(sa.func.count(Person.id))
        .where(Person.unit_id == Unit.id)
        .correlate(Unit)
        .scalar_subquery()
    )
    query = sa.select(Unit, headcount).order_by(Unit.path)
    if not viewer.is_admin:
        query = query.where(Unit.id.in_(viewer.unit_ids_in_reach()))
    return [(unit, count) for unit, count in session.execute(query)]
