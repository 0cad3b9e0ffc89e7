"""Q1–Q4: how many may be rated xuat_sac in a unit or a group with similar tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from criteria.levels import Level
from criteria.policy import DEFAULT_POLICY, Policy, Rounding
from criteria.reasons import N_, Message, Reason, message

ND335_QUOTA_PCT = 20  # Q1: law
SOURCES: dict[str, Message] = {
    "Q1": message(N_("Điểm a khoản 5 Điều 20 Nghị định 335/2025/NĐ-CP")),
    "Q2": message(
        N_(
            "Điều 2 Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi khoản 1 Điều 1 Nghị định "
            "48/2023/NĐ-CP): không quá tỷ lệ đảng viên được xếp loại Hoàn thành xuất sắc nhiệm "
            "vụ theo quy định của Đảng (Quy định số 366-QĐ/TW năm 2025); chính sách của đơn vị: "
            "mức 20%% số Hoàn thành tốt nhiệm vụ, chưa đối chiếu được với văn bản của Đảng"
        )
    ),
    "Q3": message(
        N_(
            "Điểm b khoản 5 Điều 20 Nghị định 335/2025/NĐ-CP; Điều 16 đến Điều 22 Nghị định "
            "90/2020/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 48/2023/NĐ-CP): người có thẩm quyền "
            "xếp thứ tự người được đề nghị"
        )
    ),
    "Q4": message(N_("Chính sách của đơn vị: tính trên số người, làm tròn xuống")),
}


_QUOTA_TEXT = {
    "final": N_(
        "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ không quá %(pct)s%% số Hoàn thành tốt nhiệm vụ sau "
        "khi xếp loại: %(allowed)s chỉ tiêu, %(proposed)s người được đề nghị."
    ),
    "with_proposed": N_(
        "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ không quá %(pct)s%% số Hoàn thành tốt nhiệm vụ (kể "
        "cả người được đề nghị Hoàn thành xuất sắc nhiệm vụ, theo chính sách của đơn vị): "
        "%(allowed)s chỉ tiêu, %(proposed)s người được đề nghị."
    ),
}


def allowed(n: int, pct: float, rounding: Rounding = "down") -> int:
    """Q4 (policy): ⌊n × pct / 100⌋ in exact arithmetic (half_up when the policy says so)."""
    exact = Fraction(n) * Fraction(str(pct)) / 100
    if rounding == "half_up":
        return int(exact + Fraction(1, 2))
    return int(exact)


def places(at_tot: int, proposed: int, pct: float, rounding: Rounding = "down") -> int:
    """Q4: the largest k with k ≤ allowed(at_tot + proposed − k); judged on the final counts."""
    pool = at_tot + proposed
    k = 0
    while k < pool and k + 1 <= allowed(pool - k - 1, pct, rounding):
        k += 1
    return k


@dataclass(frozen=True)
class Candidate:
    """A person proposed for xuat_sac; `rank` is the decision-maker's order (1 first)."""

    id: str
    rank: int | None = None


@dataclass(frozen=True)
class QuotaOutcome:
    pct: float
    allowed: int
    proposed: int
    kept: tuple[str, ...]
    moved_to_tot: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @property
    def exceeded(self) -> bool:
        return self.proposed > self.allowed


@dataclass(frozen=True)
class QuotaException:
    """Q3: an organisation with outstanding results may go beyond the quota, on the record."""

    approver: str
    reason: str


def quota_pct(
    rulebook: str, policy: Policy = DEFAULT_POLICY, override: float | None = None
) -> float:
    """Q1 (nd335: 20% by law) or Q2 (nd90: the policy share); a unit may override."""
    if override is not None:
        return override
    return ND335_QUOTA_PCT if rulebook == "nd335" else policy.nd90_quota_pct


def apply_quota(
    candidates: Sequence[Candidate],
    at_tot: int,
    rulebook: str,
    policy: Policy = DEFAULT_POLICY,
    override_pct: float | None = None,
    exception: QuotaException | None = None,
) -> QuotaOutcome:
    """Q1–Q4: keep the first candidates in rank order within the quota; move the others to tot.

    Nobody is dropped silently (Q3): every move carries a reason.
    """
    rule = "Q1" if rulebook == "nd335" else "Q2"
    pct = quota_pct(rulebook, policy, override_pct)
    if policy.quota_base == "with_proposed":  # the base counts those proposed as well
        base = at_tot + len(candidates)
        limit = min(len(candidates), allowed(base, pct, policy.quota_rounding))
    else:  # the decree's reading: the final counts (Q4)
        limit = places(at_tot, len(candidates), pct, policy.quota_rounding)
    ordered = sorted(candidates, key=lambda c: (c.rank is None, c.rank or 0))
    keep = len(ordered) if exception else min(limit, len(ordered))
    kept, moved = ordered[:keep], ordered[keep:]
    reasons = [
        Reason(
            rule,
            SOURCES[rule],
            message(
                _QUOTA_TEXT[policy.quota_base], pct=pct, allowed=limit, proposed=len(candidates)
            ),
        )
    ]
    if len(candidates) > limit:
        reasons.append(_q3_reason(moved, exception))
    return QuotaOutcome(
        pct=pct,
        allowed=limit,
        proposed=len(candidates),
        kept=tuple(c.id for c in kept),
        moved_to_tot=tuple(c.id for c in moved),
        reasons=tuple(reasons),
    )


def _q3_reason(moved: Sequence[Candidate], exception: QuotaException | None) -> Reason:
    if exception is not None:
        text = message(
            N_(
                "Vượt tỷ lệ do đơn vị có thành tích nổi bật, được %(approver)s phê duyệt: "
                "%(reason)s"
            ),
            approver=exception.approver,
            reason=exception.reason,
        )
    else:
        text = message(
            N_(
                "Số người đề nghị vượt chỉ tiêu; theo thứ tự do người có thẩm quyền xếp, những "
                "người ngoài chỉ tiêu chuyển xuống %(level)s: %(names)s."
            ),
            level=Level.TOT,
            names=", ".join(c.id for c in moved),
        )
    return Reason("Q3", SOURCES["Q3"], text)
