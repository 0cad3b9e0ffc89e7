"""Filters and pages of fifty on the lists (issue 16 §3) — my plans, the overdue report and its
Excel export, the evaluations overview — each in SQL, with links that keep the filters; and a
plan's history: who submitted, returned or approved it, when, with the comments.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from criteria import Level
from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, PlanStatus, Task
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring import procedure
from tests.conftest import account_id

TODAY = date(2026, 6, 15)


def plan_links(page: str) -> int:
    return len(re.findall(r'href="/plans/\d+"', page))


# --- my plans -------------------------------------------------------------------------------


@pytest.fixture
def employee(session, make_unit, make_person):
    unit = make_unit("Phòng Kinh tế")
    head = make_person(unit, role=LeadershipRole.HEAD, name="Trần Văn B")
    person = make_person(unit, name="Nguyễn Thị C")
    return unit, head, person


def test_my_plans_filter_by_kind_and_status_and_come_in_pages(session, client, login_as, employee):
    _unit, _head, person = employee
    for week in range(1, 53):  # 52 week plans, the first 3 submitted
        plan = Plan(person=person, unit_id=person.unit_id, status=PlanStatus.DRAFT)
        plan.period = Period(PeriodKind.WEEK, 2026, week)
        if week <= 3:
            plan.status = PlanStatus.SUBMITTED
        session.add(plan)
    for month in (1, 2):
        plan = Plan(person=person, unit_id=person.unit_id, status=PlanStatus.DRAFT)
        plan.period = Period(PeriodKind.MONTH, 2026, month)
        session.add(plan)
    session.flush()
    login_as(person)
    first = client.get("/plans?year=2026").get_data(as_text=True)
    assert plan_links(first) == 50 and "Trang 1 / 2" in first
    second = client.get("/plans?year=2026&page=2").get_data(as_text=True)
    assert plan_links(second) == 4
    assert client.get("/plans?year=2026&page=3").status_code == 404

    weeks = client.get("/plans?year=2026&kind=week").get_data(as_text=True)
    assert plan_links(weeks) == 50
    assert 'href="/plans?page=2&amp;year=2026&amp;kind=week"' in weeks  # the link keeps it
    assert plan_links(client.get("/plans?year=2026&kind=week&page=2").get_data(as_text=True)) == 2
    months = client.get("/plans?year=2026&kind=month").get_data(as_text=True)
    assert plan_links(months) == 2 and "Tháng 1/2026" in months and "Tuần 1/2026" not in months
    submitted = client.get("/plans?year=2026&status=submitted").get_data(as_text=True)
    assert plan_links(submitted) == 3
    assert 'value="submitted" selected' in submitted
    none = client.get("/plans?year=2026&kind=quarter").get_data(as_text=True)
    assert "Không có kế hoạch nào khớp bộ lọc." in none
    # unknown values mean no filter, never an error
    assert plan_links(client.get("/plans?year=2026&kind=x&status=%00").get_data(as_text=True)) == 50


# --- the overdue report ---------------------------------------------------------------------


@pytest.fixture
def overdue_world(session, make_unit, make_person, clock):
    clock(TODAY)
    agency = make_unit("Sở Xây dựng", UnitKind.AGENCY)
    division = make_unit("Phòng Quản lý nhà", parent=agency)
    head = make_person(division, role=LeadershipRole.HEAD, name="Trưởng phòng")
    an = make_person(division, name="Nguyễn Văn An")
    dung = make_person(division, name="Đặng Thị Dung")
    june = Period(PeriodKind.MONTH, 2026, 6)
    week = Period(PeriodKind.WEEK, 2026, 24)  # 8–14 June
    for person, count in ((an, 55), (dung, 3)):
        plan = plans.create_plan(session, person, june, actor_id=None)
        for n in range(count):
            session.add(
                Task(
                    plan=plan,
                    title=f"Việc {person.full_name} {n}",
                    target_quantity=Decimal(1),
                    unit_of_measure="việc",
                    weight=Decimal(1),
                    deadline=date(2026, 6, 1) + timedelta(days=n % 14),
                )
            )
    week_plan = plans.create_plan(session, dung, week, actor_id=None)
    session.add(
        Task(
            plan=week_plan,
            title="Việc của tuần",
            target_quantity=Decimal(1),
            unit_of_measure="việc",
            weight=Decimal(1),
            deadline=date(2026, 6, 12),
        )
    )
    session.flush()
    return head, an, dung


def overdue_rows(page: str) -> int:
    return page.split("<tbody>")[1].count("<tr>") if "<tbody>" in page else 0


def test_the_overdue_report_filters_pages_and_keeps_its_filters(
    session, client, login_as, overdue_world
):
    head, _an, _dung = overdue_world
    login_as(head)
    first = client.get("/unit/overdue").get_data(as_text=True)
    assert "59 nhiệm vụ" in first and overdue_rows(first) == 50
    assert overdue_rows(client.get("/unit/overdue?page=2").get_data(as_text=True)) == 9
    assert client.get("/unit/overdue?page=3").status_code == 404

    dung = client.get("/unit/overdue?q=dang+thi").get_data(as_text=True)
    assert "4 nhiệm vụ" in dung and "Nguyễn Văn An" not in dung.split("<tbody>")[1]
    weeks = client.get("/unit/overdue?kind=week").get_data(as_text=True)
    assert "1 nhiệm vụ" in weeks and "Việc của tuần" in weeks
    # 14 is not one of the choices (7, 30, 90): no filter, rather than an error
    assert "59 nhiệm vụ" in client.get("/unit/overdue?min_days=14").get_data(as_text=True)
    # 7 days or more: deadlines up to 8 June (today is 15 June)
    week_old = client.get("/unit/overdue?min_days=7").get_data(as_text=True)
    expected = session.scalar(
        sa.select(sa.func.count(Task.id)).where(Task.deadline <= date(2026, 6, 8))
    )
    assert f"{expected} nhiệm vụ" in week_old
    paged = client.get("/unit/overdue?q=nguyen&min_days=7").get_data(as_text=True)
    assert "/reports/overdue.xlsx?q=nguyen&amp;min_days=7" in paged  # the export keeps them
    unit_page = client.get("/unit").get_data(as_text=True)
    assert "(59)" in unit_page and 'href="/unit/overdue"' in unit_page


def test_the_overdue_export_has_the_pages_rows_with_the_same_filters(
    session, client, login_as, overdue_world
):
    head, _an, _dung = overdue_world
    login_as(head)
    response = client.get("/reports/overdue.xlsx?q=dang&kind=month")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    tasks = [row[3] for row in values if row and isinstance(row[0], int)]
    assert sorted(tasks) == sorted(f"Việc Đặng Thị Dung {n}" for n in range(3))
    text = " ".join(str(v) for row in values for v in row if v is not None)
    assert "người thực hiện: dang" in text and "loại kỳ: Tháng" in text
    everything = openpyxl.load_workbook(io.BytesIO(client.get("/reports/overdue.xlsx").data))
    rows = [r for r in everything.active.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert len(rows) == 59  # the export is not cut to a page


# --- the evaluations overview ---------------------------------------------------------------


def test_the_evaluations_overview_filters_by_name_and_state(
    session, client, login_as, make_unit, make_person
):
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    office = make_person(
        make_unit("Phòng Tổ chức", parent=agency),
        account_role=AccountRole.PERSONNEL,
        served_unit=agency,
    )
    make_person(agency, role=LeadershipRole.HEAD, name="Giám đốc")
    started = make_person(division, name="Đỗ Văn Đạt")
    make_person(division, name="Vương Thị Yến")
    for n in range(52):
        make_person(division, name=f"Cán bộ {n:02d}")
    evaluation = procedure.open_evaluation(session, started, 2026)
    procedure.self_assess(session, evaluation, report="Hoàn thành", level=Level.TOT, actor_id=None)
    session.flush()
    login_as(office)
    first = client.get("/evaluations/2026").get_data(as_text=True)
    table = first.split("Hồ sơ trong phạm vi phụ trách")[1]
    assert table.count("/evaluations/2026/people/") == 50 and "Trang 1 / 2" in table
    found = client.get("/evaluations/2026?q=do+van+dat").get_data(as_text=True)
    found_table = found.split("Hồ sơ trong phạm vi phụ trách")[1]
    assert "Đỗ Văn Đạt" in found_table and found_table.count("/evaluations/2026/people/") == 1
    in_progress = client.get("/evaluations/2026?state=in_progress").get_data(as_text=True)
    table = in_progress.split("Hồ sơ trong phạm vi phụ trách")[1]
    assert "Đỗ Văn Đạt" in table and table.count("/evaluations/2026/people/") == 1
    waiting = client.get("/evaluations/2026?state=not_started").get_data(as_text=True)
    table = waiting.split("Hồ sơ trong phạm vi phụ trách")[1]
    assert "Đỗ Văn Đạt" not in table and "Trang 1 / 2" in table
    assert 'href="/evaluations/2026?page=2&amp;state=not_started"' in table
    decided = client.get("/evaluations/2026?state=decided&q=yen").get_data(as_text=True)
    assert "Không có hồ sơ nào khớp bộ lọc." in decided
    assert client.get("/evaluations/2026?state=%3Cscript%3E").status_code == 200


# --- a plan's history -----------------------------------------------------------------------


def test_a_plan_shows_who_submitted_returned_and_approved_it_with_the_comments(
    session, client, login_as, employee
):
    _unit, head, person = employee
    week = Period(PeriodKind.WEEK, 2026, 11)
    plan = plans.create_plan(session, person, week, actor_id=account_id(session, person))
    plans.add_task(
        session,
        plan,
        plans.TaskInput("Báo cáo", None, Decimal(1), "báo cáo", Decimal(2), date(2026, 3, 13)),
        actor_id=None,
    )
    staff_id, head_id = account_id(session, person), account_id(session, head)
    plans.transition(session, plan, "submit", actor_id=staff_id)
    plans.transition(session, plan, "return", actor_id=head_id, comment="Bổ sung số liệu quý I")
    plans.transition(session, plan, "submit", actor_id=staff_id)
    plans.transition(session, plan, "approve", actor_id=head_id)
    session.flush()
    history = plans.plan_history(session, plan)
    assert [(step.action, step.actor, step.comment) for step in history] == [
        ("create", "Nguyễn Thị C", None),
        ("submit", "Nguyễn Thị C", None),
        ("return", "Trần Văn B", "Bổ sung số liệu quý I"),
        ("submit", "Nguyễn Thị C", None),
        ("approve", "Trần Văn B", None),
    ]
    login_as(person)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    section = page.split('id="history"')[1]
    labels = re.findall(r"<strong>(.*?)</strong> — (.*?),", section)
    assert labels == [
        ("Lập kế hoạch", "Nguyễn Thị C"),
        ("Gửi duyệt", "Nguyễn Thị C"),
        ("Trả lại", "Trần Văn B"),
        ("Gửi duyệt", "Nguyễn Thị C"),
        ("Duyệt", "Trần Văn B"),
    ]
    assert "Ý kiến: Bổ sung số liệu quý I" in section
    # the help on weights and steps sits on the same page
    assert "Trọng số cho biết nhiệm vụ nặng nhẹ" in page and "Chờ duyệt: lãnh đạo" in page


def test_the_history_is_read_in_one_statement_however_long(app, session, employee):
    from evaluation.core.db import db, statements_run

    _unit, head, person = employee
    plan = plans.create_plan(
        session, person, Period(PeriodKind.WEEK, 2026, 12), actor_id=account_id(session, person)
    )
    for _ in range(5):
        plans.add_task(
            session,
            plan,
            plans.TaskInput("Việc", None, Decimal(1), "việc", Decimal(1), date(2026, 3, 20)),
            actor_id=None,
        )
        plans.transition(session, plan, "submit", actor_id=account_id(session, person))
        plans.transition(session, plan, "return", actor_id=account_id(session, head), comment="Sửa")
    session.flush()
    with statements_run(db.engine_of(app)) as run:
        steps = plans.plan_history(session, plan)
    assert len(steps) == 11 and len(run) == 1
