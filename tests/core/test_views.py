"""What every route does with a form it will not show again: its errors are flashed, all of
them, by one `flash_form_errors` (the plan's buttons and the evaluation's closed steps)."""

from __future__ import annotations

import re

import pytest
from flask import Flask, get_flashed_messages

from evaluation.accounts.models import AccountRole
from evaluation.core.forms import ReasonForm
from evaluation.core.views import flash_form_errors
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans import services as plans
from evaluation.plans.models import PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from tests.conftest import account_id


def error_flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash error" role="alert">(.*?)</p>', html, re.S)


def test_every_field_error_and_every_form_error_is_flashed(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"reason": ""}):
        form = ReasonForm(meta={"csrf": False})
        assert not form.validate()
        form.form_errors.append("Lỗi chung của biểu mẫu")
        flash_form_errors(form)
        flashed = get_flashed_messages(with_categories=True)
    assert flashed == [("error", "Cần ghi rõ lý do."), ("error", "Lỗi chung của biểu mẫu")]


@pytest.fixture
def team(make_unit, make_person):
    unit = make_unit(name="Phòng Kinh tế")
    return make_person(unit, role=LeadershipRole.HEAD), make_person(unit)


def test_a_plan_button_with_a_broken_form_says_why_and_changes_nothing(
    session, client, login_as, team
):
    staff = team[1]
    week = Period(PeriodKind.WEEK, 2026, 11)
    plan = plans.create_plan(session, staff, week, actor_id=account_id(session, staff))
    version = plan.version
    login_as(staff)
    response = client.post(f"/plans/{plan.id}/submit", data={"version": "không phải số"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert len(error_flashes(page)) == 1
    session.refresh(plan)
    assert (plan.status, plan.version) == (PlanStatus.DRAFT, version)


def test_a_step_no_longer_open_shows_its_errors_on_top(
    session, client, login_as, make_unit, make_person
):
    """Reopening an evaluation that is not decided: the form is not on the page, so its
    error (no reason given) is flashed instead of lost."""
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    staff = make_person(make_unit("Phòng Công chức", parent=agency))
    personnel = make_person(
        make_unit("Phòng Tổ chức", parent=agency),
        account_role=AccountRole.PERSONNEL,
        served_unit=agency,
    )
    make_person(agency, role=LeadershipRole.HEAD)
    login_as(personnel)
    response = client.post(f"/evaluations/2026/people/{staff.id}/reopen", data={"reason": ""})
    assert response.status_code == 422
    assert error_flashes(response.get_data(as_text=True)) == ["Cần ghi rõ lý do."]
