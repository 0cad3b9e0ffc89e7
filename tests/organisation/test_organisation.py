"""The unit tree and people's placement history."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from evaluation.core.audit import AuditRecord
from evaluation.core.errors import DomainError
from evaluation.organisation import services
from evaluation.organisation.models import LeadershipRole, Placement, UnitKind


def test_paths_make_subtrees_one_query(session, make_unit):
    province = make_unit("Tỉnh", UnitKind.AGENCY)
    commune = make_unit("Xã", UnitKind.COMMUNE, parent=province)
    office = make_unit("Văn phòng", parent=commune)
    other = make_unit("Xã khác", UnitKind.COMMUNE, parent=province)
    assert office.path == f"/{province.id}/{commune.id}/{office.id}/"
    assert office.depth == 2
    assert services.subtree(session, commune) == [commune, office]
    assert commune.contains(office) and not office.contains(commune)
    assert not other.contains(office)
    assert {u.id for u in services.subtree(session, province)} == {
        province.id,
        commune.id,
        office.id,
        other.id,
    }


def test_a_unit_cannot_be_its_own_parent(session, make_unit):
    unit = make_unit()
    unit.parent_id = unit.id
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_moving_a_person_keeps_who_was_where(session, make_unit, make_person):
    first = make_unit("Phòng Kinh tế")
    second = make_unit("Văn phòng HĐND và UBND")
    person = make_person(first, starts_on=date(2025, 3, 1))
    services.move_person(
        session,
        person,
        to_unit=second,
        role=LeadershipRole.DEPUTY,
        job_position="Phó Chánh Văn phòng",
        on=date(2026, 7, 1),
        actor_id=None,
        reason="Điều động theo Quyết định số 15/QĐ-UBND",
    )
    assert person.unit == second
    assert person.leadership_role is LeadershipRole.DEPUTY
    history = session.scalars(
        sa.select(Placement).where(Placement.person_id == person.id).order_by(Placement.starts_on)
    ).all()
    assert [(p.unit, p.starts_on, p.ends_on) for p in history] == [
        (first, date(2025, 3, 1), date(2026, 6, 30)),
        (second, date(2026, 7, 1), None),
    ]
    assert services.unit_on(session, person.id, date(2026, 6, 30)) == first
    assert services.unit_on(session, person.id, date(2026, 7, 1)) == second
    assert services.unit_on(session, person.id, date(2025, 1, 1)) is None
    move = session.scalars(
        sa.select(AuditRecord).where(
            AuditRecord.object_type == "person", AuditRecord.object_id == person.id
        )
    ).one()
    assert move.reason == "Điều động theo Quyết định số 15/QĐ-UBND"


def test_a_move_cannot_predate_the_current_placement(session, make_unit, make_person):
    person = make_person(make_unit(), starts_on=date(2026, 5, 1))
    with pytest.raises(DomainError):
        services.move_person(
            session,
            person,
            to_unit=make_unit(),
            role=LeadershipRole.NONE,
            job_position="Chuyên viên",
            on=date(2026, 5, 1),
            actor_id=None,
        )


def test_only_one_open_placement_per_person(session, make_unit, make_person):
    person = make_person(make_unit())
    session.add(
        Placement(
            person=person,
            unit=person.unit,
            leadership_role=LeadershipRole.NONE,
            job_position="x",
            starts_on=date(2026, 2, 1),
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_person_page_shows_the_history(session, client, login_as, make_unit, make_person):
    first, second = make_unit("Phòng Kinh tế"), make_unit("Phòng Văn hóa - Xã hội")
    person = make_person(first, starts_on=date(2025, 1, 1))
    services.move_person(
        session,
        person,
        to_unit=second,
        role=LeadershipRole.NONE,
        job_position="Công chức văn hoá",
        on=date(2026, 7, 1),
        actor_id=None,
    )
    login_as(person)
    page = client.get(f"/organisation/people/{person.id}").get_data(as_text=True)
    history = page[page.index("Quá trình công tác") :]
    assert history.index("Phòng Kinh tế") < history.index("Phòng Văn hóa - Xã hội")
    assert "30/06/2026" in page
