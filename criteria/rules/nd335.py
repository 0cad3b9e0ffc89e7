"""S5 and S6: the levels of ND335/2025 (civil servants from 2026, 100-point scale)."""

from __future__ import annotations

from statistics import fmean

from criteria.bands import S5_BANDS, level_by_points
from criteria.facts import Discipline, Facts
from criteria.levels import Level
from criteria.reasons import Reason, Verdict, number
from criteria.rules.sources import ND335_LEVELS, ND335_OVERRIDE

_EXCELLENT, _GOOD, _COMPLETED = (number(floor) for floor in S5_BANDS)
_BAND_TEXT = {
    Level.XUAT_SAC: f"từ {_EXCELLENT} điểm trở lên",
    Level.TOT: f"từ {_GOOD} đến dưới {_EXCELLENT} điểm",
    Level.HOAN_THANH: f"từ {_COMPLETED} đến dưới {_GOOD} điểm",
    Level.KHONG_HOAN_THANH: f"dưới {_COMPLETED} điểm",
}


def s6_not_completed(f: Facts, counted: tuple[Discipline, ...]) -> Verdict | None:
    """S6 — ND335: khong_hoan_thanh regardless of points (degradation, duty discipline, corruption).

    `counted` are the decisions left after D2/D3; every form is at khiển trách or above.
    """
    causes = []
    if f.degradation:
        causes.append("bị cấp có thẩm quyền kết luận suy thoái về tư tưởng chính trị, đạo đức")
    duty = [d for d in counted if d.duty_related]
    if duty:
        forms = ", ".join(d.form.label for d in duty)
        causes.append(
            f"bị kỷ luật ({forms}) do vi phạm liên quan đến thi hành công vụ, có hiệu lực "
            f"trong năm {f.year}"
        )
    if f.leads and f.unit is not None and f.unit.corruption_handled:
        causes.append(
            "đơn vị thuộc phạm vi phụ trách trực tiếp bị xử lý về tham ô, tham nhũng, lãng phí"
        )
    if not causes:
        return None
    text = "; ".join(causes)
    text = text[:1].upper() + text[1:] + f": {Level.KHONG_HOAN_THANH.label}"
    if f.points is not None:
        text += f", không phụ thuộc số điểm ({number(f.points)} điểm)"
    return Verdict(Level.KHONG_HOAN_THANH, Reason("S6", ND335_OVERRIDE, text + "."))


def s5_level_by_points(f: Facts) -> Verdict | None:
    """S5 — ND335: ≥90 xuat_sac, 70–<90 tot, 50–<70 hoan_thanh, <50 khong_hoan_thanh."""
    points = f.points
    if points is None or f.general_points is None:
        return None
    level = level_by_points(points, S5_BANDS)
    text = (
        f"Tổng điểm {number(points)} (tiêu chí chung {number(f.general_points)} + kết quả thực "
        f"hiện nhiệm vụ {number(fmean(f.period_task_points))}, bình quân "
        f"{len(f.period_task_points)} kỳ): {_BAND_TEXT[level]}, {level.label}."
    )
    return Verdict(level, Reason("S5", ND335_LEVELS, text))


def missing_points(f: Facts) -> Verdict:
    """G1 under ND335: without both scores no level can be set."""
    missing = []
    if f.general_points is None:
        missing.append("điểm tiêu chí chung (general_points)")
    if not f.period_task_points:
        missing.append("điểm kết quả thực hiện nhiệm vụ các kỳ (period_task_points)")
    text = (
        f"Chưa đủ dữ liệu để xếp loại theo thang 100 điểm: thiếu {' và '.join(missing)}. "
        "Người có thẩm quyền quyết định mức xếp loại và ghi rõ lý do."
    )
    return Verdict(Level.CAN_QUYET_DINH, Reason("G1", ND335_LEVELS, text))
