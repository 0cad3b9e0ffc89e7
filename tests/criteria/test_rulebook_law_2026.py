"""The law as of December 2026 (rules.md §11): the rulebook table, Law 80/2025 citations by the
event's date, the quota's base as policy, and citations a lawyer can check."""

from __future__ import annotations

import re
from datetime import date

import pytest

from criteria import (
    DEFAULT_POLICY,
    RULEBOOK_TABLE,
    Candidate,
    InForce,
    Level,
    RulebookNotInForce,
    StaffCategory,
    apply_quota,
    classify,
    consequences,
    emulation,
    parse_facts,
    quota,
    rulebook_in_force,
    unit_results,
)
from criteria.rulebook_table import pin_allowed
from criteria.rules import sources

KHT = Level.KHONG_HOAN_THANH
HT = Level.HOAN_THANH
CONG_CHUC, CAN_BO = StaffCategory.CONG_CHUC, StaffCategory.CAN_BO
VIEN_CHUC = StaffCategory.VIEN_CHUC


@pytest.mark.parametrize(
    ("category", "year", "expected"),
    [
        (CONG_CHUC, 2020, "nd90"),
        (CONG_CHUC, 2025, "nd90"),
        (CONG_CHUC, 2026, "nd335"),
        (VIEN_CHUC, 2026, "nd90"),  # the Law on Public Employees 2025 has no decree yet
        (VIEN_CHUC, 2027, "nd90"),
        (CAN_BO, 2026, "nd90"),
        (StaffCategory.NGUOI_LAO_DONG, 2026, "nd90"),
    ],
)
def test_the_rule_set_comes_from_the_table(category, year, expected) -> None:
    assert rulebook_in_force(year, category) == expected


def test_a_year_no_row_covers_is_refused() -> None:
    with pytest.raises(RulebookNotInForce, match="chưa có bộ quy tắc"):
        rulebook_in_force(2019, CONG_CHUC)


def test_a_new_decree_is_a_row() -> None:
    """A decree for public employees from 2027 would be one row; the choice follows the data."""
    table = (
        InForce(VIEN_CHUC, date(2020, 8, 20), date(2026, 12, 31), "nd90", "cũ"),
        InForce(VIEN_CHUC, date(2027, 1, 1), None, "nd335", "giả định"),
    )
    assert rulebook_in_force(2026, VIEN_CHUC, table=table) == "nd90"
    assert rulebook_in_force(2027, VIEN_CHUC, table=table) == "nd335"


def test_every_category_has_a_row_with_a_vietnamese_basis() -> None:
    assert {row.category for row in RULEBOOK_TABLE} == set(StaffCategory)
    assert all(row.basis and "ND" not in row.basis for row in RULEBOOK_TABLE)


@pytest.mark.parametrize(
    ("category", "year", "pinned", "allowed"),
    [
        (VIEN_CHUC, 2025, "nd335@1", False),
        (VIEN_CHUC, 2026, "nd335", False),
        (CONG_CHUC, 2025, "nd335", False),
        (CONG_CHUC, 2026, "nd335@1", True),
        (CONG_CHUC, 2026, "nd90@1", False),
        (CONG_CHUC, 2025, "nd90", True),
        (VIEN_CHUC, 2026, None, True),
    ],
)
def test_a_pin_has_force_only_where_the_table_gives_it(category, year, pinned, allowed) -> None:
    assert pin_allowed(year, category, pinned) is allowed


def test_the_refusal_is_in_vietnamese_and_names_the_text() -> None:
    with pytest.raises(RulebookNotInForce) as refused:
        classify(parse_facts({"rulebook": "nd335", "year": 2025, "category": "vien_chuc"}))
    assert refused.value.message == (
        "Không áp dụng Nghị định 335/2025/NĐ-CP đối với viên chức năm 2025: văn bản này không "
        "có hiệu lực đối với đối tượng và năm đánh giá đó. Đơn vị cần bỏ lựa chọn này."
    )


@pytest.mark.parametrize(
    ("category", "leader", "levels", "rule", "law"),
    [
        (CONG_CHUC, False, {2024: KHT, 2025: KHT}, "C1", "Luật Số 52/2019/QH14"),
        (CONG_CHUC, False, {2025: KHT, 2026: KHT}, "C1", "80/2025/QH15"),
        (CAN_BO, False, {2023: KHT, 2024: KHT}, "C2", "Luật Số 52/2019/QH14"),
        (CAN_BO, False, {2024: KHT, 2025: KHT}, "C2", "80/2025/QH15"),
        (CONG_CHUC, False, {2024: KHT, 2025: HT, 2026: KHT}, "C5", "80/2025"),
        (CONG_CHUC, False, {2023: KHT, 2024: HT, 2025: KHT}, "C5", "Luật Số 52/2019/QH14"),
    ],
)
def test_consequences_cite_law_80_from_its_date(category, leader, levels, rule, law) -> None:
    flags = [f for f in consequences(category, leader, levels) if f.rule == rule]
    assert len(flags) == 1
    assert law.lower() in flags[0].source.lower()
    if "80/2025" in law:  # the new law's article could not be read: the doubt is written
        assert "chính sách của đơn vị" in flags[0].source
    else:
        assert "80/2025" not in flags[0].source


def test_c4_cites_law_80_for_a_leader_from_2026() -> None:
    flags = consequences(
        CONG_CHUC, True, {2024: KHT, 2025: HT, 2026: KHT}, term_years=range(2024, 2029)
    )
    c4 = next(f for f in flags if f.rule == "C4")
    assert "80/2025/QH15" in c4.source


def test_the_quota_base_is_a_policy_with_the_decrees_reading_by_default() -> None:
    """Q1/Q2 with 9 at tot and 2 proposed: on the final counts (default) 1 place, since 2 at
    xuat_sac would leave 9 at tot and ⌊9 × 20%⌋ = 1; counting those proposed, ⌊11 × 20%⌋ = 2."""
    candidates = [Candidate("a", 1), Candidate("b", 2)]
    final = apply_quota(candidates, 9, "nd335")
    assert (final.allowed, final.moved_to_tot) == (1, ("b",))
    assert "sau khi xếp loại" in final.reasons[0].text
    with_proposed = apply_quota(
        candidates, 9, "nd335", DEFAULT_POLICY.replace(quota_base="with_proposed")
    )
    assert (with_proposed.allowed, with_proposed.moved_to_tot) == (2, ())
    assert "chính sách của đơn vị" in with_proposed.reasons[0].text
    with pytest.raises(ValueError, match="quota_base"):
        DEFAULT_POLICY.replace(quota_base="proposed")


def test_q2_names_regulation_366_and_its_share_as_policy() -> None:
    assert "366-QĐ/TW" in str(quota.SOURCES["Q2"])
    assert "chính sách của đơn vị" in str(quota.SOURCES["Q2"])


# Every citation the rulebook prints: no English, no "ND90 Art.", no rule codes or ids.
CITATIONS = [
    sources.ELIGIBILITY,
    sources.DISCIPLINE,
    sources.GAP,
    sources.POINTS_CEILING,
    sources.POINTS_FLOOR_POLICY,
    sources.ND335_LEVELS,
    sources.ND335_OVERRIDE,
    sources.ND335_ABSENCE,
    sources.ND335_ELIGIBILITY_POLICY,
    sources.ND335_MISSING_POINTS,
    *quota.SOURCES.values(),
    *emulation.SOURCES.values(),
    unit_results.SOURCE,
    *[
        sources.nd90_article(category, leader, level)
        for category in StaffCategory
        for leader in (False, True)
        for level in (Level.XUAT_SAC, Level.TOT, Level.HOAN_THANH, KHT)
    ],
]
ENGLISH = re.compile(
    r"\b(Art|cl|as amended|by analogy|policy|levels|Local|Law|with|of|the|regardless)\b"
)
CODES = re.compile(r"\b([A-Z]\d|ND\d+|nd\d+|rules\.md|unit-result)")


@pytest.mark.parametrize("citation", [str(citation) for citation in CITATIONS])
def test_every_citation_is_vietnamese(citation: str) -> None:
    assert not ENGLISH.search(citation), citation
    assert not CODES.search(citation), citation


def test_g1_is_labelled_as_the_systems_rule() -> None:
    result = classify(parse_facts({"rulebook": "nd90", "tasks": [{"on_time": False}, {}, {}]}))
    assert result.rules == ("G1",)
    assert result.reasons[0].source.startswith("Quy tắc của hệ thống")


def test_nd335_rules_cite_their_article() -> None:
    data = {"rulebook": "nd335", "year": 2026, "general_points": 20, "period_task_points": [55]}
    result = classify(parse_facts(data))
    assert result.reasons[0].source == "Khoản 2 Điều 20 Nghị định 335/2025/NĐ-CP"
    low = classify(parse_facts({**data, "period_task_points": [20]}))
    assert low.level is KHT
    assert low.reasons[0].source == "Điểm a khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP"


def test_missing_points_text_has_no_field_names() -> None:
    result = classify(parse_facts({"rulebook": "nd335", "year": 2026}))
    assert result.rules == ("G1",)
    assert "general_points" not in result.reasons[0].text
    assert "period_task_points" not in result.reasons[0].text
