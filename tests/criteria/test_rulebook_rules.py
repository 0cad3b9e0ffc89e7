"""Table-driven tests of each classification rule (rules.md §4–§5), beyond the shared cases."""

from __future__ import annotations

from typing import Any

import pytest

from criteria import DEFAULT_POLICY, Level, classify, parse_facts

Row = tuple[str, dict[str, Any], str, list[str]]


def tasks(total: int = 10, late: int = 0, exceeded: int = 0, undone: int = 0) -> list[dict]:
    """`total` task criteria: the first `undone` not completed, the next `late` late, and
    `exceeded` of the remaining ones exceeded."""
    rows = []
    for i in range(total):
        if i < undone:
            rows.append({"completed": False, "on_time": False})
        elif i < undone + late:
            rows.append({"on_time": False})
        else:
            rows.append({"exceeded": i >= total - exceeded})
    return rows


def facts(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "rulebook": "nd90",
        "year": 2025,
        "general": "good",
        "tasks": tasks(exceeded=5),
    }
    base.update(overrides)
    return base


def unit(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "targets_completed_pct": 100,
        "targets_on_time_pct": 100,
        "targets_exceeded_pct": 50,
        "sub_unit_levels": ["tot", "tot", "xuat_sac"],
        "corruption_handled": False,
    }
    base.update(overrides)
    return base


def discipline(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"violation": "v1", "year_effective": 2025, "form": "khien_trach"}
    base.update(overrides)
    return base


def leader(**overrides: Any) -> dict[str, Any]:
    return facts(leader=True, unit=unit(**overrides))


ND90_ROWS: list[Row] = [
    # E1–E3: eligibility
    ("E1 six months is enough", facts(months_worked=6), "xuat_sac", ["X1"]),
    ("E1 five and a half months", facts(months_worked=5.5), "khong_xep_loai", ["E1"]),
    ("E1 seven months of leave", facts(leave_months=7), "khong_xep_loai", ["E1"]),
    (
        "E3 maternity lifts E1",
        facts(months_worked=3, maternity_leave=True),
        "xuat_sac",
        ["E3", "X1"],
    ),
    (
        "E1 wins over discipline",
        facts(months_worked=4, disciplines=[discipline()]),
        "khong_xep_loai",
        ["E1"],
    ),
    ("E2 under three months of leave", facts(leave_months=2.5), "xuat_sac", ["X1"]),
    ("E2 three months of leave", facts(leave_months=3), "hoan_thanh", ["X1", "E2"]),
    ("E2 caps tot", facts(leave_months=5, tasks=tasks()), "hoan_thanh", ["T1", "E2"]),
    (
        "E2 leaves hoan_thanh alone",
        facts(leave_months=4, tasks=tasks(late=1)),
        "hoan_thanh",
        ["H1"],
    ),
    # D1–D3: discipline
    (
        "D1 Party discipline",
        facts(disciplines=[discipline(party=True, form="canh_cao")]),
        "khong_hoan_thanh",
        ["D1"],
    ),
    (
        "D1 not tied to duty still counts under ND90",
        facts(disciplines=[discipline(duty_related=False)]),
        "khong_hoan_thanh",
        ["D1"],
    ),
    (
        "D1 decision after the year",
        facts(disciplines=[discipline(year_effective=2026)]),
        "xuat_sac",
        ["X1"],
    ),
    (
        "D1 decision of an earlier year",
        facts(disciplines=[discipline(year_effective=2024)]),
        "xuat_sac",
        ["X1"],
    ),
    (
        "D2 counted earlier",
        facts(disciplines=[discipline(counted_in_year=2023)]),
        "xuat_sac",
        ["D2", "X1"],
    ),
    (
        "D3 Party decision first, State decision now",
        facts(disciplines=[discipline(year_effective=2024, party=True), discipline()]),
        "xuat_sac",
        ["D3", "X1"],
    ),
    (
        "D3 first decision this year, the other next year",
        facts(disciplines=[discipline(party=True), discipline(year_effective=2026)]),
        "khong_hoan_thanh",
        ["D1"],
    ),
    (
        "D3 only one violation is excused",
        facts(
            disciplines=[
                discipline(year_effective=2024, party=True),
                discipline(),
                discipline(violation="v2"),
            ]
        ),
        "khong_hoan_thanh",
        ["D3", "D1"],
    ),
    # K1
    ("K1 degradation", facts(degradation=True), "khong_hoan_thanh", ["K1"]),
    ("K1 exactly half missed is not enough", facts(tasks=tasks(late=5)), "can_quyet_dinh", ["G1"]),
    ("K1 undone tasks count as missed", facts(tasks=tasks(undone=6)), "khong_hoan_thanh", ["K1"]),
    (
        "K1 and D1 together",
        facts(degradation=True, disciplines=[discipline()]),
        "khong_hoan_thanh",
        ["K1", "D1"],
    ),
    # X1 / T1 / H1
    ("X1 needs general good", facts(general="meet"), "tot", ["T1"]),
    ("T1 general fail", facts(general="fail"), "can_quyet_dinh", ["G1"]),
    ("H1 two of ten late", facts(tasks=tasks(late=2)), "hoan_thanh", ["H1"]),
    ("H1 one of ten not completed", facts(tasks=tasks(undone=1)), "can_quyet_dinh", ["G1"]),
    ("G1 no task criteria", facts(tasks=[]), "can_quyet_dinh", ["G1"]),
    # K2 / X2 / T2 / H2
    ("K2 at 49.9%", leader(targets_completed_pct=49.9), "khong_hoan_thanh", ["K2"]),
    ("K2 corruption", leader(corruption_handled=True), "khong_hoan_thanh", ["K2"]),
    ("X2 exceeded 50%", leader(), "xuat_sac", ["X2"]),
    ("X2 exceeded 49%", leader(targets_exceeded_pct=49), "tot", ["T2"]),
    (
        "X2/T2 sub-units 2/3 good",
        leader(sub_unit_levels=["tot", "tot", "hoan_thanh"]),
        "hoan_thanh",
        ["H2"],
    ),
    (
        "X2 sub-units 7/10 good",
        leader(sub_unit_levels=["tot"] * 7 + ["hoan_thanh"] * 3),
        "xuat_sac",
        ["X2"],
    ),
    ("X2 no sub-units", leader(sub_unit_levels=[]), "xuat_sac", ["X2"]),
    (
        "X2/T2 one sub-unit not completed",
        leader(sub_unit_levels=["tot", "tot", "tot", "khong_hoan_thanh"]),
        "hoan_thanh",
        ["H2"],
    ),
    ("T2 on time 80%", leader(targets_exceeded_pct=0, targets_on_time_pct=80), "tot", ["T2"]),
    (
        "T2 on time 79%",
        leader(targets_exceeded_pct=0, targets_on_time_pct=79),
        "hoan_thanh",
        ["H2"],
    ),
    ("H2 unit at 71%", leader(targets_completed_pct=71), "hoan_thanh", ["H2"]),
    ("H2 unit at 70% is a gap", leader(targets_completed_pct=70), "can_quyet_dinh", ["G1"]),
    ("H2 unit at 50% is a gap", leader(targets_completed_pct=50), "can_quyet_dinh", ["G1"]),
    (
        "H2 sub-units 60% completed",
        leader(targets_completed_pct=90, sub_unit_levels=["tot"] * 3 + ["khong_hoan_thanh"] * 2),
        "can_quyet_dinh",
        ["G1"],
    ),
    ("leader without unit facts", facts(leader=True), "can_quyet_dinh", ["G1"]),
    ("cadres use the leader rules", facts(category="can_bo", unit=unit()), "xuat_sac", ["X2"]),
    # B1 (policy)
    (
        "B1 90 points keeps xuat_sac",
        facts(general_points=30, period_task_points=[60]),
        "xuat_sac",
        ["X1"],
    ),
    ("B1 89.99 points", facts(general_points=29.99, period_task_points=[60]), "tot", ["X1", "B1"]),
    (
        "B1 69 points caps tot",
        facts(tasks=tasks(), general_points=20, period_task_points=[49]),
        "hoan_thanh",
        ["T1", "B1"],
    ),
    (
        "B1 49 points: never below hoan_thanh by points alone under nd90",
        facts(general_points=20, period_task_points=[29]),
        "hoan_thanh",
        ["X1", "B1"],
    ),
    (
        "B1 switched off by the unit",
        facts(general_points=20, period_task_points=[29], points_ceiling=False),
        "xuat_sac",
        ["X1"],
    ),
    ("B1 needs both scores", facts(general_points=20), "xuat_sac", ["X1"]),
    (
        "E2 caps, B1 adds nothing below hoan_thanh",
        facts(leave_months=4, general_points=20, period_task_points=[29]),
        "hoan_thanh",
        ["X1", "E2"],
    ),
]


ND335_ROWS: list[Row] = [
    ("S5 90 points", {"general_points": 25, "period_task_points": [65]}, "xuat_sac", ["S5"]),
    ("S5 89.5 points", {"general_points": 25, "period_task_points": [64.5]}, "tot", ["S5"]),
    ("S5 70 points", {"general_points": 20, "period_task_points": [50]}, "tot", ["S5"]),
    (
        "S5 69.99 points",
        {"general_points": 19.99, "period_task_points": [50]},
        "hoan_thanh",
        ["S5"],
    ),
    ("S5 50 points", {"general_points": 10, "period_task_points": [40]}, "hoan_thanh", ["S5"]),
    (
        "S5 49.5 points",
        {"general_points": 10, "period_task_points": [39, 40]},
        "khong_hoan_thanh",
        ["S5"],
    ),
    (
        "S4 mean of the periods",
        {"general_points": 30, "period_task_points": [70, 50, 60]},
        "xuat_sac",
        ["S5"],
    ),
    (
        "S6 degradation",
        {"general_points": 30, "period_task_points": [70], "degradation": True},
        "khong_hoan_thanh",
        ["S6"],
    ),
    (
        "S6 discipline not tied to duty does not count",
        {
            "general_points": 30,
            "period_task_points": [70],
            "disciplines": [discipline(year_effective=2026, duty_related=False)],
        },
        "xuat_sac",
        ["S5"],
    ),
    (
        "S6 Party discipline tied to duty",
        {
            "general_points": 30,
            "period_task_points": [70],
            "disciplines": [discipline(year_effective=2026, party=True)],
        },
        "khong_hoan_thanh",
        ["S6"],
    ),
    (
        "S6 decision after the year",
        {
            "general_points": 30,
            "period_task_points": [70],
            "disciplines": [discipline(year_effective=2027)],
        },
        "xuat_sac",
        ["S5"],
    ),
    (
        "S6 with D2",
        {
            "general_points": 30,
            "period_task_points": [70],
            "disciplines": [discipline(year_effective=2026, counted_in_year=2025)],
        },
        "xuat_sac",
        ["D2", "S5"],
    ),
    (
        "S6 leader's unit dealt with for corruption",
        {
            "general_points": 30,
            "period_task_points": [70],
            "leader": True,
            "unit": unit(corruption_handled=True),
        },
        "khong_hoan_thanh",
        ["S6"],
    ),
    (
        "S6 corruption only counts for leaders",
        {"general_points": 30, "period_task_points": [70], "unit": unit(corruption_handled=True)},
        "xuat_sac",
        ["S5"],
    ),
    (
        "E1 under nd335",
        {"general_points": 30, "period_task_points": [70], "months_worked": 4},
        "khong_xep_loai",
        ["E1"],
    ),
    (
        "E2 under nd335",
        {"general_points": 30, "period_task_points": [70], "leave_months": 4},
        "hoan_thanh",
        ["S7", "S5", "E2"],
    ),
    ("G1 without points", {}, "can_quyet_dinh", ["G1"]),
]


@pytest.mark.parametrize(
    ("name", "data", "level", "rules"), ND90_ROWS, ids=[r[0] for r in ND90_ROWS]
)
def test_nd90_rules(name: str, data: dict[str, Any], level: str, rules: list[str]) -> None:
    result = classify(parse_facts(data))
    assert result.level is Level(level)
    assert list(result.rules) == rules
    assert result.rulebook == "nd90@1"


@pytest.mark.parametrize(
    ("name", "data", "level", "rules"), ND335_ROWS, ids=[r[0] for r in ND335_ROWS]
)
def test_nd335_rules(name: str, data: dict[str, Any], level: str, rules: list[str]) -> None:
    result = classify(parse_facts({"rulebook": "nd335", "year": 2026, **data}))
    assert result.level is Level(level)
    assert list(result.rules) == rules
    assert result.rulebook == "nd335@1"


@pytest.mark.parametrize(
    ("year", "category", "pinned", "expected"),
    [
        (2025, "cong_chuc", None, "nd90@1"),
        (2026, "cong_chuc", None, "nd335@1"),
        (2026, "vien_chuc", None, "nd90@1"),
        (2027, "can_bo", None, "nd90@1"),
        (2026, "nguoi_lao_dong", None, "nd90@1"),
        (2025, "cong_chuc", "nd90", "nd90@1"),
        (2026, "cong_chuc", "nd335@1", "nd335@1"),
    ],
)
def test_rulebook_is_chosen_by_year_and_category(
    year: int, category: str, pinned: str | None, expected: str
) -> None:
    data: dict[str, Any] = {"year": year, "category": category}
    if pinned:
        data["rulebook"] = pinned
    assert classify(parse_facts(data)).rulebook == expected


def test_points_are_general_plus_mean_of_periods() -> None:
    result = classify(parse_facts({"general_points": 28, "period_task_points": [65, 66.5]}))
    assert result.points == 93.75
    assert classify(parse_facts({"general_points": 28})).points is None


@pytest.mark.parametrize(
    ("category", "leader", "source"),
    [
        ("vien_chuc", False, "Khoản 1 Điều 13 Nghị định 90/2020/NĐ-CP"),
        ("vien_chuc", True, "Khoản 2 Điều 13 Nghị định 90/2020/NĐ-CP"),
        ("cong_chuc", False, "Khoản 1 Điều 9 Nghị định 90/2020/NĐ-CP"),
        ("can_bo", False, "Điều 5 Nghị định 90/2020/NĐ-CP"),
        (
            "nguoi_lao_dong",
            False,
            "Khoản 1 Điều 13 Nghị định 90/2020/NĐ-CP (chính sách của đơn vị: người lao động "
            "áp dụng như viên chức)",
        ),
    ],
)
def test_good_level_names_its_article(category: str, leader: bool, source: str) -> None:
    data = facts(category=category, leader=leader, tasks=tasks(), unit=unit(targets_exceeded_pct=0))
    result = classify(parse_facts(data))
    assert result.level is Level.TOT
    assert result.reasons[-1].source == source


def test_t1_text_is_the_contract_example() -> None:
    reason = classify(parse_facts(facts(tasks=tasks(), category="vien_chuc"))).reasons[0]
    assert reason.to_dict() == {
        "rule": "T1",
        "source": "Khoản 1 Điều 13 Nghị định 90/2020/NĐ-CP",
        "text": (
            "Đáp ứng tiêu chí chung; 100% nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng."
        ),
    }


def test_g1_names_the_facts_behind_it() -> None:
    text = classify(parse_facts(leader(targets_completed_pct=60))).reasons[0].text
    assert "60%" in text
    assert "Người có thẩm quyền quyết định" in text


def test_general_taken_from_points_when_absent() -> None:
    data = {"tasks": tasks(exceeded=5), "general_points": 20, "period_task_points": [70]}
    assert classify(parse_facts(data)).rules == ("T1",)
    data["general_points"] = 10
    assert classify(parse_facts(data)).level is Level.CAN_QUYET_DINH


def test_policy_can_switch_the_points_ceiling_off() -> None:
    data = parse_facts(facts(general_points=20, period_task_points=[29]))
    assert classify(data, DEFAULT_POLICY.replace(points_ceiling=False)).level is Level.XUAT_SAC
    assert classify(data).level is Level.HOAN_THANH


def test_b1_takes_points_below_hoan_thanh_only_by_the_policy_switch() -> None:
    """B1 under ND90 (rules.md §11): ND90 lists khong_hoan_thanh's grounds exhaustively, so 49
    points give at most hoan_thanh unless the unit's policy allows the points alone to fail."""
    data = parse_facts(facts(general_points=20, period_task_points=[29]))
    default = classify(data)
    assert default.level is Level.HOAN_THANH
    assert "không phải căn cứ" in default.reasons[-1].text
    allowed = classify(data, DEFAULT_POLICY.replace(points_may_fail=True))
    assert allowed.level is Level.KHONG_HOAN_THANH
    assert allowed.reasons[-1].source.startswith("Chính sách của đơn vị")


def test_policy_bands_are_used_by_b1() -> None:
    data = parse_facts(facts(general_points=25, period_task_points=[60]))
    policy = DEFAULT_POLICY.replace(points_bands=(80, 60, 40))
    assert classify(data, policy).level is Level.XUAT_SAC
