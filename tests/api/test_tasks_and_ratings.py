"""Writes from integrations: a document system's tasks (idempotent by their reference, under
the plans' rules) and a portal's satisfaction counts feeding the front-desk criterion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from evaluation.api.models import ApiToken, TokenScope
from evaluation.core.audit import AuditRecord
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.records.satisfaction import satisfaction_points
from tests.conftest import account_id

MARCH = Period(PeriodKind.MONTH, 2026, 3)


def task_body(person_id: int, **changes: object) -> dict[str, object]:
    return {
        "source_system": "vbdh",
        "external_ref": "125/UBND-VP",
        "person_id": person_id,
        "period": "2026-03",
        "title": "Tham mưu báo cáo cải cách hành chính quý I",
        "target_quantity": 1,
        "unit_of_measure": "báo cáo",
        "deadline": "2026-03-20",
    } | changes


def test_a_push_creates_the_task_and_the_same_push_again_changes_nothing(
    session: Session, agency, make_token, api
) -> None:
    secret = make_token(agency.agency)
    first = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["outcome"] == "created"
    again = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id))
    assert again.status_code == 200
    assert again.get_json()["outcome"] == "unchanged"
    assert again.get_json()["task"]["id"] == first.get_json()["task"]["id"]
    tasks = session.scalars(sa.select(Task).where(Task.external_ref == "125/UBND-VP")).all()
    assert len(tasks) == 1
    assert tasks[0].plan.person_id == agency.staff.id and tasks[0].plan.period == MARCH
    assert tasks[0].source_system == "vbdh"
    # the token's own account is named in the audit trail as the one who created it
    record = session.scalars(
        sa.select(AuditRecord).where(
            AuditRecord.object_type == "task", AuditRecord.object_id == tasks[0].id
        )
    ).one()
    assert record.action == "create"
    token = session.scalars(sa.select(ApiToken)).one()
    assert record.actor_id == token.account_id
    assert token.account.username == "Tích hợp: Hệ thống 1"


def test_a_changed_push_updates_while_the_plan_takes_tasks_then_is_refused(
    session: Session, agency, make_token, api
) -> None:
    secret = make_token(agency.agency)
    api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id))
    moved = api(
        "POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id, deadline="2026-03-27")
    )
    assert moved.get_json()["outcome"] == "updated"
    assert moved.get_json()["task"]["deadline"] == "2026-03-27"

    plan = session.scalars(sa.select(Plan).where(Plan.person_id == agency.staff.id)).one()
    plan.status = PlanStatus.REPORTED  # results reported: the pages add no task any more
    session.flush()
    refused = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id, weight=2))
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    assert refused.get_json()["errors"][0]["field"] == "period"
    task = session.scalars(sa.select(Task).where(Task.external_ref == "125/UBND-VP")).one()
    session.refresh(task)
    assert task.weight == Decimal(1)
    # the same push as stored still answers, without writing: a retry is harmless
    same = api(
        "POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id, deadline="2026-03-27")
    )
    assert same.status_code == 200 and same.get_json()["outcome"] == "unchanged"
    new = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id, external_ref="9/QĐ"))
    assert new.status_code == 422


def test_a_managers_override_with_a_reason_is_kept(
    session: Session, agency, make_token, api
) -> None:
    secret = make_token(agency.agency)
    created = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id))
    task = session.get(Task, created.get_json()["task"]["id"])
    data = plans.TaskInput("Tham mưu báo cáo", None, Decimal(2), "báo cáo", Decimal(1),
                           date(2026, 3, 25))  # fmt: skip
    head = account_id(session, agency.head)
    plans.override_task(session, task, data, reason="Lùi hạn theo chỉ đạo", actor_id=head)
    session.flush()
    pushed = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id, title="Khác"))
    assert pushed.status_code == 200
    body = pushed.get_json()
    assert body["outcome"] == "overridden"
    assert body["task"]["title"] == "Tham mưu báo cáo"
    assert body["task"]["override_reason"] == "Lùi hạn theo chỉ đạo"


def test_tasks_reach_only_the_tokens_subtree_and_need_write(
    session: Session, agency, make_token, api
) -> None:
    division_only = make_token(agency.division)
    outside = api("POST", "/api/v1/tasks", division_only, json=task_body(agency.colleague.id))
    assert outside.status_code == 422
    assert outside.get_json()["errors"] == [
        {"field": "person_id", "message": "Không tìm thấy người này trong phạm vi của khoá."}
    ]
    reader = make_token(agency.agency, TokenScope.READ)
    refused = api("POST", "/api/v1/tasks", reader, json=task_body(agency.staff.id))
    assert refused.status_code == 403
    assert session.scalar(sa.select(sa.func.count(Task.id))) == 0


def test_bad_input_names_the_fields_and_saves_nothing(
    session: Session, agency, make_token, api
) -> None:
    secret = make_token(agency.agency)
    body = task_body(agency.staff.id, title="\x00", target_quantity=-1, extra=1)
    del body["deadline"]
    answer = api("POST", "/api/v1/tasks", secret, json=body)
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    fields = {error["field"] for error in answer.get_json()["errors"]}
    assert fields == {"title", "target_quantity", "deadline", "extra"}
    outside_period = api("POST", "/api/v1/tasks", secret,
                         json=task_body(agency.staff.id, deadline="2026-04-02"))  # fmt: skip
    assert outside_period.get_json()["errors"][0]["field"] == "deadline"
    no_json = api("POST", "/api/v1/tasks", secret, data="{", content_type="application/json")
    assert no_json.status_code in (400, 422)
    assert no_json.content_type == "application/problem+json"
    assert session.scalar(sa.select(sa.func.count(Task.id))) == 0


def test_ratings_replace_the_periods_count_and_feed_the_front_desk_criterion(
    session: Session, agency, make_token, api
) -> None:
    secret = make_token(agency.agency)
    body = {"source_system": "dichvucong", "person_id": agency.staff.id, "period": "2026-03",
            "responses": 40, "satisfied": 30}  # fmt: skip
    first = api("POST", "/api/v1/satisfaction-ratings", secret, json=body)
    assert first.status_code == 201, first.get_json()
    again = api("POST", "/api/v1/satisfaction-ratings", secret, json=body | {"satisfied": 36})
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert satisfaction_points(session, agency.staff, MARCH, Decimal(10)) == Decimal("9.00")
    # a desk's count stands for those the portal does not rate one by one
    desk = {"source_system": "dichvucong", "unit_id": agency.division.id, "period": "2026-03",
            "responses": 10, "satisfied": 5}  # fmt: skip
    assert api("POST", "/api/v1/satisfaction-ratings", secret, json=desk).status_code == 201
    assert satisfaction_points(session, agency.head, MARCH, Decimal(10)) == Decimal("5.00")
    not_front_desk = api("POST", "/api/v1/satisfaction-ratings", secret,
                         json=body | {"person_id": agency.colleague.id})  # fmt: skip
    assert not_front_desk.status_code == 422
    assert not_front_desk.get_json()["errors"][0]["field"] == "person_id"
    both = api("POST", "/api/v1/satisfaction-ratings", secret, json=body | {"unit_id": 1})
    assert both.status_code == 422
    too_many = api("POST", "/api/v1/satisfaction-ratings", secret, json=body | {"satisfied": 41})
    assert {e["field"] for e in too_many.get_json()["errors"]} == {"satisfied"}


def test_the_plan_page_shows_the_document_number(
    session: Session, agency, make_token, api, login_as
) -> None:
    secret = make_token(agency.agency)
    created = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id))
    plan_id = created.get_json()["task"]["plan_id"]
    html = login_as(agency.staff).get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "theo văn bản số 125/UBND-VP" in html


def test_the_counts_feed_the_front_desk_task_points(
    session: Session, agency, make_token, api
) -> None:
    """NV2 (10 of the 70 task points) from the satisfied share; NV1 from the plan, scaled to
    60. Nothing counted: the plan's points alone, as before."""
    from evaluation.scoring import periods

    data = plans.TaskInput("Tiếp nhận hồ sơ", None, Decimal(10), "hồ sơ", Decimal(1),
                           date(2026, 3, 10))  # fmt: skip
    task = plans.assign_task(
        session, agency.staff, MARCH, data, actor_id=account_id(session, agency.head)
    )
    task.outcome, task.achieved_quantity, task.completed_on = (
        TaskOutcome.DONE_ON_TIME, Decimal(10), date(2026, 3, 9))  # fmt: skip
    session.flush()
    assert periods.criteria_set_for(agency.staff, 2026).name == "nd335-front-desk"
    result = periods.period_task_result(session, agency.staff, MARCH)
    alone = periods.computed_task_points(session, agency.staff, MARCH, result, None)
    assert alone == Decimal("70.00")
    body = {"source_system": "dichvucong", "person_id": agency.staff.id, "period": "2026-03",
            "responses": 10, "satisfied": 5}  # fmt: skip
    assert (
        api(
            "POST", "/api/v1/satisfaction-ratings", make_token(agency.agency), json=body
        ).status_code
        == 201
    )
    fed = periods.computed_task_points(session, agency.staff, MARCH, result, None)
    assert fed == Decimal("65.00")  # 70 × 60/70 + 10 × 50%
