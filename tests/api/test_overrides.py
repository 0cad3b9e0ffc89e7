"""A manager adjusts a document system's task on the task page (issue 14): only with a written
reason, which is audited and keeps later pushes of the same document from overwriting it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from evaluation.core.audit import AuditRecord
from evaluation.core.errors import DomainError
from evaluation.plans import services as plans
from evaluation.plans.models import Task
from evaluation.plans.periods import Period, PeriodKind
from tests.api.test_tasks_and_ratings import task_body
from tests.conftest import account_id


def pushed_task(session: Session, api, secret: str, person_id: int) -> Task:
    answer = api("POST", "/api/v1/tasks", secret, json=task_body(person_id))
    assert answer.status_code == 201, answer.get_json()
    return session.get(Task, answer.get_json()["task"]["id"])


def edit_form(task: Task, **changes: str) -> dict[str, str]:
    return {
        "version": str(task.plan.version),
        "title": "Tham mưu báo cáo cải cách hành chính quý I (bổ sung số liệu)",
        "description": "",
        "target_quantity": "1",
        "unit_of_measure": "báo cáo",
        "weight": "2",
        "deadline": "2026-03-27",
    } | changes


def overrides(session: Session, task: Task) -> list[AuditRecord]:
    return list(
        session.scalars(
            sa.select(AuditRecord).where(
                AuditRecord.object_type == "task",
                AuditRecord.object_id == task.id,
                AuditRecord.action == "override",
            )
        )
    )


def test_the_task_page_asks_for_a_reason_and_a_later_push_leaves_the_change_alone(
    session: Session, agency, make_token, api, login_as, client
) -> None:
    secret = make_token(agency.agency)
    task = pushed_task(session, api, secret, agency.staff.id)
    login_as(agency.head)
    plan_page = client.get(f"/plans/{task.plan_id}").text
    assert f"/tasks/{task.id}/edit" in plan_page and "Điều chỉnh" in plan_page
    page = client.get(f"/tasks/{task.id}/edit")
    assert page.status_code == 200
    assert "văn bản số 125/UBND-VP" in page.text and "Lý do điều chỉnh" in page.text

    refused = client.post(f"/tasks/{task.id}/edit", data=edit_form(task, reason="  "))
    assert refused.status_code == 422
    assert "Cần ghi lý do điều chỉnh." in refused.text
    session.refresh(task)
    assert task.weight == Decimal(1) and task.override_reason is None
    assert overrides(session, task) == []

    saved = client.post(
        f"/tasks/{task.id}/edit", data=edit_form(task, reason="Lùi hạn theo chỉ đạo")
    )
    assert saved.status_code == 302
    session.refresh(task)
    assert (task.weight, task.deadline) == (Decimal(2), date(2026, 3, 27))
    assert task.override_reason == "Lùi hạn theo chỉ đạo"
    [record] = overrides(session, task)
    assert record.reason == "Lùi hạn theo chỉ đạo"
    assert record.actor_id == account_id(session, agency.head)
    # the reason given shows again when the page is opened later
    assert "Lùi hạn theo chỉ đạo" in client.get(f"/tasks/{task.id}/edit").text

    again = api("POST", "/api/v1/tasks", secret, json=task_body(agency.staff.id, weight=3))
    assert again.status_code == 200 and again.get_json()["outcome"] == "overridden"
    session.refresh(task)
    assert task.weight == Decimal(2) and task.deadline == date(2026, 3, 27)


def test_a_task_of_ones_own_keeps_the_plain_edit_page(
    session: Session, agency, login_as, client
) -> None:
    plan = plans.create_plan(
        session, agency.staff, Period(PeriodKind.MONTH, 2026, 3), actor_id=None
    )
    own = plans.add_task(
        session,
        plan,
        plans.TaskInput("Soạn tờ trình", None, Decimal(1), "tờ trình", Decimal(1),
                        date(2026, 3, 20)),
        actor_id=None,
    )  # fmt: skip
    session.flush()
    login_as(agency.staff)
    page = client.get(f"/tasks/{own.id}/edit")
    assert page.status_code == 200 and "Lý do điều chỉnh" not in page.text
    saved = client.post(f"/tasks/{own.id}/edit", data=edit_form(own, title="Soạn tờ trình"))
    assert saved.status_code == 302
    session.refresh(own)
    assert own.weight == Decimal(2) and own.override_reason is None
    login_as(agency.head)  # above the owner, but the task is the owner's own: not adjusted here
    assert client.get(f"/tasks/{own.id}/edit").status_code == 403


def test_only_those_who_may_put_tasks_in_the_plan_reach_the_page(
    session: Session, agency, make_token, api, login_as, client
) -> None:
    task = pushed_task(session, api, make_token(agency.agency), agency.staff.id)
    for outsider in (agency.colleague, agency.stranger):
        login_as(outsider)
        assert client.get(f"/tasks/{task.id}/edit").status_code == 403
        posted = client.post(f"/tasks/{task.id}/edit", data=edit_form(task, reason="x"))
        assert posted.status_code == 403
    session.refresh(task)
    assert task.override_reason is None


def test_the_service_refuses_an_override_without_a_reason(
    session: Session, agency, make_token, api
) -> None:
    task = pushed_task(session, api, make_token(agency.agency), agency.staff.id)
    data = plans.TaskInput(task.title, None, Decimal(5), "báo cáo", Decimal(1), task.deadline)
    with pytest.raises(DomainError) as refused:
        plans.override_task(
            session, task, data, reason=" \n", actor_id=account_id(session, agency.head)
        )
    assert refused.value.field == "reason"
    assert task.override_reason is None and overrides(session, task) == []
