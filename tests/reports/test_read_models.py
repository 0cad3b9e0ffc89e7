"""The individual sheet and the emulation list, each in two halves (issue 12).

The read model is checked field by field on a small known case, so a wrong number is caught
before any layout; the layout is given a record made by hand (no database) and its cells are
read back, so a change of layout cannot hide behind the data.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from criteria import Level, load_criteria_set
from criteria.emulation import SOURCES
from evaluation.core.workbook import to_local_date
from evaluation.organisation.models import UnitKind
from evaluation.rankings import services as rankings
from evaluation.rankings.models import Achievement, AchievementKind
from evaluation.reports import layout, read
from evaluation.reports.read import (
    CriterionRow,
    EmulationList,
    EmulationRow,
    EmulationSection,
    EvaluationSheet,
    PeriodRow,
    ReasonRow,
)
from evaluation.scoring import snapshot
from evaluation.scoring.access import rulebook_result
from tests.reports import test_ranking_exports as ranking
from tests.reports.helpers import cells, contains, find
from tests.reports.test_exports import YEAR, evaluated_staff, org  # noqa: F401 (fixtures)
from tests.reports.test_ranking_exports import evaluated, scene  # noqa: F401 (a fixture)

TODAY = date(2026, 12, 10)


def worksheet(stream: io.BytesIO):
    return load_workbook(io.BytesIO(stream.getvalue())).active


# --- the individual sheet: the read model ---------------------------------------------------


def test_the_sheets_record_of_a_decided_year(app, session, org, evaluated_staff):  # noqa: F811
    """Three months (general 27.5, 30, 25; task 60 each) decided: the means, per criterion and
    per period, as the decision's snapshot holds them, adding up to the total."""
    staff = org["staff_a"]
    with app.test_request_context():
        data = read.read_evaluation_sheet(
            session, staff, YEAR, evaluated_staff, rulebook_result(staff, YEAR, evaluated_staff)
        )
    assert (data.full_name, data.unit, data.agency) == (
        "Đỗ Thị Hương",
        "Phòng Kinh tế",
        "Sở Kinh tế",
    )
    assert (data.form_number, data.category) == ("Mẫu số 02", "Công chức")
    assert data.title == "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"
    assert data.criteria_set == load_criteria_set("nd335-non-leader@1").title
    assert [(row.criterion[:4], row.max_points, row.points) for row in data.criteria] == [
        ("TC1.", 6, Decimal("5.50")),
        ("TC2.", 6, Decimal("5.50")),
        ("TC3.", 6, Decimal("5.50")),
        ("TC4.", 6, Decimal("5.50")),
        ("TC5.", 6, Decimal("5.50")),
        ("NV1.", 70, Decimal("60.00")),
    ]
    assert (data.max_points, data.total, data.stored) == (100, Decimal("87.50"), True)
    assert sum(row.points for row in data.criteria) == data.total
    assert [
        (p.label, p.general, p.computed_task, p.task, p.total, p.tasks) for p in data.periods
    ] == [
        ("Tháng 1/2026", Decimal("27.50"), Decimal(60), Decimal(60), Decimal("87.50"), 2),
        ("Tháng 2/2026", Decimal(30), Decimal(55), Decimal(60), Decimal(90), 0),
        ("Tháng 3/2026", Decimal(25), Decimal(60), Decimal(60), Decimal(85), 0),
    ]
    assert data.periods[1].adjustment_reason == '=HYPERLINK("x") bù ngày nghỉ'
    level = Level.TOT.label
    assert (data.computed_level, data.final_level, data.self_level) == (level, level, level)
    assert data.rulebook == "nd335@1"
    assert [reason.rule for reason in data.reasons] == ["S5"]
    assert data.personnel_proposal == f"{level} — -Đề nghị giữ nguyên"
    assert data.general_assessment == "Thực hiện tốt"
    assert data.decided_on == to_local_date(evaluated_staff.decided_at)
    assert data.decider == "Giám Đốc Sở"


def test_the_sheets_record_before_any_evaluation(app, session, org):  # noqa: F811
    """No scores and no evaluation: blank points (no "Cộng nhóm" row), no total, nothing
    decided, and the competent decider named."""
    staff = org["colleague_a"]
    with app.test_request_context():
        data = read.read_evaluation_sheet(
            session, staff, YEAR, None, rulebook_result(staff, YEAR, None)
        )
    assert [row.points for row in data.criteria] == [None] * 6
    assert data.total is None and not data.stored and data.periods == ()
    assert (data.self_report, data.self_level, data.personnel_proposal) == (None, None, None)
    assert (data.final_level, data.decided_on) == ("Chưa quyết định", None)
    assert data.decider == "Giám Đốc Sở"


@pytest.mark.parametrize(
    ("criteria", "general", "task", "expected"),
    [
        pytest.param(
            {f"TC{n}": Decimal(n) for n in range(1, 6)}, Decimal(15), Decimal(58),
            [Decimal(1), Decimal(2), Decimal(3), Decimal(4), Decimal(5), Decimal(58)],
            id="criteria-known",
        ),
        pytest.param(
            {}, Decimal(29), Decimal(58), [None] * 5 + [Decimal(29), Decimal(58)],
            id="breakdown-unknown-group-total",
        ),
        pytest.param({}, None, None, [None] * 6, id="nothing-scored"),
    ],
)  # fmt: skip
def test_each_groups_points_are_printed_once(app, criteria, general, task, expected):
    """Section III: a group's points on its criteria when known one by one, else once on a
    "Cộng nhóm" row; never both, so the rows add up to the total."""
    criteria_set = load_criteria_set("nd335-non-leader@1")
    points = snapshot.YearPoints(
        year=YEAR, rulebook="nd335@1", criteria_set=criteria_set.id, criteria=criteria,
        general=general, task=task, total=None, periods=(),
    )  # fmt: skip
    with app.test_request_context():
        rows = read.criterion_rows(points, criteria_set)
    assert [row.points for row in rows] == expected
    summed = [row.criterion for row in rows if row.criterion == "Cộng nhóm"]
    assert summed == (["Cộng nhóm"] if general is not None and not criteria else [])
    if general is not None:
        assert sum(row.points for row in rows if row.points is not None) == general + task


# --- the individual sheet: the layout -------------------------------------------------------


def hand_made_sheet(**changes) -> EvaluationSheet:
    fields = dict(
        year=2031, agency="Sở Thử", form_number="Mẫu số 03", title="PHIẾU THỬ",
        full_name="Vũ Thị Lan", date_of_birth=date(1990, 5, 17), job_position="Giáo viên",
        unit="Trường Thử", category="Viên chức", criteria_set="Bộ thử (thu@1)",
        self_report="Tự đánh giá", self_level="Hoàn thành nhiệm vụ",
        criteria=(
            CriterionRow("Nhóm A", "A1. Một", 10, Decimal("7.25")),
            CriterionRow("Nhóm A", "A2. Hai", 20, None),
            CriterionRow("Nhóm B", "Cộng nhóm", 70, Decimal("61.5")),
        ),
        max_points=100, total=Decimal("68.75"), stored=True,
        periods=(PeriodRow("Quý 1/2031", "Bù giờ", Decimal(8), Decimal(50), Decimal(61), Decimal(69), 4),),  # noqa: E501
        computed_level="Hoàn thành nhiệm vụ", rulebook="nd90@9",
        reasons=(ReasonRow("G1", "Nguồn thử", "Lý do thử"),),
        collective_minutes="Biên bản", general_assessment="Thực hiện tốt", party_comment=None,
        personnel_proposal="Đề xuất thử", final_level="Hoàn thành nhiệm vụ",
        decision_reason="Lý do khác", quota_exception_reason=None,
        decided_on=date(2031, 12, 5), decider="Người Quyết",
    )  # fmt: skip
    return EvaluationSheet(**(fields | changes))


def test_the_sheet_lays_out_a_hand_made_record(app):
    with app.test_request_context():
        ws = worksheet(layout.evaluation_sheet(hand_made_sheet(), agency_name="Tỉnh", today=TODAY))

    def beside(label: str, column: int = 2):
        return ws.cell(find(ws, label).row, column).value

    assert ws["A1"].value == "TỈNH"
    assert contains(ws, "PHIẾU THỬ") and contains(ws, "Mẫu số 03 · Năm 2031")
    assert (beside("Họ và tên"), beside("Đơn vị công tác")) == ("Vũ Thị Lan", "Trường Thử")
    assert beside("Ngày sinh").date() == date(1990, 5, 17)
    assert beside("Bộ tiêu chí") == "Bộ thử (thu@1)"

    def points_row(criterion: str) -> list:
        return [beside(criterion, column) for column in (1, 3, 4, 5, 6)]

    assert points_row("A1. Một") == ["Nhóm A", 10, None, 7.25, 7.25]
    assert points_row("A2. Hai") == ["Nhóm A", 20, None, None, None]
    assert points_row("Cộng nhóm") == ["Nhóm B", 70, None, 61.5, 61.5]
    total = find(ws, "Tổng cộng").row
    assert [ws.cell(total, column).value for column in (3, 5, 6)] == [100, None, 68.75]
    assert contains(ws, "Điểm đã dùng khi quyết định xếp loại, lưu cùng quyết định.")

    quarter = find(ws, "Quý 1/2031").row
    assert [ws.cell(quarter, column).value for column in range(2, 8)] == [
        "Bù giờ", 8, 50, 61, 69, 4
    ]  # fmt: skip
    decree = "Nghị định 90/2020/NĐ-CP"  # the rule set and the rule by name, never "nd90@9", "G1"
    assert (beside("Mức theo quy tắc"), beside("Bộ quy tắc")) == ("Hoàn thành nhiệm vụ", decree)
    no_level = "Không mức nào phù hợp: người có thẩm quyền quyết định"
    assert [beside(no_level, column) for column in (2, 3)] == ["Nguồn thử", "Lý do thử"]
    assert beside("Lý do khác mức theo quy tắc") == "Lý do khác"
    assert not contains(ws, "Ngoại lệ vượt tỷ lệ")
    assert beside("Ngày quyết định").date() == date(2031, 12, 5)
    assert beside("Người quyết định") == "Người Quyết"


def test_an_undecided_hand_made_record_leaves_the_decision_out(app):
    data = hand_made_sheet(
        stored=False, periods=(), decided_on=None, decision_reason=None, final_level="Chưa"
    )
    with app.test_request_context():
        ws = worksheet(layout.evaluation_sheet(data, agency_name="Tỉnh", today=TODAY))
    assert not contains(ws, "Điểm đã dùng khi quyết định")
    assert not contains(ws, "Ngày quyết định") and not contains(ws, "Lý do khác mức")
    assert ws.cell(find(ws, "Kết quả").row, 2).value == "Chưa có điểm kỳ nào trong năm."
    assert ws.cell(find(ws, "Mức xếp loại quyết định").row, 2).value == "Chưa"


# --- the emulation list: the read model -----------------------------------------------------


@pytest.fixture
def small_agency(session, make_unit, make_person):
    """Sở Nhỏ: seven people at Hoàn thành tốt, one with an initiative (Chiến sĩ thi đua, A2,
    within A3's 15%), and one at Hoàn thành nhiệm vụ (left out by A1); no plans, so no
    collective title."""
    province = make_unit("UBND tỉnh Nhỏ", UnitKind.AGENCY)
    agency = make_unit("Sở Nhỏ", UnitKind.AGENCY, parent=province)
    good = [make_person(agency, name=f"Người Tốt {n}") for n in range(1, 8)]
    for person in good:
        evaluated(session, person, Level.TOT)
    session.add(
        Achievement(
            person=good[0], year=YEAR, kind=AchievementKind.INITIATIVE, title="Sáng kiến thử"
        )
    )
    evaluated(session, make_person(agency, name="Người Đạt"), Level.HOAN_THANH)
    session.flush()
    return {"units": [province, agency], "good": [p.full_name for p in good]}


def test_the_lists_record_of_a_small_agency(app, session, small_agency):
    with app.test_request_context():
        data = read.read_emulation_list(session, small_agency["units"], YEAR, TODAY)
    assert [section.heading for section in data.sections] == [
        "I. DANH HIỆU CHIẾN SĨ THI ĐUA CƠ SỞ",
        "II. DANH HIỆU LAO ĐỘNG TIÊN TIẾN",
        "III. DANH HIỆU TẬP THỂ LAO ĐỘNG XUẤT SẮC",
        "IV. DANH HIỆU TẬP THỂ LAO ĐỘNG TIÊN TIẾN",
        "V. CHƯA ĐỀ NGHỊ HOẶC CHƯA ĐỦ ĐIỀU KIỆN",
    ]
    fighter, workers, excellent, advanced, left_out = data.sections
    (chosen,) = fighter.rows
    agency = "Sở Nhỏ (Nghị định 90/2020/NĐ-CP)"
    assert (chosen.name, chosen.unit, chosen.agency) == ("Người Tốt 1", "Sở Nhỏ", agency)
    assert chosen.level == Level.TOT.label
    assert f"Căn cứ: {SOURCES['A2']}." in chosen.text and "sáng kiến" in chosen.text
    assert sorted(row.name for row in workers.rows) == small_agency["good"]
    assert all(row.text.endswith(f"Căn cứ: {SOURCES['A1']}.") for row in workers.rows)
    assert excellent.rows == advanced.rows == ()
    # the six without an initiative hold Lao động tiên tiến and are told why not Chiến sĩ (A2)
    stopped = {row.name: row for row in left_out.rows}
    assert sorted(stopped) == sorted(["Người Đạt", *small_agency["good"][1:]])
    for name in small_agency["good"][1:]:
        assert stopped[name].text.startswith("Đề nghị Lao động tiên tiến. Chưa Hoàn thành xuất")
        assert stopped[name].text.endswith(f"Căn cứ: {SOURCES['A2']}.")
    assert stopped["Người Đạt"].level == Level.HOAN_THANH.label
    assert stopped["Người Đạt"].text.startswith("Mức Hoàn thành nhiệm vụ: Lao động tiên tiến cần")
    assert stopped["Người Đạt"].text.endswith(f"Căn cứ: {SOURCES['A1']}.")
    assert data.grounds and all(line.startswith(f"{agency} · ") for line in data.grounds)


@pytest.fixture
def ranking_day(clock) -> None:
    clock(ranking.TODAY)


@pytest.fixture
def ranked(ranking_day, scene):  # noqa: F811
    """The ranking exports' province, on their day (its agencies earn collective titles)."""
    return scene


def test_a_collective_row_prints_the_agencys_year_level(app, session, ranked):
    units = ranking.units_of(session, ranked)
    results = rankings.unit_results(session, units, ranking.WHOLE_YEAR, ranking.TODAY)
    by_name = {unit.name: unit for unit in units}
    with app.test_request_context():
        data = read.read_emulation_list(session, units, YEAR, ranking.TODAY)
    collective = [row for section in data.sections[2:4] for row in section.rows]
    assert collective, "the scene should propose a collective title"
    for row in collective:
        agency = by_name[row.name]
        assert row.unit == row.name and row.agency.startswith(f"{row.name} (")
        assert row.level == results[agency.id].score.level.label
        assert row.text.endswith(f"Căn cứ: {SOURCES['A5']}.")


def test_the_list_of_no_agency_is_empty(app, session):
    with app.test_request_context():
        data = read.read_emulation_list(session, [], YEAR, TODAY)
    assert len(data.sections) == 5 and all(s.rows == () for s in data.sections)
    assert data.grounds == ()


# --- the emulation list: the layout ---------------------------------------------------------


def test_the_list_lays_out_a_hand_made_record(app):
    row = EmulationRow("Người A", "Phòng A", "Sở A (nd90)", "Hoàn thành tốt nhiệm vụ", "Vì thế.")
    data = EmulationList(
        year=2031,
        sections=(
            EmulationSection("I. MỘT", (row, EmulationRow("=1+2", "P", "S", None, "Khác."))),
            EmulationSection("II. HAI", ()),
        ),
        grounds=("Sở A (nd90) · Căn cứ thử.",),
    )
    with app.test_request_context():
        ws = worksheet(layout.emulation_list(data, agency_name="Tỉnh", today=TODAY))
    assert contains(ws, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2031")
    first = find(ws, "I. MỘT").row
    assert [c.value for c in ws[first + 1]] == [
        "STT", "Họ và tên, tập thể", "Đơn vị", "Cơ quan xét", "Mức xếp loại", "Tiêu chí đáp ứng"
    ]  # fmt: skip
    assert [c.value for c in ws[first + 2]] == [
        1, "Người A", "Phòng A", "Sở A (nd90)", "Hoàn thành tốt nhiệm vụ", "Vì thế."
    ]  # fmt: skip
    assert [c.value for c in ws[first + 3]] == [2, "=1+2", "P", "S", None, "Khác."]
    assert ws.cell(first + 3, 2).data_type == "s"
    second = find(ws, "II. HAI").row
    assert ws.cell(second + 2, 1).value == "Không có."
    assert ws.cell(find(ws, "CĂN CỨ").row + 1, 1).value == "Sở A (nd90) · Căn cứ thử."
    assert all(cell.data_type != "f" for cell in cells(ws))
