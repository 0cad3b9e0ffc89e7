"""The task import: a unit's monthly or quarterly plans, previewed, confirmed, idempotent."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.models import Plan, PlanStatus, Task, TaskSource
from evaluation.plans.periods import Period, PeriodKind
from tests.imports.helpers import TASK_HEADER, batch_id, counts, error_rows, task_book, upload

URL = "/imports/tasks"
MONTH = Period(PeriodKind.MONTH, 2026, 12)


@pytest.fixture
def world(session, make_unit, make_person, make_admin):
    dept = make_unit("Sở", UnitKind.AGENCY, code="SO")
    div_a = make_unit("Phòng A", parent=dept, code="PA")
    div_b = make_unit("Phòng B", parent=dept, code="PB")
    return {
        "dept": dept,
        "div_a": div_a,
        "div_b": div_b,
        "head_a": make_person(div_a, role=LeadershipRole.HEAD),
        "deputy_a": make_person(div_a, role=LeadershipRole.DEPUTY),
        "staff_a": make_person(div_a, name="Võ Thị Hạnh"),
        "staff_b": make_person(div_b),
        "personnel": make_person(div_b, account_role=AccountRole.PERSONNEL, served_unit=dept),
        "admin": make_admin(),
    }


def fields(unit, kind: str = "month", day: str = "2026-12-10") -> dict[str, str]:
    return {"unit_id": str(unit.id), "kind": kind, "day": day}


def good_rows(world) -> list[list[object]]:
    return [
        [world["staff_a"].code, "Thẩm định hồ sơ", 12, "hồ sơ", 2, date(2026, 12, 20), "Mô tả"],
        [world["deputy_a"].code, "Báo cáo tháng", "1,5", "báo cáo", None, "28/12/2026", None],
        [None, "Tổng kết năm của phòng", 1, "báo cáo", 5, "2026-12-31", None],
    ]


def test_a_good_file_previews_then_creates_the_plans_and_tasks(session, client, login_as, world):
    login_as(world["head_a"])
    before = counts(session)
    response = upload(client, URL, task_book(good_rows(world)), **fields(world["div_a"]))
    url = f"/imports/batches/{batch_id(response)}"
    page = client.get(url).get_data(as_text=True)
    assert "Nhiệm vụ: 3 thêm mới, 0 cập nhật, 0 giữ nguyên" in page
    assert counts(session)["task"] == before["task"]

    assert client.post(f"{url}/confirm").status_code == 302
    session.expire_all()
    tasks = session.scalars(sa.select(Task).join(Plan).order_by(Task.deadline)).all()
    assert [(t.title, t.plan.person_id, t.target_quantity, t.weight) for t in tasks] == [
        ("Thẩm định hồ sơ", world["staff_a"].id, Decimal(12), Decimal(2)),
        ("Báo cáo tháng", world["deputy_a"].id, Decimal("1.5"), Decimal(1)),
        ("Tổng kết năm của phòng", None, Decimal(1), Decimal(5)),
    ]
    assert all(t.plan.period == MONTH and t.plan.status is PlanStatus.DRAFT for t in tasks)
    assert tasks[0].source is TaskSource.ASSIGNED and tasks[2].source is TaskSource.UNIT_PLAN
    assert tasks[2].plan.unit_id == world["div_a"].id

    # the same file again: every task is already there
    after = counts(session)
    response = upload(client, URL, task_book(good_rows(world)), **fields(world["div_a"]))
    url = f"/imports/batches/{batch_id(response)}"
    page = client.get(url).get_data(as_text=True)
    assert "Nhiệm vụ: 0 thêm mới, 0 cập nhật, 3 giữ nguyên" in page
    client.post(f"{url}/confirm")
    assert counts(session) == {**after, "import_batch": after["import_batch"] + 1}

    # a changed quantity updates the task in place
    rows = good_rows(world)
    rows[0][2] = 15
    response = upload(client, URL, task_book(rows), **fields(world["div_a"]))
    url = f"/imports/batches/{batch_id(response)}"
    assert "<del>12</del> → <strong>15</strong>" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/confirm")
    session.expire_all()
    assert session.get(Task, tasks[0].id).target_quantity == Decimal(15)


def test_a_quarterly_plan_from_the_personnel_office(session, client, login_as, world):
    login_as(world["personnel"])
    rows = [[world["staff_b"].code, "Rà soát biên chế", 3, "báo cáo", 1, "15/11/2026", None]]
    response = upload(client, URL, task_book(rows), **fields(world["div_b"], "quarter"))
    client.post(f"/imports/batches/{batch_id(response)}/confirm")
    plan = session.scalars(sa.select(Plan).where(Plan.person_id == world["staff_b"].id)).one()
    assert plan.period == Period(PeriodKind.QUARTER, 2026, 4)


def test_bad_rows_are_explained_and_change_nothing(session, client, login_as, world):
    login_as(world["deputy_a"])
    rows = [
        [world["staff_a"].code, "Ngoài kỳ", 1, "việc", 1, "05/01/2027", None],
        [world["staff_b"].code, "Người phòng khác", 1, "việc", 1, "10/12/2026", None],
        [world["head_a"].code, "Giao cho trưởng phòng", 1, "việc", 1, "10/12/2026", None],
        ["KHONG-CO", "Không có người", 1, "việc", 1, "10/12/2026", None],
        [world["staff_a"].code, "Số lượng sai", "nhiều", "việc", 1, "10/12/2026", None],
        [world["staff_a"].code, "Trọng số sai", 1, "việc", 101, "10/12/2026", None],
        [world["staff_a"].code, "", 1, "việc", 1, "10/12/2026", None],
        [world["staff_a"].code, "Trùng", 1, "việc", 1, "10/12/2026", None],
        [world["staff_a"].code, "trùng", 2, "việc", 1, "10/12/2026", None],
        [None, "Kế hoạch chung", 1, "việc", 1, "10/12/2026", None],
    ]
    before = counts(session)
    response = upload(client, URL, task_book(rows), **fields(world["div_a"]))
    assert response.status_code == 422
    shown = error_rows(response.get_data(as_text=True))
    expected = [
        "Nhiệm vụ | 6 | C · Số lượng | Ô này phải là một số.",
        "Nhiệm vụ | 7 | E · Trọng số | Giá trị phải lớn hơn 0 và không quá 100.",
        "Nhiệm vụ | 8 | B · Tên nhiệm vụ | Ô này không được để trống.",
        "Nhiệm vụ | 2 | F · Hạn hoàn thành | Hạn hoàn thành phải nằm trong kỳ kế hoạch "
        "(01/12/2026 – 31/12/2026).",
        f"Nhiệm vụ | 3 | A · Mã cán bộ | {world['staff_b'].full_name} ({world['staff_b'].code}) "
        "không thuộc Phòng A.",
        "Nhiệm vụ | 4 | A · Mã cán bộ | Bạn không có quyền giao nhiệm vụ cho",
        "Nhiệm vụ | 5 | A · Mã cán bộ | Không tìm thấy cán bộ mã KHONG-CO.",
        "Nhiệm vụ | 10 | B · Tên nhiệm vụ | Nhiệm vụ trùng (cùng người, tên và hạn) với dòng 9.",
        "Nhiệm vụ | 11 | A · Mã cán bộ | Bạn không lập kế hoạch chung của đơn vị này",
    ]
    assert len(shown) == len(expected), shown
    for row, fragment in zip(shown, expected, strict=True):
        assert row.startswith(fragment), (row, fragment)
    assert counts(session) == before


def test_a_reported_plan_takes_no_new_tasks(session, client, login_as, world):
    plan = Plan(person=world["staff_a"], unit_id=world["div_a"].id, status=PlanStatus.REPORTED)
    plan.period = MONTH
    session.add(plan)
    session.flush()
    login_as(world["head_a"])
    rows = [[world["staff_a"].code, "Việc muộn", 1, "việc", 1, "10/12/2026", None]]
    response = upload(client, URL, task_book(rows), **fields(world["div_a"]))
    assert any("đã báo cáo kết quả" in r for r in error_rows(response.get_data(as_text=True)))


def test_the_task_template_has_the_columns_the_import_reads(client, login_as, world):
    login_as(world["head_a"])
    response = client.get(f"{URL}/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert [c.replace(" (*)", "") for c in next(book["Nhiệm vụ"].values)] == TASK_HEADER
    book.close()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff_a", 403), ("admin", 403), ("head_a", 200), ("deputy_a", 200), ("personnel", 200)],
)
def test_only_managers_and_personnel_may_import_tasks(client, login_as, world, who, expected):
    login_as(world[who])
    assert client.get(URL).status_code == expected
    assert client.get(f"{URL}/template.xlsx").status_code == expected


def test_a_manager_cannot_import_into_a_unit_outside_their_subtree(
    session, client, login_as, world
):
    login_as(world["head_a"])
    before = counts(session)
    rows = [[world["staff_b"].code, "Việc phòng B", 1, "việc", 1, "10/12/2026", None]]
    response = upload(client, URL, task_book(rows), **fields(world["div_b"]))
    assert response.status_code == 422  # not among the unit choices
    assert counts(session) == before


# --- issue 11: the import applies the task pages' rule (can_put_tasks) -------------------


def unit_plan(session, unit, status: PlanStatus) -> Plan:
    plan = Plan(person=None, unit_id=unit.id, status=status)
    plan.period = MONTH
    session.add(plan)
    session.flush()
    return plan


UNIT_ROW = [None, "Việc thêm sau khi nộp", 1, "việc", 1, "20/12/2026", None]


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.APPROVED])
def test_a_head_cannot_import_tasks_into_their_submitted_or_approved_unit_plan(
    session, client, login_as, world, status
):
    """The finding replayed: the head's own unit plan, sent or approved, takes no task."""
    plan = unit_plan(session, world["div_a"], status)
    login_as(world["head_a"])
    # the pages refuse it too: the owner edits only a draft or returned plan
    assert client.get(f"/plans/{plan.id}/tasks/new").status_code == 403
    before = counts(session)
    response = upload(client, URL, task_book([UNIT_ROW]), **fields(world["div_a"]))
    assert response.status_code == 422
    shown = error_rows(response.get_data(as_text=True))
    assert len(shown) == 1 and "chỉ thêm hoặc sửa nhiệm vụ khi kế hoạch còn là bản nháp" in shown[0]
    assert shown[0].startswith("Nhiệm vụ | 2 | A · Mã cán bộ")
    assert counts(session) == before
    session.refresh(plan)
    assert plan.status is status and plan.tasks == []


def test_a_head_imports_into_their_draft_unit_plan(session, client, login_as, world):
    plan = unit_plan(session, world["div_a"], PlanStatus.DRAFT)
    login_as(world["head_a"])
    assert client.get(f"/plans/{plan.id}/tasks/new").status_code == 200
    response = upload(client, URL, task_book([UNIT_ROW]), **fields(world["div_a"]))
    url = f"/imports/batches/{batch_id(response)}"
    assert client.post(f"{url}/confirm").status_code == 302
    session.expire_all()
    assert [t.title for t in session.get(Plan, plan.id).tasks] == ["Việc thêm sau khi nộp"]


def test_a_plan_submitted_between_preview_and_confirmation_takes_nothing(
    session, client, login_as, world
):
    plan = unit_plan(session, world["div_a"], PlanStatus.DRAFT)
    login_as(world["head_a"])
    response = upload(client, URL, task_book([UNIT_ROW]), **fields(world["div_a"]))
    url = f"/imports/batches/{batch_id(response)}"
    plan.status = PlanStatus.SUBMITTED  # sent from another tab meanwhile
    session.flush()
    before = counts(session)
    response = client.post(f"{url}/confirm")
    assert response.status_code == 409
    assert "bản nháp hoặc bị trả lại" in response.get_data(as_text=True)
    assert counts(session) == before


@pytest.mark.parametrize("status", [PlanStatus.SUBMITTED, PlanStatus.APPROVED])
def test_managers_above_and_the_office_still_add_to_a_sent_staff_plan(
    session, client, login_as, world, status
):
    """Those above a plan may assign until its results are reported, as the assign page does."""
    plan = Plan(person=world["staff_a"], unit_id=world["div_a"].id, status=status)
    plan.period = MONTH
    session.add(plan)
    session.flush()
    for who, title in (("head_a", "Việc của trưởng phòng"), ("personnel", "Việc của văn phòng")):
        login_as(world[who])
        row = [world["staff_a"].code, title, 1, "việc", 1, "20/12/2026", None]
        response = upload(client, URL, task_book([row]), **fields(world["div_a"]))
        url = f"/imports/batches/{batch_id(response)}"
        assert client.post(f"{url}/confirm").status_code == 302
    session.expire_all()
    assert sorted(t.title for t in session.get(Plan, plan.id).tasks) == [
        "Việc của trưởng phòng",
        "Việc của văn phòng",
    ]


def test_an_office_cannot_import_into_its_own_submitted_plan(session, client, login_as, world):
    """An office's own plan follows the owner's rule, not the office's."""
    plan = Plan(person=world["personnel"], unit_id=world["div_b"].id, status=PlanStatus.SUBMITTED)
    plan.period = MONTH
    session.add(plan)
    session.flush()
    login_as(world["personnel"])
    before = counts(session)
    row = [world["personnel"].code, "Tự thêm", 1, "việc", 1, "20/12/2026", None]
    response = upload(client, URL, task_book([row]), **fields(world["div_b"]))
    assert response.status_code == 422
    assert counts(session) == before
