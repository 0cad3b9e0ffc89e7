"""Verbs on the organisation: create units, place and move people, and the queries pages need."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.sql.util import find_tables

from criteria.levels import StaffCategory
from criteria.rulebooks import rulebook_family
from evaluation.core import audit
from evaluation.core.errors import DomainError
from evaluation.core.text import fold
from evaluation.organisation.models import (
    Delegation,
    DelegationKind,
    LeadershipRole,
    Person,
    Placement,
    Unit,
    UnitKind,
    UnitLike,
)
from evaluation.organisation.permissions import Viewer

AnyUnit = TypeVar("AnyUnit", bound=UnitLike)  # a mapped unit or a row of its columns


def agencies_among(units: Iterable[AnyUnit]) -> list[AnyUnit]:
    """The units that evaluate, hold a quota and propose titles on their own: agencies, public
    service units and communes; a division (phòng) belongs to the one above it."""
    return [unit for unit in units if unit.kind is not UnitKind.DIVISION]


def nearest_agency(path: str, known: Mapping[int, AnyUnit]) -> AnyUnit:
    """The agency a unit belongs to for the evaluation, its quota and its titles: the nearest
    unit on its path (the unit itself, then those above) that `agencies_among` keeps; where
    none is known, the topmost known (a tree made of divisions alone answers to its root).

    `known` maps ids to units: the unit's ancestors, or every agency of a subtree read at
    once, so a whole province is grouped without a query per person.
    """
    line = [known[ident] for ident in path_ids(path) if ident in known]
    if not line:
        raise LookupError(f"no known unit on {path}")
    return next(iter(agencies_among(reversed(line))), line[0])


def quota_group(path: str, rulebook: str, known: Mapping[int, UnitLike]) -> tuple[int, str]:
    """The quota group (Q1–Q4) of an evaluation in the unit at `path`: its nearest agency ×
    the family of the rule set it was judged by (nd90, nd335), whatever the version."""
    return nearest_agency(path, known).id, rulebook_family(rulebook)


def agencies_within(session: Session, roots: Iterable[Unit]) -> dict[int, Unit]:
    """The agencies at or under `roots` (`agencies_among` in SQL), by id, in one query: what
    `nearest_agency` needs to know of their subtrees."""
    roots = list(roots)
    if not roots:
        return {}
    found = session.scalars(
        sa.select(Unit).where(
            sa.or_(*(Unit.path.startswith(root.path) for root in roots)),
            Unit.kind != UnitKind.DIVISION,
        )
    )
    return {unit.id: unit for unit in found}


def units_of_agency(session: Session, agency: Unit) -> sa.ColumnElement[bool]:
    """`nearest_agency(Unit.path) is agency`, in SQL: the agency's subtree less the agencies
    nested in it (a department's archive centre, a province's communes) and their subtrees."""
    nested = [unit for unit in agencies_within(session, [agency]).values() if unit != agency]
    return sa.and_(
        Unit.path.startswith(agency.path), *(~Unit.path.startswith(u.path) for u in nested)
    )


def path_ids(path: str) -> list[int]:
    """The ids on a materialized path ("/1/4/9/" → [1, 4, 9]), the root first."""
    return [int(part) for part in path.strip("/").split("/")]


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


def ancestors(session: Session, unit: Unit) -> list[Unit]:
    """The unit and those above it, the root first, in one query from its path."""
    ids = [int(part) for part in unit.path.strip("/").split("/")]
    by_id = {u.id: u for u in session.scalars(sa.select(Unit).where(Unit.id.in_(ids)))}
    return [by_id[i] for i in ids]


def agency_of(session: Session, unit: Unit) -> Unit:
    """The agency or unit a division belongs to: the nearest unit that is not a division
    (a tree made of divisions alone answers to its topmost one)."""
    return nearest_agency(unit.path, {u.id: u for u in ancestors(session, unit)})


def current_head(session: Session, unit_id: int) -> Person | None:
    """The unit's head now: at most one, held by the index `uq_person_one_head_per_unit`."""
    return session.scalars(
        sa.select(Person).where(
            Person.unit_id == unit_id, Person.leadership_role == LeadershipRole.HEAD
        )
    ).one_or_none()


def deciding_head(
    session: Session, unit_id: int, day: date, evaluated_id: int | None = None
) -> Person | None:
    """Who acts as the unit's head on `day`: the holder of a head's delegation or acting-head
    assignment in force (the acting head first), else its head (P2 follows it). Nobody acts
    on their own evaluation (`evaluated_id`): the head does."""
    in_force = sa.and_(
        Delegation.to_person_id == Person.id,
        Delegation.unit_id == unit_id,
        Delegation.role == LeadershipRole.HEAD,
        Delegation.starts_on <= day,
        Delegation.ends_on >= day,
        Person.id != (evaluated_id or 0),
    )
    head = sa.and_(Person.unit_id == unit_id, Person.leadership_role == LeadershipRole.HEAD)
    return session.scalars(  # one query: the acting holders first, then the head
        sa.select(Person)
        .outerjoin(Delegation, in_force)
        .where(sa.or_(Delegation.id.is_not(None), head))
        .order_by(
            Delegation.id.is_(None),
            Delegation.kind != DelegationKind.ACTING_HEAD,
            Delegation.id.desc(),
        )
        .limit(1)
    ).first()


def heads_of(session: Session, unit_ids: Iterable[int]) -> dict[int, Person]:
    """The current heads of many units at once, by unit id (for the staff import)."""
    wanted = sorted(set(unit_ids))
    found: dict[int, Person] = {}
    for start in range(0, len(wanted), 500):  # bound the IN list (SQLite's parameter limit)
        chunk = wanted[start : start + 500]
        for person in session.scalars(
            sa.select(Person).where(
                Person.unit_id.in_(chunk), Person.leadership_role == LeadershipRole.HEAD
            )
        ):
            found[person.unit_id] = person
    return found


def own_record_refusal() -> str:
    return _(
        "Đây là hồ sơ của chính bạn: không ai tự thay đổi được hồ sơ, đơn vị hay chức vụ của "
        "mình. Hãy đề nghị cấp có thẩm quyền cập nhật."
    )


def leadership_refusal(
    viewer: Viewer, person: Person | None, unit: Unit | None, role: LeadershipRole
) -> str | None:
    """Why this account may not give `person` (None: a new person) `role` in `unit`, or None.

    The one rule of the placement page and the staff import: making someone head or deputy,
    or ending it, needs `Viewer.can_set_leadership` on each unit concerned. `unit` None is a
    unit the same import creates, below a unit the account reaches.
    """
    old_unit = person.unit if person is not None else None
    old_role = person.leadership_role if person is not None else LeadershipRole.NONE
    same_unit = old_unit is not None and unit is not None and old_unit.id == unit.id
    if same_unit and old_role is role:
        return None
    concerned: list[Unit | None] = []
    if role.is_leader:
        concerned.append(unit)
    if old_role.is_leader:
        concerned.append(old_unit)
    for target in concerned:
        if target is not None and not viewer.can_set_leadership(target):
            return _(
                "Chỉ quản trị viên hoặc bộ phận tổ chức cán bộ cấp trên của %(unit)s mới được "
                "bổ nhiệm hoặc thôi chức vụ lãnh đạo ở đơn vị này.",
                unit=target.name,
            )
    return None


def second_head_refusal(unit: Unit | str, head: Person) -> str:
    """The message for a unit that has a head already (named, with their code)."""
    return _(
        "%(unit)s đã có cấp trưởng là %(name)s (%(code)s); mỗi đơn vị chỉ có một cấp trưởng. "
        "Hãy thôi chức vụ của người đó trước.",
        unit=unit.name if isinstance(unit, Unit) else unit,
        name=head.full_name,
        code=head.code,
    )


def head_race_refusal() -> str:
    """When the database's one-head index refuses a write the checks let through (a race)."""
    return _(
        "Đơn vị vừa có cấp trưởng do người khác cập nhật; chưa ghi gì. Hãy tải lại trang để "
        "xem dữ liệu mới."
    )


def change_placement(
    session: Session,
    viewer: Viewer,
    person: Person,
    *,
    unit: Unit,
    role: LeadershipRole,
    job_position: str,
    on: date,
    actor_id: int | None,
    reason: str | None,
) -> bool:
    """Move a person or change their role from `on`, after the checks both the placement page
    and the staff import make: never one's own record, the right to set leaders, one head.
    False when nothing changes.

    A placement that begins on or after `on` is corrected rather than closed: a placement
    lasts at least a day.
    """
    if person.id == viewer.person_id:
        raise DomainError(own_record_refusal())
    refusal = leadership_refusal(viewer, person, unit, role)
    if refusal is not None:
        raise DomainError(refusal, field="role")
    if role is LeadershipRole.HEAD:
        head = current_head(session, unit.id)
        if head is not None and head.id != person.id:
            raise DomainError(second_head_refusal(unit, head), field="role")
    if (person.unit_id, person.leadership_role, person.job_position) == (
        unit.id,
        role,
        job_position,
    ):
        return False
    current = open_placement(session, person)
    if current.starts_on < on:
        move_person(
            session,
            person,
            to_unit=unit,
            role=role,
            job_position=job_position,
            on=on,
            actor_id=actor_id,
            reason=reason,
        )
        return True
    old = {"unit": current.unit.code, "role": current.leadership_role.value}
    current.unit = unit
    current.leadership_role = role
    current.job_position = job_position
    person.unit = unit
    person.leadership_role = role
    person.job_position = job_position
    audit.record(
        session,
        actor_id=actor_id,
        object_type="person",
        object_id=person.id,
        action="correct_placement",
        old=old,
        new={"unit": unit.code, "role": role.value, "from": current.starts_on.isoformat()},
        reason=reason,
    )
    session.flush()
    return True


def open_placement(session: Session, person: Person) -> Placement:
    return session.scalars(
        sa.select(Placement).where(Placement.person_id == person.id, Placement.ends_on.is_(None))
    ).one()


def placeable_units(session: Session, viewer: Viewer) -> list[Unit]:
    """The units the placement page offers: all for an administrator, else the office's."""
    query = sa.select(Unit).order_by(Unit.path)
    if not viewer.is_admin:
        if viewer.served_path is None:
            return []
        query = query.where(Unit.path.startswith(viewer.served_path))
    return list(session.scalars(query))


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
# The lists with filters (plans, the overdue report, evaluations, the audit trail).
LIST_PAGE_SIZE = 50


def name_matches(
    search: str | None, column: sa.ColumnElement[str] | None = None
) -> sa.ColumnElement[bool]:
    """People whose name holds every word typed, ignoring case and diacritics ("nguyen van an",
    "AN nguyễn" and "Nguyễn Văn An" all find Nguyễn Văn An); everyone when nothing is typed.
    `column` is another alias's `search_name` (the audit trail's actor)."""
    words = fold(search or "").split()
    name = Person.search_name if column is None else column
    return sa.and_(sa.true(), *(name.contains(word, autoescape=True) for word in words))


def people_in_reach(
    session: Session,
    viewer: Viewer,
    *,
    page: int | None = None,
    search: str | None = None,
    where: sa.ColumnElement[bool] | None = None,
    page_size: int | None = None,
) -> list[Person]:
    """The people an account may see, with their units, in tree order; a page of them when
    `page` is given (a province-wide office reaches tens of thousands), those matching the
    search box (`name_matches`) and the page's own filter (`where`) when given."""
    query = (
        sa.select(Person)
        .join(Unit, Person.unit_id == Unit.id)
        .options(contains_eager(Person.unit))
        .where(viewer.person_scope(session), name_matches(search))
        .order_by(Unit.path, Person.leadership_role, Person.full_name, Person.id)
    )
    if where is not None:
        query = query.where(where)
    if page is not None:
        size = page_size or PAGE_SIZE
        query = query.limit(size).offset((page - 1) * size)
    return list(session.scalars(query))


def count_in_reach(
    session: Session,
    viewer: Viewer,
    *,
    search: str | None = None,
    where: sa.ColumnElement[bool] | None = None,
) -> int:
    """How many people `people_in_reach` lists. The units are joined only when a condition
    names them: every person has a unit, and a count over the people alone reads an index (a
    province's 40 000 people on SQLite: 6.1 ms with the join, 2.4 without)."""
    conditions = [viewer.person_scope(session), name_matches(search)]
    if where is not None:
        conditions.append(where)
    query = sa.select(sa.func.count()).select_from(Person).where(*conditions)
    if any(Unit.__table__ in find_tables(c, check_columns=True) for c in conditions):
        query = query.join(Unit, Person.unit_id == Unit.id)
    return session.scalar(query) or 0


def pages(total: int, page_size: int | None = None) -> int:
    return max(1, -(-total // (page_size or PAGE_SIZE)))


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
