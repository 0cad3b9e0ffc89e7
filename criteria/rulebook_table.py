"""Which rule set has force for whom and when: data, one row per (category, from, to, rulebook).

A new decree (the one the Law on Public Employees 2025 calls for, say) becomes a new rulebook
and a row here; nothing else changes. Where two rows cover the same category and year, the
first is the default and a unit may pin the other; a pin that no row allows is refused
(rules.md §1, §11).

A year is evaluated under the rows in force on its last day: the year's classification is made
in December (ND90 Art. 16–22; ND335 Art. 21), so ND90 (in force 20 Aug 2020) governs 2020 and
ND335 (in force 1 Jan 2026) governs civil servants from the 2026 evaluation year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from criteria.errors import InvalidFacts
from criteria.levels import StaffCategory

CAN_BO, CONG_CHUC = StaffCategory.CAN_BO, StaffCategory.CONG_CHUC
VIEN_CHUC, NGUOI_LAO_DONG = StaffCategory.VIEN_CHUC, StaffCategory.NGUOI_LAO_DONG

RULEBOOK_TITLES = {
    "nd90": "Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 48/2023/NĐ-CP)",
    "nd335": "Nghị định 335/2025/NĐ-CP",
}


@dataclass(frozen=True)
class InForce:
    """One row: `rulebook` has force for `category` from `starts` to `ends` (None: open)."""

    category: StaffCategory
    starts: date
    ends: date | None
    rulebook: str
    basis: str  # why, in Vietnamese, for the criteria page

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)


ND90_FROM = date(2020, 8, 20)
ND335_FROM = date(2026, 1, 1)

RULEBOOK_TABLE: tuple[InForce, ...] = (
    InForce(CAN_BO, ND90_FROM, None, "nd90", "Nghị định 90/2020/NĐ-CP, Điều 4 đến Điều 7"),
    InForce(
        CONG_CHUC,
        ND90_FROM,
        date(2025, 12, 31),
        "nd90",
        "Nghị định 90/2020/NĐ-CP, Điều 8 đến Điều 11",
    ),
    InForce(
        CONG_CHUC,
        ND335_FROM,
        None,
        "nd335",
        "Nghị định 335/2025/NĐ-CP, có hiệu lực từ ngày 01/01/2026, áp dụng cho công chức",
    ),
    InForce(
        VIEN_CHUC,
        ND90_FROM,
        None,
        "nd90",
        "Nghị định 90/2020/NĐ-CP, Điều 12 đến Điều 15; Luật Viên chức năm 2025 có hiệu lực từ "
        "ngày 01/07/2026 nhưng chưa có nghị định thay thế",
    ),
    InForce(
        NGUOI_LAO_DONG,
        ND90_FROM,
        None,
        "nd90",
        "Chính sách của đơn vị: người lao động áp dụng như viên chức (Điều 12 đến Điều 15 "
        "Nghị định 90/2020/NĐ-CP); không có văn bản riêng",
    ),
)


def rulebook_family(rulebook_id: str) -> str:
    """The rule set's name without its version ("nd335@1" → "nd335"): results record the
    version (rules.md §1), while the table, the quota (Q1–Q4) and the titles count per family."""
    return rulebook_id.partition("@")[0]


class RulebookNotInForce(InvalidFacts):
    """A rule set asked for (pinned) where no row gives it force, or a year no row covers."""

    def __init__(self, message: str) -> None:
        super().__init__("rulebook", message)


def evaluation_day(year: int) -> date:
    """The day whose rows govern a year's classification: its last day."""
    return date(year, 12, 31)


def rows_in_force(
    year: int, category: StaffCategory, table: tuple[InForce, ...] = RULEBOOK_TABLE
) -> tuple[InForce, ...]:
    day = evaluation_day(year)
    return tuple(row for row in table if row.category is category and row.covers(day))


def rulebook_in_force(
    year: int,
    category: StaffCategory,
    pinned: str | None = None,
    table: tuple[InForce, ...] = RULEBOOK_TABLE,
) -> str:
    """The rule set's name for the year and category: the pin if a row allows it, else the
    first row's; raise RulebookNotInForce (a Vietnamese message) otherwise."""
    rows = rows_in_force(year, category, table)
    if pinned is not None:
        name = rulebook_family(pinned)
        if any(row.rulebook == name for row in rows):
            return name
        raise RulebookNotInForce(refusal(year, category, name))
    if not rows:
        raise RulebookNotInForce(
            f"Năm {year} chưa có bộ quy tắc xếp loại nào có hiệu lực đối với "
            f"{category.label.lower()} trong hệ thống."
        )
    return rows[0].rulebook


def pin_allowed(year: int, category: StaffCategory, pinned: str | None) -> bool:
    """Whether a unit's pin has force for this person's category and year."""
    if pinned is None:
        return True
    name = rulebook_family(pinned)
    return any(row.rulebook == name for row in rows_in_force(year, category))


def refusal(year: int, category: StaffCategory, pinned: str) -> str:
    """Why a pin is not applied, in Vietnamese (rules.md §11)."""
    name = rulebook_family(pinned)
    title = RULEBOOK_TITLES.get(name, name)
    return (
        f"Không áp dụng {title} đối với {category.label.lower()} năm {year}: văn bản này "
        "không có hiệu lực đối với đối tượng và năm đánh giá đó. Đơn vị cần bỏ lựa chọn này."
    )
