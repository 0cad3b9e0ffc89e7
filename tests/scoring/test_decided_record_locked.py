"""A decided record stays decided (issue 11 §2).

Once a year's evaluation is decided, every input it was decided on is read-only until the
personnel office reopens it with a reason: the period scores, the task results and
assessments behind them, the tasks of the scored plans (pages and the task import), and the
year's leave and discipline records. Each attempt is refused with a message, no 500, and the
database rows are as they were. The decision stores the points it was decided on, and every
export of it prints them, adding up.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from criteria import GeneralAssessment, Level
from evaluation.accounts.models import AccountRole
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.records.models import DisciplineRecord, LeaveRecord
from evaluation.scoring import periods, procedure, queries
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from tests.conftest import account_id
from tests.imports.helpers import batch_id, task_book, upload
from tests.reports.helpers import find, workbook_of

YEAR = 2026
MARCH = Period(PeriodKind.MONTH, YEAR, 3)
APRIL = Period(PeriodKind.MONTH, YEAR, 4)
LOCKED = "đã có quyết định; phải mở lại"


@pytest.fixture
def org(session, make_unit, make_person):
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    personnel_division = make_unit("Phòng Tổ chức", parent=agency)
    return {
        "agency": agency,
        "division": division,
        "director": make_person(agency, role=LeadershipRole.HEAD, name="Giám đốc"),
        "head": make_person(division, role=LeadershipRole.HEAD, name="Trưởng phòng"),
        "staff": make_person(division, name="Đặng Thu Trang"),
        "personnel": make_person(
            personnel_division,
            account_role=AccountRole.PERSONNEL,
            served_unit=agency,
            name="Cán bộ tổ chức",
        ),
    }


def general_codes(person) -> list[str]:
    return [c.code for c in periods.general_criteria(periods.criteria_set_for(person, YEAR))]


def month_plan(session, person, period: Period, status: PlanStatus, done: bool) -> Plan:
    """Two tasks of the period; reported done on time when `done`."""
    plan = Plan(person=person, unit_id=person.unit_id, status=status)
    plan.period = period
    session.add(plan)
    for index in range(2):
        deadline = period.starts_on.replace(day=10 + index)
        session.add(
            Task(
                plan=plan,
                title=f"Thẩm định hồ sơ {index + 1}",
                target_quantity=Decimal(10),
                unit_of_measure="hồ sơ",
                weight=Decimal(1),
                deadline=deadline,
                outcome=TaskOutcome.DONE_ON_TIME if done else None,
                achieved_quantity=Decimal(10) if done else None,
                completed_on=deadline if done else None,
            )
        )
    session.flush()
    return plan


def score(session, person, period: Period, general: list[str], actor) -> PeriodScore:
    data = periods.ScoreInput(
        general=dict(zip(general_codes(person), map(Decimal, general), strict=True)),
        comment=None,
        task_points=None,
        adjustment_reason=None,
        organising_pct=None,
    )
    return periods.save_period_score(
        session, person, period, data, actor_id=account_id(session, actor)
    )


def decide(session, org, person) -> AnnualEvaluation:
    """The year's steps through the services, each by its actor, up to the decision."""
    evaluation = procedure.open_evaluation(session, person, YEAR)
    procedure.self_assess(
        session,
        evaluation,
        report="Hoàn thành nhiệm vụ",
        level=Level.TOT,
        actor_id=account_id(session, person),
    )
    procedure.record_collective(
        session,
        evaluation,
        minutes="Biên bản họp",
        general=GeneralAssessment.GOOD,
        actor_id=account_id(session, org["head"]),
    )
    procedure.propose(
        session,
        evaluation,
        level=evaluation.computed_level,
        comment=None,
        rank=None,
        actor_id=account_id(session, org["personnel"]),
    )
    procedure.decide(
        session,
        evaluation,
        level=evaluation.computed_level,
        reason=None,
        quota_exception="Thành tích đột xuất trong năm",
        actor_id=account_id(session, org["director"]),
    )
    session.flush()
    return evaluation


@pytest.fixture
def decided(session, org):
    """The staff member's 2026: March scored on an approved plan, a draft April plan, decided."""
    staff = org["staff"]
    march = month_plan(session, staff, MARCH, PlanStatus.APPROVED, done=True)
    april = month_plan(session, staff, APRIL, PlanStatus.DRAFT, done=False)
    score(session, staff, MARCH, ["5", "6", "6", "6", "6"], org["head"])
    evaluation = decide(session, org, staff)
    assert evaluation.locked and evaluation.decision_snapshot is not None
    return {"evaluation": evaluation, "march": march, "april": april}


def rows_of(session, model, **where: Any) -> list[tuple]:
    """Every column of the matching rows, read from the database, in id order."""
    table = model.__table__
    query = sa.select(table).where(*(table.c[k] == v for k, v in where.items()))
    return [tuple(row) for row in session.execute(query.order_by(table.c.id))]


def inputs(session, person) -> dict[str, list[tuple]]:
    """Everything a decision reads of a person, and the plans' versions."""
    session.expire_all()
    plan_ids = session.scalars(sa.select(Plan.id).where(Plan.person_id == person.id)).all()
    return {
        "scores": rows_of(session, PeriodScore, person_id=person.id),
        "plans": rows_of(session, Plan, person_id=person.id),
        "tasks": [row for plan_id in plan_ids for row in rows_of(session, Task, plan_id=plan_id)],
        "leave": rows_of(session, LeaveRecord, person_id=person.id),
        "discipline": rows_of(session, DisciplineRecord, person_id=person.id),
        "evaluations": rows_of(session, AnnualEvaluation, person_id=person.id),
    }


def refused(response, status: int = 422) -> str:
    """The page answered the refusal with the lock's message, not a 500."""
    assert response.status_code == status, response.status_code
    page = response.get_data(as_text=True)
    assert LOCKED in page, page[:2000]
    return page


def score_form(plan: Plan, general: list[str], person) -> dict[str, str]:
    data = {
        f"general_{code}": value for code, value in zip(general_codes(person), general, strict=True)
    }
    return data | {f"quality_{task.id}": "y" for task in plan.tasks}


def test_the_period_score_page_shows_the_lock_and_refuses_a_change(
    session, client, login_as, org, decided
):
    staff, march = org["staff"], decided["march"]
    login_as(org["head"])
    listing = client.get(f"/scoring/{MARCH.key}").get_data(as_text=True)
    assert "Năm đã có quyết định" in listing and "Xem điểm" in listing
    page = client.get(f"/scoring/{MARCH.key}/people/{staff.id}").get_data(as_text=True)
    assert "đã có quyết định" in page and "<fieldset disabled>" in page
    assert "Lưu điểm" not in page
    before = inputs(session, staff)

    data = score_form(march, ["3", "3", "3", "3", "3"], staff)
    data[f"returns_{march.tasks[0].id}"] = "2"  # the assessment behind the task points too
    del data[f"quality_{march.tasks[1].id}"]
    refused(client.post(f"/scoring/{MARCH.key}/people/{staff.id}", data=data))
    assert inputs(session, staff) == before


def test_a_task_result_is_refused_on_the_page(session, client, login_as, org, decided):
    staff, task = org["staff"], decided["march"].tasks[0]
    login_as(staff)
    plan_page = client.get(f"/plans/{decided['march'].id}").get_data(as_text=True)
    assert "đã có quyết định" in plan_page
    assert f"/tasks/{task.id}/result" not in plan_page
    form_page = client.get(f"/tasks/{task.id}/result").get_data(as_text=True)
    assert "<fieldset disabled>" in form_page and "Lưu kết quả" not in form_page
    before = inputs(session, staff)
    response = client.post(
        f"/tasks/{task.id}/result",
        data={"outcome": "not_done", "version": str(decided["march"].version)},
    )
    refused(response)
    assert inputs(session, staff) == before


def test_tasks_of_a_decided_year_cannot_be_added_changed_or_deleted(
    session, client, login_as, org, decided
):
    staff, april = org["staff"], decided["april"]
    task = april.tasks[0]
    login_as(staff)
    page = client.get(f"/plans/{april.id}").get_data(as_text=True)
    assert "đã có quyết định" in page
    assert f"/plans/{april.id}/tasks/new" not in page and f"/tasks/{task.id}/edit" not in page
    before = inputs(session, staff)
    form = {
        "title": "Báo cáo chuyên đề",
        "target_quantity": "1",
        "unit_of_measure": "báo cáo",
        "weight": "1",
        "deadline": "2026-04-25",
        "version": str(april.version),
    }
    refused(client.post(f"/plans/{april.id}/tasks/new", data=form))
    refused(client.post(f"/tasks/{task.id}/edit", data=form))
    response = client.post(
        f"/tasks/{task.id}/delete", data={"version": str(april.version)}, follow_redirects=True
    )
    refused(response, status=200)
    assert inputs(session, staff) == before


def test_the_task_import_is_refused_for_a_decided_year(session, client, login_as, org, decided):
    staff, april = org["staff"], decided["april"]
    login_as(org["head"])
    before = inputs(session, staff)
    book = task_book(
        [
            [staff.code, "Thẩm định hồ sơ 1", 12, "hồ sơ", 1, date(2026, 4, 10), None],  # update
            [staff.code, "Báo cáo chuyên đề", 1, "báo cáo", 1, date(2026, 4, 25), None],  # new
        ]
    )
    response = upload(
        client,
        "/imports/tasks",
        book,
        unit_id=str(org["division"].id),
        kind="month",
        day="2026-04-10",
    )
    url = f"/imports/batches/{batch_id(response)}"
    preview = client.get(url).get_data(as_text=True)
    confirmed = client.post(f"{url}/confirm", follow_redirects=True)
    assert confirmed.status_code in (200, 409)
    assert LOCKED in preview or LOCKED in confirmed.get_data(as_text=True)
    assert inputs(session, staff) == before
    assert april.tasks[0].target_quantity == Decimal(10)


def records_form(prefix: str, **fields: str) -> dict[str, str]:
    return {f"{prefix}-{name}": value for name, value in fields.items()}


DISCIPLINE = records_form(
    "discipline",
    violation="Vi phạm quy định về thời gian giải quyết hồ sơ",
    effective_on="2026-05-04",
    form="khien_trach",
    duty_related="y",
)
LEAVE = records_form("leave", kind="lawful", starts_on="2026-06-01", ends_on="2026-06-30")


def test_discipline_and_leave_of_a_decided_year_are_refused(
    session, client, login_as, org, decided
):
    staff = org["staff"]
    login_as(org["personnel"])
    page = client.get(f"/people/{staff.id}/records").get_data(as_text=True)
    assert "Đánh giá các năm 2026 đã có quyết định" in page
    before = inputs(session, staff)
    refused(client.post(f"/people/{staff.id}/records/discipline", data=DISCIPLINE))
    refused(client.post(f"/people/{staff.id}/records/leave", data=LEAVE))
    spanning = LEAVE | {"leave-starts_on": "2025-12-15", "leave-ends_on": "2026-01-15"}
    refused(client.post(f"/people/{staff.id}/records/leave", data=spanning))
    counted = DISCIPLINE | {
        "discipline-effective_on": "2027-02-01",
        "discipline-counted_in_year": "2026",
    }
    refused(client.post(f"/people/{staff.id}/records/discipline", data=counted))
    assert inputs(session, staff) == before

    # another year is open
    next_year = LEAVE | {"leave-starts_on": "2027-03-01", "leave-ends_on": "2027-03-10"}
    assert client.post(f"/people/{staff.id}/records/leave", data=next_year).status_code == 302
    assert len(inputs(session, staff)["leave"]) == 1


def step_version(client, person) -> str:
    page = client.get(f"/evaluations/{YEAR}/people/{person.id}").get_data(as_text=True)
    return re.search(r'id="version" name="version" type="hidden" value="(\d*)"', page).group(1)


def test_reopening_with_a_reason_unlocks_and_deciding_again_takes_a_new_snapshot(
    session, client, login_as, org, decided
):
    staff, march = org["staff"], decided["march"]
    evaluation = decided["evaluation"]
    first = dict(evaluation.decision_snapshot)
    assert first["total"] == str(evaluation.computed_points)

    login_as(org["personnel"])
    response = client.post(
        f"/evaluations/{YEAR}/people/{staff.id}/reopen",
        data={"reason": "Sai điểm tháng 3", "version": step_version(client, staff)},
    )
    assert response.status_code == 302
    session.expire_all()
    assert not evaluation.locked and evaluation.decision_snapshot is None
    reopened = session.scalars(
        sa.select(AuditRecord).where(
            AuditRecord.object_id == evaluation.id, AuditRecord.action == "reopen"
        )
    ).one()
    assert reopened.reason == "Sai điểm tháng 3"

    # the inputs are open again: the manager's score, a result, a leave record
    login_as(org["head"])
    response = client.post(
        f"/scoring/{MARCH.key}/people/{staff.id}",
        data=score_form(march, ["4", "4", "4", "4", "4"], staff)
        | {"version": str(periods.find_period_score(session, staff, MARCH).version)},
    )
    assert response.status_code == 302
    assert periods.find_period_score(session, staff, MARCH).general_points == Decimal(20)
    login_as(org["personnel"])
    assert client.post(f"/people/{staff.id}/records/leave", data=LEAVE).status_code == 302

    # deciding again stores what it is decided on now, and says so on the record
    session.expire_all()
    decide_again(session, org, evaluation)
    second = evaluation.decision_snapshot
    assert (first["general"], second["general"]) == ("29.00", "20.00")
    assert second["total"] == str(evaluation.computed_points) != first["total"]
    decisions = session.scalars(
        sa.select(AuditRecord.new_value)
        .where(AuditRecord.object_id == evaluation.id, AuditRecord.action == "decision")
        .order_by(AuditRecord.id)
    ).all()
    assert [f'"total": "{first["total"]}"' in decisions[0], len(decisions)] == [True, 2]
    assert f'"total": "{second["total"]}"' in decisions[1]


def decide_again(session, org, evaluation: AnnualEvaluation) -> None:
    procedure.decide(
        session,
        evaluation,
        level=evaluation.computed_level,
        reason=None,
        quota_exception="Thành tích đột xuất trong năm",
        actor_id=account_id(session, org["director"]),
    )
    session.flush()


# --- exports of a decided record ----------------------------------------------------------


def criteria_table(ws) -> tuple[list[float], float]:
    """Section III: the points column of every row under its header, and its "Tổng cộng"."""
    header = find(ws, "Nhóm").row
    total_row = find(ws, "Tổng cộng").row
    points = [ws.cell(row, 6).value for row in range(header + 1, total_row)]
    return [p for p in points if p is not None], ws.cell(total_row, 6).value


def sheet(client, person):
    return workbook_of(client.get(f"/reports/evaluations/{YEAR}/people/{person.id}.xlsx")).active


def summary_points(client, org, person) -> float:
    ws = workbook_of(
        client.get(f"/reports/evaluations/{YEAR}/units/{org['agency'].id}.xlsx")
    ).active
    row = find(ws, person.full_name).row
    header = find(ws, "STT").row
    column = next(c.column for c in ws[header] if c.value == "Tổng điểm")
    return ws.cell(row, column).value


def change_behind_the_lock(session, person) -> None:
    """What the old code let a manager do after the decision (and what a decision taken
    before snapshots may have seen since): March's score moves."""
    session.execute(
        sa.update(PeriodScore)
        .where(PeriodScore.person_id == person.id)
        .values(
            general_points=Decimal(30),
            general_breakdown={code: "6" for code in general_codes(person)},
            task_points=Decimal("40.00"),
            adjustment_reason="Chấm lại",
        )
    )
    session.flush()


@pytest.mark.parametrize("stored", [True, False], ids=["snapshot", "decided-before-snapshots"])
def test_the_sheet_of_a_decided_record_prints_what_was_decided_and_adds_up(
    session, client, login_as, org, decided, stored
):
    staff, evaluation = org["staff"], decided["evaluation"]
    decided_points = float(evaluation.computed_points)
    if not stored:
        session.execute(
            sa.update(AnnualEvaluation)
            .where(AnnualEvaluation.id == evaluation.id)
            .values(decision_snapshot=None)
        )
    change_behind_the_lock(session, staff)
    login_as(org["personnel"])
    ws = sheet(client, staff)
    rows, total = criteria_table(ws)
    assert round(sum(rows), 2) == total == decided_points
    section_v = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Tổng điểm")
    assert ws.cell(section_v, 2).value == decided_points
    if stored:  # the breakdown the decision saw: TC1 5, the others 6, March 29 general
        assert rows[:5] == [5, 6, 6, 6, 6]
        march = find(ws, "Tháng 3/2026").row
        assert ws.cell(march, 3).value == 29
    assert summary_points(client, org, staff) == decided_points


def test_an_undecided_sheet_adds_up_after_rounding(session, client, login_as, org):
    """Means of thirds: the criteria are rounded by the largest remainder to the total."""
    staff = org["staff"]
    for number, general, task in ((1, "5", "60"), (2, "6", "55"), (3, "6", "61")):
        session.add(
            PeriodScore(
                person=staff, unit=staff.unit, period_kind=PeriodKind.MONTH, period_year=YEAR,
                period_number=number, criteria_set="nd335-non-leader@1",
                general_breakdown={code: general for code in general_codes(staff)},
                general_points=Decimal(general) * 5, task_points=Decimal(task),
                adjustment_reason="Chấm tay",
            )
        )  # fmt: skip
    session.flush()
    login_as(org["personnel"])
    rows, total = criteria_table(sheet(client, staff))
    shown = queries.preview(session, staff, YEAR)
    assert total == float(shown.computed_points) == 87.0  # 28.33 + 58.67
    assert round(sum(rows), 2) == total
    assert sorted(rows[:5]) == [5.66, 5.66, 5.67, 5.67, 5.67]
