"""C1–C6: flags raised by repeated khong_hoan_thanh (L52; ND335 Art. 23)."""

from __future__ import annotations

from typing import Any

import pytest

from criteria import Level, StaffCategory, consequences

KHT = Level.KHONG_HOAN_THANH
HT = Level.HOAN_THANH
TOT = Level.TOT


@pytest.mark.parametrize(
    ("category", "leader", "levels", "options", "rules"),
    [
        ("cong_chuc", False, {2024: KHT, 2025: KHT}, {}, ["C1"]),
        ("cong_chuc", False, {2024: KHT, 2025: KHT}, {"under_review": True}, ["C1", "C5"]),
        ("cong_chuc", False, {2023: KHT, 2024: HT, 2025: KHT}, {}, ["C5"]),
        ("cong_chuc", False, {2022: KHT, 2024: HT, 2025: KHT}, {}, []),
        ("cong_chuc", False, {2024: HT, 2025: KHT}, {}, []),
        ("can_bo", False, {2024: KHT, 2025: KHT}, {}, ["C2"]),
        ("vien_chuc", True, {2024: KHT, 2025: KHT}, {}, ["C3"]),
        ("nguoi_lao_dong", False, {2024: KHT, 2025: KHT}, {}, []),
        (
            "cong_chuc",
            True,
            {2022: KHT, 2023: HT, 2024: HT, 2025: KHT},
            {"term_years": range(2021, 2026)},
            ["C4"],
        ),
        ("cong_chuc", True, {2022: KHT, 2025: KHT}, {"term_years": range(2024, 2029)}, []),
        ("cong_chuc", False, {2026: KHT}, {}, ["C6"]),
        ("cong_chuc", False, {2026: TOT}, {}, ["C6"]),
        ("cong_chuc", False, {2026: HT}, {}, []),
        ("vien_chuc", False, {2026: KHT}, {}, []),
        ("vien_chuc", False, {2026: KHT}, {"rulebook": "nd335"}, ["C6"]),
        ("cong_chuc", False, {2025: KHT, 2026: KHT}, {}, ["C1", "C6"]),
        ("cong_chuc", True, {2024: KHT, 2025: KHT}, {"term_years": range(2021, 2026)}, ["C1"]),
        ("cong_chuc", False, {2024: KHT, 2025: KHT}, {"year": 2024}, []),
        ("cong_chuc", False, {}, {}, []),
    ],
)
def test_consequences(
    category: str, leader: bool, levels: dict[int, Level], options: dict[str, Any], rules: list[str]
) -> None:
    flags = consequences(StaffCategory(category), leader, levels, **options)
    assert [flag.rule for flag in flags] == rules
    assert all(flag.source and flag.text for flag in flags)


@pytest.mark.parametrize("option", ["under_review", "protected_parent"])
def test_c1_is_deferred_for_protected_people(option: str) -> None:
    flags = consequences(StaffCategory.CONG_CHUC, False, {2024: KHT, 2025: KHT}, **{option: True})
    c1 = flags[0]
    assert c1.rule == "C1"
    assert c1.deferred is True
    assert "36 tháng" in c1.text
