"""Input is never lost (issue 11, §5): a refused form comes back as typed, with every error on top.

The annual decision used to redirect after a quota refusal, dropping the chosen level and the
typed reason; now the page is shown again with both, the refusal in the error summary.
"""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from criteria import Level
from evaluation.plans import services as plans
from evaluation.plans.models import Task
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring import procedure
from tests.conftest import account_id
from tests.scoring import test_annual_workflow as annual
from tests.scoring.builders import records_for
from tests.scoring.test_annual_workflow import (
    ALL_ON_TIME,
    ALL_ON_TIME_HALF_EXCEEDED,
    YEAR,
    decided,
    url,
    walk,
)

org = annual.org  # the same agency, division, heads and personnel office

REASON = "Đơn vị đề nghị vì có sáng kiến được công nhận cấp tỉnh"


def summary_links(page: str) -> list[tuple[str, str]]:
    """(href target, text) of each linked error in the role="alert" summary box."""
    box = re.search(r'<div class="error-summary" role="alert".*?</div>', page, flags=re.S)
    assert box, "no error summary on the page"
    return [
        (target, html.unescape(re.sub(r"\s+", " ", text)).strip())
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', box.group(), flags=re.S)
    ]


def summary_text(page: str) -> str:
    box = re.search(r'<div class="error-summary" role="alert".*?</div>', page, flags=re.S)
    assert box, "no error summary on the page"
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", box.group()))


def selected_option(page: str, select_id: str) -> str | None:
    select = re.search(rf'<select[^>]*\sid="{select_id}"[^>]*>(.*?)</select>', page, flags=re.S)
    assert select, select_id
    chosen = re.search(r'<option selected value="([^"]*)"', select.group(1))
    return chosen.group(1) if chosen else None


def textarea(page: str, textarea_id: str) -> str:
    found = re.search(rf'<textarea[^>]*\sid="{textarea_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, textarea_id
    return html.unescape(found.group(1)).strip()


def test_a_quota_refusal_keeps_the_chosen_level_and_the_typed_reason(
    session, client, login_as, org, make_person
):
    for _ in range(5):  # five at tot: one place for xuat_sac (Q2 20%, Q4 rounding down)
        decided(session, make_person(org["division"]), Level.TOT)
    first = records_for(session, org["division"], ALL_ON_TIME_HALF_EXCEEDED, make_person)
    second = records_for(session, org["division"], ALL_ON_TIME_HALF_EXCEEDED, make_person)
    walk(client, login_as, org, first, until="personnel_proposal")
    walk(client, login_as, org, second, until="personnel_proposal")
    login_as(org["director"])
    assert client.post(url(first, "decision"), data={"level": "xuat_sac"}).status_code == 302
    evaluation = procedure.find_evaluation(session, second.id, YEAR)
    before = (evaluation.version, evaluation.step, evaluation.final_level)

    response = client.post(url(second, "decision"), data={"level": "xuat_sac", "reason": REASON})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert selected_option(page, "decision-level") == "xuat_sac"
    assert textarea(page, "decision-reason") == REASON
    assert "Vượt tỷ lệ Hoàn thành xuất sắc" in summary_text(page)
    session.expire_all()
    evaluation = procedure.find_evaluation(session, second.id, YEAR)
    assert (evaluation.version, evaluation.step, evaluation.final_level) == before


def test_a_step_refused_by_its_fields_comes_back_as_typed(
    session, client, login_as, org, make_person
):
    staff = records_for(session, org["division"], ALL_ON_TIME, make_person)
    login_as(staff)
    typed = "Hoàn thành 10/10 nhiệm vụ, <b>vượt</b> 2 chỉ tiêu"
    response = client.post(
        url(staff, "self_assessment"), data={"report": typed, "level": "không có mức này"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert textarea(page, "self_assessment-report") == typed
    assert [target for target, _ in summary_links(page)] == ["self_assessment-level"]
    assert procedure.find_evaluation(session, staff.id, YEAR) is None


# --- a long form: every error at once, each linked to its field ---------------------------

WEEK_11 = Period(PeriodKind.WEEK, 2026, 11)


def test_three_bad_fields_give_three_linked_errors_in_the_summary(
    session, client, login_as, org, make_person
):
    staff = make_person(org["division"])
    plan = plans.create_plan(session, staff, WEEK_11, actor_id=account_id(session, staff))
    login_as(staff)
    response = client.post(
        f"/plans/{plan.id}/tasks/new",
        data={
            "title": "\u200b",  # nothing visible
            "description": "Mô tả giữ nguyên",
            "target_quantity": "0",  # below the minimum
            "unit_of_measure": "hồ sơ",
            "weight": "1000",  # above the maximum
            "deadline": "2026-03-13",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    links = summary_links(page)
    assert [target for target, _ in links] == ["title", "target_quantity", "weight"]
    for target, text in links:
        assert len(re.findall(rf'\sid="{target}"', page)) == 1, target  # one element, that id
        assert ":" in text  # "Label: message"
    assert textarea(page, "description") == "Mô tả giữ nguyên"
    assert session.scalar(sa.select(sa.func.count(Task.id))) == 0


def test_a_refusal_of_the_service_joins_the_summary(session, client, login_as, org, make_person):
    """A deadline outside the plan's week passes the form and is refused by the service."""
    staff = make_person(org["division"])
    plan = plans.create_plan(session, staff, WEEK_11, actor_id=account_id(session, staff))
    login_as(staff)
    response = client.post(
        f"/plans/{plan.id}/tasks/new",
        data={
            "title": "Tiếp nhận hồ sơ",
            "target_quantity": "3",
            "unit_of_measure": "hồ sơ",
            "weight": "1",
            "deadline": "2026-04-30",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert [target for target, _ in summary_links(page)] == ["deadline"]
    assert 'value="Tiếp nhận hồ sơ"' in page
    assert session.scalar(sa.select(sa.func.count(Task.id))) == 0


# --- the plan's return comment, the council's decision and its revocation ------------------


def test_a_refused_return_comment_stays_in_its_box(session, client, login_as, org, make_person):
    staff = make_person(org["division"])
    plan = plans.create_plan(session, staff, WEEK_11, actor_id=account_id(session, staff))
    login_as(staff)
    client.post(
        f"/plans/{plan.id}/tasks/new",
        data={
            "title": "Tiếp nhận hồ sơ",
            "target_quantity": "3",
            "unit_of_measure": "hồ sơ",
            "weight": "1",
            "deadline": "2026-03-13",
        },
    )
    assert client.post(f"/plans/{plan.id}/submit").status_code == 302
    login_as(org["head"])
    session.refresh(plan)
    before = (plan.status, plan.version, plan.return_comment)
    typed = "Cần lượng hoá rõ hơn \u202eabc"

    response = client.post(f"/plans/{plan.id}/return", data={"comment": typed})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert textarea(page, "comment") == typed
    assert [target for target, _ in summary_links(page)] == ["comment"]
    assert '<details class="card" open>' in page
    session.refresh(plan)
    assert (plan.status, plan.version, plan.return_comment) == before
