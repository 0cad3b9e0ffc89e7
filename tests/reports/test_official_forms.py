"""The official forms (issue 16 §2) read back as an office would: the PDF's text, pages and
fonts (pypdf), the workbook's cells (openpyxl), and the print page they are both made from."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from criteria import GeneralAssessment, Level, StaffCategory
from evaluation.accounts.models import AccountRole
from evaluation.core.workbook import to_local_date
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.periods import PeriodKind
from evaluation.reports import forms
from evaluation.scoring import periods, procedure
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from tests.conftest import account_id
from tests.reports.helpers import workbook_of

YEAR = 2026
A4_POINTS = (595.3, 841.9)  # 210 × 297 mm
SELF = "NGƯỜI TỰ NHẬN XÉT"
REVIEWER = "NGƯỜI NHẬN XÉT, ĐÁNH GIÁ"
COMPETENT = "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ"
MINUTES_OPINION = "Tập thể thống nhất: hoàn thành tốt nhiệm vụ, cần chủ động hơn."


@pytest.fixture
def org(session, make_unit, make_person, make_admin, clock):
    """A province with a department (one division) and a commune (its office)."""
    clock(date(2026, 12, 5))
    province = make_unit("UBND tỉnh Sơn Thử", UnitKind.AGENCY)
    dept = make_unit("Sở Nội vụ tỉnh Sơn Thử", UnitKind.AGENCY, parent=province)
    division = make_unit("Phòng Công chức - Viên chức", parent=dept)
    archive = make_unit("Trung tâm Lưu trữ", UnitKind.PUBLIC_SERVICE, parent=dept)
    commune = make_unit("Xã Tân Phong", UnitKind.COMMUNE, parent=province)
    office = make_unit("Văn phòng HĐND và UBND", parent=commune)
    head = LeadershipRole.HEAD
    return {
        "province": province, "dept": dept, "division": division, "commune": commune,
        "office": office, "archive": archive,
        "governor": make_person(province, role=head, category=StaffCategory.CAN_BO,
                                name="Chủ Tịch Tỉnh"),
        "director": make_person(dept, role=head, name="Giám Đốc Sở"),
        "division_head": make_person(division, role=head, name="Trưởng Phòng Công Chức"),
        "clerk": make_person(division, name="Đỗ Thị Hương"),
        "archivist": make_person(archive, category=StaffCategory.VIEN_CHUC, name="Lê Thị Lưu"),
        "chairman": make_person(commune, role=head, category=StaffCategory.CAN_BO,
                                name="Phạm Văn Chủ"),
        "office_head": make_person(office, role=head, name="Trần Văn Chánh"),
        "officer": make_person(office, name="Nguyễn Thị Văn"),
        "deputy": make_person(office, role=LeadershipRole.DEPUTY, name="Hoàng Văn Phó"),
        "personnel": make_person(division, account_role=AccountRole.PERSONNEL, served_unit=dept,
                                 name="Cán Bộ Tổ Chức"),
        "admin": make_admin(),
    }  # fmt: skip


def scored(session, person, year: int, general: str = "5", task: str = "60") -> None:
    """Three scored months, every general criterion at `general`."""
    criteria_set = periods.criteria_set_for(person, year)
    codes = [c.code for c in periods.general_criteria(criteria_set)]
    for month in (1, 2, 3):
        session.add(
            PeriodScore(
                person=person, unit=person.unit, period_kind=PeriodKind.MONTH, period_year=year,
                period_number=month, criteria_set=f"{criteria_set.name}@{criteria_set.version}",
                general_breakdown={code: general for code in codes},
                general_points=Decimal(general) * len(codes), task_points=Decimal(task),
                computed_task_points=Decimal(task),
            )
        )  # fmt: skip
    session.flush()


def decided(session, person, decider, year: int = YEAR, *, level_self=Level.TOT, proposer=None):
    """The person's year taken through Decree 90's steps to the decision."""
    evaluation = procedure.open_evaluation(session, person, year)
    procedure.self_assess(
        session, evaluation, report="Hoàn thành các nhiệm vụ được giao đúng hạn.",
        level=level_self, actor_id=account_id(session, person),
    )  # fmt: skip
    procedure.record_collective(
        session, evaluation, minutes=MINUTES_OPINION, general=GeneralAssessment.GOOD,
        actor_id=account_id(session, decider),
    )  # fmt: skip
    level = evaluation.computed_level if evaluation.computed_level.is_ranked else Level.TOT
    reason = None if level is evaluation.computed_level else "Tập thể đánh giá hoàn thành tốt."
    procedure.propose(
        session, evaluation, level=level, comment=None, rank=None,
        actor_id=account_id(session, proposer or decider),
    )  # fmt: skip
    procedure.decide(
        session, evaluation, level=level, reason=reason,
        quota_exception=None, actor_id=account_id(session, decider),
    )  # fmt: skip
    session.flush()
    return evaluation


# --- reading the outputs back ---------------------------------------------------------------


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return PdfReader(io.BytesIO(response.data))


def pdf_text(reader: PdfReader) -> str:
    """The text of every page, each run of spaces and line breaks as one space (a long line
    wraps where the page ends, not where the text does)."""
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def pdf_fonts(reader: PdfReader) -> dict[str, bool]:
    """Each font the pages use, by base name, and whether its file is embedded."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).get_object().values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor", {})
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def assert_a4_with_fonts(reader: PdfReader) -> None:
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.5)
    fonts = pdf_fonts(reader)
    assert fonts and all(fonts.values()), fonts
    # Liberation Serif only: no letter fell back to another font for want of a glyph
    assert all("Liberation-Serif" in name for name in fonts), fonts


def in_order(text: str, parts: list[str]) -> None:
    """Each part appears, each after the one before."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position}:\n{text[position:][:800]}"
        position = found + len(part)


def sheet_lines(response) -> list[str]:
    """The workbook's text, row by row, every non-empty cell of a row joined by " | "."""
    ws = workbook_of(response).active
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    lines = []
    for row in ws.iter_rows(values_only=True):
        values = [str(v) for v in row if v not in (None, "")]
        if values:
            lines.append(" | ".join(values))
    return lines


def sheet_rows(response) -> list[list]:
    ws = workbook_of(response).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def form_urls(path: str) -> dict[str, str]:
    return {"html": f"{path}/print", "pdf": f"{path}.pdf", "xlsx": f"{path}.xlsx"}


# --- the title block (Decree 30/2020) from the unit tree ------------------------------------


def test_title_blocks_follow_the_tree(session, org):
    office = forms.title_block(session, org["office"])
    assert (office.governing, office.body, office.place) == (
        "UBND XÃ TÂN PHONG", "VĂN PHÒNG HĐND VÀ UBND", "Tân Phong",
    )  # fmt: skip
    commune = forms.title_block(session, org["commune"])
    assert (commune.governing, commune.body, commune.place) == (
        "UBND TỈNH SƠN THỬ", "UBND XÃ TÂN PHONG", "Tân Phong",
    )  # fmt: skip
    dept = forms.title_block(session, org["dept"])
    assert (dept.governing, dept.body, dept.place) == (
        "UBND TỈNH SƠN THỬ", "SỞ NỘI VỤ TỈNH SƠN THỬ", "Sơn Thử",
    )  # fmt: skip
    division = forms.title_block(session, org["division"])
    assert (division.governing, division.body) == (
        "SỞ NỘI VỤ TỈNH SƠN THỬ", "PHÒNG CÔNG CHỨC - VIÊN CHỨC",
    )  # fmt: skip
    province = forms.title_block(session, org["province"])
    assert (province.governing, province.body, province.place) == (
        None, "UBND TỈNH SƠN THỬ", "Sơn Thử",
    )  # fmt: skip


# --- the individual forms -------------------------------------------------------------------


def test_decree_335_form_of_a_commune_civil_servant(session, client, login_as, org):
    officer = org["officer"]
    scored(session, officer, YEAR, general="5", task="60")
    evaluation = decided(session, officer, org["chairman"])
    assert evaluation.rulebook.startswith("nd335")
    decided_on = to_local_date(evaluation.decided_at)
    login_as(officer)
    urls = form_urls(f"/reports/forms/evaluations/{YEAR}/people/{officer.id}")

    reader = pdf_of(client.get(urls["pdf"]))
    assert_a4_with_fonts(reader)
    text = pdf_text(reader)
    in_order(
        text,
        [
            "UBND XÃ TÂN PHONG", "VĂN PHÒNG HĐND VÀ UBND",
            "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC", "(Kỳ theo dõi, đánh giá: Năm 2026)",
            "Họ và tên: Nguyễn Thị Văn", "Đơn vị công tác: Văn phòng HĐND và UBND",
            "I. KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO TIÊU CHÍ CHUNG",
            "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
            "III. TỔNG HỢP ĐIỂM VÀ TỰ XẾP LOẠI", "Tân Phong, ngày … tháng … năm …",
            "NGƯỜI TỰ ĐÁNH GIÁ", "(Ký, ghi rõ họ tên)", "Nguyễn Thị Văn",
            "IV. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP", MINUTES_OPINION,
            REVIEWER, "(Ký, ghi rõ họ tên)",
            "V. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC", evaluation.final_level.label,
            f"Tân Phong, ngày {decided_on:%d} tháng {decided_on:%m} năm 2026", COMPETENT,
            "(Ký, ghi rõ họ tên)", "Phạm Văn Chủ",
        ],
    )  # fmt: skip
    in_order(text, ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    assert "Số:" not in text  # the evaluation forms carry no number (docs/forms.md §0)

    lines = sheet_lines(client.get(urls["xlsx"]))
    joined = "\n".join(lines)
    in_order(
        joined,
        [
            "UBND XÃ TÂN PHONG", "VĂN PHÒNG HĐND VÀ UBND", "PHIẾU THEO DÕI, ĐÁNH GIÁ CÔNG CHỨC",
            "I. KẾT QUẢ THEO DÕI", "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "III. TỔNG HỢP ĐIỂM",
            "NGƯỜI TỰ ĐÁNH GIÁ", "IV. Ý KIẾN NHẬN XÉT", REVIEWER, "V. KẾT QUẢ ĐÁNH GIÁ",
            COMPETENT,
        ],
    )  # fmt: skip
    assert "Số:" not in joined

    # totals: in section III the groups add up to the total, as numbers in the workbook
    rows = sheet_rows(client.get(urls["xlsx"]))
    start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("III. "))
    header = next(i for i in range(start, len(rows)) if rows[i][0] == "Nội dung")
    groups, total = [], None
    for row in rows[header + 1 :]:
        if row[0] == "Tổng cộng":
            total = row
            break
        groups.append(row)
    assert len(groups) == 2 and total is not None
    recognised = [r[3] for r in groups]
    assert all(isinstance(v, int | float) for v in recognised)  # numbers, not text
    assert sum(recognised) == pytest.approx(total[3])
    assert total[3] == pytest.approx(float(evaluation.computed_points))
    assert total[1] == 100
    # the general group: its criteria add up to the group's points (5 each)
    assert recognised[0] == pytest.approx(5 * len(periods.general_criteria(
        periods.criteria_set_for(officer, YEAR))))  # fmt: skip


@pytest.mark.parametrize(
    ("who", "year", "label", "title", "unit_field", "sections"),
    [
        (
            "chairman", YEAR, "Mẫu số 01", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ",
            "Cơ quan, tổ chức, đơn vị công tác: Xã Tân Phong",
            ["I. KẾT QUẢ TỰ ĐÁNH GIÁ", "II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG", SELF,
             "III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ", COMPETENT],
        ),
        (
            "clerk", 2025, "Mẫu số 02", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC",
            "Đơn vị công tác: Phòng Công chức - Viên chức",
            ["I. KẾT QUẢ TỰ ĐÁNH GIÁ", "II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG", SELF,
             "III. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ ĐỐI VỚI CẤP PHÓ", REVIEWER,
             "IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC", COMPETENT],
        ),
        (
            "archivist", YEAR, "Mẫu số 03", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC",
            "Đơn vị công tác: Trung tâm Lưu trữ",
            ["I. KẾT QUẢ TỰ ĐÁNH GIÁ", "II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG", SELF,
             "III. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ ĐỐI VỚI CẤP PHÓ", REVIEWER,
             "IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC", COMPETENT],
        ),
    ],
)  # fmt: skip
def test_decree_90_forms(session, client, login_as, org, who, year, label, title, unit_field,
                         sections):  # fmt: skip
    person = org[who]
    scored(session, person, year, general="6", task="65")
    evaluation = procedure.open_evaluation(session, person, year)
    procedure.self_assess(
        session, evaluation, report="Tự nhận xét: hoàn thành tốt.", level=Level.XUAT_SAC,
        actor_id=account_id(session, person),
    )  # fmt: skip
    session.flush()
    login_as(org["admin"])
    urls = form_urls(f"/reports/forms/evaluations/{year}/people/{person.id}")
    block = forms.title_block(session, person.unit)

    reader = pdf_of(client.get(urls["pdf"]))
    assert_a4_with_fonts(reader)
    text = pdf_text(reader)
    # the form's number at the top right, then the title block (Decree 30/2020)
    in_order(text, [label, block.governing or "", block.body])
    in_order(
        text,
        [title, f"Năm {year}", f"Họ và tên: {person.full_name}", unit_field,
         *sections, "BẢNG ĐIỂM KÈM THEO PHIẾU", "Tổng cộng"],
    )  # fmt: skip
    # each section's signature block: the date line, the signer, the note
    assert text.count(f"{block.place}, ngày … tháng … năm …") == len(sections) // 2
    assert text.count("(Ký, ghi rõ họ tên)") == len(sections) // 2
    assert "Tự nhận xét: hoàn thành tốt." in text
    assert "Số:" not in text
    # undecided: the self-assessed level is printed, the competent level left blank
    in_order(text, ["Tự xếp loại", "Hoàn thành xuất sắc nhiệm vụ"])

    lines = sheet_lines(client.get(urls["xlsx"]))
    in_order("\n".join(lines), [label, block.body, title, *sections, "Tổng cộng"])
    rows = sheet_rows(client.get(urls["xlsx"]))
    points = next(i for i, r in enumerate(rows) if r[0] == "TT")
    groups = [r for r in rows[points + 1 :] if r[0] in ("I", "II")]
    total = next(r for r in rows[points + 1 :] if r[1] == "Tổng cộng")
    assert len(groups) == 2
    assert sum(r[4] for r in groups) == pytest.approx(total[4])
    assert total[3] is None  # no self-scores are kept: the column is left for the hand

    page = client.get(urls["html"])
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<html lang="vi">' in html and "/reports/forms/form.css" in html
    assert "<style" not in html and "<script" not in html  # the CSP allows neither inline
    assert urls["pdf"] in html and urls["xlsx"] in html
    assert client.get("/reports/forms/form.css").mimetype == "text/css"


# --- the minutes, the unit report and the emulation list ------------------------------------


def test_minutes_of_the_commune_office(session, client, login_as, org):
    officer, deputy, office_head = org["officer"], org["deputy"], org["office_head"]
    for person in (officer, deputy):
        scored(session, person, YEAR)
        decided(session, person, org["chairman"])
    login_as(office_head)
    urls = form_urls(f"/reports/forms/evaluations/{YEAR}/units/{org['office'].id}/minutes")

    reader = pdf_of(client.get(urls["pdf"]))
    assert_a4_with_fonts(reader)
    text = pdf_text(reader)
    in_order(
        text,
        [
            "UBND XÃ TÂN PHONG", "VĂN PHÒNG HĐND VÀ UBND", "Số: …/BB-…",
            "Tân Phong, ngày … tháng … năm …", "BIÊN BẢN",
            "Họp nhận xét, đánh giá, xếp loại chất lượng", "I. THÀNH PHẦN",
            f"Chủ trì: {office_head.full_name}", "Thư ký: ……", "Số người có mặt: ……/3",
            "II. NỘI DUNG", "III. KẾT LUẬN CỦA CHỦ TRÌ", "THƯ KÝ", "CHỦ TRÌ",
            office_head.full_name,
        ],
    )  # fmt: skip
    assert text.count(MINUTES_OPINION) == 2
    assert text.count("(Ký, ghi rõ họ tên)") == 2

    rows = sheet_rows(client.get(urls["xlsx"]))
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header][5:9] == ["Số phiếu HTXSNV", "Số phiếu HTTNV", "Số phiếu HTNV",
                                 "Số phiếu KHTNV"]  # fmt: skip
    people = rows[header + 1 : header + 3]
    assert sorted(r[1] for r in people) == sorted([officer.full_name, deputy.full_name])
    assert [r[0] for r in people] == [1, 2]
    assert all(r[4] == MINUTES_OPINION for r in people)
    assert all(r[5:9] == [None] * 4 for r in people)  # votes are filled in by hand


def test_unit_report_of_the_department_adds_up(session, client, login_as, org):
    clerk, archivist = org["clerk"], org["archivist"]
    for person in (clerk, archivist, org["division_head"]):
        scored(session, person, YEAR)
    for person in (clerk, archivist):
        decided(session, person, org["director"])
    procedure.open_evaluation(session, org["division_head"], YEAR)  # not decided yet
    session.flush()
    login_as(org["personnel"])
    urls = form_urls(f"/reports/forms/evaluations/{YEAR}/units/{org['dept'].id}/report")

    reader = pdf_of(client.get(urls["pdf"]))
    assert_a4_with_fonts(reader)
    text = pdf_text(reader)
    in_order(
        text,
        [
            "UBND TỈNH SƠN THỬ", "SỞ NỘI VỤ TỈNH SƠN THỬ", "Số: …/BC-…",
            "Sơn Thử, ngày 05 tháng 12 năm 2026", "BÁO CÁO",
            "Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức năm 2026",
            "I. DANH SÁCH KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI", "II. TỔNG HỢP THEO MỨC XẾP LOẠI",
            "Nơi nhận:", "- Sở Nội vụ;", "- Lưu: VT.", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
            "(Ký, ghi rõ họ tên)", org["director"].full_name,
        ],
    )  # fmt: skip
    assert "(chưa quyết định)" in text

    workbook = workbook_of(client.get(urls["xlsx"]))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    listed = next(i for i, r in enumerate(rows) if r[0] == "STT")
    people = []
    for row in rows[listed + 1 :]:
        if row[0] is None:
            break
        people.append(row)
    assert [r[0] for r in people] == [1, 2, 3]
    counted = next(i for i, r in enumerate(rows) if r[0] == "Mức xếp loại")
    counts = {}
    for row in rows[counted + 1 :]:
        if row[0] is None:
            break
        counts[row[0]] = row
    total = counts.pop("Tổng số")
    assert total[1] == 3 == len(people)
    assert sum(r[1] for r in counts.values()) == total[1]
    assert sum(r[2] for r in counts.values()) == pytest.approx(100)
    in_force = sa.func.coalesce(AnnualEvaluation.final_level, AnnualEvaluation.computed_level)
    expected = Counter(
        {
            Level(level).label: count
            for level, count in session.execute(
                sa.select(in_force, sa.func.count())
                .where(AnnualEvaluation.year == YEAR)
                .group_by(in_force)
            )
        }
    )
    assert {k: v[1] for k, v in counts.items() if v[1]} == dict(expected)


def test_emulation_list_in_the_official_layout(session, client, login_as, org):
    for person in (org["clerk"], org["archivist"]):
        scored(session, person, YEAR)
        decided(session, person, org["director"])
    login_as(org["personnel"])
    urls = form_urls(f"/reports/forms/emulation/{YEAR}")
    reader = pdf_of(client.get(urls["pdf"]))
    assert_a4_with_fonts(reader)
    text = pdf_text(reader)
    in_order(
        text,
        [
            "UBND TỈNH SƠN THỬ", "SỞ NỘI VỤ TỈNH SƠN THỬ", "Sơn Thử, ngày 05 tháng 12 năm 2026",
            "DANH SÁCH", "Đề nghị tặng danh hiệu thi đua năm 2026", "I. DANH HIỆU",
            "II. DANH HIỆU", "III. DANH HIỆU", "IV. DANH HIỆU", "V. CHƯA ĐỀ NGHỊ",
            "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        ],
    )  # fmt: skip
    lines = "\n".join(sheet_lines(client.get(urls["xlsx"])))
    in_order(lines, ["SỞ NỘI VỤ TỈNH SƠN THỬ", "DANH SÁCH", "I. DANH HIỆU", "V. CHƯA ĐỀ NGHỊ",
                     "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"])  # fmt: skip


# --- who may download them --------------------------------------------------------------------


def test_forms_are_authorized_as_the_exports(session, client, login_as, org):
    clerk, officer = org["clerk"], org["officer"]
    login_as(clerk)
    own = f"/reports/forms/evaluations/{YEAR}/people/{clerk.id}"
    other = f"/reports/forms/evaluations/{YEAR}/people/{officer.id}"
    assert client.get(own + "/print").status_code == 200
    for suffix in ("/print", ".pdf", ".xlsx"):
        assert client.get(other + suffix).status_code == 403
    minutes = f"/reports/forms/evaluations/{YEAR}/units/{org['office'].id}/minutes.pdf"
    assert client.get(minutes).status_code == 403
    assert client.get(f"/reports/forms/emulation/{YEAR}.pdf").status_code == 403
    login_as(org["admin"])
    assert client.get(f"/reports/forms/evaluations/{YEAR}/people/99999.pdf").status_code == 404
    gone = f"/reports/forms/evaluations/{YEAR}/units/99999/report.xlsx"
    assert client.get(gone).status_code == 404


def test_the_pages_link_to_each_form(session, client, login_as, org):
    clerk, dept = org["clerk"], org["dept"]
    login_as(org["personnel"])
    record = client.get(f"/evaluations/{YEAR}/people/{clerk.id}").get_data(as_text=True)
    overview = client.get(f"/evaluations/{YEAR}").get_data(as_text=True)
    emulation = client.get(f"/emulation/{YEAR}").get_data(as_text=True)
    units = f"/reports/forms/evaluations/{YEAR}/units/{dept.id}"
    for page, path in (
        (record, f"/reports/forms/evaluations/{YEAR}/people/{clerk.id}"),
        (overview, f"{units}/report"),
        (overview, f"{units}/minutes"),
        (emulation, f"/reports/forms/emulation/{YEAR}"),
    ):
        for url in form_urls(path).values():
            assert f'href="{url}"' in page, url
            assert client.get(url).status_code == 200


def test_user_text_stays_text_in_the_workbook(session, client, login_as, org):
    archivist = org["archivist"]
    evaluation = procedure.open_evaluation(session, archivist, YEAR)
    procedure.self_assess(
        session, evaluation, report="=1+2 hoàn thành", level=Level.TOT,
        actor_id=account_id(session, archivist),
    )  # fmt: skip
    session.flush()
    login_as(archivist)
    response = client.get(f"/reports/forms/evaluations/{YEAR}/people/{archivist.id}.xlsx")
    ws = workbook_of(response).active
    found = [c for row in ws.iter_rows() for c in row if c.value == "=1+2 hoàn thành"]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)
    # the form's own bullets ("- Lưu: VT." …) keep their style: only user text is affected
    plain = [c for row in ws.iter_rows() for c in row if c.value == "1. Chính trị tư tưởng:"]
    assert plain and not plain[0].quotePrefix


def test_the_unit_page_links_to_its_report_and_minutes(session, client, login_as, org):
    office = org["office"]
    login_as(org["office_head"])
    page = client.get(f"/organisation/units/{office.id}").get_data(as_text=True)
    base = f"/reports/forms/evaluations/{YEAR}/units/{office.id}"
    for path in (f"{base}/report", f"{base}/minutes"):
        for url in form_urls(path).values():
            assert f'href="{url}"' in page, url


def test_a_long_list_repeats_its_header_on_each_printed_page(
    session, client, login_as, org, make_person
):
    office = org["office"]
    for number in range(22):
        person = make_person(office, name=f"Cán Bộ Số {number:02d}")
        session.add(
            AnnualEvaluation(
                person=person, year=YEAR, unit_id=office.id, category=person.category,
                rulebook="nd335@1", computed_level=Level.TOT, computed_points=Decimal("80"),
            )
        )  # fmt: skip
    session.flush()
    login_as(org["office_head"])
    url = f"/reports/forms/evaluations/{YEAR}/units/{office.id}/minutes.xlsx"
    ws = workbook_of(client.get(url)).active
    header = next(row[0].row for row in ws.iter_rows() if row[0].value == "STT")
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.cell(header + 22, 1).value == 22  # every person listed, numbered
