"""Files that are not honest spreadsheets are refused before openpyxl reads them, quickly."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
import xlsxwriter

from evaluation.accounts.models import AccountRole
from evaluation.imports.workbook import MAX_DATA_ROWS, MAX_UPLOAD_BYTES
from evaluation.organisation.models import UnitKind
from tests.imports.helpers import (
    PEOPLE_HEADER,
    UNIT_HEADER,
    counts,
    error_rows,
    rewrite_member,
    set_dimension,
    staff_book,
    upload,
)

URL = "/imports/staff"
NOT_XLSX = "không phải bảng tính Excel (.xlsx)"


@pytest.fixture
def office(session, make_unit, make_person):
    dept = make_unit("Sở", UnitKind.AGENCY, code="SO")
    return make_person(dept, account_role=AccountRole.PERSONNEL, served_unit=dept)


def plain_zip(members: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


def zip_bomb() -> bytes:
    """A real .xlsx plus one member of 20 MB of zeros (compressed about a thousand times)."""
    source = zipfile.ZipFile(io.BytesIO(staff_book([], [])))
    members = {item.filename: source.read(item.filename) for item in source.infolist()}
    members["xl/media/padding.bin"] = bytes(20 * 1024 * 1024)
    return plain_zip(members)


def big_sheet(rows: int) -> bytes:
    """A people sheet of `rows` data rows, streamed by xlsxwriter to keep the test quick."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    book.add_worksheet("Đơn vị").write_row(0, 0, UNIT_HEADER)
    sheet = book.add_worksheet("Nhân sự")
    sheet.write_row(0, 0, PEOPLE_HEADER)
    for number in range(1, rows + 1):
        sheet.write_string(number, 0, f"X{number}")
    book.close()
    return output.getvalue()


MESSAGES = {
    "text renamed .xlsx": (lambda: "Danh sách cán bộ\nNguyễn Văn A".encode(), NOT_XLSX),
    "a plain zip": (lambda: plain_zip({"readme.txt": b"hello"}), NOT_XLSX),
    "a word document": (
        lambda: plain_zip(
            {
                "[Content_Types].xml": b'<Types><Override ContentType="application/'
                b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
            }
        ),
        NOT_XLSX,
    ),
    "a zip bomb": (zip_bomb, "giải nén ra quá lớn"),
    "an entity declaration": (
        lambda: rewrite_member(
            staff_book([], []),
            "xl/workbook.xml",
            lambda text: '<!DOCTYPE x [<!ENTITY a "aaaa">]>' + text,
        ),
        "cấu trúc bất thường",
    ),
    "a truncated file": (lambda: staff_book([], [])[:3000], "bị hỏng"),
    "over the size limit": (
        lambda: b"PK\x03\x04" + os.urandom(MAX_UPLOAD_BYTES),
        "lớn hơn 5 MB",
    ),
}


@pytest.mark.parametrize("case", MESSAGES)
def test_a_file_that_is_not_a_spreadsheet_is_refused(session, client, login_as, office, case):
    build, message = MESSAGES[case]
    login_as(office)
    before = counts(session)
    response = upload(client, URL, build())
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts(session) == before


def test_a_sheet_declaring_a_million_rows_is_refused_at_once(session, client, login_as, office):
    content = set_dimension(big_sheet(3), "A1:H1000001", member="xl/worksheets/sheet2.xml")
    login_as(office)
    before = counts(session)
    started = time.perf_counter()
    response = upload(client, URL, content)
    assert time.perf_counter() - started < 2
    assert f"quá {MAX_DATA_ROWS} dòng" in response.get_data(as_text=True)
    assert counts(session) == before


def test_a_sheet_hiding_its_rows_behind_a_small_dimension_stops_at_the_limit(
    session, client, login_as, office
):
    content = set_dimension(
        big_sheet(MAX_DATA_ROWS + 5), "A1:H2", member="xl/worksheets/sheet2.xml"
    )
    login_as(office)
    before = counts(session)
    started = time.perf_counter()
    response = upload(client, URL, content)
    assert time.perf_counter() - started < 10
    shown = error_rows(response.get_data(as_text=True))
    too_many = f"Trang tính có quá {MAX_DATA_ROWS} dòng dữ liệu; hãy chia thành nhiều tệp."
    assert shown == [f"Nhân sự | — | — | {too_many}"]
    assert counts(session) == before


def test_an_empty_upload_is_a_form_error(client, login_as, office):
    login_as(office)
    response = client.post(URL, data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Cần chọn tệp để tải lên." in response.get_data(as_text=True)
