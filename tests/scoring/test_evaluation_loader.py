"""`get_evaluation_or_404`: the one loader of the evaluation page, its steps and its sheet.

404 when the person is missing, 403 when the viewer may not take the action asked (not only
view), whichever of the three routes is asked; a refused step writes nothing.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.scoring.models import AnnualEvaluation
from tests.reports.helpers import contains, workbook_of
from tests.scoring.builders import records_for

YEAR = 2026
SELF = {"report": "Hoàn thành 10/10 nhiệm vụ", "level": "tot"}
DECISION = {"level": "tot"}
DISCIPLINE = {
    "discipline-violation": "Vi phạm quy định về thời gian giải quyết hồ sơ",
    "discipline-effective_on": f"{YEAR}-06-01",
    "discipline-form": "khien_trach",
    "discipline-duty_related": "y",
}


@pytest.fixture
def org(session, make_unit, make_person):
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    division = make_unit("Phòng Công chức", parent=agency)
    other = make_unit("Phòng Kế hoạch", parent=agency)
    return {
        "division": division,
        "director": make_person(agency, role=LeadershipRole.HEAD),
        "staff": make_person(division),
        "stranger": make_person(other),
        "personnel": make_person(
            make_unit("Phòng Tổ chức", parent=agency),
            account_role=AccountRole.PERSONNEL,
            served_unit=agency,
        ),
    }


def evaluations(session) -> int:
    session.expire_all()
    return session.scalar(sa.select(sa.func.count(AnnualEvaluation.id)))


URLS = {
    "page": ("GET", "/evaluations/{year}/people/{id}"),
    "sheet": ("GET", "/reports/evaluations/{year}/people/{id}.xlsx"),
    "step": ("POST", "/evaluations/{year}/people/{id}/self_assessment"),
}


@pytest.mark.parametrize("route", URLS)
def test_a_missing_person_is_not_found_and_a_stranger_is_refused(
    session, client, login_as, org, route
):
    method, url = URLS[route]
    login_as(org["stranger"])
    missing = url.format(year=YEAR, id=999_999)
    assert client.open(missing, method=method, data=SELF).status_code == 404
    staff = url.format(year=YEAR, id=org["staff"].id)
    assert client.open(staff, method=method, data=SELF).status_code == 403
    assert evaluations(session) == 0


def test_a_step_is_authorized_for_itself_not_for_viewing(session, client, login_as, org):
    """The person sees their own evaluation but decides nothing on it; the director decides."""
    staff = org["staff"]
    login_as(staff)
    assert client.get(f"/evaluations/{YEAR}/people/{staff.id}").status_code == 200
    assert client.get(f"/reports/evaluations/{YEAR}/people/{staff.id}.xlsx").status_code == 200
    response = client.post(f"/evaluations/{YEAR}/people/{staff.id}/decision", data=DECISION)
    assert response.status_code == 403
    assert evaluations(session) == 0
    response = client.post(f"/evaluations/{YEAR}/people/{staff.id}/self_assessment", data=SELF)
    assert response.status_code == 302
    assert evaluations(session) == 1


def test_an_open_evaluation_shows_the_rulebook_on_todays_records(
    session, client, login_as, org, make_person
):
    """`rulebook_result`: until the decision, the page and its sheet show the rulebook on the
    records as they are now, not the level stored when the last step was taken."""
    facts = {"year": YEAR, "category": "cong_chuc", "tasks": [{} for _ in range(10)]}
    staff = records_for(session, org["division"], facts, make_person)
    page = f"/evaluations/{YEAR}/people/{staff.id}"
    login_as(staff)
    assert client.post(f"{page}/self_assessment", data=SELF).status_code == 302
    assert 'data-rule="S6"' not in client.get(page).get_data(as_text=True)

    login_as(org["personnel"])
    response = client.post(f"/people/{staff.id}/records/discipline", data=DISCIPLINE)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "level-khong_hoan_thanh" in html.split('id="rulebook-level">')[1][:400]
    assert 'data-rule="S6"' in html  # discipline: not completed (ND335)
    sheet = workbook_of(client.get(f"/reports/evaluations/{YEAR}/people/{staff.id}.xlsx"))
    assert contains(sheet.active, "Không hoàn thành nhiệm vụ")
