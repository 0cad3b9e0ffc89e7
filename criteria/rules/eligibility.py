"""E1–E3: who is classified, and the cap for long leave (ND90 Art. 2 cl. 3, as amended)."""

from __future__ import annotations

from criteria.facts import Facts
from criteria.levels import Level
from criteria.reasons import Reason, Verdict, number
from criteria.rules.sources import ELIGIBILITY

MIN_MONTHS = 6
LEAVE_CAP_MONTHS = 3


def effective_months(f: Facts) -> float:
    """Months actually worked: lawful leave is time not worked, whatever months_worked says."""
    return min(f.months_worked, 12 - f.leave_months)


def e1_not_classified(f: Facts) -> Verdict | None:
    """E1 — ND90 Art. 2 cl. 3: under 6 months worked, no maternity leave → not classified."""
    months = effective_months(f)
    if months >= MIN_MONTHS or f.maternity_leave:
        return None
    text = (
        f"Thời gian công tác thực tế trong năm dưới 6 tháng ({number(months)} tháng), "
        "không nghỉ thai sản: không xếp loại chất lượng; vẫn kiểm điểm thời gian công tác."
    )
    return Verdict(Level.KHONG_XEP_LOAI, Reason("E1", ELIGIBILITY, text))


def e3_maternity(f: Facts) -> Reason | None:
    """E3 — ND90 Art. 2 cl. 3: maternity leave lifts E1; classify on the time actually worked."""
    if not f.maternity_leave or effective_months(f) >= MIN_MONTHS:
        return None
    text = (
        f"Nghỉ thai sản: không áp dụng quy định dưới 6 tháng; xếp loại theo thời gian làm việc "
        f"thực tế ({number(effective_months(f))} tháng)."
    )
    return Reason("E3", ELIGIBILITY, text)


def e2_leave_cap(f: Facts, level: Level) -> Verdict | None:
    """E2 — ND90 Art. 2 cl. 3: lawful leave of 3 to under 6 months caps the level at hoan_thanh."""
    if not LEAVE_CAP_MONTHS <= f.leave_months < MIN_MONTHS:
        return None
    if not level.is_ranked or not level.at_least(Level.TOT):
        return None
    text = (
        f"Nghỉ theo quy định {number(f.leave_months)} tháng (từ 3 đến dưới 6 tháng): vẫn được "
        f"đánh giá nhưng không xếp loại cao hơn {Level.HOAN_THANH.label}."
    )
    return Verdict(Level.HOAN_THANH, Reason("E2", ELIGIBILITY, text))
