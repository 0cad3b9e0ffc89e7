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
from criteria.reasons import N_, Lower, Message, Reason, Verdict, joined, message
from criteria.rules.eligibility import effective_months
from criteria.rules.sources import (
    ND335_ABSENCE,
    ND335_MISSING_POINTS,
    nd335_level,
    nd335_points,
)

_EXCELLENT, _GOOD, _COMPLETED = S5_BANDS
_BAND_TEXT = {
    Level.XUAT_SAC: message(N_("từ %(floor)s điểm trở lên"), floor=_EXCELLENT),
    Level.TOT: message(
        N_("từ %(floor)s đến dưới %(ceiling)s điểm"), floor=_GOOD, ceiling=_EXCELLENT
    ),
    Level.HOAN_THANH: message(
        N_("từ %(floor)s đến dưới %(ceiling)s điểm"), floor=_COMPLETED, ceiling=_GOOD
    ),
    Level.KHONG_HOAN_THANH: message(N_("dưới %(ceiling)s điểm"), ceiling=_COMPLETED),
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
    causes: list[Message] = []
    points: list[str] = []
    grounds_b = []
    if f.degradation:
        grounds_b.append(
            message(
                N_(
                    "bị cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, "
                    "đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”"
                )
            )
        )
    if f.party_prohibitions_breached:
        grounds_b.append(message(N_("vi phạm những điều đảng viên không được làm")))
    if f.example_duty_breached:
        grounds_b.append(
            message(
                N_(
                    "vi phạm trách nhiệm nêu gương, ảnh hưởng xấu đến uy tín của bản thân và cơ "
                    "quan, đơn vị nơi công tác"
                )
            )
        )
    if grounds_b:
        causes.extend(grounds_b)
        points.append("b")
    duty = [d for d in counted if d.duty_related]
    if duty:
        causes.append(
            message(
                N_(
                    "bị kỷ luật %(forms)s do vi phạm liên quan đến hoạt động công vụ, có hiệu lực "
                    "trong năm %(year)s"
                ),
                forms=joined([Lower(d.form) for d in duty], ", "),
                year=str(f.year),
            )
        )
        points.append("c")
    if f.leads and f.unit is not None and f.unit.corruption_handled:
        causes.append(
            message(
                N_(
                    "cơ quan, đơn vị thuộc thẩm quyền phụ trách, quản lý trực tiếp liên quan đến "
                    "tham ô, tham nhũng, lãng phí và bị xử lý theo quy định của pháp luật"
                )
            )
        )
        points.append("d")
    if not causes:
        return None
    level = Level.KHONG_HOAN_THANH
    if f.points is None:
        text = message(
            N_("%(causes)s: %(level)s."), capitalise=True, causes=joined(causes), level=level
        )
    else:
        text = message(
            N_("%(causes)s: %(level)s, không phụ thuộc số điểm (%(points)s điểm)."),
            capitalise=True,
            causes=joined(causes),
            level=level,
            points=f.points,
        )
    return Verdict(level, Reason("S6", nd335_points(points), text))


def s5_level_by_points(f: Facts) -> Verdict | None:
    """S5 — ND335: ≥90 xuat_sac, 70–<90 tot, 50–<70 hoan_thanh, <50 khong_hoan_thanh."""
    points = f.points
    if points is None or f.general_points is None:
        return None
    level = level_by_points(points, S5_BANDS)
    text = message(
        N_(
            "Tổng điểm %(points)s (tiêu chí chung %(general)s + kết quả thực hiện nhiệm vụ "
            "%(tasks)s, bình quân %(periods)s kỳ): %(band)s, %(level)s."
        ),
        points=points,
        general=f.general_points,
        tasks=fmean(f.period_task_points),
        periods=len(f.period_task_points),
        band=_BAND_TEXT[level],
        level=level,
    )
    return Verdict(level, Reason("S5", nd335_level(*_BAND_CLAUSE[level]), text))


def s7_time_worked(f: Facts) -> Reason | None:
    """S7 — ND335 Art. 21: absent with good reason, sick or on maternity leave → classified on
    the points over the time actually worked (the periods scored; S4 averages them)."""
    months = effective_months(f)
    if not (f.maternity_leave or f.leave_months > 0):
        return None
    periods = len(f.period_task_points)
    if periods:
        text = message(
            N_(
                "Vắng mặt có lý do chính đáng, nghỉ ốm hoặc nghỉ thai sản: xếp loại căn cứ tổng "
                "điểm theo dõi, đánh giá trên thời gian công tác thực tế trong năm (%(months)s "
                "tháng, %(periods)s kỳ có điểm)."
            ),
            months=months,
            periods=periods,
        )
    else:
        text = message(
            N_(
                "Vắng mặt có lý do chính đáng, nghỉ ốm hoặc nghỉ thai sản: xếp loại căn cứ tổng "
                "điểm theo dõi, đánh giá trên thời gian công tác thực tế trong năm (%(months)s "
                "tháng)."
            ),
            months=months,
        )
    return Reason("S7", ND335_ABSENCE, text)


def missing_points(f: Facts) -> Verdict:
    """G1 under ND335: without both scores no level can be set (the system's rule)."""
    if f.general_points is None and not f.period_task_points:
        text = message(
            N_(
                "Chưa đủ dữ liệu để xếp loại theo thang 100 điểm: thiếu điểm tiêu chí chung và "
                "điểm kết quả thực hiện nhiệm vụ của các tháng hoặc quý. Người có thẩm quyền "
                "quyết định mức xếp loại và ghi rõ lý do."
            )
        )
    elif f.general_points is None:
        text = message(
            N_(
                "Chưa đủ dữ liệu để xếp loại theo thang 100 điểm: thiếu điểm tiêu chí chung. "
                "Người có thẩm quyền quyết định mức xếp loại và ghi rõ lý do."
            )
        )
    else:
        text = message(
            N_(
                "Chưa đủ dữ liệu để xếp loại theo thang 100 điểm: thiếu điểm kết quả thực hiện "
                "nhiệm vụ của các tháng hoặc quý. Người có thẩm quyền quyết định mức xếp loại và "
                "ghi rõ lý do."
            )
        )
    return Verdict(Level.CAN_QUYET_DINH, Reason("G1", ND335_MISSING_POINTS, text))
