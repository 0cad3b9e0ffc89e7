"""The audit trail reads as sentences (issue 16 §3): "Trần Văn B duyệt kế hoạch Tháng 12/2026
của Nguyễn Thị C lúc 09:14 01/12/2026", in English on English pages, the same in the export;
what the records are about is loaded in bulk; the trail filters and pages in SQL.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from evaluation.accounts.models import AccountRole
from evaluation.audit import sentences
from evaluation.core.audit import AuditRecord
from evaluation.core.db import db, statements_run
from evaluation.organisation.models import UnitKind
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from tests.conftest import account_id

DECEMBER = Period(PeriodKind.MONTH, 2026, 12)


@pytest.fixture
def office(session, make_unit, make_person):
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    personnel = make_person(
        make_unit("Phòng Tổ chức", parent=agency),
        account_role=AccountRole.PERSONNEL,
        served_unit=agency,
        name="Lý Thị Tổ Chức",
    )
    head = make_person(division, name="Trần Văn B")
    staff = make_person(division, name="Nguyễn Thị C")
    return agency, division, personnel, head, staff


def approved_plan(session, head, staff, at: datetime):
    """Nguyễn Thị C's December plan, submitted, then approved by Trần Văn B at `at`."""
    plan = plans.create_plan(session, staff, DECEMBER, actor_id=account_id(session, staff))
    plans.add_task(
        session,
        plan,
        TaskInput("Thẩm định hồ sơ", None, Decimal(3), "hồ sơ", Decimal(1), date(2026, 12, 20)),
        actor_id=None,
    )
    plans.transition(session, plan, "submit", actor_id=account_id(session, staff))
    plans.transition(session, plan, "approve", actor_id=account_id(session, head))
    record = session.scalars(
        sa.select(AuditRecord).where(
            AuditRecord.object_id == plan.id, AuditRecord.action == "approve"
        )
    ).one()
    record.at = at
    session.flush()
    return plan, record


# 02:14 UTC is 09:14 in Hà Nội.
APPROVED_AT = datetime(2026, 12, 1, 2, 14, tzinfo=UTC)
SENTENCE = "Trần Văn B duyệt kế hoạch Tháng 12/2026 của Nguyễn Thị C lúc 09:14 01/12/2026"


def test_the_issue_example_reads_word_for_word(app, session, office):
    _agency, _division, _personnel, head, staff = office
    _plan, record = approved_plan(session, head, staff, APPROVED_AT)
    with app.test_request_context():
        subjects = sentences.load_subjects(session, [record])
        assert sentences.describe(record, "Trần Văn B", subjects) == SENTENCE


def test_the_page_and_the_export_read_the_same_sentences(session, client, login_as, office):
    _agency, _division, personnel, head, staff = office
    approved_plan(session, head, staff, APPROVED_AT)
    login_as(personnel)
    page = client.get("/audit").get_data(as_text=True)
    assert SENTENCE in page
    assert "Nguyễn Thị C gửi duyệt kế hoạch Tháng 12/2026 của Nguyễn Thị C lúc" in page
    assert "Nguyễn Thị C lập kế hoạch Tháng 12/2026 của Nguyễn Thị C lúc" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get("/audit.xlsx").data))
    cells = [cell.value for row in book.active.iter_rows() for cell in row]
    assert SENTENCE in cells


def test_english_pages_read_english_sentences(session, client, login_as, office):
    _agency, _division, personnel, head, staff = office
    approved_plan(session, head, staff, APPROVED_AT)
    login_as(personnel)
    client.post("/language", data={"lang": "en"})
    page = client.get("/audit").get_data(as_text=True)
    assert "Trần Văn B approved the plan Month 12/2026 of Nguyễn Thị C at 09:14 01/12/2026" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get("/audit.xlsx").data))
    cells = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "Trần Văn B approved the plan Month 12/2026 of Nguyễn Thị C at 09:14 01/12/2026" in cells
    assert not any(isinstance(c, str) and " duyệt " in c for c in cells)


def test_a_record_about_a_deleted_object_still_reads(app, session, office):
    _agency, _division, _personnel, head, _staff = office
    record = AuditRecord(
        actor_id=account_id(session, head),
        object_type="plan",
        object_id=987654,
        action="approve",
        at=APPROVED_AT,
    )
    session.add(record)
    session.flush()
    with app.test_request_context():
        text = sentences.describe(record, "Trần Văn B", sentences.load_subjects(session, [record]))
    assert text == "Trần Văn B duyệt dữ liệu đã xoá (mã 987654) lúc 09:14 01/12/2026"


def test_what_the_records_are_about_is_loaded_in_bulk(
    app, session, client, login_as, office, make_person
):
    """The trail runs as many statements for 40 plans as for 2 (no query per row)."""
    _agency, division, personnel, head, _staff = office

    def add_plans(count: int) -> None:
        for _ in range(count):
            person = make_person(division)
            approved_plan(session, head, person, APPROVED_AT)

    login_as(personnel)

    def statements() -> int:
        with statements_run(db.engine_of(app)) as run:
            assert client.get("/audit").status_code == 200
        return len(run)

    add_plans(1)
    few = statements()
    add_plans(15)  # 48 records more: the page (50) is full
    many = statements()
    assert many == few


def test_the_trail_filters_by_actor_kind_and_day_and_the_links_keep_the_filters(
    session, client, login_as, office
):
    _agency, _division, personnel, head, staff = office
    approved_plan(session, head, staff, APPROVED_AT)
    login_as(personnel)
    by_head = client.get("/audit?q=tran+van").get_data(as_text=True)
    assert SENTENCE in by_head and "gửi duyệt" not in by_head
    plans_only = client.get("/audit?kind=task").get_data(as_text=True)
    assert SENTENCE not in plans_only
    that_day = client.get("/audit?since=2026-12-01&until=2026-12-01").get_data(as_text=True)
    assert SENTENCE in that_day
    assert "gửi duyệt" not in that_day  # submitted today (the clock's day), not on 1 December
    before = client.get("/audit?until=2026-11-30").get_data(as_text=True)
    assert SENTENCE not in before and "Không có thay đổi nào khớp bộ lọc." in before
    export = client.get("/audit?q=tran+van&kind=plan").get_data(as_text=True)
    assert "/audit.xlsx?q=tran+van&amp;kind=plan" in export
    book = openpyxl.load_workbook(io.BytesIO(client.get("/audit.xlsx?q=tran+van").data))
    cells = [cell.value for row in book.active.iter_rows() for cell in row]
    assert SENTENCE in cells
    assert not any(isinstance(c, str) and "gửi duyệt" in c for c in cells)
    for odd in ["kind=drop", "since=2026-13-45", "until=0001-01-01", "q=%25"]:
        assert client.get(f"/audit?{odd}").status_code == 200


def test_the_trail_comes_in_pages_of_fifty(session, client, login_as, office):
    _agency, _division, personnel, head, staff = office
    person_id = staff.id
    for n in range(51):
        session.add(
            AuditRecord(
                actor_id=account_id(session, head),
                object_type="person",
                object_id=person_id,
                action="move",
                at=datetime(2026, 11, 1, 1, n, tzinfo=UTC),
            )
        )
    session.flush()
    login_as(personnel)
    first = client.get("/audit?kind=person").get_data(as_text=True)
    assert first.count("cập nhật đơn vị, chức vụ của Nguyễn Thị C") == 50
    assert 'href="/audit?page=2&amp;kind=person"' in first
    second = client.get("/audit?page=2&kind=person").get_data(as_text=True)
    assert second.count("cập nhật đơn vị, chức vụ của Nguyễn Thị C") == 1
