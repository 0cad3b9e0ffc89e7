"""Issue 11: the staff import may not escalate. The importer's own record, the right to set
leaders, one head per unit, and blank cells that keep what is stored."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from criteria.levels import StaffCategory
from evaluation.accounts.models import AccountRole
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, Person, Placement, UnitKind
from tests.imports.helpers import (
    PEOPLE_HEADER,
    batch_id,
    counts,
    error_rows,
    people_rows,
    staff_book,
    upload,
)

URL = "/imports/staff"


@pytest.fixture
def office(session, make_unit, make_person):
    """A department with a headed division and an unheaded one, and its personnel office."""
    province = make_unit("Tỉnh", UnitKind.AGENCY, code="TINH")
    dept = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province, code="SNV")
    division = make_unit("Phòng Tổ chức", parent=dept, code="SNV-TC")
    planning = make_unit("Phòng Kế hoạch", parent=dept, code="SNV-KH")
    return {
        "dept": dept,
        "division": division,
        "planning": planning,
        "director": make_person(dept, role=LeadershipRole.HEAD, name="Vũ Văn Giám"),
        "chief": make_person(division, role=LeadershipRole.HEAD, name="Đặng Văn Trưởng"),
        "personnel": make_person(
            division, account_role=AccountRole.PERSONNEL, served_unit=dept, name="Lý Thị Cán"
        ),
        "clerk": make_person(division, name="Trần Thị Lan", starts_on=date(2025, 1, 1)),
    }


def row(person: Person, unit: str | None = None, **cells: object) -> list[object]:
    """A person's row as it stands (blank optional cells), with `cells` changed by header."""
    values = dict.fromkeys(PEOPLE_HEADER)
    values.update(
        {
            "Mã cán bộ": person.code,
            "Họ và tên": person.full_name,
            "Đối tượng": "Công chức",
            "Vị trí việc làm": person.job_position,
            "Mã đơn vị": unit or person.unit.code,
        }
    )
    values.update({key.replace("_", " "): value for key, value in cells.items()})
    return list(values.values())


def refused(session, client, people: list[list[object]]) -> list[str]:
    """Upload; the file must be refused (422) with nothing written. Returns the error rows."""
    before, rows_before = counts(session), people_rows(session)
    response = upload(client, URL, staff_book([], people))
    assert response.status_code == 422, response.get_data(as_text=True)[:2000]
    assert counts(session) == before
    assert people_rows(session) == rows_before
    return error_rows(response.get_data(as_text=True))


def confirm(client, people: list[list[object]]) -> str:
    """Upload, read the preview, confirm; returns the preview page."""
    url = f"/imports/batches/{batch_id(upload(client, URL, staff_book([], people)))}"
    page = client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/confirm").status_code == 302
    return page


def test_a_second_head_for_a_headed_unit_is_refused(session, client, login_as, office):
    """The finding replayed: the office made its clerk Cấp trưởng of a unit with a head."""
    login_as(office["personnel"])
    chief = office["chief"]
    shown = refused(session, client, [row(office["clerk"], Chức_vụ_lãnh_đạo="Cấp trưởng")])
    assert shown == [
        "Nhân sự | 2 | G · Chức vụ lãnh đạo | Phòng Tổ chức đã có cấp trưởng là "
        f"{chief.full_name} ({chief.code}); mỗi đơn vị chỉ có một cấp trưởng. Hãy thôi chức "
        "vụ của người đó trước."
    ]


def test_two_heads_of_one_unit_in_one_file_are_refused(session, client, login_as, office):
    login_as(office["personnel"])
    new = ["CB1", "Ngô Văn Một", None, "Công chức", "Trưởng phòng", "SNV-KH", "Cấp trưởng", None]
    shown = refused(
        session,
        client,
        [new, row(office["clerk"], "SNV-KH", Chức_vụ_lãnh_đạo="Trưởng phòng")],
    )
    assert shown == [
        "Nhân sự | 3 | G · Chức vụ lãnh đạo | Dòng 2 đã ghi một cấp trưởng khác cho đơn vị "
        "SNV-KH; mỗi đơn vị chỉ có một cấp trưởng."
    ]


def test_a_head_is_replaced_when_the_same_file_relieves_the_present_one(
    session, client, login_as, office
):
    """The new head's row comes first; the present head is relieved before anyone is named."""
    clerk, chief = office["clerk"], office["chief"]
    login_as(office["personnel"])
    confirm(
        client,
        [
            row(clerk, Chức_vụ_lãnh_đạo="Cấp trưởng"),
            row(chief, Chức_vụ_lãnh_đạo="Cấp phó"),
        ],
    )
    session.expire_all()
    assert session.get(Person, clerk.id).leadership_role is LeadershipRole.HEAD
    assert session.get(Person, chief.id).leadership_role is LeadershipRole.DEPUTY
    open_roles = session.execute(
        sa.select(Placement.person_id, Placement.leadership_role).where(
            Placement.person_id.in_([clerk.id, chief.id]), Placement.ends_on.is_(None)
        )
    ).all()
    assert sorted(open_roles) == sorted(
        [(clerk.id, LeadershipRole.HEAD), (chief.id, LeadershipRole.DEPUTY)]
    )


def test_a_head_moves_to_head_a_unit_whose_head_the_file_relieves(
    session, client, login_as, make_person, office
):
    """Rows in the order people write them: the unit's present head is relieved first."""
    chief = office["chief"]
    planner = make_person(office["planning"], role=LeadershipRole.HEAD, name="Cao Văn Kế")
    login_as(office["personnel"])
    confirm(
        client,
        [
            row(chief, "SNV-KH", Chức_vụ_lãnh_đạo="Cấp trưởng"),
            row(office["clerk"], Chức_vụ_lãnh_đạo="Cấp trưởng"),
            row(planner, Chức_vụ_lãnh_đạo="Cấp phó"),
        ],
    )
    session.expire_all()
    heads = session.execute(
        sa.select(Person.code, Person.unit_id).where(
            Person.leadership_role == LeadershipRole.HEAD,
            Person.unit_id.in_([office["division"].id, office["planning"].id]),
        )
    ).all()
    assert sorted(heads) == sorted(
        [(chief.code, office["planning"].id), (office["clerk"].code, office["division"].id)]
    )


@pytest.mark.parametrize(
    "cells",
    [
        {"Chức_vụ_lãnh_đạo": "Cấp trưởng", "Mã_đơn_vị": "SNV-KH"},
        {"Chức_vụ_lãnh_đạo": "Cấp phó"},
        {"Họ_và_tên": "Lý Thị Cán Bộ"},
        {"Email": "toi@example.vn"},
    ],
    ids=["made head elsewhere", "made deputy", "renamed", "new email"],
)
def test_the_importer_never_changes_their_own_record(session, client, login_as, office, cells):
    personnel = office["personnel"]
    login_as(personnel)
    shown = refused(session, client, [row(personnel, **cells)])
    assert shown[0].startswith(
        "Nhân sự | 2 | A · Mã cán bộ | Đây là hồ sơ của chính bạn: không ai tự thay đổi được"
    ), shown


@pytest.mark.parametrize(
    ("served", "who", "cells"),
    [
        # the department's office does not appoint the department's own leaders
        ("dept", "clerk", {"Mã_đơn_vị": "SNV", "Chức_vụ_lãnh_đạo": "Cấp phó"}),
        ("dept", "director", {"Chức_vụ_lãnh_đạo": "Không giữ chức vụ"}),
        ("dept", "director", {"Mã_đơn_vị": "SNV-KH"}),  # moving a head relieves them too
        # a division's own office does not appoint the division's leaders
        ("division", "clerk", {"Chức_vụ_lãnh_đạo": "Cấp phó"}),
        ("division", "chief", {"Chức_vụ_lãnh_đạo": "(xoá)"}),
    ],
)
def test_leaders_are_set_only_by_the_office_above_their_unit(
    session, client, login_as, make_person, office, served, who, cells
):
    importer = make_person(
        office["planning"], account_role=AccountRole.PERSONNEL, served_unit=office[served]
    )
    login_as(importer)
    shown = refused(session, client, [row(office[who], **cells)])
    assert any(
        "| G · Chức vụ lãnh đạo | Chỉ quản trị viên hoặc bộ phận tổ chức cán bộ cấp trên" in r
        for r in shown
    ), shown


def test_the_office_above_sets_a_divisions_leaders(session, client, login_as, office):
    login_as(office["personnel"])
    confirm(client, [row(office["clerk"], "SNV-KH", Chức_vụ_lãnh_đạo="Cấp trưởng")])
    session.expire_all()
    clerk = session.get(Person, office["clerk"].id)
    assert (clerk.unit.code, clerk.leadership_role) == ("SNV-KH", LeadershipRole.HEAD)


def test_the_database_holds_one_head_per_unit(session, office):
    """Even a write that skips every form: the partial unique index refuses it."""
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            Person(
                code="TRUONG-2",
                full_name="Người Thứ Hai",
                category=StaffCategory.CONG_CHUC,
                job_position="Trưởng phòng",
                unit_id=office["division"].id,
                leadership_role=LeadershipRole.HEAD,
            )
        )
        session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            sa.update(Person)
            .where(Person.id == office["clerk"].id)
            .values(leadership_role=LeadershipRole.HEAD)
        )
    # deputies are as many as the unit needs, and another unit takes its own head
    session.execute(
        sa.update(Person)
        .where(Person.id == office["clerk"].id)
        .values(leadership_role=LeadershipRole.DEPUTY)
    )
    session.execute(
        sa.update(Person)
        .where(Person.id == office["personnel"].id)
        .values(leadership_role=LeadershipRole.DEPUTY)
    )
    session.flush()


def test_a_head_named_after_the_preview_is_caught_at_confirmation(
    session, client, login_as, make_person, office
):
    login_as(office["personnel"])
    response = upload(
        client, URL, staff_book([], [row(office["clerk"], "SNV-KH", Chức_vụ_lãnh_đạo="Cấp trưởng")])
    )
    url = f"/imports/batches/{batch_id(response)}"
    meanwhile = make_person(office["planning"], role=LeadershipRole.HEAD, name="Mai Văn Nhanh")
    before, rows_before = counts(session), people_rows(session)
    response = client.post(f"{url}/confirm")
    assert response.status_code == 409
    assert f"đã có cấp trưởng là Mai Văn Nhanh ({meanwhile.code})" in response.get_data(
        as_text=True
    )
    assert counts(session) == before and people_rows(session) == rows_before


# --- blank cells and the clear marker --------------------------------------------------------


@pytest.fixture
def deputy(session, office, make_person):
    person = make_person(office["division"], role=LeadershipRole.DEPUTY, name="Hà Thị Phó")
    person.date_of_birth = date(1980, 5, 1)
    person.email = "pho@example.vn"
    session.flush()
    return person


def stored(session, person: Person) -> tuple[object, ...]:
    session.expire_all()
    again = session.get(Person, person.id)
    return (again.date_of_birth, again.email, again.leadership_role)


def test_blank_optional_cells_leave_the_stored_values_alone(
    session, client, login_as, office, deputy
):
    login_as(office["personnel"])
    before = people_rows(session)
    page = confirm(client, [row(deputy)])
    assert "Nhân sự: 0 thêm mới, 0 cập nhật, 1 giữ nguyên" in page
    assert "ô ghi “(xoá)” thì xoá giá trị đó" in page  # the preview says how to clear
    assert stored(session, deputy) == (date(1980, 5, 1), "pho@example.vn", LeadershipRole.DEPUTY)
    assert people_rows(session) == before


def test_the_marker_clears_an_optional_value(session, client, login_as, office, deputy):
    login_as(office["personnel"])
    page = confirm(
        client, [row(deputy, Ngày_sinh="(xoá)", Email="(XOA)", Chức_vụ_lãnh_đạo=" (xoá) ")]
    )
    assert "Nhân sự: 0 thêm mới, 1 cập nhật, 0 giữ nguyên" in page
    assert "Email: <del>pho@example.vn</del> → <strong>(xoá)</strong>" in page
    assert stored(session, deputy) == (None, None, LeadershipRole.NONE)


def test_a_typed_value_still_replaces_the_stored_one(session, client, login_as, office, deputy):
    login_as(office["personnel"])
    confirm(client, [row(deputy, Ngày_sinh="02/03/1981", Email="moi@example.vn")])
    assert stored(session, deputy) == (date(1981, 3, 2), "moi@example.vn", LeadershipRole.DEPUTY)


def test_a_new_person_with_blank_cells_has_none_of_them(session, client, login_as, office):
    login_as(office["personnel"])
    confirm(
        client,
        [["CB7", "Phan Văn Bảy", "(xoá)", "Công chức", "Chuyên viên", "SNV-KH", None, None]],
    )
    person = session.scalars(sa.select(Person).where(Person.code == "CB7")).one()
    assert stored(session, person) == (None, None, LeadershipRole.NONE)


def test_the_marker_is_refused_where_a_value_is_required(session, client, login_as, office):
    login_as(office["personnel"])
    shown = refused(session, client, [row(office["clerk"], Họ_và_tên="(xoá)")])
    assert shown[0].startswith("Nhân sự | 2 | B · Họ và tên | Không xoá được ô này bằng “(xoá)”")


def test_the_template_explains_blank_cells_and_the_marker(client, login_as, office):
    login_as(office["personnel"])
    response = client.get(f"{URL}/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    guide = " ".join(str(cell) for (cell,) in book["Hướng dẫn"].values if cell)
    book.close()
    assert "để trống thì giữ nguyên giá trị đã lưu" in guide and "“(xoá)”" in guide
    assert "Mỗi đơn vị chỉ có một cấp trưởng" in guide


def test_a_head_the_checks_could_not_see_is_refused_by_the_database_not_a_500(
    session, client, login_as, office, monkeypatch
):
    """The race past every check (another request names the head after this one looked): the
    index refuses the write; the office gets the preview again (409) and nothing is written."""
    monkeypatch.setattr(organisation, "heads_of", lambda _session, _ids: {})
    monkeypatch.setattr(organisation, "current_head", lambda _session, _unit_id: None)
    login_as(office["personnel"])
    response = upload(
        client, URL, staff_book([], [row(office["clerk"], Chức_vụ_lãnh_đạo="Cấp trưởng")])
    )
    url = f"/imports/batches/{batch_id(response)}"
    before, rows_before = counts(session), people_rows(session)
    response = client.post(f"{url}/confirm")
    assert response.status_code == 409
    assert "Dữ liệu đã thay đổi từ lúc xem trước; chưa ghi gì." in response.get_data(as_text=True)
    assert counts(session) == before and people_rows(session) == rows_before
