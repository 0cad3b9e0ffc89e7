"""parse_facts(): the contract's defaults and the field paths of InvalidFacts."""

from __future__ import annotations

import pytest

from criteria import (
    Discipline,
    DisciplineForm,
    Facts,
    GeneralAssessment,
    InvalidFacts,
    Level,
    StaffCategory,
    TaskFacts,
    parse_facts,
)


def test_defaults_are_the_contract_ones() -> None:
    facts = parse_facts({})
    assert facts == Facts()
    assert facts.year == 2025
    assert facts.category is StaffCategory.CONG_CHUC
    assert facts.months_worked == 12
    assert facts.general is GeneralAssessment.GOOD
    assert facts.disciplines == facts.tasks == ()
    assert facts.unit is None
    assert facts.points is None


def test_nested_defaults() -> None:
    facts = parse_facts(
        {
            "tasks": [{"on_time": False}],
            "disciplines": [{"year_effective": 2025, "form": "canh_cao"}],
            "unit": {"targets_completed_pct": 90},
        }
    )
    assert facts.tasks == (TaskFacts(on_time=False),)
    assert facts.tasks[0].missed
    assert facts.disciplines == (
        Discipline("disciplines[0]", 2025, DisciplineForm.CANH_CAO, False, True, None),
    )
    assert facts.unit is not None
    assert (facts.unit.targets_on_time_pct, facts.unit.targets_exceeded_pct) == (100, 50)


def test_nulls_take_the_defaults() -> None:
    assert parse_facts({"leader": None, "unit": None, "rulebook": None}) == Facts()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": True}, "year"),
        ({"year": 2025.5}, "year"),
        ({"leader": "true"}, "leader"),
        ({"leave_months": -1}, "leave_months"),
        ({"general_points": "28"}, "general_points"),
        ({"general_points": -0.5}, "general_points"),
        ({"period_task_points": 60}, "period_task_points"),
        ({"period_task_points": [60, None]}, "period_task_points[1]"),
        ({"tasks": {}}, "tasks"),
        ({"tasks": [True]}, "tasks[0]"),
        ({"tasks": [{"done": True}]}, "tasks[0].done"),
        ({"unit": []}, "unit"),
        ({"unit": {"targets_exceeded_pct": 101}}, "unit.targets_exceeded_pct"),
        (
            {"disciplines": [{"year_effective": 2025, "form": "khien_trach", "party": 1}]},
            "disciplines[0].party",
        ),
        (
            {
                "disciplines": [
                    {"year_effective": 2025, "form": "khien_trach", "counted_in_year": "2024"}
                ]
            },
            "disciplines[0].counted_in_year",
        ),
        ({"rulebook": "nd90@2"}, "rulebook"),
        ({"rulebook": 90}, "rulebook"),
        ({"points_ceiling": "on"}, "points_ceiling"),
    ],
)
def test_invalid_fields_are_named(data: dict, field: str) -> None:
    with pytest.raises(InvalidFacts) as error:
        parse_facts(data)
    assert error.value.field == field
    assert str(error.value).startswith(field + ": ")


def test_rulebook_pin_with_version() -> None:
    assert parse_facts({"rulebook": "nd335@1"}).rulebook == "nd335"


def test_level_labels_and_codes() -> None:
    assert Level.XUAT_SAC.label == "Hoàn thành xuất sắc nhiệm vụ"
    assert Level.XUAT_SAC.code == "HTXSNV"
    assert Level.KHONG_HOAN_THANH.code == "KHTNV"
    assert Level.TOT == "tot"
    assert isinstance(Level.TOT, str)
    assert StaffCategory.NGUOI_LAO_DONG.label == "Người lao động"
    assert Level.TOT.at_least(Level.HOAN_THANH)
    assert not Level.KHONG_XEP_LOAI.at_least(Level.KHONG_HOAN_THANH)
