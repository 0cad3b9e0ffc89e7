"""Which criteria set a manager scores a person against (`criteria_set_name`), as a table.

Every staff category × leader × front desk × the years either side of ND335's first (2026) ×
no pin, a unit pinned to nd90 and one pinned to nd335. The rows were written from the choice as
the web application made it before the rule moved to the rulebook; since the rule sets are chosen
from the table of `criteria.rulebook_table` (rules.md §11), a pin where the pinned rule set has no
force for the category and year is refused (REFUSED), not applied.
"""

from __future__ import annotations

import pytest

from criteria import choose_criteria_set, criteria_set_name, select_rulebook
from criteria.levels import StaffCategory
from criteria.rulebook_table import RulebookNotInForce

CAN_BO = StaffCategory.CAN_BO
CONG_CHUC = StaffCategory.CONG_CHUC
VIEN_CHUC = StaffCategory.VIEN_CHUC
NGUOI_LAO_DONG = StaffCategory.NGUOI_LAO_DONG
REFUSED = None  # the pin has no force for the category and year

# category, leader, front desk, year, unit's pin, criteria set
CASES = [
    (CAN_BO, False, False, 2025, None, "nd90-can-bo"),
    (CAN_BO, False, False, 2026, None, "nd90-can-bo"),
    (CAN_BO, False, True, 2025, None, "nd90-can-bo"),
    (CAN_BO, False, True, 2026, None, "nd90-can-bo"),
    (CAN_BO, True, False, 2025, None, "nd90-can-bo"),
    (CAN_BO, True, False, 2026, None, "nd90-can-bo"),
    (CAN_BO, True, True, 2025, None, "nd90-can-bo"),
    (CAN_BO, True, True, 2026, None, "nd90-can-bo"),
    (CONG_CHUC, False, False, 2025, None, "nd90-cong-chuc"),
    (CONG_CHUC, False, False, 2026, None, "nd335-non-leader"),
    (CONG_CHUC, False, True, 2025, None, "nd90-front-desk"),
    (CONG_CHUC, False, True, 2026, None, "nd335-front-desk"),
    (CONG_CHUC, True, False, 2025, None, "nd90-cong-chuc-leader"),
    (CONG_CHUC, True, False, 2026, None, "nd335-leader"),
    (CONG_CHUC, True, True, 2025, None, "nd90-front-desk"),
    (CONG_CHUC, True, True, 2026, None, "nd335-leader"),
    (VIEN_CHUC, False, False, 2025, None, "nd90-vien-chuc"),
    (VIEN_CHUC, False, False, 2026, None, "nd90-vien-chuc"),
    (VIEN_CHUC, False, True, 2025, None, "nd90-front-desk"),
    (VIEN_CHUC, False, True, 2026, None, "nd90-front-desk"),
    (VIEN_CHUC, True, False, 2025, None, "nd90-vien-chuc-leader"),
    (VIEN_CHUC, True, False, 2026, None, "nd90-vien-chuc-leader"),
    (VIEN_CHUC, True, True, 2025, None, "nd90-front-desk"),
    (VIEN_CHUC, True, True, 2026, None, "nd90-front-desk"),
    (NGUOI_LAO_DONG, False, False, 2025, None, "nd90-vien-chuc"),
    (NGUOI_LAO_DONG, False, False, 2026, None, "nd90-vien-chuc"),
    (NGUOI_LAO_DONG, False, True, 2025, None, "nd90-front-desk"),
    (NGUOI_LAO_DONG, False, True, 2026, None, "nd90-front-desk"),
    (NGUOI_LAO_DONG, True, False, 2025, None, "nd90-vien-chuc-leader"),
    (NGUOI_LAO_DONG, True, False, 2026, None, "nd90-vien-chuc-leader"),
    (NGUOI_LAO_DONG, True, True, 2025, None, "nd90-front-desk"),
    (NGUOI_LAO_DONG, True, True, 2026, None, "nd90-front-desk"),
    (CAN_BO, False, False, 2025, "nd90@1", "nd90-can-bo"),
    (CAN_BO, False, False, 2026, "nd90@1", "nd90-can-bo"),
    (CAN_BO, False, True, 2025, "nd90@1", "nd90-can-bo"),
    (CAN_BO, False, True, 2026, "nd90@1", "nd90-can-bo"),
    (CAN_BO, True, False, 2025, "nd90@1", "nd90-can-bo"),
    (CAN_BO, True, False, 2026, "nd90@1", "nd90-can-bo"),
    (CAN_BO, True, True, 2025, "nd90@1", "nd90-can-bo"),
    (CAN_BO, True, True, 2026, "nd90@1", "nd90-can-bo"),
    (CONG_CHUC, False, False, 2025, "nd90@1", "nd90-cong-chuc"),
    (CONG_CHUC, False, False, 2026, "nd90@1", REFUSED),
    (CONG_CHUC, False, True, 2025, "nd90@1", "nd90-front-desk"),
    (CONG_CHUC, False, True, 2026, "nd90@1", REFUSED),
    (CONG_CHUC, True, False, 2025, "nd90@1", "nd90-cong-chuc-leader"),
    (CONG_CHUC, True, False, 2026, "nd90@1", REFUSED),
    (CONG_CHUC, True, True, 2025, "nd90@1", "nd90-front-desk"),
    (CONG_CHUC, True, True, 2026, "nd90@1", REFUSED),
    (VIEN_CHUC, False, False, 2025, "nd90@1", "nd90-vien-chuc"),
    (VIEN_CHUC, False, False, 2026, "nd90@1", "nd90-vien-chuc"),
    (VIEN_CHUC, False, True, 2025, "nd90@1", "nd90-front-desk"),
    (VIEN_CHUC, False, True, 2026, "nd90@1", "nd90-front-desk"),
    (VIEN_CHUC, True, False, 2025, "nd90@1", "nd90-vien-chuc-leader"),
    (VIEN_CHUC, True, False, 2026, "nd90@1", "nd90-vien-chuc-leader"),
    (VIEN_CHUC, True, True, 2025, "nd90@1", "nd90-front-desk"),
    (VIEN_CHUC, True, True, 2026, "nd90@1", "nd90-front-desk"),
    (NGUOI_LAO_DONG, False, False, 2025, "nd90@1", "nd90-vien-chuc"),
    (NGUOI_LAO_DONG, False, False, 2026, "nd90@1", "nd90-vien-chuc"),
    (NGUOI_LAO_DONG, False, True, 2025, "nd90@1", "nd90-front-desk"),
    (NGUOI_LAO_DONG, False, True, 2026, "nd90@1", "nd90-front-desk"),
    (NGUOI_LAO_DONG, True, False, 2025, "nd90@1", "nd90-vien-chuc-leader"),
    (NGUOI_LAO_DONG, True, False, 2026, "nd90@1", "nd90-vien-chuc-leader"),
    (NGUOI_LAO_DONG, True, True, 2025, "nd90@1", "nd90-front-desk"),
    (NGUOI_LAO_DONG, True, True, 2026, "nd90@1", "nd90-front-desk"),
    (CAN_BO, False, False, 2025, "nd335@1", REFUSED),
    (CAN_BO, False, False, 2026, "nd335@1", REFUSED),
    (CAN_BO, False, True, 2025, "nd335@1", REFUSED),
    (CAN_BO, False, True, 2026, "nd335@1", REFUSED),
    (CAN_BO, True, False, 2025, "nd335@1", REFUSED),
    (CAN_BO, True, False, 2026, "nd335@1", REFUSED),
    (CAN_BO, True, True, 2025, "nd335@1", REFUSED),
    (CAN_BO, True, True, 2026, "nd335@1", REFUSED),
    (CONG_CHUC, False, False, 2025, "nd335@1", REFUSED),
    (CONG_CHUC, False, False, 2026, "nd335@1", "nd335-non-leader"),
    (CONG_CHUC, False, True, 2025, "nd335@1", REFUSED),
    (CONG_CHUC, False, True, 2026, "nd335@1", "nd335-front-desk"),
    (CONG_CHUC, True, False, 2025, "nd335@1", REFUSED),
    (CONG_CHUC, True, False, 2026, "nd335@1", "nd335-leader"),
    (CONG_CHUC, True, True, 2025, "nd335@1", REFUSED),
    (CONG_CHUC, True, True, 2026, "nd335@1", "nd335-leader"),
    (VIEN_CHUC, False, False, 2025, "nd335@1", REFUSED),
    (VIEN_CHUC, False, False, 2026, "nd335@1", REFUSED),
    (VIEN_CHUC, False, True, 2025, "nd335@1", REFUSED),
    (VIEN_CHUC, False, True, 2026, "nd335@1", REFUSED),
    (VIEN_CHUC, True, False, 2025, "nd335@1", REFUSED),
    (VIEN_CHUC, True, False, 2026, "nd335@1", REFUSED),
    (VIEN_CHUC, True, True, 2025, "nd335@1", REFUSED),
    (VIEN_CHUC, True, True, 2026, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, False, False, 2025, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, False, False, 2026, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, False, True, 2025, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, False, True, 2026, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, True, False, 2025, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, True, False, 2026, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, True, True, 2025, "nd335@1", REFUSED),
    (NGUOI_LAO_DONG, True, True, 2026, "nd335@1", REFUSED),
]


def _id(case: tuple) -> str:
    category, leader, front_desk, year, pinned, _expected = case
    role = "leader" if leader else "staff"
    desk = "-front-desk" if front_desk else ""
    return f"{category.value}-{role}{desk}-{year}-{pinned or 'unpinned'}"


@pytest.mark.parametrize("case", CASES, ids=[_id(case) for case in CASES])
def test_criteria_set_by_person(case: tuple) -> None:
    category, leader, front_desk, year, pinned, expected = case
    if expected is REFUSED:
        with pytest.raises(RulebookNotInForce, match="Không áp dụng"):
            criteria_set_name(year, category, leader=leader, front_desk=front_desk, pinned=pinned)
        with pytest.raises(RulebookNotInForce):
            choose_criteria_set(year, category, leader=leader, front_desk=front_desk, pinned=pinned)
        return
    name = criteria_set_name(year, category, leader=leader, front_desk=front_desk, pinned=pinned)
    assert name == expected
    chosen = choose_criteria_set(
        year, category, leader=leader, front_desk=front_desk, pinned=pinned
    )
    assert chosen.name == expected
    # the set is scored under the rule set that classifies the person
    assert chosen.rulebook == select_rulebook(year, category, pinned).name


def test_the_table_covers_every_combination() -> None:
    combinations = {case[:5] for case in CASES}
    assert len(combinations) == len(CASES) == 4 * 2 * 2 * 2 * 3


def test_every_front_desk_set_is_chosen_for_front_desk_staff_only() -> None:
    """The front-desk sets (satisfaction of citizens, rules.md §10) reach the front desk, and
    every member of staff there who is neither a cadre under nd90 nor a leader under nd335."""
    for category, leader, front_desk, year, pinned, expected in CASES:
        if expected is REFUSED:
            continue
        rulebook = select_rulebook(year, category, pinned).name
        should = front_desk and (not leader if rulebook == "nd335" else category is not CAN_BO)
        assert ("front-desk" in expected) == should, (category, leader, front_desk, year, pinned)
