"""K1–K2, X1–X2, T1–T2, H1–H2, G1 and B1: the levels of ND90 Art. 4–15 (with ND48).

Art. 12–15 (public employees) were read in full; Art. 4–11 (cadres, civil servants) follow the
same pattern and are coded the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from criteria.bands import level_by_points
from criteria.facts import Facts, UnitFacts
from criteria.levels import GeneralAssessment, Level
from criteria.policy import Policy
from criteria.reasons import N_, Message, Percent, Reason, Verdict, joined, message
from criteria.rules.sources import GAP, POINTS_CEILING, POINTS_FLOOR_POLICY, nd90_article

GOOD = GeneralAssessment.GOOD
MEET = GeneralAssessment.MEET


@dataclass(frozen=True)
class TaskStats:
    """Counts over the task criteria of the year."""

    total: int
    missed: int
    not_completed: int
    exceeded: int

    @classmethod
    def of(cls, f: Facts) -> TaskStats:
        total, missed, not_completed, exceeded = f.task_counts
        return cls(total=total, missed=missed, not_completed=not_completed, exceeded=exceeded)

    def share(self, count: int) -> float:
        return 100 * count / self.total if self.total else 0.0

    @property
    def all_on_time_with_quality(self) -> bool:
        return self.total > 0 and self.missed == 0


@dataclass(frozen=True)
class SubUnitStats:
    """Directly managed units: share at hoan_thanh or better, and at tot or better."""

    completed_pct: float
    good_pct: float

    @classmethod
    def of(cls, unit: UnitFacts) -> SubUnitStats:
        levels = unit.sub_unit_levels
        if not levels:  # nobody to count: the condition does not restrict
            return cls(100.0, 100.0)
        completed = sum(level.at_least(Level.HOAN_THANH) for level in levels)
        good = sum(level.at_least(Level.TOT) for level in levels)
        return cls(100 * completed / len(levels), 100 * good / len(levels))


def _reason(rule: str, f: Facts, level: Level, text: Message) -> Reason:
    return Reason(rule, nd90_article(f.category, f.leads, level), text)


def k1_not_completed(f: Facts) -> Verdict | None:
    """K1 — ND90 Art. 7/11/15 as amended: degradation, or over 50% of task criteria missed."""
    stats = TaskStats.of(f)
    causes = []
    if f.degradation:
        causes.append(
            message(
                N_(
                    "bị cấp có thẩm quyền kết luận suy thoái về tư tưởng chính trị, đạo đức, lối "
                    "sống, “tự diễn biến”, “tự chuyển hóa”"
                )
            )
        )
    if stats.total and stats.share(stats.missed) > 50:
        causes.append(
            message(
                N_(
                    "trên 50%% tiêu chí nhiệm vụ không đạt về tiến độ, chất lượng, hiệu quả "
                    "(%(missed)s/%(total)s, %(share)s)"
                ),
                missed=stats.missed,
                total=stats.total,
                share=Percent(stats.share(stats.missed)),
            )
        )
    if not causes:
        return None
    text = _causes_then_level(causes, Level.KHONG_HOAN_THANH)
    return Verdict(Level.KHONG_HOAN_THANH, _reason("K1", f, Level.KHONG_HOAN_THANH, text))


def k2_leader_not_completed(f: Facts) -> Verdict | None:
    """K2 — ND90 Art. 7/11/15 as amended: the led unit under 50% of targets, or corruption."""
    if not f.leads or f.unit is None:
        return None
    causes = []
    if f.unit.targets_completed_pct < 50:
        causes.append(
            message(
                N_(
                    "cơ quan, đơn vị được giao lãnh đạo, quản lý hoàn thành dưới 50%% chỉ tiêu, "
                    "nhiệm vụ (%(share)s)"
                ),
                share=Percent(f.unit.targets_completed_pct),
            )
        )
    if f.unit.corruption_handled:
        causes.append(
            message(
                N_(
                    "đơn vị thuộc phạm vi phụ trách trực tiếp bị xử lý về tham ô, tham nhũng, "
                    "lãng phí"
                )
            )
        )
    if not causes:
        return None
    text = _causes_then_level(causes, Level.KHONG_HOAN_THANH)
    return Verdict(Level.KHONG_HOAN_THANH, _reason("K2", f, Level.KHONG_HOAN_THANH, text))


def x1_excellent(f: Facts) -> Verdict | None:
    """X1 — ND90 Art. 8/12 cl. 1: general good; all tasks on time with quality; ≥50% exceeded."""
    stats = TaskStats.of(f)
    if f.general is not GOOD or not stats.all_on_time_with_quality:
        return None
    if stats.share(stats.exceeded) < 50:
        return None
    text = message(
        N_(
            "Thực hiện tốt tiêu chí chung; 100%% nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất "
            "lượng; %(share)s vượt mức (%(exceeded)s/%(total)s)."
        ),
        share=Percent(stats.share(stats.exceeded)),
        exceeded=stats.exceeded,
        total=stats.total,
    )
    return Verdict(Level.XUAT_SAC, _reason("X1", f, Level.XUAT_SAC, text))


def t1_good(f: Facts) -> Verdict | None:
    """T1 — ND90 Art. 9/13 cl. 1: general at least meet; all tasks on time with quality."""
    stats = TaskStats.of(f)
    if not f.general.at_least(MEET) or not stats.all_on_time_with_quality:
        return None
    text = message(
        N_("Đáp ứng tiêu chí chung; 100%% nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng.")
    )
    return Verdict(Level.TOT, _reason("T1", f, Level.TOT, text))


def h1_completed(f: Facts) -> Verdict | None:
    """H1 — ND90 Art. 10/14 cl. 1: general at least meet; all completed; at most 20% short."""
    stats = TaskStats.of(f)
    if not _h1_holds(f, stats):
        return None
    if stats.missed:
        text = message(
            N_("Đáp ứng tiêu chí chung; hoàn thành 100%% nhiệm vụ, %(short)s."),
            short=_short_text(stats),
        )
    else:
        text = message(N_("Đáp ứng tiêu chí chung; hoàn thành 100%% nhiệm vụ."))
    return Verdict(Level.HOAN_THANH, _reason("H1", f, Level.HOAN_THANH, text))


def _short_text(stats: TaskStats) -> Message:
    """The share short on quality, progress or efficiency (said only when some fell short)."""
    return message(
        N_(
            "trong đó %(share)s (%(missed)s/%(total)s) chưa bảo đảm chất lượng, tiến độ hoặc "
            "hiệu quả (không quá 20%%)"
        ),
        share=Percent(stats.share(stats.missed)),
        missed=stats.missed,
        total=stats.total,
    )


def _sub_units_text(subs: SubUnitStats, *, good: bool) -> Message:
    """The directly managed units' results (said only of units that exist)."""
    if good:
        return message(
            N_(
                "%(completed)s đơn vị trực tiếp phụ trách hoàn thành nhiệm vụ trở lên, %(good)s "
                "hoàn thành tốt trở lên"
            ),
            completed=Percent(subs.completed_pct),
            good=Percent(subs.good_pct),
        )
    return message(
        N_("%(completed)s đơn vị trực tiếp phụ trách hoàn thành nhiệm vụ trở lên"),
        completed=Percent(subs.completed_pct),
    )


def _then_sub_units(text: Message, unit: UnitFacts, subs: SubUnitStats, *, good: bool) -> Message:
    """The sentence, and the sub-units' results after it when the unit has any."""
    if not unit.sub_unit_levels:
        return message(N_("%(text)s."), text=text)
    return message(
        N_("%(text)s; %(sub_units)s."), text=text, sub_units=_sub_units_text(subs, good=good)
    )


def _h1_holds(f: Facts, stats: TaskStats) -> bool:
    return (
        f.general.at_least(MEET)
        and stats.total > 0
        and stats.not_completed == 0
        and stats.share(stats.missed) <= 20
    )


def x2_leader_excellent(f: Facts) -> Verdict | None:
    """X2 — ND90 Art. 4, 8/12 cl. 2: X1's general and own criteria, plus the unit's results."""
    unit, stats = f.unit, TaskStats.of(f)
    if unit is None or f.general is not GOOD or not stats.all_on_time_with_quality:
        return None
    subs = SubUnitStats.of(unit)
    if unit.targets_completed_pct < 100 or unit.targets_exceeded_pct < 50:
        return None
    if subs.completed_pct < 100 or subs.good_pct < 70:
        return None
    own = message(
        N_(
            "Thực hiện tốt tiêu chí chung (kể cả kết quả của đơn vị được giao lãnh đạo); nhiệm vụ "
            "của bản thân đúng tiến độ, bảo đảm chất lượng; đơn vị hoàn thành 100%% chỉ tiêu, "
            "%(exceeded)s vượt mức"
        ),
        exceeded=Percent(unit.targets_exceeded_pct),
    )
    text = _then_sub_units(own, unit, subs, good=True)
    return Verdict(Level.XUAT_SAC, _reason("X2", f, Level.XUAT_SAC, text))


def t2_leader_good(f: Facts) -> Verdict | None:
    """T2 — ND90 Art. 5, 9/13 cl. 2: T1 for own work; the unit 100% of targets, ≥80% on time."""
    unit, stats = f.unit, TaskStats.of(f)
    if unit is None or not f.general.at_least(MEET) or not stats.all_on_time_with_quality:
        return None
    subs = SubUnitStats.of(unit)
    if unit.targets_completed_pct < 100 or unit.targets_on_time_pct < 80:
        return None
    if subs.completed_pct < 100 or subs.good_pct < 70:
        return None
    own = message(
        N_(
            "Đáp ứng tiêu chí chung; nhiệm vụ của bản thân đúng tiến độ, bảo đảm chất lượng; đơn "
            "vị hoàn thành 100%% chỉ tiêu, %(on_time)s đúng tiến độ, bảo đảm chất lượng"
        ),
        on_time=Percent(unit.targets_on_time_pct),
    )
    text = _then_sub_units(own, unit, subs, good=True)
    return Verdict(Level.TOT, _reason("T2", f, Level.TOT, text))


def h2_leader_completed(f: Facts) -> Verdict | None:
    """H2 — ND90 Art. 6, 10/14 cl. 2: H1, the unit over 70% of targets, ≥70% sub-units done."""
    unit, stats = f.unit, TaskStats.of(f)
    if unit is None or not _h1_holds(f, stats):
        return None
    subs = SubUnitStats.of(unit)
    if unit.targets_completed_pct <= 70 or subs.completed_pct < 70:
        return None
    completed = Percent(unit.targets_completed_pct)
    if stats.missed:
        own = message(
            N_(
                "Đáp ứng tiêu chí chung; hoàn thành 100%% nhiệm vụ, %(short)s; đơn vị hoàn thành "
                "%(completed)s chỉ tiêu"
            ),
            short=_short_text(stats),
            completed=completed,
        )
    else:
        own = message(
            N_(
                "Đáp ứng tiêu chí chung; hoàn thành 100%% nhiệm vụ; đơn vị hoàn thành "
                "%(completed)s chỉ tiêu"
            ),
            completed=completed,
        )
    text = _then_sub_units(own, unit, subs, good=False)
    return Verdict(Level.HOAN_THANH, _reason("H2", f, Level.HOAN_THANH, text))


def g1_decide(f: Facts) -> Verdict:
    """G1 (the system's rule) — no rule of ND90 Art. 4–15 fits: the competent person decides."""
    gaps = _gaps(f) or [message(N_("các dữ kiện không khớp với mức nào"))]
    text = message(
        N_(
            "Không đủ căn cứ xếp vào mức nào theo quy định: %(gaps)s. Người có thẩm quyền quyết "
            "định mức xếp loại và ghi rõ lý do."
        ),
        gaps=joined(gaps),
    )
    return Verdict(Level.CAN_QUYET_DINH, Reason("G1", GAP, text))


def _gaps(f: Facts) -> list[Message]:
    """The facts that put a person between the levels, for the decision-maker to read."""
    stats = TaskStats.of(f)
    gaps = []
    if stats.total == 0:
        gaps.append(message(N_("chưa có tiêu chí nhiệm vụ nào được ghi nhận")))
    if f.general is GeneralAssessment.FAIL:
        gaps.append(message(N_("tiêu chí chung không đáp ứng")))
    if stats.not_completed:
        gaps.append(
            message(
                N_("%(not_completed)s/%(total)s nhiệm vụ chưa hoàn thành"),
                not_completed=stats.not_completed,
                total=stats.total,
            )
        )
    if stats.total and 20 < stats.share(stats.missed) <= 50:
        gaps.append(
            message(
                N_("%(share)s tiêu chí nhiệm vụ không đạt (từ trên 20%% đến 50%%)"),
                share=Percent(stats.share(stats.missed)),
            )
        )
    if f.leads:
        gaps.extend(_unit_gaps(f.unit))
    return gaps


def _unit_gaps(unit: UnitFacts | None) -> list[Message]:
    if unit is None:
        return [message(N_("thiếu kết quả của đơn vị được giao lãnh đạo, quản lý"))]
    gaps = []
    if 50 <= unit.targets_completed_pct <= 70:
        gaps.append(
            message(
                N_("đơn vị hoàn thành %(share)s chỉ tiêu (từ 50%% đến 70%%)"),
                share=Percent(unit.targets_completed_pct),
            )
        )
    subs = SubUnitStats.of(unit)
    if subs.completed_pct < 70:
        gaps.append(
            message(
                N_("chỉ %(share)s đơn vị trực tiếp phụ trách hoàn thành nhiệm vụ"),
                share=Percent(subs.completed_pct),
            )
        )
    return gaps


def b1_points_ceiling(f: Facts, level: Level, policy: Policy) -> Verdict | None:
    """B1 (policy) — with ND90 the 100-point bands also cap the level (default 90/70/50).

    ND90 gives khong_hoan_thanh only on the grounds of Art. 7, 11, 15: by default the points
    alone never take a level below hoan_thanh; `policy.points_may_fail` allows it.
    """
    enabled = policy.points_ceiling if f.points_ceiling is None else f.points_ceiling
    points = f.points
    if not enabled or points is None or not level.is_ranked:
        return None
    band = level_by_points(points, policy.points_bands)
    source = POINTS_CEILING
    floored = False
    if band is Level.KHONG_HOAN_THANH:
        if policy.points_may_fail:
            source = POINTS_FLOOR_POLICY
        else:
            band, floored = Level.HOAN_THANH, True
    if level.at_least(band) and level is not band:
        if floored:
            text = message(
                N_(
                    "Chính sách của đơn vị (thang 100 điểm): %(points)s điểm, nên mức xếp loại "
                    "không cao hơn %(level)s. Điểm thuộc khung %(failed)s, nhưng điểm số không "
                    "phải căn cứ xếp loại %(failed)s theo Nghị định 90/2020/NĐ-CP."
                ),
                points=points,
                level=band,
                failed=Level.KHONG_HOAN_THANH,
            )
        else:
            text = message(
                N_(
                    "Chính sách của đơn vị (thang 100 điểm): %(points)s điểm, nên mức xếp loại "
                    "không cao hơn %(level)s."
                ),
                points=points,
                level=band,
            )
        return Verdict(band, Reason("B1", source, text))
    return None


def _causes_then_level(causes: list[Message], level: Level) -> Message:
    """K1, K2: the causes, the first capitalised, then the level they lead to."""
    return message(
        N_("%(causes)s: %(level)s."), capitalise=True, causes=joined(causes), level=level
    )
