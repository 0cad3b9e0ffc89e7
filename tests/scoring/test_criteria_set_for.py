"""The web application scores each person against the set the rulebook chooses
(`criteria.criteria_set_name`), with the person's own facts: category, post, front desk, and
the rule set their unit pins where the rulebook's table gives that rule set force; a pin without
force is refused (rules.md §11): not applied, and the criteria page says why."""

from __future__ import annotations

import pytest

from criteria import StaffCategory
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring.periods import criteria_set_for, pin_refusal, rulebook_name

CONG_CHUC, VIEN_CHUC = StaffCategory.CONG_CHUC, StaffCategory.VIEN_CHUC
CAN_BO = StaffCategory.CAN_BO
NONE, DEPUTY, HEAD = LeadershipRole.NONE, LeadershipRole.DEPUTY, LeadershipRole.HEAD


@pytest.mark.parametrize(
    ("category", "role", "front_desk", "pin", "year", "expected"),
    [
        (CONG_CHUC, NONE, True, None, 2026, "nd335-front-desk@1"),
        (CONG_CHUC, NONE, True, None, 2025, "nd90-front-desk@1"),
        (CONG_CHUC, NONE, True, "nd90@1", 2026, "nd335-front-desk@1"),  # pin refused
        (CONG_CHUC, NONE, True, "nd90@1", 2025, "nd90-front-desk@1"),
        (CONG_CHUC, DEPUTY, False, None, 2026, "nd335-leader@1"),
        (CONG_CHUC, NONE, False, None, 2026, "nd335-non-leader@1"),
        (VIEN_CHUC, HEAD, False, None, 2026, "nd90-vien-chuc-leader@1"),
        (VIEN_CHUC, NONE, True, "nd335@1", 2026, "nd90-front-desk@1"),  # pin refused
        (CAN_BO, HEAD, False, None, 2026, "nd90-can-bo@1"),
    ],
)
def test_a_person_is_scored_against_the_rulebooks_choice(
    session, make_unit, make_person, category, role, front_desk, pin, year, expected
) -> None:
    unit = make_unit()
    unit.rulebook_pin = pin
    person = make_person(unit, role=role, category=category)
    person.front_desk = front_desk
    session.flush()
    assert criteria_set_for(person, year).id == expected


def test_a_pin_without_force_is_refused_and_the_page_says_why(
    session, client, login_as, make_unit, make_person
) -> None:
    """A unit pinned to ND335 with a public employee: ND90 applies (the table), and the
    criteria page names the refused decree and shows the table (category, from, to, text)."""
    agency = make_unit("Sở", UnitKind.AGENCY)
    division = make_unit("Phòng", parent=agency)
    division.rulebook_pin = "nd335@1"
    head = make_person(division, role=HEAD)
    staff = make_person(division, category=VIEN_CHUC)
    session.flush()
    assert rulebook_name(staff, 2026) == "nd90"
    assert pin_refusal(head, 2026) is None  # a civil servant in 2026: the pin has force
    note = pin_refusal(staff, 2026)
    assert note is not None and "Nghị định 335/2025/NĐ-CP" in note and "viên chức" in note
    login_as(head)
    page = client.get(f"/scoring/{Period(PeriodKind.MONTH, 2026, 3).key}/people/{staff.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="pin-refused"' in html
    assert "không được áp dụng" in html
    assert 'id="rulebook-table"' in html
    assert html.count('<th scope="row">Công chức</th>') == 2  # two rows: ND90, then ND335
    assert "01/01/2026" in html
    evaluation = client.get(f"/evaluations/2026/people/{staff.id}")
    assert evaluation.status_code == 200
    assert 'id="pin-refused"' in evaluation.get_data(as_text=True)
