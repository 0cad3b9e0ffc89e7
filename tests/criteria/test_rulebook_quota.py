"""Q1–Q4 quotas and A1–A5 emulation titles (rules.md §6–§7)."""

from __future__ import annotations

from typing import Any

import pytest

from criteria import (
    DEFAULT_POLICY,
    CollectiveFacts,
    InvalidFacts,
    Level,
    Title,
    allowed,
    collective_titles,
    places,
    unit_result,
)


@pytest.mark.parametrize(
    ("n", "pct", "expected"),
    [(0, 20, 0), (4, 20, 0), (5, 20, 1), (9, 20, 1), (10, 20, 2), (6, 15, 0), (7, 15, 1)],
)
def test_q4_rounds_down(n: int, pct: float, expected: int) -> None:
    assert allowed(n, pct) == expected


def test_q4_half_up_policy() -> None:
    assert allowed(8, 20, "half_up") == 2
    assert allowed(7, 20, "half_up") == 1


@pytest.mark.parametrize(
    ("at_tot", "proposed", "expected"),
    [
        (5, 3, 1),  # the shared case: k=1 ≤ ⌊7 × 0.2⌋
        (4, 1, 0),  # k = 1 would need ⌊4 × 0.2⌋ ≥ 1
        (10, 2, 2),
        (0, 3, 0),
        (12, 0, 2),
        (9, 3, 2),
    ],
)
def test_q4_places_on_the_final_counts(at_tot: int, proposed: int, expected: int) -> None:
    k = places(at_tot, proposed, 20)
    assert k == expected
    # the defining property: k fits, k + 1 would not
    pool = at_tot + proposed
    assert k <= allowed(pool - k, 20)
    assert k + 1 > allowed(pool - k - 1, 20)


def people(xuat_sac: int, tot: int, **extra: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"id": f"x{i}", "level": "xuat_sac", "rank": i + 1} for i in range(xuat_sac)
    ]
    rows += [{"id": f"t{i}", "level": "tot"} for i in range(tot)]
    return rows


@pytest.mark.parametrize(
    ("data", "allowed_count", "moved", "rules"),
    [
        ({"people": people(1, 5)}, 1, [], ["Q2", "A1", "A3"]),  # A3: ⌊6 × 15%⌋ = 0
        ({"people": people(2, 10)}, 2, [], ["Q2", "A1", "A2", "A3"]),
        ({"people": people(3, 10)}, 2, ["x2"], ["Q2", "Q3", "A1", "A2", "A3"]),
        ({"people": people(1, 3)}, 0, ["x0"], ["Q2", "Q3", "A1"]),
        ({"rulebook": "nd335", "people": people(2, 5)}, 1, ["x1"], ["Q1", "Q3", "A1", "A2", "A3"]),
        ({"quota_pct": 50, "people": people(2, 2)}, 1, ["x1"], ["Q2", "Q3", "A1", "A3"]),
        ({"people": people(0, 3)}, 0, [], ["Q2", "A1"]),
        ({"people": []}, 0, [], ["Q2"]),
    ],
)
def test_quota(data: dict, allowed_count: int, moved: list[str], rules: list[str]) -> None:
    result = unit_result(data)
    assert result["quota"]["xuat_sac_allowed"] == allowed_count
    assert result["quota"]["moved_to_tot"] == moved
    assert result["quota"]["exceeded"] == bool(moved)
    assert result["rules"] == rules


def test_q3_follows_rank_not_input_order() -> None:
    rows = [
        {"id": "late", "level": "xuat_sac", "rank": 2},
        {"id": "first", "level": "xuat_sac", "rank": 1},
        *people(0, 5),
    ]
    assert unit_result({"people": rows})["quota"]["moved_to_tot"] == ["late"]


def test_q3_needs_ranks_when_there_are_too_many() -> None:
    rows = [{"id": "a", "level": "xuat_sac"}, {"id": "b", "level": "xuat_sac"}, *people(0, 5)]
    with pytest.raises(InvalidFacts) as error:
        unit_result({"people": rows})
    assert error.value.field == "people[0].rank"


def test_q3_exception_keeps_everyone_on_the_record() -> None:
    data = {
        "people": people(3, 5),
        "quota_exception": {"approver": "Giám đốc Sở", "reason": "Đơn vị dẫn đầu khối thi đua"},
    }
    result = unit_result(data)
    assert result["quota"]["moved_to_tot"] == []
    assert result["quota"]["exceeded"] is True
    assert "Q3" in result["rules"]


def test_a1_a2_titles() -> None:
    rows = [
        {"id": "x", "level": "xuat_sac", "rank": 1},
        {"id": "init", "level": "tot", "initiative": True},
        {"id": "sci", "level": "tot", "science_work": True},
        {"id": "h", "level": "hoan_thanh", "initiative": True},
        {"id": "k", "level": "khong_hoan_thanh"},
        {"id": "kxl", "level": "khong_xep_loai"},
        *people(0, 20),
    ]
    titles = unit_result({"people": rows})["titles"]
    # A3: 23 Lao động tiên tiến → at most ⌊23 × 15%⌋ = 3 Chiến sĩ thi đua cơ sở
    assert titles["x"] == ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]
    assert titles["init"] == ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]
    assert titles["sci"] == ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]
    assert titles["h"] == titles["k"] == titles["kxl"] == []


def test_a3_caps_chien_si_by_rank() -> None:
    rows = [
        {"id": "b", "level": "tot", "initiative": True, "rank": 2},
        {"id": "a", "level": "tot", "initiative": True, "rank": 1},
        *people(0, 5),
    ]
    # 7 Lao động tiên tiến → ⌊7 × 15%⌋ = 1
    result = unit_result({"people": rows})
    assert result["titles"]["a"] == ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]
    assert result["titles"]["b"] == ["lao_dong_tien_tien"]
    assert "A3" in result["rules"]


def test_a3_off_by_policy() -> None:
    rows = [{"id": "a", "level": "tot", "initiative": True}, *people(0, 2)]
    policy = DEFAULT_POLICY.replace(chien_si_cap=False)
    result = unit_result({"people": rows}, policy)
    assert result["titles"]["a"] == ["lao_dong_tien_tien", "chien_si_thi_dua_co_so"]
    assert "A3" not in result["rules"]


def test_a4_disciplined_gets_no_title() -> None:
    rows = [{"id": "d", "level": "tot", "disciplined": True}, *people(0, 3)]
    result = unit_result({"people": rows})
    assert result["titles"]["d"] == []
    assert result["rules"][-1] == "A4"


def collective(**overrides: Any) -> CollectiveFacts:
    values: dict[str, Any] = {
        "targets_completed": True,
        "unit_level": Level.XUAT_SAC,
        "members": 10,
        "members_completed_or_better": 10,
        "lao_dong_tien_tien": 7,
        "chien_si_thi_dua": 1,
        "disciplined": 0,
        "disciplined_warning_or_above": 0,
    }
    values.update(overrides)
    return CollectiveFacts(**values)


@pytest.mark.parametrize(
    ("unit", "titles"),
    [
        (collective(), ["TAP_THE_LAO_DONG_TIEN_TIEN", "TAP_THE_LAO_DONG_XUAT_SAC"]),
        (collective(lao_dong_tien_tien=6), ["TAP_THE_LAO_DONG_TIEN_TIEN"]),
        (collective(lao_dong_tien_tien=5), []),  # 50% is not "more than 50%"
        (collective(chien_si_thi_dua=0), ["TAP_THE_LAO_DONG_TIEN_TIEN"]),
        (collective(unit_level=Level.TOT), ["TAP_THE_LAO_DONG_TIEN_TIEN"]),
        (collective(members_completed_or_better=9), ["TAP_THE_LAO_DONG_TIEN_TIEN"]),
        (collective(disciplined=1), ["TAP_THE_LAO_DONG_TIEN_TIEN"]),  # a reprimand only
        (collective(disciplined=1, disciplined_warning_or_above=1), []),
        (collective(targets_completed=False), ["TAP_THE_LAO_DONG_XUAT_SAC"]),
    ],
)
def test_a5_collective_titles(unit: CollectiveFacts, titles: list[str]) -> None:
    granted = collective_titles(unit)
    assert [title.name for title, _ in granted] == titles
    assert all(reason.rule == "A5" for _, reason in granted)


def test_a5_rejects_inconsistent_counts() -> None:
    with pytest.raises(ValueError):
        collective(lao_dong_tien_tien=11)
    with pytest.raises(ValueError):
        collective(disciplined=0, disciplined_warning_or_above=1)


def test_title_labels() -> None:
    assert Title.CHIEN_SI_THI_DUA_CO_SO.label == "Chiến sĩ thi đua cơ sở"
