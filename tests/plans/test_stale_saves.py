"""A plan saved twice (a double click, a second tab) is answered, never with a 500.

Issue 11 §3: two identical POSTs to a transition gave a 500, a StaleDataError at flush and
then a PendingRollbackError while rendering the error page. Here the other request is
replayed at the moment of the flush: just before this request's UPDATE, a statement on the
same connection moves the plan's version on, exactly as a request that committed in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import LeadershipRole
from evaluation.plans import services
from evaluation.plans.models import Plan, PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from tests.conftest import account_id

WEEK = Period(PeriodKind.WEEK, 2026, 11)
PLANS = Plan.__table__


@pytest.fixture
def team(make_unit, make_person):
    unit = make_unit(name="Phòng Hai Thẻ")
    head = make_person(unit, role=LeadershipRole.HEAD, name="Trần Thị Hoa")
    staff = make_person(unit, name="Lê Văn Bình")
    return head, staff


@pytest.fixture
def submitted(session, team) -> Plan:
    """A week plan with one task, submitted to the head."""
    staff = team[1]
    actor = account_id(session, staff)
    plan = services.create_plan(session, staff, WEEK, actor_id=actor)
    task = TaskInput("Tiếp nhận hồ sơ", None, 1, "hồ sơ", 1, WEEK.ends_on)
    services.add_task(session, plan, task, actor_id=actor)
    services.transition(session, plan, "submit", actor_id=actor)
    session.flush()
    return plan


def state(session, plan: Plan) -> tuple[PlanStatus, int, int]:
    """Status, version and approvals on record, read from the database."""
    session.expire_all()
    status, version = session.execute(
        sa.select(PLANS.c.status, PLANS.c.version).where(PLANS.c.id == plan.id)
    ).one()
    approvals = session.scalar(
        sa.select(sa.func.count(AuditRecord.id)).where(
            AuditRecord.object_type == "plan",
            AuditRecord.object_id == plan.id,
            AuditRecord.action == "approve",
        )
    )
    return PlanStatus(status), version, approvals


@contextmanager
def just_before_the_update(change: Callable[[Any, Plan], None]) -> Iterator[None]:
    """Run `change` on the request's connection right before the ORM updates a plan."""

    def hook(_mapper: Any, connection: Any, target: Plan) -> None:
        change(connection, target)

    event.listen(Plan, "before_update", hook)
    try:
        yield
    finally:
        event.remove(Plan, "before_update", hook)


def another_request_saved(connection: Any, plan: Plan) -> None:
    connection.execute(
        sa.update(PLANS).where(PLANS.c.id == plan.id).values(version=PLANS.c.version + 1)
    )


def test_a_save_gone_stale_at_flush_answers_reload_and_keeps_nothing(
    session, client, login_as, team, submitted
):
    login_as(team[0])
    before = state(session, submitted)
    with just_before_the_update(another_request_saved):
        response = client.post(
            f"/plans/{submitted.id}/approve",
            data={"version": str(submitted.version)},
            headers={"Referer": f"http://localhost/plans/{submitted.id}"},
        )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Dữ liệu vừa được người khác thay đổi. Hãy tải lại trang" in page
    assert f'href="http://localhost/plans/{submitted.id}"' in page  # the way to reload
    assert state(session, submitted) == before  # not approved, no audit record


def test_a_failed_flush_still_renders_the_error_page(
    app, session, client, login_as, team, submitted
):
    """The 500 page is rendered after rolling the session back: a failed flush leaves the
    session refusing every query (PendingRollbackError) until then."""

    def the_database_fails(connection: Any, _plan: Plan) -> None:
        connection.exec_driver_sql("SELECT no_such_column FROM plan")

    login_as(team[0])
    before = state(session, submitted)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does
    try:
        with just_before_the_update(the_database_fails):
            response = client.post(
                f"/plans/{submitted.id}/approve", data={"version": str(submitted.version)}
            )
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Đã có lỗi hệ thống. Dữ liệu của bạn không bị thay đổi" in page
    assert "Trần Thị Hoa" in page  # the signed-in user, loaded again after the rollback
    assert state(session, submitted) == before


def test_approving_again_from_a_second_tab_says_already_approved(
    session, client, login_as, team, submitted
):
    login_as(team[0])
    seen = str(submitted.version)  # both tabs opened the submitted plan
    assert client.post(f"/plans/{submitted.id}/approve", data={"version": seen}).status_code == 302
    after_first = state(session, submitted)
    assert after_first[0] is PlanStatus.APPROVED and after_first[2] == 1

    response = client.post(f"/plans/{submitted.id}/approve", data={"version": seen})
    assert response.status_code == 302
    assert response.location.endswith(f"/plans/{submitted.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Kế hoạch đã được duyệt trước đó." in page
    assert state(session, submitted) == after_first  # nothing written the second time


def test_approving_a_plan_returned_meanwhile_says_it_changed(
    session, client, login_as, team, submitted
):
    login_as(team[0])
    seen = str(submitted.version)
    returned = client.post(
        f"/plans/{submitted.id}/return", data={"version": seen, "comment": "Bổ sung số liệu"}
    )
    assert returned.status_code == 302
    after_return = state(session, submitted)

    response = client.post(f"/plans/{submitted.id}/approve", data={"version": seen})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Kế hoạch vừa được người khác thay đổi" in page
    assert state(session, submitted) == after_return
    assert after_return[0] is PlanStatus.RETURNED


@pytest.mark.parametrize("who", ["owner", "stranger"])
def test_those_who_could_never_approve_are_still_refused(
    session, client, login_as, make_unit, make_person, team, submitted, who
):
    login_as(team[0])
    client.post(f"/plans/{submitted.id}/approve", data={"version": str(submitted.version)})
    after = state(session, submitted)
    actor = team[1] if who == "owner" else make_person(make_unit(), role=LeadershipRole.HEAD)
    login_as(actor)
    response = client.post(f"/plans/{submitted.id}/approve", data={"version": "2"})
    assert response.status_code == 403
    assert state(session, submitted) == after
