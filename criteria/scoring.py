"""ND335 task scoring (S2–S4) as pure functions the web app calls with its work-plan data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import fmean

from criteria.levels import GeneralAssessment, Level
from criteria.policy import DEFAULT_POLICY, Policy

TASK_POINTS = 70.0
PENALTY_PER_EVENT = 0.25  # S2: each return or delay removes 25% of that product's points


@dataclass(frozen=True)
class PeriodTask:
    """One assigned product of a month or quarter (S2); quantities in the product's own unit."""

    target_quantity: float
    achieved_quantity: float
    weight: float = 1.0
    coefficient: float = 1.0  # quy đổi: standard units per product for the job position
    quality_ok: bool = True
    major_error_returns: int = 0
    delays: int = 0
    objective_cause: bool = False  # confirmed by the competent person: no deductions
    cancelled: bool = False  # excluded from the period

    def __post_init__(self) -> None:
        if self.target_quantity <= 0:
            raise ValueError("target_quantity must be positive")
        if self.achieved_quantity < 0 or self.weight <= 0 or self.coefficient <= 0:
            raise ValueError("achieved_quantity >= 0, weight > 0 and coefficient > 0 required")
        if self.major_error_returns < 0 or self.delays < 0:
            raise ValueError("major_error_returns and delays must not be negative")

    @property
    def completion(self) -> float:
        """Share of the assigned standard units delivered, at most 1."""
        return min(self.achieved_quantity / self.target_quantity, 1.0)

    @property
    def quality_factor(self) -> float:
        """S2: quality points kept after returns for major content errors."""
        if not self.quality_ok:
            return 0.0
        return _after_deductions(self.major_error_returns, self.objective_cause)

    @property
    def progress_factor(self) -> float:
        """S2: progress points kept after delays."""
        return _after_deductions(self.delays, self.objective_cause)


@dataclass(frozen=True)
class PeriodTaskScore:
    """The S2 measures of one period (percentages) and the points out of 70."""

    quantity_pct: float
    quality_pct: float
    progress_pct: float
    points: float
    assigned_units: float  # standard units assigned (after quy đổi)
    completed_units: float  # standard units delivered, capped at the assignment
    tasks_counted: int


def _after_deductions(events: int, objective_cause: bool) -> float:
    if objective_cause:
        return 1.0
    return max(0.0, 1.0 - PENALTY_PER_EVENT * events)


def score_period_tasks(
    tasks: Sequence[PeriodTask], policy: Policy = DEFAULT_POLICY
) -> PeriodTaskScore:
    """S2 — ND335: quantity, quality and progress of a period's products, weighted by task weight.

    Quality and progress are earned on the products delivered, so an undelivered product earns
    none of the three. Policy: the three measures are averaged (default equal weights) into 70.
    """
    counted = [task for task in tasks if not task.cancelled]
    if not counted:
        raise ValueError("no task to score: every task of the period is cancelled or none given")
    total_weight = sum(task.weight for task in counted)

    def weighted(values: Iterable[float]) -> float:
        return 100 * sum(v * t.weight for v, t in zip(values, counted, strict=True)) / total_weight

    quantity = weighted(t.completion for t in counted)
    quality = weighted(t.completion * t.quality_factor for t in counted)
    progress = weighted(t.completion * t.progress_factor for t in counted)
    w_quantity, w_quality, w_progress = policy.s2_weights
    mean = (w_quantity * quantity + w_quality * quality + w_progress * progress) / sum(
        policy.s2_weights
    )
    return PeriodTaskScore(
        quantity_pct=round(quantity, 2),
        quality_pct=round(quality, 2),
        progress_pct=round(progress, 2),
        points=round(TASK_POINTS * mean / 100, 2),
        assigned_units=round(sum(t.target_quantity * t.coefficient for t in counted), 4),
        completed_units=round(
            sum(t.completion * t.target_quantity * t.coefficient for t in counted), 4
        ),
        tasks_counted=len(counted),
    )


def unit_result_ratio(levels: Iterable[Level]) -> float:
    """S3 — ND335: 100 when every managed civil servant is at hoan_thanh or better, 50 otherwise.

    Those not classified (khong_xep_loai) or awaiting a decision are left out.
    """
    ranked = [level for level in levels if level.is_ranked]
    if any(level is Level.KHONG_HOAN_THANH for level in ranked):
        return 50.0
    return 100.0


def leader_task_points(
    own: float, unit_ratio: float, organising: float, policy: Policy = DEFAULT_POLICY
) -> float:
    """S3 — ND335: a leader's 70 task points (policy: own work 50%, unit 30%, organising 20%).

    `own` is the leader's own S2 points out of 70; `unit_ratio` (from unit_result_ratio) and
    `organising` (the assessed organising capacity) are percentages 0..100.
    """
    if not 0 <= own <= TASK_POINTS:
        raise ValueError("own must be within 0..70")
    if not (0 <= unit_ratio <= 100 and 0 <= organising <= 100):
        raise ValueError("unit_ratio and organising must be within 0..100")
    w_own, w_unit, w_organising = policy.s3_weights
    share = w_own * own / TASK_POINTS + w_unit * unit_ratio / 100 + w_organising * organising / 100
    return round(TASK_POINTS * share / 100, 2)


def year_task_points(period_points: Sequence[float], policy: Policy = DEFAULT_POLICY) -> float:
    """S4 — ND335: the year's task points from the periods worked (policy: unweighted mean)."""
    if not period_points:
        raise ValueError("no period scores")
    return round(fmean(period_points), 2)


def general_level_from_points(points: float, policy: Policy = DEFAULT_POLICY) -> GeneralAssessment:
    """Policy: general criteria points (0..30) → good (≥27) / meet (≥15) / fail."""
    if points >= policy.general_good_min:
        return GeneralAssessment.GOOD
    if points >= policy.general_meet_min:
        return GeneralAssessment.MEET
    return GeneralAssessment.FAIL
