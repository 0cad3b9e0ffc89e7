"""What a decision was decided on: the year's points per criterion, per period, and in total.

The decision stores this record (`AnnualEvaluation.decision_snapshot`) so that every export
of a decided evaluation prints the numbers the competent person saw, however the period
scores move afterwards. Before the decision, the same record is built from today's scores,
so a draft sheet and a decided one are laid out by one code path.

The printed rows always add up: the general criteria are rounded to hundredths by the largest
remainder, so they sum to the year's general points, and general plus task points is the
total, which is the rulebook's `computed_points` wherever the rulebook computed one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from statistics import fmean
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import CriteriaSet
from evaluation.core.db import utcnow
from evaluation.organisation.models import Person
from evaluation.plans.models import Plan, Task
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring.facts import year_general_points
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

FORMAT = 1  # bump when the stored shape changes; readers accept every earlier one
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PeriodPoints:
    """One period's score as the decision read it. `kind` is None when only the rulebook's
    facts kept it (a decision taken before snapshots were stored, its scores since changed)."""

    year: int
    kind: PeriodKind | None
    number: int
    general: Decimal | None
    computed_task: Decimal | None
    task: Decimal
    adjustment_reason: str | None
    tasks: int | None

    @property
    def period(self) -> Period | None:
        return None if self.kind is None else Period(self.kind, self.year, self.number)

    @property
    def total(self) -> Decimal | None:
        return None if self.general is None else self.general + self.task


@dataclass(frozen=True)
class YearPoints:
    """The year's points: general criteria by code (empty when the breakdown is not known),
    general and task points, the total, the rulebook and criteria set that produced them."""

    year: int
    rulebook: str
    criteria_set: str
    criteria: dict[str, Decimal]
    general: Decimal | None
    task: Decimal | None
    total: Decimal | None
    periods: tuple[PeriodPoints, ...]
    stored: bool = False  # read from the decision's snapshot

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "taken_at": utcnow().isoformat(),
            "year": self.year,
            "rulebook": self.rulebook,
            "criteria_set": self.criteria_set,
            "criteria": {code: str(points) for code, points in self.criteria.items()},
            "general": _text(self.general),
            "task": _text(self.task),
            "total": _text(self.total),
            "periods": [
                {
                    "kind": p.kind.value if p.kind else None,
                    "number": p.number,
                    "general": _text(p.general),
                    "computed_task": _text(p.computed_task),
                    "task": str(p.task),
                    "adjustment_reason": p.adjustment_reason,
                    "tasks": p.tasks,
                }
                for p in self.periods
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> YearPoints:
        year = int(data["year"])
        return cls(
            year=year,
            rulebook=data["rulebook"],
            criteria_set=data["criteria_set"],
            criteria={code: Decimal(points) for code, points in data["criteria"].items()},
            general=_number(data["general"]),
            task=_number(data["task"]),
            total=_number(data["total"]),
            periods=tuple(
                PeriodPoints(
                    year=year,
                    kind=PeriodKind(p["kind"]) if p["kind"] else None,
                    number=int(p["number"]),
                    general=_number(p["general"]),
                    computed_task=_number(p["computed_task"]),
                    task=Decimal(p["task"]),
                    adjustment_reason=p["adjustment_reason"],
                    tasks=p["tasks"],
                )
                for p in data["periods"]
            ),
            stored=True,
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _cents(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def apportion(raw: Mapping[str, Decimal], target: Decimal) -> dict[str, Decimal]:
    """Round each value to hundredths so that they sum exactly to `target` (largest remainder).

    `target` must be within half a hundredth per value of the raw sum, as a rounded mean is.
    """
    floors = {code: value.quantize(CENT, rounding=ROUND_DOWN) for code, value in raw.items()}
    extra = int((target - sum(floors.values(), Decimal(0))) / CENT)
    if not 0 <= extra <= len(raw):
        raise ValueError("target is not a rounding of the values")
    ordered = sorted(raw, key=lambda code: (floors[code] - raw[code], list(raw).index(code)))
    for code in ordered[:extra]:
        floors[code] += CENT
    return floors


def _criteria_points(
    scores: Sequence[PeriodScore], codes: Sequence[str], general: Decimal
) -> dict[str, Decimal]:
    """The year's mean per general criterion, summing to `general`; empty when some period's
    breakdown does not account for its general points (then no criterion row is known)."""
    if not scores or not codes:
        return {}
    for score in scores:
        breakdown = score.general_breakdown or {}
        if set(breakdown) != set(codes):
            return {}
        if sum((Decimal(str(v)) for v in breakdown.values()), Decimal(0)) != score.general_points:
            return {}
    count = Decimal(len(scores))
    raw = {
        code: sum((Decimal(str(s.general_breakdown[code])) for s in scores), Decimal(0)) / count
        for code in codes
    }
    try:
        return apportion(raw, general)
    except ValueError:
        return {}


def year_scores(session: Session, person_id: int, year: int) -> list[PeriodScore]:
    """The year's period scores in the order the rulebook's facts list them."""
    return list(
        session.scalars(
            sa.select(PeriodScore)
            .where(PeriodScore.person_id == person_id, PeriodScore.period_year == year)
            .order_by(PeriodScore.period_kind, PeriodScore.period_number)
        )
    )


def task_counts(session: Session, person_id: int, year: int) -> dict[tuple[PeriodKind, int], int]:
    """How many tasks each of the person's plans of the year holds, keyed by period."""
    rows = session.execute(
        sa.select(Plan.period_kind, Plan.period_number, sa.func.count(Task.id))
        .join(Task, Task.plan_id == Plan.id)
        .where(Plan.person_id == person_id, Plan.period_year == year)
        .group_by(Plan.period_kind, Plan.period_number)
    ).all()
    return {(kind, number): count for kind, number, count in rows}


def _matches_facts(facts: Mapping[str, Any], scores: Sequence[PeriodScore]) -> bool:
    """Do today's scores still say what the rulebook was given (general mean, task points)?"""
    task_points = facts.get("period_task_points") or []
    if len(task_points) != len(scores):
        return False
    if any(_cents(p) != s.task_points for p, s in zip(task_points, scores, strict=True)):
        return False
    general = facts.get("general_points")
    if not scores:
        return general is None
    return general is not None and float(general) == _general_mean(scores)


def _general_mean(scores: Sequence[PeriodScore]) -> float | None:
    """The year's general points exactly as the rulebook's facts carry them."""
    return year_general_points(s.general_points for s in scores)


def build(
    session: Session,
    evaluation: AnnualEvaluation,
    person: Person,
    criteria_set: CriteriaSet,
) -> YearPoints:
    """The year's points from the records, agreeing with the evaluation's rulebook result.

    An evaluation refreshed from today's records (a preview, or at the moment of deciding)
    matches today's scores, and every row is known. A decision taken before snapshots were
    stored whose scores have changed since keeps its facts: the general and task points the
    rulebook was given, per period, without the criterion breakdown it did not keep.
    """
    year = evaluation.year
    scores = year_scores(session, person.id, year)
    facts = evaluation.facts or {}
    known = "general_points" in facts and "period_task_points" in facts
    codes = [
        c.code for group in criteria_set.groups if group.code == "general" for c in group.criteria
    ]
    periods: tuple[PeriodPoints, ...]
    if not known or _matches_facts(facts, scores):
        counts = task_counts(session, person.id, year)
        periods = tuple(
            PeriodPoints(
                year=year,
                kind=s.period_kind,
                number=s.period_number,
                general=s.general_points,
                computed_task=s.computed_task_points,
                task=s.task_points,
                adjustment_reason=s.adjustment_reason,
                tasks=counts.get((s.period_kind, s.period_number), 0),
            )
            for s in scores
        )
        general = (
            _cents(facts["general_points"])
            if known and facts["general_points"] is not None
            else (_cents(_general_mean(scores)) if scores else None)
        )
        criteria = _criteria_points(scores, codes, general) if general is not None else {}
    else:
        periods = tuple(
            PeriodPoints(year, None, index, None, None, _cents(points), None, None)
            for index, points in enumerate(facts["period_task_points"], start=1)
        )
        general = _cents(facts["general_points"]) if facts["general_points"] is not None else None
        criteria = {}
    task = _cents(fmean(float(p.task) for p in periods)) if periods else None
    total = evaluation.computed_points
    if total is not None and general is not None:
        task = total - general  # the rulebook rounded the sum once; the rows follow it
    elif general is not None and task is not None:
        total = general + task
    return YearPoints(
        year=year,
        rulebook=evaluation.rulebook,
        criteria_set=criteria_set.id,
        criteria=criteria,
        general=general,
        task=task,
        total=total,
        periods=periods,
    )


def points_of(
    session: Session,
    evaluation: AnnualEvaluation,
    person: Person,
    criteria_set: CriteriaSet,
) -> YearPoints:
    """What an export prints: the stored snapshot of a decision, else the record built now."""
    if evaluation.locked and evaluation.decision_snapshot:
        return YearPoints.from_json(evaluation.decision_snapshot)
    return build(session, evaluation, person, criteria_set)
