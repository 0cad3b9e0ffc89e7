"""The facts a classification needs (rules.md §3), parsed from the classify contract's JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from statistics import fmean
from typing import Any

from criteria import parsing as p
from criteria.errors import InvalidFacts
from criteria.levels import DisciplineForm, GeneralAssessment, Level, StaffCategory
from criteria.policy import DEFAULT_POLICY, Policy
from criteria.scoring import general_level_from_points

RULEBOOK_NAMES = ("nd90", "nd335")
_SUB_UNIT_LEVELS = (Level.XUAT_SAC, Level.TOT, Level.HOAN_THANH, Level.KHONG_HOAN_THANH)


@dataclass(frozen=True)
class Discipline:
    """One discipline decision; several decisions may share a `violation` (D3)."""

    violation: str
    year_effective: int
    form: DisciplineForm
    party: bool = False
    duty_related: bool = True
    counted_in_year: int | None = None  # D2: the year it already produced khong_hoan_thanh


@dataclass(frozen=True)
class TaskFacts:
    """One task criterion of the year (ND90 Art. 8–15)."""

    completed: bool = True
    on_time: bool = True
    quality: bool = True
    exceeded: bool = False

    @property
    def missed(self) -> bool:
        """Missed on progress, quality or efficiency; not completed counts as missed on progress."""
        return not (self.completed and self.on_time and self.quality)


@dataclass(frozen=True)
class UnitFacts:
    """The unit a leader heads (ND90 Art. 3 cl. 5(a); K2, X2, T2, H2, S6)."""

    targets_completed_pct: float = 100
    targets_on_time_pct: float = 100
    targets_exceeded_pct: float = 50
    sub_unit_levels: tuple[Level, ...] = ()
    corruption_handled: bool = False


@dataclass(frozen=True)
class Facts:
    """Everything `classify` looks at; the defaults are those of the classify contract."""

    year: int = 2025
    category: StaffCategory = StaffCategory.CONG_CHUC
    leader: bool = False
    months_worked: float = 12
    leave_months: float = 0
    maternity_leave: bool = False
    general: GeneralAssessment = GeneralAssessment.GOOD
    degradation: bool = False
    # ND335 (S6, point b): breaching what Party members must not do; breaching the duty to set
    # an example (trách nhiệm nêu gương). Grounds of ND335 only; ND90 does not list them.
    party_prohibitions_breached: bool = False
    example_duty_breached: bool = False
    disciplines: tuple[Discipline, ...] = ()
    tasks: tuple[TaskFacts, ...] = ()
    unit: UnitFacts | None = None
    general_points: float | None = None
    period_task_points: tuple[float, ...] = ()
    points_ceiling: bool | None = None  # None: the policy decides (B1)
    rulebook: str | None = None  # None: chosen from year and category

    @property
    def points(self) -> float | None:
        """General points + the unweighted mean of the period task points (S1, S4)."""
        if self.general_points is None or not self.period_task_points:
            return None
        return round(self.general_points + fmean(self.period_task_points), 2)

    @cached_property
    def task_counts(self) -> tuple[int, int, int, int]:
        """Tasks: all, missed, not completed, exceeded. Several rules ask; count once."""
        missed = not_completed = exceeded = 0
        for task in self.tasks:
            missed += task.missed
            not_completed += not task.completed
            exceeded += task.exceeded
        return len(self.tasks), missed, not_completed, exceeded

    @property
    def leads(self) -> bool:
        """Leaders, and cadres (whose articles include the unit's results), use X2/T2/H2."""
        return self.leader or self.category is StaffCategory.CAN_BO


def with_task_counts(facts: Facts, counts: tuple[int, int, int, int]) -> Facts:
    """`facts`, with the task counts a caller already has (the year-end counts them from a few
    grouped rows per person): `task_counts` then answers them instead of walking the tasks
    again, hundreds per person. They must be the counts of `facts.tasks`."""
    facts.__dict__["task_counts"] = counts  # cached_property's own place: as if counted
    return facts


_FACT_FIELDS = {
    "rulebook",
    "year",
    "category",
    "leader",
    "months_worked",
    "leave_months",
    "maternity_leave",
    "general",
    "degradation",
    "party_prohibitions_breached",
    "example_duty_breached",
    "disciplines",
    "tasks",
    "unit",
    "general_points",
    "period_task_points",
    "points_ceiling",
}
_DISCIPLINE_FIELDS = {
    "violation",
    "year_effective",
    "form",
    "party",
    "duty_related",
    "counted_in_year",
}
_TASK_FIELDS = {"completed", "on_time", "quality", "exceeded"}
_UNIT_FIELDS = {
    "targets_completed_pct",
    "targets_on_time_pct",
    "targets_exceeded_pct",
    "sub_unit_levels",
    "corruption_handled",
}


def parse_facts(obj: object, policy: Policy = DEFAULT_POLICY) -> Facts:
    """Validate one facts object of the classify contract; raise InvalidFacts naming the field.

    When `general` is absent and `general_points` is given, the general assessment is taken from
    the points with the policy's mapping (≥27 good, ≥15 meet): a policy of this system, since
    ND90 assesses the general criteria in words, not points (classify-contract.md).
    """
    data = p.as_object(obj, "")
    p.reject_unknown(data, _FACT_FIELDS, "")
    general_points = p.get_optional_number(data, "general_points", "", 0, 30)
    if data.get("general") is None and general_points is not None:
        general = general_level_from_points(general_points, policy)
    else:
        general = p.get_enum(data, "general", "", GeneralAssessment, GeneralAssessment.GOOD)
    return Facts(
        rulebook=_parse_rulebook(data.get("rulebook")),
        year=p.get_int(data, "year", "", 1990, 2100, 2025),
        category=p.get_enum(data, "category", "", StaffCategory, StaffCategory.CONG_CHUC),
        leader=p.get_bool(data, "leader", "", False),
        months_worked=p.get_number(data, "months_worked", "", 0, 12, 12),
        leave_months=p.get_number(data, "leave_months", "", 0, 12, 0),
        maternity_leave=p.get_bool(data, "maternity_leave", "", False),
        general=general,
        degradation=p.get_bool(data, "degradation", "", False),
        party_prohibitions_breached=p.get_bool(data, "party_prohibitions_breached", "", False),
        example_duty_breached=p.get_bool(data, "example_duty_breached", "", False),
        disciplines=tuple(
            _parse_discipline(item, p.path("disciplines", i))
            for i, item in enumerate(p.get_list(data, "disciplines", ""))
        ),
        tasks=tuple(
            _parse_task(item, p.path("tasks", i))
            for i, item in enumerate(p.get_list(data, "tasks", ""))
        ),
        unit=None if data.get("unit") is None else _parse_unit(data["unit"], "unit"),
        general_points=general_points,
        period_task_points=tuple(
            p.check_number(value, p.path("period_task_points", i), 0, 70)
            for i, value in enumerate(p.get_list(data, "period_task_points", ""))
        ),
        points_ceiling=(
            None if data.get("points_ceiling") is None else p.get_bool(data, "points_ceiling", "")
        ),
    )


def _parse_rulebook(value: object) -> str | None:
    """Accept "nd90", "nd335" or a pinned version such as "nd90@1"."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidFacts("rulebook", "expected a string")
    name, _, version = value.partition("@")
    if name not in RULEBOOK_NAMES or version not in ("", "1"):
        raise InvalidFacts("rulebook", f"unknown rulebook {value!r}; expected nd90 or nd335")
    return name


def _parse_discipline(obj: object, where: str) -> Discipline:
    data = p.as_object(obj, where)
    p.reject_unknown(data, _DISCIPLINE_FIELDS, where)
    return Discipline(
        violation=p.get_str(data, "violation", where, where),
        year_effective=p.get_int(data, "year_effective", where, 1990, 2100),
        form=p.get_enum(data, "form", where, DisciplineForm),
        party=p.get_bool(data, "party", where, False),
        duty_related=p.get_bool(data, "duty_related", where, True),
        counted_in_year=p.get_optional_int(data, "counted_in_year", where, 1990, 2100),
    )


def _parse_task(obj: object, where: str) -> TaskFacts:
    data = p.as_object(obj, where)
    p.reject_unknown(data, _TASK_FIELDS, where)
    return TaskFacts(
        completed=p.get_bool(data, "completed", where, True),
        on_time=p.get_bool(data, "on_time", where, True),
        quality=p.get_bool(data, "quality", where, True),
        exceeded=p.get_bool(data, "exceeded", where, False),
    )


def _parse_unit(obj: object, where: str) -> UnitFacts:
    data: Mapping[str, Any] = p.as_object(obj, where)
    p.reject_unknown(data, _UNIT_FIELDS, where)
    levels = []
    for i, value in enumerate(p.get_list(data, "sub_unit_levels", where)):
        level = p.check_enum(value, p.path(f"{where}.sub_unit_levels", i), Level)
        if level not in _SUB_UNIT_LEVELS:
            raise InvalidFacts(p.path(f"{where}.sub_unit_levels", i), "expected a classified level")
        levels.append(level)
    return UnitFacts(
        targets_completed_pct=p.get_number(data, "targets_completed_pct", where, 0, 100, 100),
        targets_on_time_pct=p.get_number(data, "targets_on_time_pct", where, 0, 100, 100),
        targets_exceeded_pct=p.get_number(data, "targets_exceeded_pct", where, 0, 100, 50),
        sub_unit_levels=tuple(levels),
        corruption_handled=p.get_bool(data, "corruption_handled", where, False),
    )
