"""The web application scores each person against the set the rulebook chooses
(`criteria.criteria_set_name`), with the person's own facts: category, post, front desk, and
the rule set their unit pins."""

from __future__ import annotations

import pytest

from criteria import StaffCategory
from evaluation.organisation.models import LeadershipRole
from evaluation.scoring.periods import criteria_set_for

CONG_CHUC, VIEN_CHUC = StaffCategory.CONG_CHUC, StaffCategory.VIEN_CHUC
CAN_BO = StaffCategory.CAN_BO
NONE, DEPUTY, HEAD = LeadershipRole.NONE, LeadershipRole.DEPUTY, LeadershipRole.HEAD


@pytest.mark.parametrize(
    ("category", "role", "front_desk", "pin", "year", "expected"),
    [
        (CONG_CHUC, NONE, True, None, 2026, "nd335-front-desk@1"),
        (CONG_CHUC, NONE, True, None, 2025, "nd90-front-desk@1"),
        (CONG_CHUC, NONE, True, "nd90@1", 2026, "nd90-front-desk@1"),
        (CONG_CHUC, DEPUTY, False, None, 2026, "nd335-leader@1"),
        (CONG_CHUC, NONE, False, None, 2026, "nd335-non-leader@1"),
        (VIEN_CHUC, HEAD, False, None, 2026, "nd90-vien-chuc-leader@1"),
        (VIEN_CHUC, NONE, True, "nd335@1", 2026, "nd335-front-desk@1"),
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
