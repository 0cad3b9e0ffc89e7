"""The staff import's confirmation is set-based (issue 17: 10 000 people in under 5 s).

It must write exactly what the person-by-person path wrote: the same people, placements and
units, the same audit records in the same order, the same refusal when only the order of the
rows shows a second head. `person_by_person` below is that path as it was (each person
created, moved and audited through the organisation services, flushing as it goes), kept
as the reference the set-based one is compared with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import gettext as _
from sqlalchemy.orm import Session, aliased

from criteria.levels import StaffCategory
from evaluation.accounts.models import AccountRole, User
from evaluation.core import audit
from evaluation.core.audit import AuditRecord
from evaluation.core.db import db, statements_run
from evaluation.core.errors import DomainError
from evaluation.imports import staff
from evaluation.imports.changes import CREATE, UPDATE, ImportInvalid, Preview, by_codes
from evaluation.imports.workbook import open_workbook
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, Person, Placement, Unit, UnitKind
from evaluation.organisation.permissions import Viewer
from tests.imports.helpers import staff_book

TODAY = date(2026, 12, 1)
EARLIER = date(2026, 1, 1)
DIVISIONS = ("SNV-D1", "SNV-D2", "SNV-D3", "SNV-D4")


# --- the reference: the person-by-person confirmation as it was -------------------------------


def person_by_person(
    session: Session, viewer: Viewer, payload: dict[str, Any], *, actor_id: int, today: date
) -> Preview:
    """`staff.apply` before issue 17: one unit, person and audit record at a time."""
    result = staff.preview(session, viewer, payload)
    if result.errors:
        raise ImportInvalid(result.errors)
    units = {c.code: c.target for c in result.sections["units"] if c.target is not None}
    for change in result.sections["units"]:
        r = change.data
        if change.action == CREATE:
            parent = (
                units.get(r["parent"])
                or session.scalars(sa.select(Unit).where(Unit.code == r["parent"])).one()
            )
            unit = organisation.create_unit(
                session, code=r["code"], name=r["name"], kind=UnitKind(r["kind"]), parent=parent
            )
            units[unit.code] = unit
            _record(session, actor_id, "unit", unit.id, "import_create", r)
        elif change.action == UPDATE:
            unit = change.target
            unit.name = r["name"]
            unit.kind = UnitKind(r["kind"])
            _record(session, actor_id, "unit", unit.id, "import_update", staff._diff(change))
    missing = {c.data["unit"] for c in result.sections["people"]} - set(units)
    units |= by_codes(session, Unit, missing)
    for change in sorted(result.sections["people"], key=staff._demotions_first):
        r = change.data
        unit = units[r["unit"]]
        born = date.fromisoformat(r["date_of_birth"]) if r["date_of_birth"] else None
        if change.action == CREATE:
            person = organisation.place_new_person(
                session,
                code=r["code"],
                full_name=r["full_name"],
                category=StaffCategory(r["category"]),
                job_position=r["job_position"],
                unit=unit,
                role=LeadershipRole(r["role"]),
                starts_on=today,
                date_of_birth=born,
                email=r["email"],
            )
            _record(session, actor_id, "person", person.id, "import_create", r)
        elif change.action == UPDATE:
            person = change.target
            person.full_name = r["full_name"]
            person.date_of_birth = born
            person.category = StaffCategory(r["category"])
            person.email = r["email"]
            organisation.change_placement(
                session,
                viewer,
                person,
                unit=unit,
                role=LeadershipRole(r["role"]),
                job_position=r["job_position"],
                on=today,
                actor_id=actor_id,
                reason=_("Nhập danh sách nhân sự từ tệp Excel"),
            )
            _record(session, actor_id, "person", person.id, "import_update", staff._diff(change))
    session.flush()
    return result


def _record(
    session: Session, actor_id: int, object_type: str, object_id: int, action: str, new: Any
) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        object_type=object_type,
        object_id=object_id,
        action=action,
        new=new,
    )


# --- a department, and files of any size for it ---------------------------------------------


@pytest.fixture
def world(session: Session, make_unit, make_person) -> dict[str, Any]:
    """A department with four divisions, two heads, its personnel office, and staff."""
    province = make_unit("Tỉnh", UnitKind.AGENCY, code="TINH")
    dept = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province, code="SNV")
    divisions = [
        make_unit(f"Phòng {n}", parent=dept, code=code) for n, code in enumerate(DIVISIONS)
    ]
    office = make_unit("Phòng Tổ chức", parent=dept, code="SNV-TC")
    personnel = make_person(office, account_role=AccountRole.PERSONNEL, served_unit=dept)
    heads = [
        make_person(divisions[0], role=LeadershipRole.HEAD, starts_on=EARLIER),
        make_person(divisions[1], role=LeadershipRole.HEAD, starts_on=EARLIER),
    ]
    return {"dept": dept, "divisions": divisions, "personnel": personnel, "heads": heads}


def staff_of(make_person: Callable[..., Person], world: dict[str, Any], count: int) -> list[Person]:
    """`count` people spread over the divisions; every fourth placed today (its placement is
    then corrected, not closed, when a file moves them)."""
    divisions = world["divisions"]
    return [
        make_person(divisions[n % 4], starts_on=TODAY if n % 4 == 3 else EARLIER)
        for n in range(count)
    ]


def row(person: Person, **changes: Any) -> list[Any]:
    """A person's row as the file writes it; blank optional cells keep the stored values."""
    values = {
        "code": person.code,
        "full_name": person.full_name,
        "date_of_birth": None,
        "category": person.category.value,
        "job_position": person.job_position,
        "unit": person.unit.code,
        "role": None,
        "email": None,
    } | changes
    return list(values.values())


def mixed_file(world: dict[str, Any], members: list[Person], new_people: int) -> bytes:
    """Every kind of change the confirmation writes, in numbers that grow with the file."""
    first, second = world["heads"]
    people = [
        row(first, role="Không giữ chức vụ"),  # a head relieved (written first) ...
        row(members[0], role="Trưởng phòng"),  # ... so that someone else can head the division
        row(second, unit="SNV-M-1", role="Cấp trưởng"),  # a head heading a new unit
    ]
    for n, person in enumerate(members[1:], start=1):
        kind = n % 5
        if kind == 0:
            people.append(row(person))  # unchanged
        elif kind == 1:
            people.append(row(person, full_name=f"Lê Thị Đổi {n}", email=f"doi{n}@so.vn"))
        elif kind == 2:
            people.append(row(person, unit=DIVISIONS[(n + 1) % 4], job_position="Kế toán"))
        elif kind == 3:
            people.append(row(person, role="Cấp phó", date_of_birth="02/03/1980"))
        else:
            people.append(row(person, unit="SNV-M", email="(xoá)"))
    for n in range(new_people):
        people.append(
            [
                f"MOI{n:04d}",
                f"Nguyễn Văn Mới {n}",
                "05/09/1985" if n % 2 else None,
                "Viên chức" if n % 3 else "Công chức",
                "Chuyên viên",
                ("SNV-M", "SNV-M-1", *DIVISIONS)[n % 6],
                "Cấp phó" if n % 7 == 0 else None,
                f"moi{n}@so.vn" if n % 2 else None,
            ]
        )
    units = [
        ["SNV-M", "Phòng Mới", "Phòng, ban", "SNV"],
        ["SNV-M-1", "Tổ Mới", "Phòng, ban", "SNV-M"],  # a child of a unit the file creates
        [DIVISIONS[2], "Phòng Hai (đổi tên)", "Phòng, ban", "SNV"],
    ]
    return staff_book(units, people)


def payload_of(data: bytes) -> dict[str, Any]:
    book = open_workbook(data)
    try:
        payload, errors = staff.parse(book, TODAY)
    finally:
        book.close()
    assert errors == []
    return payload


def viewer_of(session: Session, person: Person) -> Viewer:
    return session.scalars(sa.select(User).where(User.person_id == person.id)).one().viewer()


def account_of(session: Session, person: Person) -> int:
    return session.scalar(sa.select(User.id).where(User.person_id == person.id))


@contextmanager
def undone(session: Session) -> Iterator[None]:
    """Run the block in a savepoint rolled back afterwards, so both paths start alike."""
    savepoint = session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        session.expire_all()


# --- what each path wrote, as plain values --------------------------------------------------


def written(session: Session, audit_after: int) -> dict[str, list[tuple[Any, ...]]]:
    """Units, people, placements and the new audit records, by code rather than by id (the
    ids of new rows differ between runs on PostgreSQL, whose sequences do not roll back)."""
    session.flush()
    session.expire_all()
    code_of_unit = {i: c for i, c in session.execute(sa.select(Unit.id, Unit.code))}
    code_of_person = {i: c for i, c in session.execute(sa.select(Person.id, Person.code))}
    parent = aliased(Unit)
    units = session.execute(
        sa.select(Unit.code, Unit.name, Unit.kind, parent.code, Unit.path, Unit.depth)
        .outerjoin(parent, parent.id == Unit.parent_id)
        .order_by(Unit.code)
    ).all()
    people = session.execute(
        sa.select(
            Person.code,
            Person.full_name,
            Person.search_name,
            Person.date_of_birth,
            Person.email,
            Person.category,
            Person.job_position,
            Person.unit_id,
            Person.leadership_role,
            Person.front_desk,
        ).order_by(Person.code)
    ).all()
    placements = session.execute(
        sa.select(
            Placement.person_id,
            Placement.unit_id,
            Placement.leadership_role,
            Placement.job_position,
            Placement.starts_on,
            Placement.ends_on,
        )
    ).all()
    trail = session.execute(
        sa.select(
            AuditRecord.actor_id,
            AuditRecord.object_type,
            AuditRecord.object_id,
            AuditRecord.action,
            AuditRecord.old_value,
            AuditRecord.new_value,
            AuditRecord.reason,
            AuditRecord.at.is_not(None),
        )
        .where(AuditRecord.id > audit_after)
        .order_by(AuditRecord.id)
    ).all()

    def path(value: str) -> str:
        return "/".join(code_of_unit[int(part)] for part in value.strip("/").split("/"))

    def named(object_type: str, object_id: int) -> str:
        return (code_of_unit if object_type == "unit" else code_of_person)[object_id]

    return {
        "units": [(*u[:4], path(u.path), u.depth) for u in units],
        "people": [(*p[:7], code_of_unit[p.unit_id], *p[8:]) for p in people],
        "placements": sorted(
            (code_of_person[p[0]], code_of_unit[p[1]], p[2].value, *p[3:]) for p in placements
        ),
        "audit": [(a[0], a[1], named(a[1], a[2]), *a[3:]) for a in trail],
    }


def last_audit_id(session: Session) -> int:
    return session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditRecord.id), 0)))


# --- the tests -----------------------------------------------------------------------------


def test_the_set_based_confirmation_writes_what_the_person_by_person_one_wrote(
    app: Flask, session: Session, make_person, world
):
    staff_members = staff_of(make_person, world, 40)
    payload = payload_of(mixed_file(world, staff_members, new_people=60))
    viewer = viewer_of(session, world["personnel"])
    actor = account_of(session, world["personnel"])
    before = last_audit_id(session)
    with app.test_request_context():
        with undone(session):
            reference = person_by_person(session, viewer, payload, actor_id=actor, today=TODAY)
            expected = written(session, before)
        result = staff.apply(session, viewer, payload, actor_id=actor, today=TODAY)
        actual = written(session, before)

    assert [(c.code, c.action) for c in result.sections["people"]] == [
        (c.code, c.action) for c in reference.sections["people"]
    ]
    assert actual["units"] == expected["units"]
    assert actual["people"] == expected["people"]
    assert actual["placements"] == expected["placements"]
    assert actual["audit"] == expected["audit"]
    # the file did what it says: every kind of write is in the comparison
    actions = {record[3] for record in actual["audit"]}
    assert actions == {"import_create", "import_update", "move", "correct_placement"}
    assert len(actual["audit"]) > 100
    names = {p[0]: p[2] for p in actual["people"]}
    assert names[staff_members[1].code] == "le thi doi 1"  # the folded name follows the new one


def test_a_head_named_before_the_present_head_leaves_is_refused_alike(
    app: Flask, session: Session, make_person, world
):
    """Only the order shows it: the first head takes the second's division, listed before the
    second moves on. The preview passes each row; the confirmation refuses, naming the head."""
    first, second = world["heads"]
    data = staff_book(
        [["SNV-M", "Phòng Mới", "Phòng, ban", "SNV"]],
        [
            row(first, unit=DIVISIONS[1], role="Cấp trưởng"),
            row(second, unit="SNV-M", role="Cấp trưởng"),
        ],
    )
    payload = payload_of(data)
    viewer = viewer_of(session, world["personnel"])
    actor = account_of(session, world["personnel"])
    with app.test_request_context():
        assert staff.preview(session, viewer, payload).errors == []
        with undone(session), pytest.raises(DomainError) as old:
            person_by_person(session, viewer, payload, actor_id=actor, today=TODAY)
        with pytest.raises(DomainError) as new:
            staff.apply(session, viewer, payload, actor_id=actor, today=TODAY)
    assert str(new.value) == str(old.value)
    assert second.code in str(new.value)


def test_the_confirmation_runs_as_many_statements_for_300_people_as_for_30(
    app: Flask, session: Session, make_person, world
):
    """Not one statement (or flush) per person: a few reads, one write per kind of row."""
    staff_members = staff_of(make_person, world, 60)
    viewer = viewer_of(session, world["personnel"])
    actor = account_of(session, world["personnel"])
    counts = []
    for size, new_people in ((6, 24), (60, 240)):
        payload = payload_of(mixed_file(world, staff_members[:size], new_people))
        with app.test_request_context(), undone(session):
            with statements_run(db.engine_of(app)) as statements:
                result = staff.apply(session, viewer, payload, actor_id=actor, today=TODAY)
            assert result.count("people", "create") == new_people
            counts.append(len(statements))
    small, large = counts
    assert large == small, counts
    assert large < 60, counts
