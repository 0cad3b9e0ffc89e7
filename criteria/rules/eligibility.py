"""E1–E3: who is classified, and the cap for long leave (ND90 Art. 2 cl. 3, as amended).

Under ND335 E1 and E2 are policy (the decree is silent; rules.md §11): `nd335=True` cites the
policy instead of ND90.
"""

from __future__ import annotations

from criteria.facts import Facts
from criteria.levels import Level
from criteria.reasons import N_, Message, Reason, Verdict, message
from criteria.rules.sources import ELIGIBILITY, ND335_ELIGIBILITY_POLICY

MIN_MONTHS = 6
LEAVE_CAP_MONTHS = 3


def _source(nd335: bool) -> Message:
    return ND335_ELIGIBILITY_POLICY if nd335 else ELIGIBILITY


def effective_months(f: Facts) -> float:
    """Months actually worked: lawful leave is time not worked, whatever months_worked says.

    A policy of this system (classify-contract.md): ND90 counts "thời gian công tác thực tế"
    and leaves leave of 3 to 6 months to E2; the texts do not say that leave is time worked.
    """
    return min(f.months_worked, 12 - f.leave_months)


def e1_not_classified(f: Facts, *, nd335: bool = False) -> Verdict | None:
    """E1 — ND90 Art. 2 cl. 3: under 6 months worked, no maternity leave → not classified."""
    months = effective_months(f)
    if months >= MIN_MONTHS or f.maternity_leave:
        return None
    text = message(
        N_(
            "Thời gian công tác thực tế trong năm dưới 6 tháng (%(months)s tháng), không nghỉ "
            "thai sản: không xếp loại chất lượng; vẫn kiểm điểm thời gian công tác."
        ),
        months=months,
    )
    return Verdict(Level.KHONG_XEP_LOAI, Reason("E1", _source(nd335), text))


def e3_maternity(f: Facts) -> Reason | None:
    """E3 — ND90 Art. 2 cl. 3: maternity leave lifts E1; classify on the time actually worked."""
    if not f.maternity_leave or effective_months(f) >= MIN_MONTHS:
        return None
    text = message(
        N_(
            "Nghỉ thai sản: không áp dụng quy định dưới 6 tháng; xếp loại theo thời gian làm việc "
            "thực tế (%(months)s tháng)."
        ),
        months=effective_months(f),
    )
    return Reason("E3", ELIGIBILITY, text)


def e2_leave_cap(f: Facts, level: Level, *, nd335: bool = False) -> Verdict | None:
    """E2 — ND90 Art. 2 cl. 3: lawful leave of 3 to under 6 months caps the level at hoan_thanh."""
    if not LEAVE_CAP_MONTHS <= f.leave_months < MIN_MONTHS:
        return None
    if not level.is_ranked or not level.at_least(Level.TOT):
        return None
    text = message(
        N_(
            "Nghỉ không tham gia công tác theo quy định %(months)s tháng (từ 3 tháng đến dưới 6 "
            "tháng): vẫn được đánh giá nhưng không xếp loại cao hơn %(level)s."
        ),
        months=f.leave_months,
        level=Level.HOAN_THANH,
    )
    return Verdict(Level.HOAN_THANH, Reason("E2", _source(nd335), text))
