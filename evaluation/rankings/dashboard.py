"""The dashboard's figures: headcount by level and year, overdue tasks by month, the units'
ranking trend and the annual procedure's completion by agency. Each is a SQL aggregate (or the
ranking page's own computation, month by month); the template draws them as SVG with a table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import Level, decision_deadline
from evaluation.core.levels import level_in_force_sql
from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import agencies_among
from evaluation.plans.models import Plan, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import services
from evaluation.scoring import queries
from evaluation.scoring.models import AnnualEvaluation

YEARS_SHOWN = 4  # headcount by level: this year and the three before
TREND_MONTHS = 6  # the ranking trend: this month and the five before
TREND_UNITS = 6  # lines on the trend chart (the table lists the same units)


def is_open(period: Period, today: date) -> bool:
    """A period not yet over: its figures are provisional ("tạm tính")."""
    return period.ends_on >= today


def _in_reach(viewer: Viewer) -> sa.ColumnElement[bool]:
    """Units the viewer ranks (`routes.units_in_reach`), as a condition on `Unit`."""
    if viewer.is_admin:
        return sa.true()
    return sa.or_(sa.false(), *(Unit.path.startswith(path) for path in viewer.reach_paths))


@dataclass(frozen=True)
class YearLevels:
    year: int
    levels: Counter[str]  # level value → people
    provisional: bool

    @property
    def total(self) -> int:
        return sum(self.levels.values())


def headcount_by_level(
    session: Session, viewer: Viewer, today: date, years: int = YEARS_SHOWN
) -> list[YearLevels]:
    """People per level in force, year by year, in one GROUP BY over the evaluations in reach."""
    first = today.year - years + 1
    level = level_in_force_sql(AnnualEvaluation)
    rows = session.execute(
        sa.select(AnnualEvaluation.year, level, sa.func.count(AnnualEvaluation.id))
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(_in_reach(viewer), AnnualEvaluation.year.between(first, today.year))
        .group_by(AnnualEvaluation.year, level)
    )
    counts: dict[int, Counter[str]] = {year: Counter() for year in range(first, today.year + 1)}
    for year, value, count in rows:
        counts[year][Level(value).value] += count
    return [
        YearLevels(year, counts[year], is_open(Period(PeriodKind.YEAR, year, 1), today))
        for year in sorted(counts)
    ]


@dataclass(frozen=True)
class MonthTasks:
    month: int
    overdue: int  # still open past the deadline (`Task.overdue_clause`)
    done_late: int
    provisional: bool


def overdue_by_month(session: Session, viewer: Viewer, today: date) -> list[MonthTasks]:
    """This year's people's tasks by the month of their deadline: those still overdue today and
    those finished late, in one GROUP BY."""
    month = sa.extract("month", Task.deadline)
    rows = session.execute(
        sa.select(
            month,
            sa.func.count(sa.case((Task.overdue_clause(today), 1))),
            sa.func.count(sa.case((Task.outcome == TaskOutcome.DONE_LATE, 1))),
        )
        .join(Plan, Task.plan_id == Plan.id)
        .join(Unit, Plan.unit_id == Unit.id)
        .where(
            _in_reach(viewer),
            Plan.person_id.is_not(None),
            Task.deadline.between(date(today.year, 1, 1), min(today, date(today.year, 12, 31))),
        )
        .group_by(month)
    )
    found = {int(number): (overdue, late) for number, overdue, late in rows}
    return [
        MonthTasks(
            number,
            *found.get(number, (0, 0)),
            provisional=is_open(Period(PeriodKind.MONTH, today.year, number), today),
        )
        for number in range(1, today.month + 1)
    ]


@dataclass(frozen=True)
class Trend:
    """Each unit's place in its peer group, month by month (None: not ranked that month)."""

    months: list[Period]
    units: list[Unit]
    places: dict[int, list[int | None]]  # unit id → place per month
    group_size: int
    provisional: list[bool] = field(default_factory=list)


def ranking_trend(
    session: Session, units: Sequence[Unit], today: date, months: int = TREND_MONTHS
) -> Trend | None:
    """The top peer group of the ranking page, ranked as that page ranks it
    (`services.rankings`), for each of the last `months` months of this year."""
    by_id = {unit.id: unit for unit in units}
    heads = services.group_heads(units, by_id)
    shown = services.top_heads(heads, by_id)
    ranked = {unit.id for unit in units if services.peer_key(unit, by_id)[0] in shown}
    if len(ranked) < 2:
        return None
    first = max(1, today.month - months + 1)
    periods = [Period(PeriodKind.MONTH, today.year, m) for m in range(first, today.month + 1)]
    places: dict[int, list[int | None]] = {}
    group: list[int] | None = None
    for index, period in enumerate(periods):
        results = services.unit_results(session, units, period, today, only=ranked)
        groups = services.rankings(results, {}, by_id, under=shown)
        if not groups:
            continue
        biggest = max(groups, key=lambda g: len(g.rows))
        if group is None or index == len(periods) - 1:
            group = [row.result.unit.id for row in biggest.rows]
        for row in biggest.rows:
            places.setdefault(row.result.unit.id, [None] * len(periods))[index] = row.position
    if group is None:
        return None
    chosen = group[:TREND_UNITS]  # the best placed in the latest month
    return Trend(
        months=periods,
        units=[by_id[ident] for ident in chosen],
        places={ident: places.get(ident, [None] * len(periods)) for ident in chosen},
        group_size=len(group),
        provisional=[is_open(period, today) for period in periods],
    )


@dataclass(frozen=True)
class Completion:
    agency: Unit
    people: int
    decided: int

    @property
    def pct(self) -> float:
        return round(100 * self.decided / self.people, 1) if self.people else 0.0


def completion_by_agency(session: Session, units: Sequence[Unit], year: int) -> list[Completion]:
    """Decisions taken against the people of each agency (`scoring.queries.agency_progress`)."""
    return [
        Completion(item.agency, item.people, item.decided)
        for item in queries.agency_progress(session, units, year)
    ]


def family(viewer: Viewer, today: date, language: str) -> tuple[Hashable, ...]:
    """What the dashboard's content depends on besides the data: the reader's view of it."""
    return (
        "dashboard", today, language, viewer.is_admin, viewer.is_personnel,
        viewer.managed_unit_id if viewer.is_manager else None, viewer.reach_paths,
    )  # fmt: skip


def dashboard(
    session: Session, viewer: Viewer, units: Sequence[Unit], today: date
) -> dict[str, object]:
    """Everything the dashboard shows to this viewer."""
    year = Period(PeriodKind.YEAR, today.year, 1)
    results = services.unit_results(session, units, year, today)
    context: dict[str, object] = {
        "year": today.year,
        "today": today,
        "results": results,
        "provisional": is_open(year, today),
        "headcount": headcount_by_level(session, viewer, today),
        "overdue_months": overdue_by_month(session, viewer, today),
        "trend": ranking_trend(session, units, today),
    }
    if viewer.is_manager and viewer.managed_unit_id in results:
        unit = results[viewer.managed_unit_id].unit
        points = services.monthly_points(session, unit, today.year)
        lateness = services.monthly_lateness(session, unit, today.year, today)
        months = range(1, today.month + 1)
        context["managed"] = results[unit.id]
        context["points_trend"] = [(f"{m}", points.get(m)) for m in months]
        context["late_trend"] = [(f"{m}", lateness.get(m)) for m in months]
    if viewer.is_personnel or viewer.is_admin:
        agencies = agencies_among(units)
        context["agency_results"] = [results[a.id] for a in agencies]
        context["completion"] = completion_by_agency(session, units, today.year)
        context["deadline"] = decision_deadline(today.year)
    return context
