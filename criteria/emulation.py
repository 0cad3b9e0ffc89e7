"""A1–A5: emulation titles under the Law on Emulation and Commendation 2022 (LTDKT)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from criteria.levels import Level, Title
from criteria.policy import DEFAULT_POLICY, Policy
from criteria.quota import allowed
from criteria.reasons import N_, Message, Percent, Reason, joined, message

# The articles of the 2022 law (Art. 23 Chiến sĩ thi đua cơ sở, Art. 24 Lao động tiên tiến) were
# not read in the law's own text here: see docs/rules.md §11.
SOURCES: dict[str, Message] = {
    "A1": message(N_("Điều 24 Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP")),
    "A2": message(N_("Điều 23 Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP")),
    "A3": message(
        N_(
            "Chính sách của đơn vị: Chiến sĩ thi đua cơ sở không quá 15%% số Lao động tiên tiến "
            "(theo chế độ trước đây)"
        )
    ),
    "A4": message(
        N_(
            "Khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP (bổ sung bởi khoản 1 Điều 1 Nghị định "
            "48/2023/NĐ-CP); Điều 24 Luật Thi đua, khen thưởng số 06/2022/QH15"
        )
    ),
    "A5": message(N_("Chính sách của đơn vị, theo chế độ trước đây: danh hiệu tập thể")),
}


@dataclass(frozen=True)
class Member:
    """A person of the unit after the quota (Q3), as the titles see them."""

    id: str
    level: Level
    rank: int | None = None
    initiative: bool = False  # an initiative recognised at the unit
    science_work: bool = False  # an accepted scientific work
    disciplined: bool = False


@dataclass(frozen=True)
class TitlesOutcome:
    titles: dict[str, tuple[Title, ...]]
    rules: tuple[str, ...]
    reasons: tuple[Reason, ...]
    capped: tuple[str, ...]  # A3: candidates beyond the Chiến sĩ thi đua cơ sở cap


def a1_lao_dong_tien_tien(member: Member) -> bool:
    """A1 — LTDKT 2022: Lao động tiên tiến needs tot or xuat_sac (and, A4, no discipline)."""
    return not member.disciplined and member.level in (Level.TOT, Level.XUAT_SAC)


def a2_chien_si_candidate(member: Member) -> bool:
    """A2 — LTDKT 2022: A1, and xuat_sac, a recognised initiative or an accepted science work."""
    return a1_lao_dong_tien_tien(member) and (
        member.level is Level.XUAT_SAC or member.initiative or member.science_work
    )


def why_not(member: Member, outcome: TitlesOutcome) -> Reason | None:
    """Why a person holds fewer titles than they might: the first rule that stopped them."""
    titles = outcome.titles.get(member.id, ())
    if member.disciplined:
        text = message(N_("Bị kỷ luật trong năm: không xét danh hiệu thi đua."))
        return Reason("A4", SOURCES["A4"], text)
    if not titles:
        return Reason(
            "A1",
            SOURCES["A1"],
            message(
                N_("Mức %(level)s: Lao động tiên tiến cần Hoàn thành tốt nhiệm vụ trở lên."),
                level=member.level,
            ),
        )
    if Title.CHIEN_SI_THI_DUA_CO_SO in titles:
        return None
    if member.id in outcome.capped:
        return Reason(
            "A3",
            SOURCES["A3"],
            message(N_("Ngoài tỷ lệ Chiến sĩ thi đua cơ sở, theo thứ tự ưu tiên.")),
        )
    return Reason(
        "A2",
        SOURCES["A2"],
        message(
            N_(
                "Chưa Hoàn thành xuất sắc nhiệm vụ, chưa có sáng kiến hoặc đề tài khoa học được "
                "công nhận: chưa đủ điều kiện Chiến sĩ thi đua cơ sở."
            )
        ),
    )


def why_granted(member: Member, title: Title, outcome: TitlesOutcome) -> tuple[Reason, ...]:
    """Why a person holds an individual title: the rules that granted it, each with its source
    (A1 for Lao động tiên tiến; A2, and A3 when the cap applied, for Chiến sĩ thi đua cơ sở).
    Empty when the outcome did not grant them the title."""
    if title not in outcome.titles.get(member.id, ()):
        return ()
    if title is Title.LAO_DONG_TIEN_TIEN:
        return (
            Reason(
                "A1",
                SOURCES["A1"],
                message(N_("Xếp loại %(level)s, không bị kỷ luật trong năm."), level=member.level),
            ),
        )
    grounds: list[Level | Message] = []
    if member.level is Level.XUAT_SAC:
        grounds.append(Level.XUAT_SAC)
    if member.initiative:
        grounds.append(message(N_("có sáng kiến được công nhận")))
    if member.science_work:
        grounds.append(message(N_("có đề tài khoa học được nghiệm thu")))
    text = message(N_("Đạt Lao động tiên tiến; %(grounds)s."), grounds=joined(grounds))
    reasons = [Reason("A2", SOURCES["A2"], text)]
    if "A3" in outcome.rules:  # the cap applied this year: say the person is within it
        if member.rank is not None:
            text = message(
                N_("Trong tỷ lệ Chiến sĩ thi đua cơ sở, thứ tự ưu tiên %(rank)s."), rank=member.rank
            )
        else:
            text = message(N_("Trong tỷ lệ Chiến sĩ thi đua cơ sở."))
        reasons.append(Reason("A3", SOURCES["A3"], text))
    return tuple(reasons)


def a3_chien_si_cap(advanced: int, policy: Policy = DEFAULT_POLICY) -> int | None:
    """A3 (policy): at most 15% of the unit's Lao động tiên tiến, with the Q4 arithmetic."""
    if not policy.chien_si_cap:
        return None
    return allowed(advanced, policy.chien_si_cap_pct, policy.quota_rounding)


def individual_titles(members: Sequence[Member], policy: Policy = DEFAULT_POLICY) -> TitlesOutcome:
    """A1–A4 for every member; A3 keeps the first candidates by rank, then xuat_sac first."""
    advanced = [m for m in members if a1_lao_dong_tien_tien(m)]
    candidates = sorted(
        (m for m in members if a2_chien_si_candidate(m)),
        key=lambda m: (m.rank is None, m.rank or 0, m.level is not Level.XUAT_SAC),
    )
    cap = a3_chien_si_cap(len(advanced), policy)
    granted = candidates if cap is None else candidates[:cap]
    capped = tuple(m.id for m in candidates[len(granted) :])
    granted_ids = {m.id for m in granted}
    titles: dict[str, tuple[Title, ...]] = {}
    for m in members:
        own: list[Title] = []
        if a1_lao_dong_tien_tien(m):
            own.append(Title.LAO_DONG_TIEN_TIEN)
        if m.id in granted_ids:
            own.append(Title.CHIEN_SI_THI_DUA_CO_SO)
        titles[m.id] = tuple(own)
    reasons = _reasons(members, advanced, granted, capped, cap)
    return TitlesOutcome(titles, tuple(r.rule for r in reasons), tuple(reasons), capped)


def _reasons(
    members: Sequence[Member],
    advanced: Sequence[Member],
    granted: Sequence[Member],
    capped: tuple[str, ...],
    cap: int | None,
) -> list[Reason]:
    reasons = []
    if advanced:
        reasons.append(
            Reason(
                "A1",
                SOURCES["A1"],
                message(
                    N_(
                        "%(count)s người đạt Lao động tiên tiến (xếp loại Hoàn thành tốt nhiệm vụ "
                        "trở lên)."
                    ),
                    count=len(advanced),
                ),
            )
        )
    if granted:
        reasons.append(
            Reason(
                "A2",
                SOURCES["A2"],
                message(
                    N_(
                        "%(count)s người đạt Chiến sĩ thi đua cơ sở (Lao động tiên tiến và Hoàn "
                        "thành xuất sắc nhiệm vụ, sáng kiến hoặc đề tài khoa học được công nhận)."
                    ),
                    count=len(granted),
                ),
            )
        )
    if cap is not None and (granted or capped):
        if capped:
            text = message(
                N_(
                    "Chiến sĩ thi đua cơ sở không quá %(cap)s người (tỷ lệ trên số Lao động tiên "
                    "tiến); ngoài tỷ lệ: %(capped)s."
                ),
                cap=cap,
                capped=", ".join(capped),
            )
        else:
            text = message(
                N_(
                    "Chiến sĩ thi đua cơ sở không quá %(cap)s người (tỷ lệ trên số Lao động tiên "
                    "tiến)."
                ),
                cap=cap,
            )
        reasons.append(Reason("A3", SOURCES["A3"], text))
    disciplined = [m.id for m in members if m.disciplined]
    if disciplined:
        reasons.append(
            Reason(
                "A4",
                SOURCES["A4"],
                message(
                    N_("Bị kỷ luật trong năm, không xét danh hiệu thi đua: %(names)s."),
                    names=", ".join(disciplined),
                ),
            )
        )
    return reasons


@dataclass(frozen=True)
class CollectiveFacts:
    """A unit's figures for the collective titles (A5)."""

    targets_completed: bool
    unit_level: Level
    members: int
    members_completed_or_better: int
    lao_dong_tien_tien: int
    chien_si_thi_dua: int
    disciplined: int
    disciplined_warning_or_above: int  # cảnh cáo or heavier

    def __post_init__(self) -> None:
        counts = (
            self.members_completed_or_better,
            self.lao_dong_tien_tien,
            self.chien_si_thi_dua,
            self.disciplined,
            self.disciplined_warning_or_above,
        )
        if self.members <= 0 or any(not 0 <= c <= self.members for c in counts):
            raise ValueError("member counts must be within 0..members, with members > 0")
        if self.disciplined_warning_or_above > self.disciplined:
            raise ValueError("disciplined_warning_or_above cannot exceed disciplined")


def collective_titles(
    unit: CollectiveFacts, policy: Policy = DEFAULT_POLICY
) -> tuple[tuple[Title, Reason], ...]:
    """A5 (policy): Tập thể lao động tiên tiến / xuất sắc, each with its reason."""
    results = []
    share = 100 * unit.lao_dong_tien_tien / unit.members
    if (
        unit.targets_completed
        and share > policy.a5_advanced_member_pct
        and unit.disciplined_warning_or_above == 0
    ):
        text = message(
            N_(
                "Đơn vị hoàn thành nhiệm vụ; %(share)s thành viên đạt Lao động tiên tiến (trên "
                "%(floor)s%%); không có ai bị kỷ luật từ cảnh cáo trở lên."
            ),
            share=Percent(share, digits=0),
            floor=policy.a5_advanced_member_pct,
        )
        results.append((Title.TAP_THE_LAO_DONG_TIEN_TIEN, Reason("A5", SOURCES["A5"], text)))
    if (
        unit.unit_level is Level.XUAT_SAC
        and unit.members_completed_or_better == unit.members
        and share >= policy.a5_excellent_member_pct
        and unit.chien_si_thi_dua >= policy.a5_excellent_min_chien_si
        and unit.disciplined == 0
    ):
        text = message(
            N_(
                "Đơn vị Hoàn thành xuất sắc nhiệm vụ; 100%% thành viên hoàn thành nhiệm vụ trở "
                "lên; %(share)s đạt Lao động tiên tiến; %(chien_si)s Chiến sĩ thi đua cơ sở; "
                "không có ai bị kỷ luật."
            ),
            share=Percent(share, digits=0),
            chien_si=unit.chien_si_thi_dua,
        )
        results.append((Title.TAP_THE_LAO_DONG_XUAT_SAC, Reason("A5", SOURCES["A5"], text)))
    return tuple(results)
