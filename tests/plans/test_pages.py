"""Plans through the web: the pages people use, and bad input that must save nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from evaluation.organisation.models import LeadershipRole
from evaluation.plans import services
from evaluation.plans.models import Plan, PlanStatus, Task
from evaluation.plans.periods import Period, PeriodKind
from tests.conftest import account_id, form_errors

WEEK_11 = Period(PeriodKind.WEEK, 2026, 11)


@pytest.fixture
def team(make_unit, make_person):
    unit = make_unit(name="Phòng Kinh tế")
    head = make_person(unit, role=LeadershipRole.HEAD, name="Trần Thị Hoa")
    staff = make_person(unit, name="Lê Văn Bình")
    return unit, head, staff


@pytest.fixture
def week_plan(session, team):
    return services.create_plan(session, team[2], WEEK_11, actor_id=account_id(session, team[2]))


def valid_task(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Tiếp nhận hồ sơ cấp giấy chứng nhận",
        "description": "",
        "target_quantity": "12",
        "unit_of_measure": "hồ sơ",
        "weight": "2",
        "deadline": "2026-03-13",
    }
    data.update(overrides)
    return data


def task_count(session) -> int:
    return session.scalar(sa.select(sa.func.count(Task.id)))


def test_creating_a_week_plan_from_any_day_of_the_week(session, client, login_as, team):
    login_as(team[2])
    response = client.post("/plans/new", data={"kind": "week", "day": "2026-03-11"})
    assert response.status_code == 302
    plan = session.scalars(sa.select(Plan).where(Plan.person_id == team[2].id)).one()
    assert plan.period == WEEK_11
    assert (plan.starts_on, plan.ends_on) == (date(2026, 3, 9), date(2026, 3, 15))
    page = client.get(response.location).get_data(as_text=True)
    assert "Tuần 11/2026 (09/03–15/03)" in page


def test_a_second_plan_for_the_same_week_is_refused_with_a_message(
    session, client, login_as, team, week_plan
):
    login_as(team[2])
    response = client.post("/plans/new", data={"kind": "week", "day": "2026-03-15"})
    assert response.status_code == 422
    assert any("Đã có kế hoạch" in e for e in form_errors(response.get_data(as_text=True)))
    assert session.scalar(sa.select(sa.func.count(Plan.id))) == 1


def test_adding_a_task_shows_it_on_the_plan(session, client, login_as, team, week_plan):
    login_as(team[2])
    response = client.post(f"/plans/{week_plan.id}/tasks/new", data=valid_task())
    assert response.status_code == 302
    page = client.get(f"/plans/{week_plan.id}").get_data(as_text=True)
    assert "Tiếp nhận hồ sơ cấp giấy chứng nhận" in page
    assert "12 hồ sơ" in page
    assert "13/03/2026" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Cần nhập tên nhiệm vụ."),
        ("title", "   ", "Cần nhập tên nhiệm vụ."),
        ("target_quantity", "-5", "Số lượng phải lớn hơn 0"),
        ("target_quantity", "0", "Số lượng phải lớn hơn 0"),
        ("target_quantity", "abc", "Cần nhập một số."),
        ("target_quantity", "NaN", "Giá trị số không hợp lệ."),
        ("target_quantity", "Infinity", "Giá trị số không hợp lệ."),
        ("weight", "sNaN", "Giá trị số không hợp lệ."),  # found by tests/test_fuzz_forms.py
        ("target_quantity", "1e400", "Số lượng phải lớn hơn 0 và không quá 1.000.000."),
        ("weight", "-1", "Trọng số từ 0,1 đến 100."),
        ("deadline", "2026-03-16", "Hạn hoàn thành phải nằm trong kỳ kế hoạch"),
        ("deadline", "9999-12-31", "Hạn hoàn thành phải nằm trong kỳ kế hoạch"),
        ("deadline", "13/03/2026", "Ngày không hợp lệ."),
        ("title", "x" * 100_000, "Không được dài quá 300 ký tự."),
        ("description", "mô tả " * 20_000, "Không được dài quá 4000 ký tự."),
        ("unit_of_measure", "hồ\x00sơ", "Văn bản chứa ký tự không hợp lệ."),
    ],
)
def test_bad_task_input_gets_a_message_and_saves_nothing(
    session, client, login_as, team, week_plan, field, value, message
):
    login_as(team[2])
    version = week_plan.version
    response = client.post(f"/plans/{week_plan.id}/tasks/new", data=valid_task(**{field: value}))
    assert response.status_code == 422
    errors = form_errors(response.get_data(as_text=True))
    assert any(message in error for error in errors), errors
    assert task_count(session) == 0
    session.refresh(week_plan)
    assert week_plan.version == version


def test_bad_result_input_is_refused(session, client, login_as, team, week_plan):
    task = services.add_task(
        session,
        week_plan,
        services.TaskInput("Báo cáo", None, 1, "báo cáo", 1, date(2026, 3, 13)),
        actor_id=account_id(session, team[2]),
    )
    week_plan.status = PlanStatus.APPROVED
    session.flush()
    login_as(team[2])
    response = client.post(
        f"/tasks/{task.id}/result", data={"outcome": "done", "achieved_quantity": "-1"}
    )
    assert response.status_code == 422
    response = client.post(
        f"/tasks/{task.id}/result",
        data={"outcome": "done", "achieved_quantity": "1", "completed_on": ""},
    )
    assert "Cần nhập ngày hoàn thành." in form_errors(response.get_data(as_text=True))
    session.refresh(task)
    assert task.outcome is None


@pytest.mark.parametrize(
    ("self_quality", "status", "stored"),
    [(" ", 302, None), ("\t", 302, None), ("goodx", 422, None)],
)
def test_a_blank_self_quality_means_none_and_an_unknown_one_is_refused(
    session, client, login_as, team, week_plan, self_quality, status, stored
):
    """Found by tests/test_fuzz_forms.py: a blank " " got past Optional() and crashed."""
    task = services.add_task(
        session,
        week_plan,
        services.TaskInput("Báo cáo", None, 1, "báo cáo", 1, date(2026, 3, 13)),
        actor_id=account_id(session, team[2]),
    )
    week_plan.status = PlanStatus.APPROVED
    session.flush()
    login_as(team[2])
    response = client.post(
        f"/tasks/{task.id}/result", data={"outcome": "not_done", "self_quality": self_quality}
    )
    assert response.status_code == status
    session.refresh(task)
    assert task.self_quality is stored
    assert (task.outcome is None) == (status == 422)


def test_submit_then_manager_approves_through_the_pages(session, client, login_as, team, week_plan):
    _, head, staff = team
    login_as(staff)
    client.post(f"/plans/{week_plan.id}/tasks/new", data=valid_task())
    client.post(f"/plans/{week_plan.id}/submit")
    session.refresh(week_plan)
    assert week_plan.status is PlanStatus.SUBMITTED

    login_as(head)
    unit_page = client.get("/unit").get_data(as_text=True)
    assert "Lê Văn Bình — Tuần 11/2026" in unit_page
    response = client.post(f"/plans/{week_plan.id}/approve")
    assert response.status_code == 302
    session.refresh(week_plan)
    assert week_plan.status is PlanStatus.APPROVED
    assert week_plan.decided_by_id == account_id(session, head)


def test_a_save_from_a_stale_tab_is_refused(session, client, login_as, team, week_plan):
    login_as(team[2])
    stale_version = week_plan.version
    client.post(f"/plans/{week_plan.id}/tasks/new", data=valid_task())
    response = client.post(
        f"/plans/{week_plan.id}/tasks/new",
        data=valid_task(title="Nhiệm vụ thứ hai", version=str(stale_version)),
        follow_redirects=True,
    )
    assert "vừa được người khác thay đổi" in response.get_data(as_text=True)
    assert task_count(session) == 1


def test_return_needs_a_comment_and_shows_it_to_the_owner(
    session, client, login_as, team, week_plan
):
    _, head, staff = team
    login_as(staff)
    client.post(f"/plans/{week_plan.id}/tasks/new", data=valid_task())
    client.post(f"/plans/{week_plan.id}/submit")
    login_as(head)
    client.post(f"/plans/{week_plan.id}/return", data={"comment": ""})
    session.refresh(week_plan)
    assert week_plan.status is PlanStatus.SUBMITTED
    client.post(f"/plans/{week_plan.id}/return", data={"comment": "Cần lượng hoá rõ hơn"})
    login_as(staff)
    page = client.get(f"/plans/{week_plan.id}").get_data(as_text=True)
    assert "Bị trả lại" in page
    assert "Cần lượng hoá rõ hơn" in page


def test_manager_assigns_a_task_into_the_staff_plan(session, client, login_as, team):
    _, head, staff = team
    login_as(head)
    form = client.get("/unit/assign").get_data(as_text=True)
    assert "Lê Văn Bình" in form
    response = client.post(
        "/unit/assign",
        data={
            "person_id": str(staff.id),
            "kind": "week",
            "day": "2026-03-10",
            **valid_task(title="Kiểm tra an toàn thực phẩm"),
        },
    )
    assert response.status_code == 302
    plan = services.find_plan(session, staff, WEEK_11)
    assert plan is not None
    assert [t.title for t in plan.tasks] == ["Kiểm tra an toàn thực phẩm"]


def test_english_is_available(client, login_as, team):
    login_as(team[2])
    client.post("/language", data={"lang": "en"})
    page = client.get("/plans").get_data(as_text=True)
    assert "My work plans" in page
    client.post("/language", data={"lang": "vi"})
    assert "Kế hoạch công tác của tôi" in client.get("/plans").get_data(as_text=True)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_plans_for_implausible_years_are_refused(session, client, login_as, team, day):
    login_as(team[2])
    response = client.post("/plans/new", data={"kind": "year", "day": day})
    assert response.status_code == 422
    assert "Ngày phải trong khoảng năm 2000 đến 2100." in form_errors(
        response.get_data(as_text=True)
    )
    assert session.scalar(sa.select(sa.func.count(Plan.id))) == 0


def test_long_lists_of_people_come_in_pages(
    session, client, login_as, team, make_person, monkeypatch
):
    monkeypatch.setattr("evaluation.organisation.services.PAGE_SIZE", 3)
    unit, head, _staff = team
    for n in range(4):
        make_person(unit, name=f"Người số {n}")
    login_as(head)
    first = client.get("/unit").get_data(as_text=True)
    people = first.split('id="people"')[1]
    assert people.count("/organisation/people/") == 3
    assert "Trang 1 / 2" in people and 'rel="next"' in people
    second = client.get("/unit?page=2").get_data(as_text=True).split('id="people"')[1]
    assert second.count("/organisation/people/") == 3  # six people in all
    assert client.get("/unit?page=3").status_code == 404
