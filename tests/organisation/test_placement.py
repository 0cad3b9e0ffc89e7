"""The placement page (issue 11): the same rules as the staff import, through one service
verb. Never one's own record, leaders only from the office above, one head per unit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from evaluation.accounts.models import AccountRole
from evaluation.core.audit import AuditRecord
from evaluation.core.clock import local_today
from evaluation.organisation import services
from evaluation.organisation.models import LeadershipRole, Person, Placement, UnitKind
from tests.conftest import form_errors
from tests.imports.helpers import people_rows


@pytest.fixture
def world(session, make_unit, make_person, make_admin):
    province = make_unit("Tỉnh", UnitKind.AGENCY, code="TINH")
    dept = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province, code="SNV")
    division = make_unit("Phòng Tổ chức", parent=dept, code="SNV-TC")
    planning = make_unit("Phòng Kế hoạch", parent=dept, code="SNV-KH")
    commune = make_unit("Xã Hoà An", UnitKind.COMMUNE, parent=province, code="XA")
    return {
        "dept": dept,
        "division": division,
        "planning": planning,
        "director": make_person(dept, role=LeadershipRole.HEAD, name="Vũ Văn Giám"),
        "chief": make_person(division, role=LeadershipRole.HEAD, name="Đặng Văn Trưởng"),
        "personnel": make_person(division, account_role=AccountRole.PERSONNEL, served_unit=dept),
        "clerk": make_person(division, name="Trần Thị Lan", starts_on=date(2025, 1, 1)),
        "commune_office": make_person(
            commune, account_role=AccountRole.PERSONNEL, served_unit=commune
        ),
        "admin": make_admin(),
    }


def url(person: Person) -> str:
    return f"/organisation/people/{person.id}/placement"


def post(client, person: Person, unit, role: LeadershipRole, **extra: str):
    data = {
        "unit_id": str(unit.id),
        "role": role.value,
        "job_position": person.job_position,
        "starts_on": local_today().isoformat(),
        "reason": "Quyết định số 12/QĐ-SNV",
        **extra,
    }
    return client.post(url(person), data=data)


@pytest.mark.parametrize(
    ("who", "target", "expected"),
    [
        ("personnel", "clerk", 200),
        ("personnel", "director", 200),  # the page opens; the leader rule answers on saving
        ("admin", "personnel", 200),
        ("personnel", "personnel", 403),  # never one's own record
        ("clerk", "clerk", 403),
        ("chief", "clerk", 403),  # a head manages work, not placements
        ("commune_office", "clerk", 403),  # outside the office's subtree
    ],
)
def test_who_opens_the_placement_page(client, login_as, world, who, target, expected):
    login_as(world[who])
    assert client.get(url(world[target])).status_code == expected


def test_the_page_refuses_a_second_head_next_to_the_role(session, client, login_as, world):
    """The finding through the form: the office cannot make its clerk the second head."""
    login_as(world["personnel"])
    before = people_rows(session)
    response = post(client, world["clerk"], world["division"], LeadershipRole.HEAD)
    assert response.status_code == 422
    chief = world["chief"]
    assert form_errors(response.get_data(as_text=True)) == [
        f"Phòng Tổ chức đã có cấp trưởng là {chief.full_name} ({chief.code}); mỗi đơn vị chỉ "
        "có một cấp trưởng. Hãy thôi chức vụ của người đó trước."
    ]
    assert people_rows(session) == before


def test_the_office_names_the_head_of_a_division_below_it(session, client, login_as, world):
    clerk = world["clerk"]
    login_as(world["personnel"])
    response = post(client, clerk, world["planning"], LeadershipRole.HEAD, job_position="TP")
    assert response.status_code == 302
    session.expire_all()
    today = local_today()
    history = session.execute(
        sa.select(Placement.unit_id, Placement.leadership_role, Placement.starts_on)
        .where(Placement.person_id == clerk.id)
        .order_by(Placement.starts_on)
    ).all()
    assert history == [
        (world["division"].id, LeadershipRole.NONE, date(2025, 1, 1)),
        (world["planning"].id, LeadershipRole.HEAD, today),
    ]
    record = session.scalars(
        sa.select(AuditRecord).where(
            AuditRecord.object_type == "person", AuditRecord.object_id == clerk.id
        )
    ).one()
    assert (record.action, record.reason) == ("move", "Quyết định số 12/QĐ-SNV")


@pytest.mark.parametrize(
    ("target", "unit", "role"),
    [
        ("clerk", "dept", LeadershipRole.DEPUTY),  # the office's own department
        ("director", "dept", LeadershipRole.NONE),  # relieving its head
        ("director", "planning", LeadershipRole.NONE),  # moving its head away
    ],
)
def test_the_office_does_not_set_its_own_units_leaders(
    session, client, login_as, world, target, unit, role
):
    login_as(world["personnel"])
    before = people_rows(session)
    response = post(client, world[target], world[unit], role)
    assert response.status_code == 422
    assert any(
        e.startswith("Chỉ quản trị viên hoặc bộ phận tổ chức cán bộ cấp trên của Sở Nội vụ")
        for e in form_errors(response.get_data(as_text=True))
    )
    assert people_rows(session) == before
    # an administrator may
    login_as(world["admin"])
    assert post(client, world[target], world[unit], role).status_code == 302


def test_a_head_is_replaced_once_relieved(session, client, login_as, world):
    login_as(world["personnel"])
    assert post(client, world["chief"], world["division"], LeadershipRole.DEPUTY).status_code == 302
    assert post(client, world["clerk"], world["division"], LeadershipRole.HEAD).status_code == 302
    session.expire_all()
    assert session.get(Person, world["clerk"].id).leadership_role is LeadershipRole.HEAD
    assert session.get(Person, world["chief"].id).leadership_role is LeadershipRole.DEPUTY


def test_a_date_before_the_present_placement_is_refused(session, client, login_as, world):
    login_as(world["personnel"])
    before = people_rows(session)
    too_early = (date(2025, 1, 1) - timedelta(days=1)).isoformat()
    response = post(
        client, world["clerk"], world["planning"], LeadershipRole.NONE, starts_on=too_early
    )
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == [
        "Ngày này trước ngày bắt đầu vị trí hiện tại (01/01/2025)."
    ]
    assert people_rows(session) == before


def test_the_own_record_is_refused_on_post_too(session, client, login_as, world):
    login_as(world["personnel"])
    before = people_rows(session)
    response = post(client, world["personnel"], world["planning"], LeadershipRole.HEAD)
    assert response.status_code == 403
    assert people_rows(session) == before


def test_the_person_page_links_to_the_placement_page_for_those_who_may(client, login_as, world):
    link = url(world["clerk"])
    login_as(world["personnel"])
    assert link in client.get(f"/organisation/people/{world['clerk'].id}").get_data(as_text=True)
    login_as(world["chief"])
    assert link not in client.get(f"/organisation/people/{world['clerk'].id}").get_data(
        as_text=True
    )


def test_a_head_named_between_check_and_write_is_a_form_error_not_a_500(
    session, client, login_as, world, monkeypatch
):
    """The race the checks cannot see (another request names a head after this one looked):
    the index refuses the write, and the page says so."""
    monkeypatch.setattr(services, "current_head", lambda _session, _unit_id: None)
    login_as(world["personnel"])
    before = people_rows(session)
    response = post(client, world["clerk"], world["division"], LeadershipRole.HEAD)
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == [
        "Đơn vị vừa có cấp trưởng do người khác cập nhật; chưa ghi gì. Hãy tải lại trang để "
        "xem dữ liệu mới."
    ]
    assert people_rows(session) == before
