"""The staff list import: template, preview, confirm, idempotence, and every bad file refused."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from criteria.levels import StaffCategory
from evaluation.accounts.models import AccountRole
from evaluation.core.clock import local_today
from evaluation.imports.models import ImportBatch, ImportStatus
from evaluation.organisation.models import LeadershipRole, Person, Placement, Unit, UnitKind
from tests.conftest import PASSWORD
from tests.imports.helpers import (
    PEOPLE_HEADER,
    UNIT_HEADER,
    batch_id,
    counts,
    error_rows,
    staff_book,
    upload,
    workbook,
)

URL = "/imports/staff"


@pytest.fixture
def office(session, make_unit, make_person):
    """A department with one division and one person, its personnel office, and a commune."""
    province = make_unit("Tỉnh", UnitKind.AGENCY, code="TINH")
    dept = make_unit("Sở Nội vụ", UnitKind.AGENCY, parent=province, code="SNV")
    division = make_unit("Phòng Tổ chức", parent=dept, code="SNV-TC")
    commune = make_unit("Xã Hoà An", UnitKind.COMMUNE, parent=province, code="XA")
    personnel = make_person(division, account_role=AccountRole.PERSONNEL, served_unit=dept)
    clerk = make_person(division, name="Trần Thị Lan", starts_on=date(2025, 1, 1))
    outsider = make_person(commune, name="Lê Văn Xa")
    return {
        "dept": dept,
        "division": division,
        "commune": commune,
        "personnel": personnel,
        "clerk": clerk,
        "outsider": outsider,
    }


def good_file(clerk: Person, personnel: Person) -> bytes:
    return staff_book(
        units=[
            ["SNV-KT", "Phòng Kinh tế", "Phòng, ban", "SNV"],
            ["SNV-KT-1", "Tổ Kế hoạch", "phong", "SNV-KT"],  # a child listed after its parent
            ["SNV-TC", "Phòng Tổ chức cán bộ", "Phòng", "SNV"],  # renamed
        ],
        people=[
            [
                "CB001",
                "Nguyễn Văn An",
                datetime(1985, 9, 5),  # noqa: DTZ001  (a spreadsheet date is naive)
                "Công chức",
                "Trưởng phòng",
                "SNV-KT",
                "Trưởng phòng",
                "an@example.vn",
            ],
            [
                "CB002",
                "Phạm Thị Bình",
                "12/03/1990",
                "vien_chuc",
                "Chuyên viên",
                "SNV-KT-1",
                "",
                "",
            ],
            # the clerk moves to the new division as its deputy
            [
                clerk.code,
                clerk.full_name,
                None,
                "Công chức",
                "Phó Trưởng phòng",
                "SNV-KT",
                "Cấp phó",
                None,
            ],
            # the office's own person, unchanged
            [
                personnel.code,
                personnel.full_name,
                None,
                "Công chức",
                "Chuyên viên",
                "SNV-TC",
                None,
                None,
            ],
        ],
    )


def test_the_template_has_the_sheets_and_headers_the_import_reads(client, login_as, office):
    login_as(office["personnel"])
    response = client.get(f"{URL}/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Hướng dẫn", "Danh mục", "Đơn vị", "Nhân sự"]
    header = [c.replace(" (*)", "") for c in next(book["Nhân sự"].values)]
    assert header == PEOPLE_HEADER
    assert [c.replace(" (*)", "") for c in next(book["Đơn vị"].values)] == UNIT_HEADER
    book.close()
    # the blank template uploads cleanly and has nothing to write
    page = client.get(batch_url(client, upload(client, URL, response.data)))
    assert "không có gì mới" in page.get_data(as_text=True)


def batch_url(client, response) -> str:
    return f"/imports/batches/{batch_id(response)}"


def test_a_good_file_previews_then_creates_what_it_says(session, client, login_as, office):
    clerk, personnel = office["clerk"], office["personnel"]
    login_as(personnel)
    before = counts(session)
    # one file, uploaded twice below: openpyxl stamps the build time into each workbook
    data = good_file(clerk, personnel)
    response = upload(client, URL, data)
    url = batch_url(client, response)
    page = client.get(url).get_data(as_text=True)
    assert "Đơn vị: 2 thêm mới, 1 cập nhật, 0 giữ nguyên" in page
    assert "Nhân sự: 2 thêm mới, 1 cập nhật, 1 giữ nguyên" in page
    assert "<del>Phòng Tổ chức</del> → <strong>Phòng Tổ chức cán bộ</strong>" in page
    assert "<del>SNV-TC</del> → <strong>SNV-KT</strong>" in page
    # nothing written before the office confirms (only the pending batch)
    assert counts(session) == {**before, "import_batch": before["import_batch"] + 1}

    response = client.post(f"{url}/confirm")
    assert response.status_code == 302
    session.expire_all()
    units = {u.code: u for u in session.scalars(sa.select(Unit))}
    assert units["SNV-KT"].parent.code == "SNV" and units["SNV-KT"].kind is UnitKind.DIVISION
    assert units["SNV-KT-1"].path == f"{units['SNV-KT'].path}{units['SNV-KT-1'].id}/"
    assert units["SNV-TC"].name == "Phòng Tổ chức cán bộ"
    an = session.scalars(sa.select(Person).where(Person.code == "CB001")).one()
    assert (an.date_of_birth, an.leadership_role, an.unit.code, an.email) == (
        date(1985, 9, 5),
        LeadershipRole.HEAD,
        "SNV-KT",
        "an@example.vn",
    )
    binh = session.scalars(sa.select(Person).where(Person.code == "CB002")).one()
    assert binh.category is StaffCategory.VIEN_CHUC and binh.date_of_birth == date(1990, 3, 12)
    # the clerk was moved: placement history dated the import day
    today = local_today()
    history = session.scalars(
        sa.select(Placement).where(Placement.person_id == clerk.id).order_by(Placement.starts_on)
    ).all()
    assert [(p.unit.code, p.starts_on, p.ends_on) for p in history] == [
        ("SNV-TC", date(2025, 1, 1), today - timedelta(days=1)),
        ("SNV-KT", today, None),
    ]
    assert history[-1].leadership_role is LeadershipRole.DEPUTY
    batch = session.scalars(sa.select(ImportBatch)).one()
    assert batch.status is ImportStatus.APPLIED

    # importing the same file again changes nothing
    after = counts(session)
    url = batch_url(client, upload(client, URL, data))
    page = client.get(url).get_data(as_text=True)
    assert "Đơn vị: 0 thêm mới, 0 cập nhật, 3 giữ nguyên" in page
    assert "Nhân sự: 0 thêm mới, 0 cập nhật, 4 giữ nguyên" in page
    assert "đã được nhập ngày" in page
    client.post(f"{url}/confirm")
    assert counts(session) == {**after, "import_batch": after["import_batch"] + 1}


def test_a_confirmed_batch_cannot_be_applied_twice(session, client, login_as, office):
    login_as(office["personnel"])
    url = batch_url(client, upload(client, URL, good_file(office["clerk"], office["personnel"])))
    client.post(f"{url}/confirm")
    after = counts(session)
    client.post(f"{url}/confirm")
    assert counts(session) == after


def person_row(code: str = "CB009", **changes: object) -> list[object]:
    row = dict(
        zip(
            PEOPLE_HEADER,
            ["CB009", "Đỗ Văn Cường", "01/01/1980", "Công chức", "Chuyên viên", "SNV-TC", "", ""],
            strict=True,
        )
    )
    row["Mã cán bộ"] = code
    row.update({k.replace("_", " "): v for k, v in changes.items()})
    return list(row.values())


# file → the (sheet | row | column | message) fragments the page must show
BAD_FILES = {
    "missing column": (
        lambda: workbook(
            {"Đơn vị": [UNIT_HEADER], "Nhân sự": [PEOPLE_HEADER[:-1], person_row()[:-1]]}
        ),
        ["Nhân sự | 1 | Email | Thiếu cột “Email”"],
    ),
    "missing sheet": (
        lambda: workbook({"Đơn vị": [UNIT_HEADER]}),
        ["Nhân sự | — | — | Thiếu trang tính “Nhân sự”"],
    ),
    "merged header": (
        lambda: workbook(
            {"Đơn vị": [UNIT_HEADER], "Nhân sự": [PEOPLE_HEADER, person_row()]},
            merge={"Nhân sự": "A1:B1"},
        ),
        ["Nhân sự | 1 | A1:B1 | Có ô gộp (A1:B1)", "Thiếu cột “Họ và tên”"],
    ),
    "formula": (
        lambda: staff_book([], [person_row(Họ_và_tên="=CONCAT(A1,B1)")]),
        ["Nhân sự | 2 | B · Họ và tên | Ô chứa công thức (=CONCAT(A1,B1))"],
    ),
    "wrong type": (
        lambda: staff_book([], [person_row(Ngày_sinh="không rõ")]),
        ["Nhân sự | 2 | C · Ngày sinh | Ngày không hợp lệ"],
    ),
    "invalid date": (
        lambda: staff_book([], [person_row(Ngày_sinh="31/02/1990")]),
        ["Nhân sự | 2 | C · Ngày sinh | Ngày “31/02/1990” không có trên lịch."],
    ),
    "text too long": (
        lambda: staff_book([], [person_row(Họ_và_tên="A" * 121)]),
        ["Nhân sự | 2 | B · Họ và tên | Nội dung dài quá 120 ký tự."],
    ),
    "unknown category": (
        lambda: staff_book([], [person_row(Đối_tượng="Hợp đồng")]),
        ["Nhân sự | 2 | D · Đối tượng | Không hiểu đối tượng “Hợp đồng”."],
    ),
    "duplicated codes": (
        lambda: staff_book(
            [["SNV-X", "Phòng X", "Phòng", "SNV"], ["SNV-X", "Phòng Y", "Phòng", "SNV"]],
            [person_row(), person_row()],
        ),
        [
            "Đơn vị | 3 | A · Mã đơn vị | Mã SNV-X trùng với dòng 2.",
            "Nhân sự | 3 | A · Mã cán bộ | Mã CB009 trùng với dòng 2.",
        ],
    ),
    "unknown unit": (
        lambda: staff_book([], [person_row(Mã_đơn_vị="KHONG-CO")]),
        ["Nhân sự | 2 | F · Mã đơn vị | Không tìm thấy đơn vị mã KHONG-CO"],
    ),
    "unknown parent": (
        lambda: staff_book([["SNV-Y", "Phòng Y", "Phòng", "KHONG-CO"]], []),
        ["Đơn vị | 2 | D · Mã đơn vị cấp trên | Không tìm thấy đơn vị mã KHONG-CO"],
    ),
    "parent cycle": (
        lambda: staff_book([["N1", "Tổ 1", "Phòng", "N2"], ["N2", "Tổ 2", "Phòng", "N1"]], []),
        ["Đơn vị | 2 | D · Mã đơn vị cấp trên | Các đơn vị mới lấy nhau làm cấp trên"],
    ),
    "unit outside the subtree": (
        lambda: staff_book([["XA-1", "Văn phòng xã", "Phòng", "XA"]], [person_row(Mã_đơn_vị="XA")]),
        [
            "Đơn vị | 2 | D · Mã đơn vị cấp trên | Đơn vị XA nằm ngoài phạm vi",
            "Nhân sự | 2 | F · Mã đơn vị | Đơn vị XA nằm ngoài phạm vi",
        ],
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_explained_and_changes_nothing(session, client, login_as, office, case):
    build, expected = BAD_FILES[case]
    login_as(office["personnel"])
    before = counts(session)
    response = upload(client, URL, build())
    assert response.status_code == 422
    shown = error_rows(response.get_data(as_text=True))
    for fragment in expected:
        assert any(fragment in row for row in shown), (fragment, shown)
    assert counts(session) == before


def test_every_error_is_found_in_one_pass(session, client, login_as, office):
    login_as(office["personnel"])
    content = staff_book(
        [["SNV-Z", "", "Phòng", "SNV"]],
        [
            person_row("CB1", Ngày_sinh="30/02/1980"),
            person_row("CB2", Đối_tượng="?"),
            person_row("CB3", Mã_đơn_vị="KHONG-CO"),
            person_row("CB4", Email="khong-phai-email"),
        ],
    )
    shown = error_rows(upload(client, URL, content).get_data(as_text=True))
    assert [row.split(" | ")[:3] for row in shown] == [
        ["Đơn vị", "2", "B · Tên đơn vị"],
        ["Nhân sự", "2", "C · Ngày sinh"],
        ["Nhân sự", "3", "D · Đối tượng"],
        ["Nhân sự", "5", "H · Email"],
        ["Nhân sự", "4", "F · Mã đơn vị"],
    ]


def test_a_person_outside_the_subtree_is_not_touched(session, client, login_as, office):
    outsider = office["outsider"]
    login_as(office["personnel"])
    before = counts(session)
    response = upload(client, URL, staff_book([], [person_row(outsider.code)]))
    assert any("ngoài phạm vi" in row for row in error_rows(response.get_data(as_text=True)))
    session.refresh(outsider)
    assert outsider.unit == office["commune"]
    assert counts(session) == before


def test_a_change_after_the_preview_is_caught_at_confirmation(session, client, login_as, office):
    login_as(office["personnel"])
    url = batch_url(client, upload(client, URL, staff_book([], [person_row()])))
    # someone moves the target division out of the office's reach meanwhile
    office["division"].code = "DOI-MA"
    session.flush()
    before = counts(session)
    response = client.post(f"{url}/confirm")
    assert response.status_code == 409
    assert "Không tìm thấy đơn vị mã SNV-TC" in response.get_data(as_text=True)
    assert counts(session) == before


@pytest.mark.parametrize("who", ["clerk", "outsider"])
def test_only_the_personnel_office_may_import_staff(client, login_as, office, make_admin, who):
    login_as(office[who])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/template.xlsx").status_code == 403
    assert upload(client, URL, staff_book([], [])).status_code == 403


def test_an_administrator_may_not_import_staff(client, login_as, make_admin):
    login_as(make_admin())
    assert client.get(URL).status_code == 403


def test_a_batch_belongs_to_its_author(session, client, login_as, office, make_person):
    url = None
    login_as(office["personnel"])
    url = batch_url(client, upload(client, URL, staff_book([], [person_row()])))
    other = make_person(
        office["division"], account_role=AccountRole.PERSONNEL, served_unit=office["dept"]
    )
    login_as(other)
    assert client.get(url).status_code == 404
    before = counts(session)
    assert client.post(f"{url}/confirm").status_code == 404
    assert counts(session) == before


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_uploads_and_confirmations_need_the_csrf_token(session, csrf_client, office):
    login_page = csrf_client.get("/login").get_data(as_text=True)
    csrf_client.post(
        "/login",
        data={
            "username": office["personnel"].code.lower(),
            "password": PASSWORD,
            "csrf_token": token_of(login_page),
        },
    )
    before = counts(session)
    assert upload(csrf_client, URL, staff_book([], [person_row()])).status_code == 400
    assert counts(session) == before
    token = token_of(csrf_client.get(URL).get_data(as_text=True))
    response = upload(csrf_client, URL, staff_book([], [person_row()]), csrf_token=token)
    url = batch_url(csrf_client, response)
    assert csrf_client.post(f"{url}/confirm").status_code == 400
    assert counts(session)["person"] == before["person"]
    csrf_client.post(f"{url}/confirm", data={"csrf_token": token})
    assert counts(session)["person"] == before["person"] + 1
