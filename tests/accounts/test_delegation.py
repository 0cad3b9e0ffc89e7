"""Ủy quyền and acting heads (issue 13): while in force their holder sees and scores the unit's
people and an acting head decides (P2); the day after, nothing is left of it.

The world: an agency (head, deputy, staff) and a sibling agency whose staff member is made
acting head of the first for March 2026; a personnel office above both gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from evaluation.accounts import delegations
from evaluation.accounts.models import AccountRole, User
from evaluation.core.audit import AuditRecord
from evaluation.core.errors import DomainError
from evaluation.organisation.models import (
    Delegation,
    DelegationKind,
    LeadershipRole,
    Person,
    Unit,
    UnitKind,
)
from evaluation.scoring.permissions import can_score
from evaluation.scoring.procedure import competent_decider
from tests.conftest import account_id, form_errors

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@dataclass
class World:
    agency: Unit
    sibling: Unit
    head: Person
    deputy: Person
    staff: Person
    stand_in: Person  # staff of the sibling agency, acting head of `agency` in March
    office: Person


@pytest.fixture
def world(make_unit, make_person) -> World:
    province = make_unit("Tỉnh", UnitKind.AGENCY)
    agency = make_unit("Sở Xây dựng", UnitKind.AGENCY, province)
    sibling = make_unit("Sở Tài chính", UnitKind.AGENCY, province)
    office_unit = make_unit("Ban Tổ chức", parent=province)
    return World(
        agency=agency,
        sibling=sibling,
        head=make_person(agency, LeadershipRole.HEAD),
        deputy=make_person(agency, LeadershipRole.DEPUTY),
        staff=make_person(agency, name="Lê Thị Làm"),
        stand_in=make_person(sibling, name="Phan Văn Thay"),
        office=make_person(office_unit, account_role=AccountRole.PERSONNEL, served_unit=province),
    )


def viewer_of(session: Session, person: Person, day: date):
    user = session.get_one(User, account_id(session, person))
    session.expire(person, ["grants"])
    return user.viewer(day)


def acting_head(session: Session, world: World) -> Delegation:
    office = session.get_one(User, account_id(session, world.office)).viewer(MARCH[0])
    return delegations.create_delegation(
        session,
        office,
        kind=DelegationKind.ACTING_HEAD,
        unit=world.agency,
        from_code=None,
        to_code=world.stand_in.code,
        starts_on=MARCH[0],
        ends_on=MARCH[1],
        reason="Quyết định 12/QĐ giao quyền Giám đốc",
    )


@pytest.mark.parametrize(
    ("day", "in_force"),
    [(date(2026, 2, 28), False), (MARCH[0], True), (MARCH[1], True), (date(2026, 4, 1), False)],
)
def test_acting_head_reach_and_decision_follow_the_dates(
    session: Session, world: World, clock, day: date, in_force: bool
) -> None:
    acting_head(session, world)
    clock(day)
    viewer = viewer_of(session, world.stand_in, day)
    assert viewer.can_view_person(world.staff) is in_force
    assert can_score(viewer, world.staff) is in_force
    assert can_score(viewer, world.deputy) is in_force  # the head's role: deputies too
    assert not can_score(viewer, world.head)  # a unit's head answers to the unit above
    decider = competent_decider(session, world.staff)
    assert decider == (world.stand_in if in_force else world.head)
    # their own agency stays theirs to see, not to manage
    assert viewer.can_view_person(world.stand_in)


def test_acting_head_scores_through_the_pages_and_not_after(
    client: FlaskClient, session: Session, world: World, clock, login_as
) -> None:
    acting_head(session, world)
    clock(date(2026, 3, 20))
    login_as(world.stand_in)
    assert client.get(f"/organisation/people/{world.staff.id}").status_code == 200
    assert client.get(f"/scoring/2026-03/people/{world.staff.id}").status_code == 200
    assert "Lê Thị Làm" in client.get("/scoring/2026-03").text
    clock(date(2026, 4, 1))
    assert client.get(f"/organisation/people/{world.staff.id}").status_code == 403
    assert client.get(f"/scoring/2026-03/people/{world.staff.id}").status_code == 403


def test_nobody_decides_their_own_evaluation(session: Session, world: World, clock) -> None:
    """A deputy acting as head is decided on by the head, not by themselves."""
    office = session.get_one(User, account_id(session, world.office)).viewer(MARCH[0])
    delegations.create_delegation(
        session, office, kind=DelegationKind.ACTING_HEAD, unit=world.agency, from_code=None,
        to_code=world.deputy.code, starts_on=MARCH[0], ends_on=MARCH[1], reason="Phụ trách",
    )  # fmt: skip
    clock(date(2026, 3, 10))
    assert competent_decider(session, world.staff) == world.deputy
    assert competent_decider(session, world.deputy) == world.head


def test_delegation_lends_the_delegators_role(session: Session, world: World, clock) -> None:
    office = session.get_one(User, account_id(session, world.office)).viewer(MARCH[0])
    lent = delegations.create_delegation(
        session, office, kind=DelegationKind.DELEGATION, unit=world.agency,
        from_code=world.deputy.code, to_code=world.stand_in.code, starts_on=MARCH[0],
        ends_on=MARCH[1], reason="Ủy quyền khi đi công tác",
    )  # fmt: skip
    assert lent.role is LeadershipRole.DEPUTY
    viewer = viewer_of(session, world.stand_in, date(2026, 3, 5))
    assert can_score(viewer, world.staff)
    assert not can_score(viewer, world.deputy)  # a deputy's role: not over the deputy
    clock(date(2026, 3, 5))
    assert competent_decider(session, world.staff) == world.head  # a deputy does not decide


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to_code": "office"}, "to_code"),  # nobody gives themselves a delegation
        ({"kind": DelegationKind.DELEGATION, "from_code": "staff"}, "from_code"),  # not a leader
        ({"to_code": "NOBODY"}, "to_code"),
    ],
)
def test_refusals(session: Session, world: World, change: dict, field: str) -> None:
    codes = {"office": world.office.code, "staff": world.staff.code}
    arguments = {
        "kind": DelegationKind.ACTING_HEAD,
        "unit": world.agency,
        "from_code": None,
        "to_code": world.stand_in.code,
        "starts_on": MARCH[0],
        "ends_on": MARCH[1],
        "reason": "x",
    } | {key: codes.get(value, value) for key, value in change.items()}
    office = session.get_one(User, account_id(session, world.office)).viewer(MARCH[0])
    with pytest.raises(DomainError) as refused:
        delegations.create_delegation(session, office, **arguments)
    assert refused.value.field == field


def test_one_acting_head_at_a_time(session: Session, world: World) -> None:
    acting_head(session, world)
    office = session.get_one(User, account_id(session, world.office)).viewer(MARCH[0])
    with pytest.raises(DomainError):
        delegations.create_delegation(
            session, office, kind=DelegationKind.ACTING_HEAD, unit=world.agency, from_code=None,
            to_code=world.deputy.code, starts_on=date(2026, 3, 31), ends_on=date(2026, 4, 30),
            reason="Chồng lấn",
        )  # fmt: skip


def test_pages_give_and_end_an_acting_head(
    client: FlaskClient, session: Session, world: World, clock, login_as
) -> None:
    clock(date(2026, 3, 10))
    login_as(world.office)
    form = {
        "kind": "acting_head", "unit_id": world.agency.id, "to_code": world.stand_in.code,
        "starts_on": "2026-03-01", "ends_on": "2026-03-31", "reason": "Quyết định 12/QĐ",
    }  # fmt: skip
    response = client.post("/admin/delegations/new", data=form)
    assert response.status_code == 302, form_errors(response.text)
    listed = client.get("/admin/delegations").text
    assert "Phan Văn Thay" in listed and "đang có hiệu lực" in listed
    row = session.scalars(sa.select(Delegation)).one()
    # a head's own unit is given from above: the office on its own unit is refused
    login_as(world.stand_in)
    assert client.get(f"/scoring/2026-03/people/{world.staff.id}").status_code == 200
    assert client.post(f"/admin/delegations/{row.id}/end", data={"reason": "x"}).status_code == 403
    login_as(world.office)
    assert client.post(f"/admin/delegations/{row.id}/end", data={}).status_code == 302
    assert session.get_one(Delegation, row.id).ends_on == MARCH[1]  # no reason, not ended
    ended = client.post(f"/admin/delegations/{row.id}/end", data={"reason": "Giám đốc về"})
    assert ended.status_code == 302
    session.expire_all()
    assert session.get_one(Delegation, row.id).ends_on == date(2026, 3, 9)
    login_as(world.stand_in)
    assert client.get(f"/scoring/2026-03/people/{world.staff.id}").status_code == 403
    trail = session.scalars(
        sa.select(AuditRecord.action).where(AuditRecord.object_type == "unit")
    ).all()
    assert trail == ["create_delegation", "end_delegation"]


def test_staff_and_heads_have_no_delegation_pages(
    client: FlaskClient, world: World, login_as
) -> None:
    for who in (world.staff, world.head):
        login_as(who)
        assert client.get("/admin/delegations").status_code == 403
        assert client.post("/admin/delegations/new", data={}).status_code == 403
