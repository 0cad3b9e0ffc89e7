"""The shared building blocks: typed cells, text never read as a formula, the document's frame."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from evaluation.core.workbook import Column, Formats, Sheet, is_formula_like, new_workbook
from evaluation.reports.services import slugify
from tests.reports.helpers import contains, day_of, find

DANGEROUS = ["=1+2", "+1", "-2+3", "@SUM(A1)", "\t=1+2", "\r=1+2", '=HYPERLINK("http://x","y")']


@pytest.fixture
def built(app):
    """Write one sheet with the building blocks and read it back with openpyxl."""

    def build(write) -> object:
        stream = io.BytesIO()
        with app.test_request_context():
            book = new_workbook(stream)
            columns = [Column("Tên", 20), Column("Điểm", 10, "number"), Column("Ngày", 12, "date")]
            sheet = Sheet(book, Formats(book), "Thử", columns)
            write(sheet)
            book.close()
        return load_workbook(io.BytesIO(stream.getvalue()))["Thử"]

    return build


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_looks_like_a_formula_is_written_as_text(built, text):
    ws = built(lambda sheet: sheet.table_row([text, None, None]))
    cell = ws["A1"]
    assert cell.data_type != "f"
    # OOXML escapes a carriage return as _x000D_; openpyxl leaves inline strings escaped.
    assert cell.value.replace("_x000D_", "\r") == text
    assert cell.quotePrefix  # stays text when someone edits the cell in Excel


@pytest.mark.parametrize("text", ["Nguyễn Văn An", "1+2", "a=b", "http://example.vn"])
def test_ordinary_text_stays_text(built, text):
    assert not is_formula_like(text)
    cell = built(lambda sheet: sheet.table_row([text]))["A1"]
    assert (cell.value, cell.data_type) == (text, "s")


def test_numbers_are_numbers_and_dates_are_dates(built):
    moment = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # already 24/11 in Vietnam
    ws = built(
        lambda sheet: (
            sheet.table_row(["a", Decimal("12.50"), date(2026, 3, 10)]),
            sheet.table_row(["b", 7, moment]),
        )
    )
    assert ws["B1"].value == 12.5
    assert ws["B1"].data_type == "n"
    assert ws["B2"].value == 7
    assert ws["C1"].is_date and ws["C1"].value.date() == date(2026, 3, 10)
    assert ws["C1"].number_format == "dd/mm/yyyy"
    assert ws["C2"].value.date() == date(2026, 11, 24)


def test_the_frame_of_an_official_document(built):
    def write(sheet):
        sheet.heading("UBND tỉnh Sơn Lâm", "Sở Nội vụ", "TIÊU ĐỀ", "Năm 2026")
        sheet.date_line("Ngày lập:", date(2026, 11, 24))
        sheet.header_row()
        sheet.table_row(["x", 1, None])
        sheet.footer(date(2026, 11, 24))

    ws = built(write)
    assert ws["A1"].value == "UBND TỈNH SƠN LÂM"
    assert contains(ws, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert contains(ws, "Độc lập - Tự do - Hạnh phúc")
    assert find(ws, "TIÊU ĐỀ").font.b
    made = find(ws, "Ngày lập:")
    assert day_of(ws.cell(made.row, 2).value) == date(2026, 11, 24)
    header = find(ws, "Tên")
    assert ws.print_title_rows == f"${header.row}:${header.row}"
    assert ws.freeze_panes == f"A{header.row + 1}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.column_dimensions["A"].width == pytest.approx(20, abs=1)
    assert contains(ws, "ngày 24 tháng 11 năm 2026")
    signers = find(ws, "NGƯỜI LẬP BIỂU")
    assert find(ws, "THỦ TRƯỞNG ĐƠN VỊ").row == signers.row > header.row


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Phòng Kinh tế", "phong-kinh-te"),
        ("Đỗ Thị Hương", "do-thi-huong"),
        ("Xã Đồng Tâm / Tổ 1", "xa-dong-tam-to-1"),
        ("!!!", "danhgia"),
    ],
)
def test_file_names_are_ascii_slugs(text, slug):
    assert slugify(text) == slug
