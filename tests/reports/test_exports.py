"""The three exports through HTTP: who may download them, and what the office finds inside."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from criteria import GeneralAssessment, Level, StaffCategory
from evaluation.accounts.models import AccountRole
from evaluation.core.db import utcnow
from evaluation.core.labels import rule_name
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, PlanStatus, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.reports import services as reports
from evaluation.scoring import periods, procedure, quotas
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from tests.conftest import account_id
from tests.reports.helpers import cells, contains, day_of, find, table_below, workbook_of

YEAR = 2026
WEEK = Period(PeriodKind.WEEK, YEAR, 11)
DANGEROUS_NAME = "=1+2"
DANGEROUS_COMMENT = "@SUM(A1) họp tổ"


@pytest.fixture
def org(session, make_unit, make_person, make_admin):
    province = make_unit("UBND tỉnh Thử", UnitKind.AGENCY)
    dept = make_unit("Sở Kinh tế", UnitKind.AGENCY, parent=province)
    div_a = make_unit("Phòng Kinh tế", parent=dept)
    div_b = make_unit("Phòng Tổng hợp", parent=dept)
    div_p = make_unit("Phòng Tổ chức", parent=dept)
    head = LeadershipRole.HEAD
    return {
        "province": province,
        "dept": dept,
        "div_a": div_a,
        "div_b": div_b,
        "director": make_person(dept, role=head, name="Giám Đốc Sở"),
        "head_a": make_person(div_a, role=head, name="Trưởng Phòng A"),
        "staff_a": make_person(div_a, name="Đỗ Thị Hương"),
        "colleague_a": make_person(div_a, name="Lê Văn Bình"),
        "head_b": make_person(div_b, role=head, name="Trưởng Phòng B"),
        "staff_b": make_person(div_b, name="Phạm Văn Cường"),
        "personnel": make_person(
            div_p, account_role=AccountRole.PERSONNEL, served_unit=dept, name="Cán bộ tổ chức"
        ),
        "admin": make_admin(),
    }


def evaluated(session, person, level: Level, *, points: str = "80", decided: bool = True):
    """A year's evaluation with the rulebook's level; decided at that level unless told not."""
    evaluation = AnnualEvaluation(
        person=person, year=YEAR, unit_id=person.unit_id, category=person.category,
        rulebook="nd335@1", computed_level=level, computed_points=Decimal(points),
        final_level=level if decided else None, decided_at=utcnow() if decided else None,
    )  # fmt: skip
    session.add(evaluation)
    session.flush()
    return evaluation


def sql_level_counts(session, unit) -> Counter[str]:
    """The per-level counts straight from the database, the level in force being the
    decided one, else the rulebook's."""
    from evaluation.organisation.models import Unit

    level = sa.func.coalesce(AnnualEvaluation.final_level, AnnualEvaluation.computed_level)
    rows = session.execute(
        sa.select(level, sa.func.count())
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(AnnualEvaluation.year == YEAR, Unit.path.startswith(unit.path))
        .group_by(level)
    ).all()
    return Counter({Level(value).label: count for value, count in rows})


def summary_counts(ws) -> Counter[str]:
    """The per-level counts the summary's statistics table shows."""
    rows = table_below(ws, "Số người", column=1)
    return Counter({row[0]: row[1] for row in rows if row[0] != "Tổng số" and row[1]})


def summary_people(ws) -> list[list]:
    return table_below(ws, "STT")


def overview_counts(html: str) -> Counter[str]:
    """The levels in force on the evaluations overview: the decided column, else the rulebook's."""
    table = html.split("Hồ sơ trong phạm vi phụ trách")[1]
    counts: Counter[str] = Counter()
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        computed, final = re.findall(r"<td>(.*?)</td>", row, re.S)[1:3]
        found = re.search(r"level-(\w+)", final) or re.search(r"level-(\w+)", computed)
        if found:
            counts[Level(found.group(1)).label] += 1
    return counts


# --- 1. the individual evaluation sheet ---------------------------------------------------


@pytest.fixture
def evaluated_staff(session, org):
    """staff_a with three scored months, a plan, and an evaluation taken to its decision."""
    staff = org["staff_a"]
    codes = [c.code for c in periods.general_criteria(periods.criteria_set_for(staff, YEAR))]
    for month, general in ((1, "5.5"), (2, "6"), (3, "5")):
        session.add(
            PeriodScore(
                person=staff, unit=staff.unit, period_kind=PeriodKind.MONTH, period_year=YEAR,
                period_number=month, criteria_set="nd335-non-leader@1",
                general_breakdown={code: general for code in codes},
                general_points=Decimal(general) * len(codes), task_points=Decimal(60),
                computed_task_points=Decimal(60) if month != 2 else Decimal(55),
                adjustment_reason=None if month != 2 else "=HYPERLINK(\"x\") bù ngày nghỉ",
            )
        )  # fmt: skip
    plan = plans.create_plan(session, staff, Period(PeriodKind.MONTH, YEAR, 1), actor_id=None)
    for title in ("Báo cáo tháng", "Thẩm định hồ sơ"):
        plans.add_task(
            session,
            plan,
            plans.TaskInput(title, None, Decimal(2), "hồ sơ", Decimal(1), date(YEAR, 1, 20)),
            actor_id=None,
        )
    session.flush()
    evaluation = procedure.open_evaluation(session, staff, YEAR)
    me, head = account_id(session, staff), account_id(session, org["head_a"])
    procedure.self_assess(
        session, evaluation, report="=1+2 Hoàn thành các nhiệm vụ", level=Level.TOT, actor_id=me
    )
    procedure.record_collective(
        session,
        evaluation,
        minutes=DANGEROUS_COMMENT,
        general=GeneralAssessment.GOOD,
        actor_id=head,
    )
    procedure.propose(
        session, evaluation, level=evaluation.computed_level, comment="-Đề nghị giữ nguyên",
        rank=None, actor_id=account_id(session, org["personnel"]),
    )  # fmt: skip
    procedure.decide(
        session, evaluation, level=evaluation.computed_level, reason=None,
        quota_exception=None, actor_id=account_id(session, org["director"]),
    )  # fmt: skip
    session.flush()
    return evaluation


def test_the_individual_sheet_follows_the_form(session, client, login_as, org, evaluated_staff):
    staff = org["staff_a"]
    login_as(staff)
    response = client.get(f"/reports/evaluations/{YEAR}/people/{staff.id}.xlsx")
    book = workbook_of(response)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="phieu-danh-gia-2026-do-thi-huong.xlsx"; '
        "filename*=UTF-8''Phi%E1%BA%BFu%20%C4%91%C3%A1nh%20gi%C3%A1%202026%20-%20"
        "%C4%90%E1%BB%97%20Th%E1%BB%8B%20H%C6%B0%C6%A1ng.xlsx"
    )
    ws = book.active
    assert ws["A1"].value == "UBND TỈNH SƠN LÂM"
    assert contains(ws, "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC")
    assert contains(ws, "Mẫu số 02")
    assert ws.cell(find(ws, "Họ và tên").row, 2).value == "Đỗ Thị Hương"
    assert ws.cell(find(ws, "Đơn vị công tác").row, 2).value == "Phòng Kinh tế"
    assert ws.cell(find(ws, "Đối tượng").row, 2).value == "Công chức"

    # criteria: the year's average of the manager's points, as numbers
    first = next(c for c in cells(ws) if str(c.value).startswith("TC1. "))
    max_points, self_points, manager, final = (
        ws.cell(first.row, col).value for col in (3, 4, 5, 6)
    )
    assert (max_points, self_points) == (6, None)
    assert manager == final == pytest.approx((5.5 + 6 + 5) / 3)
    task_row = next(c for c in cells(ws) if str(c.value).startswith("NV1. ")).row
    assert ws.cell(task_row, 5).value == 60

    # periods: points and the number of tasks in each period's plan
    january = find(ws, "Tháng 1/2026").row
    assert [ws.cell(january, col).value for col in (3, 4, 5, 6, 7)] == [27.5, 60, 60, 87.5, 2]
    assert ws.cell(january, 7).data_type == "n"
    february = find(ws, "Tháng 2/2026").row
    adjustment = ws.cell(february, 2)
    assert adjustment.value.startswith("=HYPERLINK") and adjustment.data_type == "s"

    # the rulebook's level with its reasons
    level_row = find(ws, "Mức theo quy tắc").row
    assert ws.cell(level_row, 2).value == evaluated_staff.computed_level.label
    for reason in evaluated_staff.computed_reasons:
        rule = find(ws, str(rule_name(reason["rule"])))  # the rule by its name, not "S5"
        assert ws.cell(rule.row, 2).value == reason["source"]
        assert ws.cell(rule.row, 3).value == reason["text"]

    # the person's and the unit's words stay text, never formulas
    for label, text in (
        ("Báo cáo tự đánh giá", "=1+2 Hoàn thành các nhiệm vụ"),
        ("Ý kiến của tập thể", DANGEROUS_COMMENT),
    ):
        written = ws.cell(find(ws, label).row, 2)
        assert (written.value, written.data_type) == (text, "s")
    assert all(cell.data_type != "f" for cell in cells(ws))

    decided_on = ws.cell(find(ws, "Ngày quyết định").row, 2)
    assert decided_on.is_date and isinstance(decided_on.value, datetime)
    assert ws.cell(find(ws, "Người quyết định").row, 2).value == "Giám Đốc Sở"
    assert find(ws, "NGƯỜI TỰ ĐÁNH GIÁ").row == find(ws, "THỦ TRƯỞNG ĐƠN VỊ").row
    assert contains(ws, "(Ký, ghi rõ họ tên)")


@pytest.mark.parametrize(
    ("category", "form"),
    [
        (StaffCategory.CAN_BO, "Mẫu số 01"),
        (StaffCategory.VIEN_CHUC, "Mẫu số 03"),
    ],
)
def test_the_form_follows_the_category(client, login_as, make_person, org, category, form):
    person = make_person(org["div_a"], category=category)
    login_as(person)  # no evaluation yet: the sheet shows the rulebook's preview, as the page
    ws = workbook_of(client.get(f"/reports/evaluations/{YEAR}/people/{person.id}.xlsx")).active
    assert contains(ws, form)
    assert contains(ws, category.label.upper())
    assert ws.cell(find(ws, "Mức xếp loại quyết định").row, 2).value == "Chưa quyết định"


# --- 2. the unit classification summary ---------------------------------------------------


def test_the_summary_counts_what_the_database_and_the_overview_count(
    session, client, login_as, make_person, org
):
    levels = [Level.XUAT_SAC, Level.TOT, Level.TOT, Level.TOT, Level.TOT, Level.TOT]
    levels += [Level.HOAN_THANH, Level.KHONG_HOAN_THANH]
    people = [org["head_a"], org["staff_a"], org["colleague_a"], org["head_b"], org["staff_b"]]
    people += [make_person(org["div_a"], name=DANGEROUS_NAME)]
    people += [make_person(org["div_b"], name="@SUM(A1)", category=StaffCategory.VIEN_CHUC)]
    people += [make_person(org["div_b"], category=StaffCategory.VIEN_CHUC)]
    for person, level in zip(people, levels, strict=True):
        evaluated(session, person, level)
    undecided = evaluated(session, org["director"], Level.TOT, points="81.5", decided=False)

    login_as(org["personnel"])
    response = client.get(f"/reports/evaluations/{YEAR}/units/{org['dept'].id}.xlsx")
    ws = workbook_of(response).active
    assert 'filename="xep-loai-2026-so-kinh-te.xlsx"' in response.headers["Content-Disposition"]
    assert (
        "filename*=UTF-8''X%E1%BA%BFp%20lo%E1%BA%A1i%202026"
        in response.headers["Content-Disposition"]
    )
    assert contains(ws, "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026")
    header = find(ws, "STT")
    assert ws.freeze_panes == f"A{header.row + 1}"
    assert ws.print_title_rows == f"${header.row}:${header.row}"

    rows = summary_people(ws)
    assert len(rows) == 9
    assert [row[0] for row in rows] == list(range(1, 10))
    by_name = {row[1]: row for row in rows}
    director = by_name["Giám Đốc Sở"]
    assert director[2:7] == ["Sở Kinh tế", "Công chức", "Chuyên viên", 81.5,
                             "Hoàn thành tốt nhiệm vụ (chưa quyết định)"]  # fmt: skip
    assert director[7] is None and undecided.decided_at is None
    assert isinstance(by_name["Trưởng Phòng A"][7], datetime)  # a date, not text
    assert by_name["@SUM(A1)"][3] == "Viên chức"
    for name in (DANGEROUS_NAME, "@SUM(A1)"):
        cell = find(ws, name)
        assert cell.data_type == "s"
    assert all(cell.data_type != "f" for cell in cells(ws))

    expected = sql_level_counts(session, org["dept"])
    assert summary_counts(ws) == expected
    assert sum(expected.values()) == 9
    stats = find(ws, "Số người")
    total = next(row for row in table_below(ws, "Số người") if row[0] == "Tổng số")
    assert total[1:3] == [9, 1.0]
    excellent = next(row for row in table_below(ws, "Số người") if row[0] == Level.XUAT_SAC.label)
    assert excellent[2] == pytest.approx(1 / 9)
    # per category: civil servants and public employees, each with its share
    assert [ws.cell(stats.row, col).value for col in (4, 6)] == ["Công chức", "Viên chức"]
    tot = next(row for row in table_below(ws, "Số người") if row[0] == Level.TOT.label)
    assert tot[3:7] == [6, pytest.approx(6 / 7), 0, 0]  # the director counts, undecided
    assert not contains(ws, "Cảnh báo")  # one excellent among six at tot is within 20%
    assert find(ws, "NGƯỜI LẬP BIỂU").row == find(ws, "THỦ TRƯỞNG ĐƠN VỊ").row

    login_as(org["admin"])
    whole = workbook_of(
        client.get(f"/reports/evaluations/{YEAR}/units/{org['province'].id}.xlsx")
    ).active
    overview = client.get(f"/evaluations/{YEAR}").get_data(as_text=True)
    assert summary_counts(whole) == overview_counts(overview) == expected


def test_the_summary_warns_when_the_excellent_quota_is_exceeded(
    session, client, login_as, make_unit, make_person, org
):
    for _ in range(3):
        evaluated(session, make_person(org["div_a"]), Level.XUAT_SAC)
    evaluated(session, make_person(org["div_a"]), Level.TOT)
    proposed = evaluated(session, make_person(org["div_b"]), Level.TOT, decided=False)
    proposed.personnel_level = Level.XUAT_SAC  # counts as the office proposes, as on the page
    finance = make_unit("Sở Tài chính", UnitKind.AGENCY, parent=org["province"])
    for _ in range(2):
        evaluated(session, make_person(finance), Level.XUAT_SAC)
    session.flush()

    login_as(org["head_a"])
    ws = workbook_of(client.get(f"/reports/evaluations/{YEAR}/units/{org['div_a'].id}.xlsx")).active
    warnings = [c for c in cells(ws) if str(c.value).startswith("Cảnh báo")]
    assert len(warnings) == 1  # the department's quota; the sibling agency's is not shown
    assert "Sở Kinh tế" in warnings[0].value
    assert "4 người Hoàn thành xuất sắc nhiệm vụ" in warnings[0].value
    assert warnings[0].font.b

    # the same groups and numbers as the quota cards of the evaluations page
    counted = reports.quota_warnings(session, org["province"], YEAR)
    views = quotas.quota_views(session, [org["province"], org["dept"], finance], YEAR)
    exceeded = {
        (v.agency.id, v.rulebook): (v.outcome.proposed, v.at_tot, v.outcome.allowed)
        for v in views
        if v.outcome.exceeded
    }
    assert {(w.agency.id, w.rulebook): (w.excellent, w.at_tot, w.allowed) for w in counted} == (
        exceeded
    )
    assert len(exceeded) == 2


def test_the_summary_reads_its_rows_in_chunks(app, session, make_unit, make_person):
    """The query is streamed `chunk_size` rows at a time (a server-side cursor on PostgreSQL),
    and every row still reaches the workbook. Peak memory is measured in bench/, not here."""
    unit = make_unit("Phòng Đông Người")
    for index in range(23):
        evaluated(session, make_person(unit, name=f"Người {index:02d}"), Level.HOAN_THANH)
    seen: list[dict] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if "annual_evaluation" in statement and "ORDER BY" in statement:
            seen.append(dict(context.execution_options))

    connection = session.connection()
    sa.event.listen(connection, "before_cursor_execute", remember)
    try:
        with app.test_request_context():
            export = reports.classification_summary(
                session, unit, YEAR, agency_name="UBND", today=date(2026, 11, 24), chunk_size=5
            )
    finally:
        sa.event.remove(connection, "before_cursor_execute", remember)
    assert seen and seen[0]["yield_per"] == 5 and seen[0]["stream_results"]
    from openpyxl import load_workbook

    ws = load_workbook(export.stream).active
    rows = summary_people(ws)
    assert len(rows) == 23
    assert [row[1] for row in rows] == [f"Người {index:02d}" for index in range(23)]


# --- 3. the period report -----------------------------------------------------------------


def test_the_period_report_lists_tasks_and_results(session, client, login_as, org):
    staff = org["staff_a"]
    plan = plans.create_plan(session, staff, WEEK, actor_id=None)
    done = plans.add_task(
        session, plan,
        plans.TaskInput("Thẩm định 5 hồ sơ", "Theo quy trình", Decimal(5), "hồ sơ", Decimal(2),
                        date(YEAR, 3, 13)),
        actor_id=None,
    )  # fmt: skip
    plans.add_task(
        session, plan,
        plans.TaskInput("=cmd|' /C calc'!A0", None, Decimal(1), "báo cáo", Decimal(1),
                        date(YEAR, 3, 12)),
        actor_id=None,
    )  # fmt: skip
    done.outcome, done.achieved_quantity = TaskOutcome.DONE_ON_TIME, Decimal(5)
    done.completed_on, done.evidence = date(YEAR, 3, 12), "-1+1 công văn số 12"
    plan.status = PlanStatus.REPORTED
    session.flush()

    login_as(staff)
    response = client.get(f"/reports/plans/{plan.id}.xlsx")
    ws = workbook_of(response).active
    assert (
        'filename="ke-hoach-2026-w11-do-thi-huong.xlsx"' in response.headers["Content-Disposition"]
    )
    assert contains(ws, "KẾ HOẠCH VÀ KẾT QUẢ THỰC HIỆN NHIỆM VỤ TUẦN 11/2026")
    assert day_of(ws.cell(find(ws, "Từ ngày").row, 2).value) == date(2026, 3, 9)
    rows = table_below(ws, "STT")
    assert len(rows) == 2
    first, second = sorted(rows, key=lambda row: row[6])
    assert second[1] == "Thẩm định 5 hồ sơ\nTheo quy trình"
    assert second[3:6] == ["hồ sơ", 5, 2]
    assert day_of(second[6]) == date(2026, 3, 13)
    assert second[7:9] == ["Hoàn thành đúng hạn", 5]
    assert day_of(second[9]) == date(2026, 3, 12)
    assert second[10] == "-1+1 công văn số 12"
    assert first[1] == "=cmd|' /C calc'!A0" and first[7] == "Chưa báo cáo"
    assert all(cell.data_type != "f" for cell in cells(ws))
    assert ws.cell(find(ws, "Số nhiệm vụ").row, 2).value == 2
    assert ws.cell(find(ws, "Đã hoàn thành").row, 2).value == 1
    assert isinstance(ws.cell(find(ws, "Điểm kết quả nhiệm vụ (tối đa 70)").row, 2).value, float)
    assert find(ws, "NGƯỜI LẬP BIỂU").row == find(ws, "THỦ TRƯỞNG ĐƠN VỊ").row


def test_a_units_own_plan_is_reported_under_the_units_name(session, client, login_as, org):
    plan = Plan(person=None, unit=org["div_a"], status=PlanStatus.DRAFT)
    plan.period = Period(PeriodKind.QUARTER, YEAR, 1)
    session.add(plan)
    session.flush()
    login_as(org["head_a"])
    response = client.get(f"/reports/plans/{plan.id}.xlsx")
    ws = workbook_of(response).active
    assert (
        'filename="ke-hoach-2026-q1-phong-kinh-te.xlsx"' in response.headers["Content-Disposition"]
    )
    assert ws.cell(find(ws, "Đơn vị").row, 2).value == "Phòng Kinh tế"
    assert table_below(ws, "STT") == []


# --- who may download what ----------------------------------------------------------------

SHEET, SUMMARY, PLAN = "sheet", "summary", "plan"
# (actor, what, whose / which unit, expected status)
ACCESS = [
    ("staff_a", SHEET, "staff_a", 200),
    ("staff_a", SHEET, "colleague_a", 403),
    ("head_a", SHEET, "staff_a", 200),
    ("head_b", SHEET, "staff_a", 403),
    ("personnel", SHEET, "staff_a", 200),
    ("director", SHEET, "staff_a", 200),
    ("admin", SHEET, "staff_a", 200),
    ("staff_a", SUMMARY, "div_a", 403),
    ("head_a", SUMMARY, "div_a", 200),
    ("head_a", SUMMARY, "div_b", 403),
    ("head_a", SUMMARY, "dept", 403),
    ("director", SUMMARY, "dept", 200),
    ("director", SUMMARY, "province", 403),
    ("personnel", SUMMARY, "dept", 200),
    ("personnel", SUMMARY, "province", 403),
    ("admin", SUMMARY, "province", 200),
    ("staff_a", PLAN, "staff_a", 200),
    ("staff_a", PLAN, "colleague_a", 403),
    ("head_a", PLAN, "staff_a", 200),
    ("head_b", PLAN, "staff_a", 403),
    ("personnel", PLAN, "staff_a", 200),
]


@pytest.mark.parametrize(("actor", "what", "target", "expected"), ACCESS)
def test_downloads_are_authorized_like_their_pages(
    session, client, login_as, org, actor, what, target, expected
):
    if what == SHEET:
        url = f"/reports/evaluations/{YEAR}/people/{org[target].id}.xlsx"
    elif what == SUMMARY:
        url = f"/reports/evaluations/{YEAR}/units/{org[target].id}.xlsx"
    else:
        plan = plans.create_plan(session, org[target], WEEK, actor_id=None)
        url = f"/reports/plans/{plan.id}.xlsx"
    login_as(org[actor])
    response = client.get(url)
    assert response.status_code == expected, (actor, what, target)
    if expected == 403:
        assert (
            response.mimetype != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )


@pytest.mark.parametrize(
    "url",
    [
        "/reports/evaluations/2026/people/999999.xlsx",
        "/reports/evaluations/2026/units/999999.xlsx",
        "/reports/plans/999999.xlsx",
        "/reports/evaluations/1999/units/{unit}.xlsx",
        "/reports/evaluations/3000/people/{person}.xlsx",
    ],
)
def test_missing_things_are_404(client, login_as, org, url):
    login_as(org["admin"])
    target = url.format(unit=org["province"].id, person=org["staff_a"].id)
    assert client.get(target).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, org):
    response = client.get(f"/reports/evaluations/{YEAR}/units/{org['dept'].id}.xlsx")
    assert response.status_code == 302 and "/login" in response.location


def test_the_pages_offer_the_downloads(session, client, login_as, org):
    staff = org["staff_a"]
    plan = plans.create_plan(session, staff, WEEK, actor_id=None)
    login_as(org["head_a"])
    overview = client.get(f"/evaluations/{YEAR}").get_data(as_text=True)
    assert f"/reports/evaluations/{YEAR}/units/{org['div_a'].id}.xlsx" in overview
    assert f"/units/{org['dept'].id}.xlsx" not in overview
    page = client.get(f"/evaluations/{YEAR}/people/{staff.id}").get_data(as_text=True)
    assert f"/reports/evaluations/{YEAR}/people/{staff.id}.xlsx" in page
    assert f"/reports/plans/{plan.id}.xlsx" in client.get(f"/plans/{plan.id}").get_data(
        as_text=True
    )
    login_as(org["personnel"])
    overview = client.get(f"/evaluations/{YEAR}").get_data(as_text=True)
    assert f"/reports/evaluations/{YEAR}/units/{org['dept'].id}.xlsx" in overview
    login_as(staff)  # an employee reaches no subtree: no summary to offer
    assert "/units/" not in client.get(f"/evaluations/{YEAR}").get_data(as_text=True)
