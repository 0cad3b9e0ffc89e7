"""C1–C6: what a year's level sets in motion (L52, then L80; ND335 Art. 23). Flags, never
decisions.

C1, C2, C4 and C5 cite Law 80/2025/QH15 for the years it governs (cadres from its effective date,
1 July 2025; civil servants from 1 January 2026, when its section on evaluating civil servants
applies) and the 2008 law as amended by Law 52/2019 before. The year's event is its
classification, made by the year's end. The article numbers of Law 80 could not be read here:
the consequences are kept as they were under the old law, as policy, and say so (rules.md §11).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from criteria.errors import InvalidFacts
from criteria.levels import Level, StaffCategory
from criteria.reasons import N_, Message, message, vietnamese
from criteria.rulebooks import select_rulebook

KHT = Level.KHONG_HOAN_THANH
# Law 80/2025/QH15: the article numbers could not be read, and the citation says so.
_L80_SECTION = message(
    N_(
        "Mục 3 Chương IV Luật Cán bộ, công chức số 80/2025/QH15; chưa đối chiếu được điều, khoản "
        "của luật mới: giữ hệ quả như quy định trước đây, là chính sách của đơn vị"
    )
)
_ARTICLE_58 = message(
    N_("Điều 58 Luật Cán bộ, công chức năm 2008 (sửa đổi, bổ sung bởi Luật số 52/2019/QH14)")
)
OLD_SOURCES: dict[str, Message] = {
    "C1": message(
        N_(
            "Khoản 3 Điều 58 Luật Cán bộ, công chức năm 2008 (sửa đổi, bổ sung bởi Luật số "
            "52/2019/QH14)"
        )
    ),
    "C2": message(
        N_(
            "Khoản 3 Điều 29 Luật Cán bộ, công chức năm 2008 (sửa đổi, bổ sung bởi Luật số "
            "52/2019/QH14)"
        )
    ),
    "C4": _ARTICLE_58,
    "C5": _ARTICLE_58,
}
NEW_SOURCES: dict[str, Message] = {
    "C1": _L80_SECTION,
    "C2": message(
        N_(
            "Luật Cán bộ, công chức số 80/2025/QH15; chưa đối chiếu được điều, khoản của luật "
            "mới: giữ hệ quả như quy định trước đây, là chính sách của đơn vị"
        )
    ),
    "C4": _L80_SECTION,
    "C5": _L80_SECTION,
}
SOURCES: dict[str, Message] = {
    **OLD_SOURCES,
    "C3": message(
        N_(
            "Điểm b khoản 1 Điều 29 Luật Viên chức năm 2010 (sửa đổi, bổ sung bởi Luật số "
            "52/2019/QH14)"
        )
    ),
    "C6": message(N_("Điều 23 Nghị định 335/2025/NĐ-CP")),
}
# From when Law 80/2025/QH15 governs each category's consequences (its Art. on entry into force:
# 1 July 2025; the evaluation of civil servants, section 3 of chapter IV, from 1 January 2026).
L80_FROM = {
    StaffCategory.CAN_BO: date(2025, 7, 1),
    StaffCategory.CONG_CHUC: date(2026, 1, 1),
}


def source(rule: str, category: StaffCategory, year: int) -> Message:
    """The citation of a flag raised by the classification of `year` (its event date)."""
    start = L80_FROM.get(category)
    if rule in NEW_SOURCES and start is not None and date(year, 12, 31) >= start:
        return NEW_SOURCES[rule]
    return SOURCES[rule]


@dataclass(frozen=True)
class Flag:
    """A consequence for the personnel office to consider; `deferred` when the law holds it back."""

    rule: str
    citation: Message
    message: Message
    year: int
    deferred: bool = False

    @property
    def source(self) -> str:
        return vietnamese(self.citation)

    @property
    def text(self) -> str:
        return vietnamese(self.message)


def consequences(
    category: StaffCategory,
    leader: bool,
    levels_by_year: Mapping[int, Level],
    *,
    year: int | None = None,
    term_years: Collection[int] = (),
    under_review: bool = False,
    protected_parent: bool = False,
    rulebook: str | None = None,
) -> list[Flag]:
    """Flags for `year` (default: the latest year given).

    `term_years`: the years of a leader's current term (C4). `under_review`: under disciplinary
    review or prosecution; `protected_parent`: pregnant or raising a child under 36 months (C1).
    `rulebook`: "nd335" adds C6; by default it applies to civil servants from 2026.
    """
    if not levels_by_year:
        return []
    year = max(levels_by_year) if year is None else year
    failed = {y for y, level in levels_by_year.items() if level is KHT}
    two_in_a_row = {year, year - 1} <= failed
    flags: list[Flag] = []
    if two_in_a_row:
        flags.extend(_two_in_a_row(category, year, under_review, protected_parent))
    # C1 (dismissal review) supersedes C4/C5 unless it is held back.
    dismissal = any(flag.rule == "C1" and not flag.deferred for flag in flags)
    if category is StaffCategory.CONG_CHUC and year in failed and not dismissal:
        flags.extend(_civil_servant_flags(leader, year, failed, set(term_years)))
    if (rulebook or _rulebook_or_none(year, category)) == "nd335":
        flags.extend(c6_position(levels_by_year.get(year), year))
    return flags


def _rulebook_or_none(year: int, category: StaffCategory) -> str | None:
    try:
        return select_rulebook(year, category).name
    except InvalidFacts:  # a year no rule set covers raises no C6
        return None


def _two_in_a_row(
    category: StaffCategory, year: int, under_review: bool, protected_parent: bool
) -> list[Flag]:
    """C1–C3 — L52: khong_hoan_thanh two years in a row."""
    years = {"first": str(year - 1), "second": str(year)}
    if category is StaffCategory.CONG_CHUC:
        held = under_review or protected_parent
        if held:
            template = N_(
                "Công chức 2 năm liên tiếp (%(first)s và %(second)s) không hoàn thành nhiệm vụ: "
                "xem xét thôi việc. Chưa xem xét khi đang bị xem xét kỷ luật, truy cứu trách "
                "nhiệm hình sự, hoặc đang mang thai, nuôi con dưới 36 tháng tuổi."
            )
        else:
            template = N_(
                "Công chức 2 năm liên tiếp (%(first)s và %(second)s) không hoàn thành nhiệm vụ: "
                "xem xét thôi việc."
            )
        text = message(template, **years)
        return [Flag("C1", source("C1", category, year), text, year, deferred=held)]
    if category is StaffCategory.CAN_BO:
        text = message(
            N_(
                "Cán bộ 2 năm liên tiếp (%(first)s và %(second)s) không hoàn thành nhiệm vụ: xem "
                "xét cho thôi làm nhiệm vụ."
            ),
            **years,
        )
        return [Flag("C2", source("C2", category, year), text, year)]
    if category is StaffCategory.VIEN_CHUC:
        text = message(
            N_(
                "Viên chức 2 năm liên tiếp (%(first)s và %(second)s) không hoàn thành nhiệm vụ: "
                "đơn vị có thể đơn phương chấm dứt hợp đồng làm việc."
            ),
            **years,
        )
        return [Flag("C3", SOURCES["C3"], text, year)]
    return []


def _civil_servant_flags(
    leader: bool, year: int, failed: set[int], term_years: set[int]
) -> list[Flag]:
    """C4 (leaders, two years in one term) and C5 (no post, two years within three)."""
    if leader:
        in_term = sorted(failed & term_years)
        if year in term_years and len(in_term) >= 2:
            text = message(
                N_(
                    "Công chức lãnh đạo, quản lý có 2 năm không hoàn thành nhiệm vụ trong một "
                    "nhiệm kỳ (%(years)s): bố trí công tác khác hoặc không bổ nhiệm lại."
                ),
                years=", ".join(map(str, in_term)),
            )
            return [Flag("C4", source("C4", StaffCategory.CONG_CHUC, year), text, year)]
        return []
    within_three = sorted(y for y in failed if year - 2 <= y <= year)
    if len(within_three) >= 2:
        text = message(
            N_(
                "Công chức không giữ chức vụ có 2 năm không hoàn thành nhiệm vụ trong 3 năm "
                "(%(years)s): bố trí vào vị trí việc làm có yêu cầu thấp hơn."
            ),
            years=", ".join(map(str, within_three)),
        )
        return [Flag("C5", source("C5", StaffCategory.CONG_CHUC, year), text, year)]
    return []


def c6_position(level: Level | None, year: int) -> list[Flag]:
    """C6 — ND335 Art. 23: khong_hoan_thanh → a lower position; tot/xuat_sac → a higher one."""
    if level is KHT:
        text = message(
            N_("%(level)s: xem xét bố trí vào vị trí việc làm thấp hơn."),
            level=Level.KHONG_HOAN_THANH,
        )
        return [Flag("C6", SOURCES["C6"], text, year)]
    if level in (Level.TOT, Level.XUAT_SAC):
        text = message(
            N_("%(level)s: có thể xem xét bố trí vào vị trí cao hơn nếu phù hợp."), level=level
        )
        return [Flag("C6", SOURCES["C6"], text, year)]
    return []
