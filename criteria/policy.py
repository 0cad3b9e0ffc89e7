"""Local policy: the parameters rules.md marks **policy**, with its defaults.

They are not law; a unit may change them, and every reason that uses one says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from criteria.bands import S5_BANDS, Bands

Rounding = Literal["down", "half_up"]
QuotaBase = Literal["final", "with_proposed"]


@dataclass(frozen=True)
class Policy:
    """Policy parameters; pass a modified copy (``DEFAULT_POLICY.replace(...)``) to override."""

    # General criteria from points (0..30): ≥ good_min "good", ≥ meet_min "meet", else "fail".
    general_good_min: float = 27
    general_meet_min: float = 15
    # B1: under ND90 the 100-point scale also caps the level (bands xuat_sac / tot / hoan_thanh),
    # by default the bands ND335 (S5) fixes by law; `criteria.bands.level_by_points` applies them.
    points_ceiling: bool = True
    points_bands: Bands = S5_BANDS
    # B1: may the points alone give khong_hoan_thanh under ND90? ND90 lists that level's grounds
    # exhaustively (Art. 7, 11, 15), so by default the points never go below hoan_thanh.
    points_may_fail: bool = False
    # ND335 is silent on a minimum time worked and on a leave cap: E1 (under 6 months → not
    # classified) and E2 (3 to under 6 months of leave → at most hoan_thanh) carry over from
    # ND90 only as policy (rules.md §11, S7).
    nd335_min_months: bool = True
    nd335_leave_cap: bool = True
    # S2: weights of quantity, quality and progress in the 70 task points.
    s2_weights: tuple[float, float, float] = (1, 1, 1)
    # S3: leaders' own work, unit result and organising capacity, in percent of the 70 points.
    s3_weights: tuple[float, float, float] = (50, 30, 20)
    # S4: how the periods make the year's score; only the unweighted mean is defined.
    period_average: Literal["unweighted"] = "unweighted"
    # Q2: the share of xuat_sac allowed under ND90/ND48, in percent of those at tot: the
    # Party's share (Regulation 366-QĐ/TW of 2025); 20% is the policy default, not confirmed.
    nd90_quota_pct: float = 20
    # Q1/Q2: the base the share applies to. "final": those at tot after the decision (ND335's
    # wording, "số được xếp loại Hoàn thành tốt nhiệm vụ"; Q4). "with_proposed": those at tot
    # plus those proposed for xuat_sac.
    quota_base: QuotaBase = "final"
    # Q4: how ⌊n × pct / 100⌋ is rounded.
    quota_rounding: Rounding = "down"
    # A3: Chiến sĩ thi đua cơ sở at most this share of the unit's Lao động tiên tiến.
    chien_si_cap: bool = True
    chien_si_cap_pct: float = 15
    # A5: collective titles.
    a5_advanced_member_pct: float = 50  # strictly more than this share are Lao động tiên tiến
    a5_excellent_member_pct: float = 70  # at least this share are Lao động tiên tiến
    a5_excellent_min_chien_si: int = 1

    def __post_init__(self) -> None:
        if not self.general_meet_min <= self.general_good_min <= 30:
            raise ValueError("policy: general_meet_min <= general_good_min <= 30")
        high, mid, low = self.points_bands
        if not 0 <= low <= mid <= high <= 100:
            raise ValueError("policy: points_bands must be descending within 0..100")
        if any(w < 0 for w in self.s2_weights) or sum(self.s2_weights) <= 0:
            raise ValueError("policy: s2_weights must be non-negative with a positive sum")
        if any(w < 0 for w in self.s3_weights) or sum(self.s3_weights) != 100:
            raise ValueError("policy: s3_weights must be non-negative and sum to 100")
        if self.period_average != "unweighted":
            raise ValueError("policy: period_average must be 'unweighted'")
        if self.quota_base not in ("final", "with_proposed"):
            raise ValueError("policy: quota_base must be 'final' or 'with_proposed'")
        if self.quota_rounding not in ("down", "half_up"):
            raise ValueError("policy: quota_rounding must be 'down' or 'half_up'")
        for name in (
            "nd90_quota_pct",
            "chien_si_cap_pct",
            "a5_advanced_member_pct",
            "a5_excellent_member_pct",
        ):
            if not 0 <= getattr(self, name) <= 100:
                raise ValueError(f"policy: {name} must be within 0..100")

    def replace(self, **changes: object) -> Policy:
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_POLICY = Policy()
