"""Unit results and rankings: from a unit's own targets and its members' scores (policy).

The decrees grade units by their own rules, which rules.md leaves to local policy; this module
is that policy, versioned, with the defaults of the issue: 70% the unit's own targets, 30% its
members' average points, minus a deduction per disciplined member (the head is jointly
responsible: rules.md §10). The result's level uses the S5 bands, so the levels of the units a
leader manages can feed X2/T2/H2/K2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from criteria.bands import S5_BANDS, Bands, level_by_points
from criteria.levels import Level
from criteria.reasons import N_, Reason, message

UNIT_RESULT_POLICY_ID = "unit-result@1"
SOURCE = message(N_("Chính sách của đơn vị về điểm kết quả của đơn vị (phiên bản 1)"))
SOURCE_JOINT = message(
    N_(
        "Chính sách của đơn vị về điểm kết quả của đơn vị (phiên bản 1); chỉ đạo của địa "
        "phương: người đứng đầu liên đới chịu trách nhiệm"
    )
)


@dataclass(frozen=True)
class UnitResultPolicy:
    """Weights of the own targets and the members' average, and the discipline deduction."""

    own_weight: float = 70.0
    members_weight: float = 30.0
    deduction_per_disciplined: float = 5.0
    bands: Bands = S5_BANDS  # xuat_sac, tot, hoan_thanh
    id: str = UNIT_RESULT_POLICY_ID


DEFAULT_UNIT_POLICY = UnitResultPolicy()


@dataclass(frozen=True)
class UnitFigures:
    """What a unit did in a period. Shares are percentages of all its (uncancelled) targets."""

    targets: int
    completed: int
    on_time: int
    exceeded: int
    members_scored: int
    members_average: float | None  # mean total points (0..100) of its members' scores
    disciplined: int = 0

    @property
    def completed_pct(self) -> float:
        return 100.0 * self.completed / self.targets if self.targets else 0.0

    @property
    def on_time_pct(self) -> float:
        return 100.0 * self.on_time / self.targets if self.targets else 0.0


@dataclass(frozen=True)
class UnitScore:
    points: float | None  # None: nothing to judge (no targets, nobody scored)
    own: float | None
    level: Level | None
    reasons: tuple[Reason, ...]


def own_targets_score(figures: UnitFigures) -> float | None:
    """Half for the targets completed, half for those completed on time (0..100)."""
    if figures.targets == 0:
        return None
    return round((figures.completed_pct + figures.on_time_pct) / 2, 2)


def unit_score(figures: UnitFigures, policy: UnitResultPolicy = DEFAULT_UNIT_POLICY) -> UnitScore:
    """Policy unit-result@1: weighted own targets and members' average, less discipline.

    Where one part is missing (a unit with no plan of its own, or nobody scored), the other
    carries the whole weight; with neither, there is no result.
    """
    own = own_targets_score(figures)
    members = figures.members_average
    if own is None:
        if members is None:
            return UnitScore(None, None, None, ())
        base = members
    elif members is None:
        base = own
    else:
        total = policy.own_weight + policy.members_weight
        base = (policy.own_weight * own + policy.members_weight * members) / total
    deduction = policy.deduction_per_disciplined * figures.disciplined
    points = round(max(0.0, base - deduction), 2)
    if own is None:
        text = message(
            N_("Đơn vị không có chỉ tiêu riêng: lấy bình quân %(members)s."), members=members
        )
    elif members is None:
        text = message(
            N_(
                "Chỉ tiêu của đơn vị: %(own)s điểm; bình quân điểm của %(scored)s người: chưa có; "
                "trọng số %(own_weight)s/%(members_weight)s."
            ),
            own=own,
            scored=figures.members_scored,
            own_weight=policy.own_weight,
            members_weight=policy.members_weight,
        )
    else:
        text = message(
            N_(
                "Chỉ tiêu của đơn vị: %(own)s điểm; bình quân điểm của %(scored)s người: "
                "%(members)s; trọng số %(own_weight)s/%(members_weight)s."
            ),
            own=own,
            scored=figures.members_scored,
            members=members,
            own_weight=policy.own_weight,
            members_weight=policy.members_weight,
        )
    reasons = [Reason("U1", SOURCE, text)]
    if figures.disciplined:
        reasons.append(
            Reason(
                "U2",
                SOURCE_JOINT,
                message(
                    N_(
                        "Trừ %(deduction)s điểm: %(disciplined)s người bị kỷ luật (người đứng đầu "
                        "liên đới chịu trách nhiệm)."
                    ),
                    deduction=deduction,
                    disciplined=figures.disciplined,
                ),
            )
        )
    return UnitScore(points, own, level_by_points(points, policy.bands), tuple(reasons))


@dataclass(frozen=True)
class Ranked:
    key: str
    name: str
    points: float | None
    completed_pct: float
    overdue_pct: float
    disciplined: int


def rank(entries: Sequence[Ranked]) -> list[tuple[int, Ranked]]:
    """Rank units, best first; ties broken by a documented rule (policy unit-result@1):
    higher points, then more targets completed, then fewer overdue tasks, then fewer
    disciplined members. Units still equal share a rank; the name only orders the listing.
    Units without a result come last, unranked (rank 0).
    """

    def merit(entry: Ranked) -> tuple[float, float, float, int]:
        return (-(entry.points or 0.0), -entry.completed_pct, entry.overdue_pct, entry.disciplined)

    judged = sorted((e for e in entries if e.points is not None), key=lambda e: (merit(e), e.name))
    ranked: list[tuple[int, Ranked]] = []
    for position, entry in enumerate(judged, start=1):
        if ranked and merit(ranked[-1][1]) == merit(entry):
            ranked.append((ranked[-1][0], entry))
        else:
            ranked.append((position, entry))
    unjudged = sorted((e for e in entries if e.points is None), key=lambda e: e.name)
    return ranked + [(0, entry) for entry in unjudged]
