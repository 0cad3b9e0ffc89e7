"""Unit results (policy unit-result@1) and the ranking rule, on hand-computed tables."""

from __future__ import annotations

import pytest

from criteria.levels import Level
from criteria.unit_results import Ranked, UnitFigures, rank, unit_score


def figures(**overrides: object) -> UnitFigures:
    values: dict[str, object] = {
        "targets": 10, "completed": 10, "on_time": 10, "exceeded": 0,
        "members_scored": 4, "members_average": 80.0, "disciplined": 0,
    }  # fmt: skip
    values.update(overrides)
    return UnitFigures(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "points", "level"),
    [
        ({}, 94.0, Level.XUAT_SAC),  # own 100 × .7 + 80 × .3
        ({"on_time": 6}, 80.0, Level.TOT),  # own (100 + 60) / 2 = 80 → 56 + 24
        ({"completed": 5, "on_time": 5}, 59.0, Level.HOAN_THANH),  # own 50 → 35 + 24
        ({"disciplined": 2}, 84.0, Level.TOT),  # 94 − 2 × 5
        ({"completed": 0, "on_time": 0, "members_average": 40.0}, 12.0, Level.KHONG_HOAN_THANH),
        ({"targets": 0, "completed": 0, "on_time": 0}, 80.0, Level.TOT),  # members carry all
        ({"members_scored": 0, "members_average": None}, 100.0, Level.XUAT_SAC),  # own carries all
        ({"disciplined": 30}, 0.0, Level.KHONG_HOAN_THANH),  # never below zero
    ],
)
def test_unit_score(overrides, points, level):
    score = unit_score(figures(**overrides))
    assert score.points == points
    assert score.level is level


def test_a_unit_with_nothing_to_judge_has_no_result():
    score = unit_score(figures(targets=0, completed=0, on_time=0, members_average=None))
    assert (score.points, score.level) == (None, None)


def test_discipline_is_explained_with_the_heads_joint_responsibility():
    score = unit_score(figures(disciplined=1))
    assert [reason.rule for reason in score.reasons] == ["U1", "U2"]
    assert "liên đới" in score.reasons[1].text


def entry(
    key: str, points: float | None, completed: float = 100, overdue: float = 0, disc: int = 0
):
    return Ranked(key, key, points, completed, overdue, disc)


def test_ranking_with_ties_broken_by_the_documented_rule():
    ranked = rank(
        [
            entry("c", 80, completed=90),
            entry("a", 85),
            entry("b", 80, completed=95),
            entry("d", 80, completed=90, overdue=5),
            entry("e", 80, completed=90),  # equal to c in every respect: same rank
            entry("f", None),
        ]
    )
    assert [(position, e.key) for position, e in ranked] == [
        (1, "a"), (2, "b"), (3, "c"), (3, "e"), (5, "d"), (0, "f"),
    ]  # fmt: skip


def test_why_not_names_the_rule_that_stopped_a_person():
    from criteria import Level, Member, individual_titles
    from criteria.emulation import why_not

    members = [
        Member("good", Level.TOT),
        Member("completed", Level.HOAN_THANH),
        Member("disciplined", Level.XUAT_SAC, disciplined=True),
        Member("excellent", Level.XUAT_SAC, rank=1),
    ]
    outcome = individual_titles(members)
    reasons = {m.id: why_not(m, outcome) for m in members}
    assert reasons["good"].rule == "A2"
    assert reasons["completed"].rule == "A1"
    assert reasons["disciplined"].rule == "A4"
