"""S5–S7: the levels of ND335/2025 (civil servants from 2026, 100-point scale).

The clauses cited are those of the decree's article on the levels (cl. 1–3 the bands, cl. 4 the
grounds for khong_hoan_thanh, cl. 5 the quota) and Art. 21 (absence); see sources.py for the
article number's doubt.
"""

from __future__ import annotations

from statistics import fmean

from criteria.bands import S5_BANDS, level_by_points
from criteria.facts import Discipline, Facts
from criteria.levels import Level
from criteria.reasons import Reason, Verdict, number
from criteria.rules.eligibility import effective_months
from criteria.rules.sources import (
    ND335,
    ND335_ABSENCE,
    ND335_LEVEL_ARTICLE,
    ND335_MISSING_POINTS,
    nd335_level,
)

_EXCELLENT, _GOOD, _COMPLETED = (number(floor) for floor in S5_BANDS)
_BAND_TEXT = {
    Level.XUAT_SAC: f"từ {_EXCELLENT} điểm trở lên",
    Level.TOT: f"từ {_GOOD} đến dưới {_EXCELLENT} điểm",
    Level.HOAN_THANH: f"từ {_COMPLETED} đến dưới {_GOOD} điểm",
    Level.KHONG_HOAN_THANH: f"dưới {_COMPLETED} điểm",
}
# S5: the clause (and point) of the level article that sets each band.
_BAND_CLAUSE = {
    Level.XUAT_SAC: (1, None),
    Level.TOT: (2, None),
    Level.HOAN_THANH: (3, None),
    Level.KHONG_HOAN_THANH: (4, "a"),
}


def s6_not_completed(f: Facts, counted: tuple[Discipline, ...]) -> Verdict | None:
    """S6 — ND335, level article cl. 4 (b)–(d): khong_hoan_thanh regardless of points.

    (b) degradation, breaching what Party members must not do, breaching the duty to set an
    example; (c) discipline at khiển trách or above for a violation tied to public-service
    activity, in effect in the year (`counted`: left after D2/D3); (d) leaders: a unit under
    direct charge dealt with for embezzlement, corruption or waste.
    """
    causes: list[str] = []
    points: list[str] = []
    grounds_b = []
    if f.degradation:
        grounds_b.append(
            "bị cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, đạo "
            "đức, lối sống, “tự diễn biến”, “tự chuyển hóa”"
        )
    if f.party_prohibitions_breached:
        grounds_b.append("vi phạm những điều đảng viên không được làm")
    if f.example_duty_breached:
        grounds_b.append(
            "vi phạm trách nhiệm nêu gương, ảnh hưởng xấu đến uy tín của bản thân và cơ quan, "
            "đơn vị nơi công tác"
        )
    if grounds_b:
        causes.extend(grounds_b)
        points.append("b")
    duty = [d for d in counted if d.duty_related]
    if duty:
        forms = ", ".join(d.form.label.lower() for d in duty)
        causes.append(
            f"bị kỷ luật {forms} do vi phạm liên quan đến hoạt động công vụ, có hiệu lực "
            f"trong năm {f.year}"
        )
        points.append("c")
    if f.leads and f.unit is not None and f.unit.corruption_handled:
        causes.append(
            "cơ quan, đơn vị thuộc thẩm quyền phụ trách, quản lý trực tiếp liên quan đến tham ô, "
            "tham nhũng, lãng phí và bị xử lý theo quy định của pháp luật"
        )
        points.append("d")
    if not causes:
        return None
    text = "; ".join(causes)
    text = text[:1].upper() + text[1:] + f": {Level.KHONG_HOAN_THANH.label}"
    if f.points is not None:
        text += f", không phụ thuộc số điểm ({number(f.points)} điểm)"
    source = f"Điểm {', '.join(points)} khoản 4 Điều {ND335_LEVEL_ARTICLE} {ND335}"
    return Verdict(Level.KHONG_HOAN_THANH, Reason("S6", source, text + "."))


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
    return Verdict(level, Reason("S5", nd335_level(*_BAND_CLAUSE[level]), text))


def s7_time_worked(f: Facts) -> Reason | None:
    """S7 — ND335 Art. 21: absent with good reason, sick or on maternity leave → classified on
    the points over the time actually worked (the periods scored; S4 averages them)."""
    months = effective_months(f)
    if not (f.maternity_leave or f.leave_months > 0):
        return None
    periods = len(f.period_task_points)
    scored = f", {periods} kỳ có điểm" if periods else ""
    text = (
        "Vắng mặt có lý do chính đáng, nghỉ ốm hoặc nghỉ thai sản: xếp loại căn cứ tổng điểm "
        f"theo dõi, đánh giá trên thời gian công tác thực tế trong năm ({number(months)} "
        f"tháng{scored})."
    )
    return Reason("S7", ND335_ABSENCE, text)


def missing_points(f: Facts) -> Verdict:
    """G1 under ND335: without both scores no level can be set (the system's rule)."""
    missing = []
    if f.general_points is None:
        missing.append("điểm tiêu chí chung")
    if not f.period_task_points:
        missing.append("điểm kết quả thực hiện nhiệm vụ của các tháng hoặc quý")
    text = (
        f"Chưa đủ dữ liệu để xếp loại theo thang 100 điểm: thiếu {' và '.join(missing)}. "
        "Người có thẩm quyền quyết định mức xếp loại và ghi rõ lý do."
    )
    return Verdict(Level.CAN_QUYET_DINH, Reason("G1", ND335_MISSING_POINTS, text))
