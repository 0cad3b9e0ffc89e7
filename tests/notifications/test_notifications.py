"""Notifications: who is told of each event, the bell and its list, and the emails sent by the
job runner through a real SMTP server (aiosmtpd), in Vietnamese, never to one who turned the
event off, and never at the cost of the action when the server refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from criteria import GeneralAssessment, Level
from evaluation.accounts.models import AccountRole
from evaluation.core import jobs
from evaluation.core.audit import AuditRecord
from evaluation.notifications.models import (
    EmailOptOut,
    EmailState,
    EventKind,
    Notification,
    NotificationEmail,
)
from evaluation.notifications.services import notify
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.models import PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.services import TaskInput
from evaluation.scoring import procedure
from tests.conftest import account_id
from tests.notifications.conftest import BASE_URL
from tests.test_plain_language import read_page, vietnamese_findings

WEEK_11 = Period(PeriodKind.WEEK, 2026, 11)  # 9–15 March 2026


def task(title: str = "Thẩm định hồ sơ đất đai", deadline: date = date(2026, 3, 13)) -> TaskInput:
    return TaskInput(title, None, Decimal(2), "hồ sơ", Decimal(1), deadline)


@pytest.fixture
def team(session, make_unit, make_person):
    unit = make_unit("Phòng Tài nguyên")
    head = make_person(unit, role=LeadershipRole.HEAD, name="Trần Văn Trưởng")
    staff = make_person(unit, name="Võ Thị Hạnh")
    head.email, staff.email = "truong@sonlam.gov.vn", "hanh@sonlam.gov.vn"
    session.flush()
    return unit, head, staff


def draft_plan(session, staff):
    plan = plans.create_plan(session, staff, WEEK_11, actor_id=account_id(session, staff))
    plans.add_task(session, plan, task(), actor_id=account_id(session, staff))
    session.commit()
    return plan


def notifications_of(session, person) -> list[Notification]:
    return list(
        session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == account_id(session, person))
            .order_by(Notification.id)
        )
    )


def test_a_submitted_plan_is_emailed_to_its_approver_in_vietnamese(
    app, session, login_as, team, mail
):
    _unit, _head, staff = team
    plan = draft_plan(session, staff)

    response = login_as(staff).post(f"/plans/{plan.id}/submit", data={"version": plan.version})

    assert response.status_code == 302
    assert mail.received == []  # nothing is sent inside the request: the job sends it
    jobs.drain(app)
    [sent] = mail.received
    assert sent.recipients == ["truong@sonlam.gov.vn"]
    assert sent.sender == "danhgia@sonlam.gov.vn"
    assert sent.subject.startswith("Võ Thị Hạnh đã gửi kế hoạch Tuần 11/2026")
    assert "để duyệt" in sent.subject
    assert "Kính gửi Trần Văn Trưởng," in sent.body
    assert f"Xem chi tiết: {BASE_URL}/plans/{plan.id}" in sent.body
    assert f"{BASE_URL}/notifications/settings" in sent.body
    email = session.scalars(sa.select(NotificationEmail)).one()
    assert (email.state, email.attempts, email.last_error) == (EmailState.SENT, 1, None)
    assert notifications_of(session, staff) == []  # nobody is told of their own action


def test_the_bell_counts_unread_and_the_list_marks_them_read(session, client, login_as, team):
    _unit, head, staff = team
    plan = draft_plan(session, staff)
    login_as(staff).post(f"/plans/{plan.id}/submit", data={"version": plan.version})
    plan = session.get(type(plan), plan.id)
    session.refresh(plan)
    login_as(head).post(
        f"/plans/{plan.id}/return", data={"version": plan.version, "comment": "Thiếu chỉ tiêu"}
    )

    page = login_as(staff).get("/").get_data(as_text=True)
    assert "1 chưa đọc" in page
    inbox = client.get("/notifications").get_data(as_text=True)
    assert "Kế hoạch Tuần 11/2026" in inbox
    assert "bị trả lại. Lý do: Thiếu chỉ tiêu" in inbox
    assert f'href="/plans/{plan.id}"' in inbox
    [returned] = notifications_of(session, staff)
    assert client.post(f"/notifications/{returned.id}/read").status_code == 302
    session.refresh(returned)
    assert returned.read_at is not None
    assert "chưa đọc" not in client.get("/").get_data(as_text=True)

    login_as(head)
    assert "1 chưa đọc" in client.get("/").get_data(as_text=True)
    assert client.post("/notifications/read-all").status_code == 302
    assert all(n.read_at is not None for n in notifications_of(session, head))
    assert "chưa đọc" not in client.get("/").get_data(as_text=True)


def test_another_persons_notification_cannot_be_marked(session, client, login_as, team):
    _unit, head, staff = team
    plan = draft_plan(session, staff)
    login_as(staff).post(f"/plans/{plan.id}/submit", data={"version": plan.version})
    [for_head] = notifications_of(session, head)

    assert client.post(f"/notifications/{for_head.id}/read").status_code == 403
    assert client.post("/notifications/999999/read").status_code == 404
    session.refresh(for_head)
    assert for_head.read_at is None


def test_a_person_who_turned_an_event_off_gets_no_email(app, session, login_as, team, mail):
    _unit, head, staff = team
    client = login_as(head)
    assert '<input checked id="plan_submitted" name="plan_submitted"' in client.get(
        "/notifications/settings"
    ).get_data(as_text=True)
    everything_but_plans = {kind.value: "y" for kind in EventKind} | {"plan_submitted": ""}
    response = client.post("/notifications/settings", data=everything_but_plans)
    assert response.status_code == 302
    assert session.scalars(sa.select(EmailOptOut.kind)).all() == [EventKind.PLAN_SUBMITTED]
    assert session.scalars(
        sa.select(AuditRecord.action).where(AuditRecord.object_id == account_id(session, head))
    ).all() == ["notification_settings"]

    plan = draft_plan(session, staff)
    login_as(staff).post(f"/plans/{plan.id}/submit", data={"version": plan.version})
    jobs.drain(app)

    assert mail.to("truong@sonlam.gov.vn") == []
    assert [n.kind for n in notifications_of(session, head)] == [EventKind.PLAN_SUBMITTED]
    # an event left on still comes: the head's return reaches the staff member by email
    session.refresh(plan)
    login_as(head).post(f"/plans/{plan.id}/approve", data={"version": plan.version})
    jobs.drain(app)
    [approved] = mail.received
    assert approved.recipients == ["hanh@sonlam.gov.vn"]
    assert approved.subject == "Kế hoạch Tuần 11/2026 (09/03–15/03) của bạn đã được duyệt."


def test_an_assigned_task_reaches_its_person(app, session, login_as, team, mail):
    _unit, head, staff = team
    with app.app_context():  # as in a request: the mail settings are the application's
        plans.assign_task(
            session, staff, WEEK_11, task("Báo cáo quý"), actor_id=account_id(session, head)
        )
        session.commit()
    jobs.drain(app)

    [sent] = mail.received
    assert sent.recipients == ["hanh@sonlam.gov.vn"]
    assert sent.subject == "Bạn được giao nhiệm vụ “Báo cáo quý”, hạn hoàn thành 13/03/2026."
    assert notifications_of(session, head) == []


def test_a_refused_email_is_retried_then_kept_as_failed(app, session, login_as, team, mail):
    _unit, head, staff = team
    mail.refuse = True
    plan = draft_plan(session, staff)

    response = login_as(staff).post(f"/plans/{plan.id}/submit", data={"version": plan.version})
    jobs.drain(app)

    assert response.status_code == 302
    session.refresh(plan)
    assert plan.status is PlanStatus.SUBMITTED  # the action stands whatever the mail server says
    email = session.scalars(sa.select(NotificationEmail)).one()
    assert email.state is EmailState.FAILED
    assert email.attempts == app.config["MAIL_MAX_ATTEMPTS"] == 3
    assert "554" in email.last_error
    assert mail.received == []
    assert len(notifications_of(session, head)) == 1  # the bell has it all the same


def test_an_unreachable_server_fails_no_request(app, session, login_as, team, unreachable_mail):
    _unit, _head, staff = team
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    plan = draft_plan(session, staff)

    response = login_as(staff).post(f"/plans/{plan.id}/submit", data={"version": plan.version})
    jobs.drain(app)

    assert response.status_code == 302
    email = session.scalars(sa.select(NotificationEmail)).one()
    assert (email.state, email.attempts) == (EmailState.FAILED, 2)
    assert "Connection refused" in email.last_error or "Errno" in email.last_error


def test_without_a_mail_server_notifications_stay_in_the_application(session, login_as, team):
    _unit, head, staff = team
    plan = draft_plan(session, staff)
    login_as(staff).post(f"/plans/{plan.id}/submit", data={"version": plan.version})

    assert len(notifications_of(session, head)) == 1
    assert session.scalar(sa.select(sa.func.count(NotificationEmail.id))) == 0


@pytest.fixture
def agency(session, make_unit, make_person):
    """An agency: its director decides, the division head gathers comments, the personnel
    office proposes and notifies (P1, P2)."""
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    office = make_unit("Phòng Tổ chức", parent=agency)
    people = {
        "director": make_person(agency, role=LeadershipRole.HEAD, name="Đỗ Thị Giám"),
        "head": make_person(division, role=LeadershipRole.HEAD, name="Trần Văn Trưởng"),
        "personnel": make_person(
            office, account_role=AccountRole.PERSONNEL, served_unit=agency, name="Mai Thị Tổ"
        ),
        "staff": make_person(division, name="Võ Thị Hạnh"),
        "colleague": make_person(division, name="Lý Văn Đồng"),
    }
    for name, person in people.items():
        person.email = f"{name}@sonlam.gov.vn"
    session.flush()
    return people


def test_each_step_of_the_evaluation_tells_who_acts_next(app, session, agency, mail):
    staff = agency["staff"]
    evaluation = procedure.open_evaluation(session, staff, 2025)
    take = [
        ("head", lambda actor: procedure.self_assess(
            session, evaluation, report="Hoàn thành.", level=Level.TOT, actor_id=actor)),
        ("personnel", lambda actor: procedure.record_collective(
            session, evaluation, minutes="Thống nhất.", general=GeneralAssessment.GOOD,
            actor_id=actor)),
        ("director", lambda actor: procedure.propose(
            session, evaluation, level=Level.TOT, comment=None, rank=None, actor_id=actor)),
        ("personnel", lambda actor: procedure.decide(
            session, evaluation, level=Level.TOT, reason="Theo đề xuất.", quota_exception=None,
            actor_id=actor)),
    ]  # fmt: skip
    actor = account_id(session, staff)
    for told, step in take:
        mail.received.clear()
        with app.app_context():
            step(actor)
            session.commit()
        jobs.drain(app)
        assert [m.recipients for m in mail.received] == [[f"{told}@sonlam.gov.vn"]], told
        assert "Hồ sơ đánh giá năm 2025 của Võ Thị Hạnh đang chờ bạn" in mail.received[0].subject
        assert f"{BASE_URL}/evaluations/2025/people/{staff.id}" in mail.received[0].body
        actor = account_id(session, agency[told])

    mail.received.clear()
    with app.app_context():
        procedure.notify(session, evaluation, actor_id=actor)
        session.commit()
    jobs.drain(app)
    [result] = mail.received
    assert result.recipients == ["staff@sonlam.gov.vn"]
    assert result.subject == (
        "Kết quả đánh giá, xếp loại năm 2025 của bạn: Hoàn thành tốt nhiệm vụ."
    )
    assert notifications_of(session, agency["colleague"]) == []

    # reopened and decided again: the notification waits again, and the office hears it again
    office, director = (
        account_id(session, agency["personnel"]),
        account_id(session, agency["director"]),
    )
    with app.app_context():
        procedure.reopen(session, evaluation, reason="Sai sót hồ sơ", actor_id=office)
        procedure.decide(
            session, evaluation, level=Level.TOT, reason="Theo đề xuất.", quota_exception=None,
            actor_id=director,
        )  # fmt: skip
        session.commit()
    waiting = [n.params["step"] for n in notifications_of(session, agency["personnel"])]
    assert waiting == ["personnel_proposal", "notification", "notification"]


def run_scheduled(app, day: str) -> str:
    result = app.test_cli_runner().invoke(args=["notify", "scheduled", "--today", day])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_monday_digest_of_overdue_tasks_comes_once_a_day(app, session, team, mail):
    _unit, _head, staff = team
    draft_plan(session, staff)  # one task due on Friday 13 March, not reported

    assert "0 overdue digests" in run_scheduled(app, "2026-03-15")  # a Sunday: no digest
    assert "1 overdue digests" in run_scheduled(app, "2026-03-16")  # Monday
    assert "0 overdue digests" in run_scheduled(app, "2026-03-16")  # the same day again
    jobs.drain(app)

    [digest] = mail.received
    assert digest.recipients == ["hanh@sonlam.gov.vn"]
    assert digest.subject == "Bạn có 1 nhiệm vụ đã quá hạn mà chưa hoàn thành."
    assert f"{BASE_URL}/plans" in digest.body
    assert [n.kind for n in notifications_of(session, staff)] == [EventKind.OVERDUE_DIGEST]


def test_the_decision_deadline_is_recalled_7_3_and_1_days_before(app, session, agency, mail):
    undecided = ("staff", "colleague", "head", "personnel")  # the director decides for them

    assert "0 deadline reminders" in run_scheduled(app, "2026-12-07")
    for day in ("2026-12-08", "2026-12-12", "2026-12-14"):
        assert "1 deadline reminders" in run_scheduled(app, day)
        assert "0 deadline reminders" in run_scheduled(app, day)  # idempotent per day
    assert "0 deadline reminders" in run_scheduled(app, "2026-12-13")
    jobs.drain(app)

    assert [m.recipients for m in mail.received] == [["director@sonlam.gov.vn"]] * 3
    assert [m.subject.split(" ngày")[0] for m in mail.received] == ["Còn 7", "Còn 3", "Còn 1"]
    assert mail.received[0].subject == (
        f"Còn 7 ngày đến hạn quyết định xếp loại năm 2026 (15/12/2026): "
        f"{len(undecided)} người chưa có quyết định."
    )
    assert f"{BASE_URL}/evaluations/2026" in mail.received[0].body


def test_the_job_runner_runs_the_same_schedule(app, session, team):
    _unit, _head, staff = team
    draft_plan(session, staff)
    with app.app_context():
        jobs.enqueue(session, "notifications.scheduled", {"today": "2026-03-16"})
        jobs.enqueue(session, "notifications.scheduled", {"today": "2026-03-16"})
        session.commit()
    jobs.drain(app)

    [digest] = notifications_of(session, staff)
    assert (digest.kind, digest.params) == (EventKind.OVERDUE_DIGEST, {"count": 1})


def test_the_list_and_the_settings_speak_plain_vietnamese(session, client, login_as, team):
    """Every kind of notification, as the list shows it: no code, internal value or English."""
    _unit, head, staff = team
    plan = draft_plan(session, staff)
    week = {"kind": "week", "year": 2026, "number": 11}
    every_kind = {
        EventKind.PLAN_SUBMITTED: {"plan_id": plan.id, "period": week, "person": "Võ Thị Hạnh"},
        EventKind.PLAN_RETURNED: {"plan_id": plan.id, "period": week, "comment": "Thiếu"},
        EventKind.PLAN_APPROVED: {"plan_id": plan.id, "period": week},
        EventKind.TASK_ASSIGNED: {"plan_id": plan.id, "title": "Báo cáo", "deadline": "2026-03-13"},
        EventKind.OVERDUE_DIGEST: {"count": 3},
        EventKind.STEP_WAITING: {"year": 2026, "person_id": staff.id, "person": "Võ Thị Hạnh",
                                 "step": "personnel_proposal"},
        EventKind.DECISION_DEADLINE: {"count": 2, "days": 7, "year": 2026,
                                      "deadline": "2026-12-15"},
        EventKind.DECISION_NOTIFIED: {"year": 2026, "person_id": staff.id, "level": "tot"},
    }  # fmt: skip
    for kind, params in every_kind.items():
        notify(session, [account_id(session, head)], kind, params)
    session.commit()

    login_as(head)
    for url in ("/notifications", "/notifications/settings"):
        text = read_page(client.get(url).get_data(as_text=True)).text
        assert vietnamese_findings(text) == [], url
    inbox = read_page(client.get("/notifications").get_data(as_text=True)).text
    assert "Bộ phận tổ chức cán bộ tổng hợp, đề xuất" in inbox
    assert "Hoàn thành tốt nhiệm vụ" in inbox
    assert "Bạn có 3 nhiệm vụ đã quá hạn" in inbox
    assert "Còn 7 ngày đến hạn quyết định xếp loại năm 2026 (15/12/2026)" in inbox
