"""Unit results and rankings for any period, computed set-based.

Five aggregate queries read a period's rows once each, grouped by unit (own targets, members'
scores, members' levels, task lateness, discipline); the roll-up up the tree then works on
those few per-unit sums, never on the rows themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Session, joinedload

from criteria import Level
from criteria.unit_results import Ranked, UnitFigures, UnitScore, rank, unit_score
from evaluation.core import page_cache
from evaluation.core.memo import Recent
from evaluation.organisation.models import Person, Unit, UnitKind, UnitLike
from evaluation.organisation.permissions import Viewer
from evaluation.plans.models import Plan, Task, TaskOutcome, in_period
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings.stored import stored_key, stored_period_sums, tree_revision
from evaluation.rankings.sums import PeriodSums, period_sums, score_scope
from evaluation.scoring.facts import provide_sub_unit_levels
from evaluation.scoring.models import PeriodScore


@dataclass
class _Sums:
    """Per-unit sums that add up the tree."""

    members: int = 0
    points: float = 0.0
    tasks: int = 0
    late: int = 0
    disciplined: int = 0
    levels: Counter[Level] = field(default_factory=Counter)

    def add(self, other: _Sums) -> None:
        self.members += other.members
        self.points += other.points
        self.tasks += other.tasks
        self.late += other.late
        self.disciplined += other.disciplined
        for level, count in other.levels.items():  # Counter.update's checks cost, ×10 000
            self.levels[level] += count


@dataclass(frozen=True)
class UnitResult:
    unit: UnitLike
    figures: UnitFigures
    score: UnitScore
    levels: Counter[Level]
    tasks: int
    overdue_pct: float

    @property
    def ranked(self) -> Ranked:
        return Ranked(
            key=str(self.unit.id),
            name=self.unit.name,
            points=self.score.points,
            completed_pct=self.figures.completed_pct,
            overdue_pct=self.overdue_pct,
            disciplined=self.figures.disciplined,
        )


def unit_results(
    session: Session,
    units: Sequence[UnitLike],
    period: Period,
    today: date,
    only: Collection[int] | None = None,
) -> dict[int, UnitResult]:
    """Every given unit's result for the period (or those in `only`), its subtree's members
    rolled up into it.

    A closed period's sums come from `stored` (kept until their inputs change)."""
    return roll_up(units, stored_period_sums(session, period, today, period_sums), only)


@provide_sub_unit_levels
def sub_unit_levels(session: Session, unit: Unit, year: int, as_of: date) -> tuple[Level, ...]:
    """X2/T2/H2/K2: the year's results of the units a leader manages directly (policy
    unit-result@1), each with its own subtree rolled up."""
    children = session.scalars(
        sa.select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.id)
    ).all()
    if not children:
        return ()
    subtree = session.scalars(
        sa.select(Unit).where(sa.or_(*(Unit.path.startswith(c.path) for c in children)))
    ).all()
    results = unit_results(session, subtree, Period(PeriodKind.YEAR, year, 1), as_of)
    return tuple(
        level for child in children if (level := results[child.id].score.level) is not None
    )


# Rolled-up totals by the sums they came from and the tree they were added over: a ranking
# page asks for the same stored year over the same 1 500 units on every request.
_TreeKey = tuple[int, tuple[tuple[int, str], ...]]  # the sums' identity, (id, path) per unit
_ROLLED: Recent[_TreeKey, tuple[PeriodSums, dict[int, _Sums]]] = Recent(16)


def _rolled_totals(units: Sequence[UnitLike], period: PeriodSums) -> dict[int, _Sums]:
    """Each unit's own sums added to it and to every ancestor among `units` (read-only)."""
    key = (id(period), tuple((unit.id, unit.path) for unit in units))
    kept = _ROLLED.get(key)
    if kept is not None and kept[0] is period:  # the same object: its id was not reused
        return kept[1]
    members, annual = period.members, period.annual
    rolled = {unit.id: _Sums() for unit in units}
    for unit in units:
        scored, points, levels = members.get(unit.id, (0, 0.0, Counter()))
        tasks, late = period.lateness.get(unit.id, (0, 0))
        own = _Sums(
            members=scored,
            points=points,
            tasks=tasks,
            late=late,
            disciplined=period.disciplined.get(unit.id, 0),
            levels=(annual.get(unit.id) or Counter()) if annual is not None else levels,
        )
        for ancestor_id in (int(part) for part in unit.path.strip("/").split("/")):
            if ancestor_id in rolled:
                rolled[ancestor_id].add(own)
    _ROLLED.put(key, (period, rolled))
    return rolled


def roll_up(
    units: Sequence[UnitLike], period: PeriodSums, only: Collection[int] | None = None
) -> dict[int, UnitResult]:
    """Add each unit's sums to it and its ancestors among `units`, then score each unit (or
    those in `only`: a page ranking 300 of 1 500 units scores 300)."""
    own = period.own
    rolled = _rolled_totals(units, period)
    results = {}
    for unit in units:
        if only is not None and unit.id not in only:
            continue
        total = rolled[unit.id]
        targets, done, on_time, exceeded = own.get(unit.id, (0, 0, 0, 0))
        figures = UnitFigures(
            targets=targets,
            completed=done,
            on_time=on_time,
            exceeded=exceeded,
            members_scored=total.members,
            members_average=round(total.points / total.members, 2) if total.members else None,
            disciplined=total.disciplined,
        )
        results[unit.id] = UnitResult(
            unit=unit,
            figures=figures,
            score=unit_score(figures),
            levels=total.levels,
            tasks=total.tasks,
            overdue_pct=round(100 * total.late / total.tasks, 2) if total.tasks else 0.0,
        )
    return results


# --- rankings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedUnit:
    position: int
    result: UnitResult
    previous: int | None  # the rank in the previous period, in the same group

    @property
    def change(self) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        if not self.previous or not self.position:
            return None
        return self.previous - self.position


@dataclass(frozen=True)
class RankingGroup:
    title_unit: Unit | None  # the unit above the group
    kind: UnitKind
    rows: list[RankedUnit]


def peer_key(unit: Unit, by_id: dict[int, Unit]) -> tuple[int | None, UnitKind]:
    """Units of the same kind under the same agency above them (all communes of a province,
    all divisions of a department) compete in one ranking."""
    parent = by_id.get(unit.parent_id) if unit.parent_id else None
    while parent is not None and parent.kind is UnitKind.DIVISION:
        parent = by_id.get(parent.parent_id) if parent.parent_id else None
    return (parent.id if parent else None, unit.kind)


def group_heads(units: Sequence[Unit], by_id: dict[int, Unit]) -> dict[int | None, int]:
    """The units above a ranked peer group (two units or more; None: the top of the tree),
    with how many units they rank: the levels a ranking page can show one at a time."""
    sizes = Counter(peer_key(unit, by_id) for unit in units)
    heads: Counter[int | None] = Counter()
    for (above, _kind), size in sizes.items():
        if size >= 2:
            heads[above] += size
    return dict(heads)


def top_heads(heads: Collection[int | None], by_id: dict[int, Unit]) -> set[int | None]:
    """The shallowest heads: where a ranking page starts (a province: its departments and
    communes, not the divisions of each)."""
    if not heads:
        return set()
    depth = {head: by_id[head].depth if head is not None else -1 for head in heads}
    shallowest = min(depth.values())
    return {head for head, d in depth.items() if d == shallowest}


def rankings(
    results: dict[int, UnitResult],
    previous: dict[int, UnitResult],
    by_id: dict[int, Unit],
    under: Collection[int | None] | None = None,
) -> list[RankingGroup]:
    """Peer groups ranked by the documented rule, with each unit's rank one period before;
    only the groups right under `under` when given."""
    groups: dict[tuple[int | None, UnitKind], list[UnitResult]] = defaultdict(list)
    for result in results.values():
        key = peer_key(result.unit, by_id)
        if under is None or key[0] in under:
            groups[key].append(result)
    ranked_groups = []
    for (above_id, kind), members in sorted(
        groups.items(),
        key=lambda item: (by_id[item[0][0]].path if item[0][0] else "", item[0][1].value),
    ):
        if len(members) < 2:
            continue  # nobody to compare with
        before = {
            entry.key: position
            for position, entry in rank(
                [previous[m.unit.id].ranked for m in members if m.unit.id in previous]
            )
        }
        order = rank([member.ranked for member in members])
        by_key = {str(member.unit.id): member for member in members}
        ranked_groups.append(
            RankingGroup(
                title_unit=by_id.get(above_id) if above_id else None,
                kind=kind,
                rows=[
                    RankedUnit(position, by_key[entry.key], before.get(entry.key))
                    for position, entry in order
                ],
            )
        )
    return ranked_groups


def ranking_cache_key(
    session: Session, period: Period, today: date, viewer: Viewer, under: int | None
) -> tuple[Hashable, ...] | None:
    """What a ranking page's content depends on: both periods' stored rows, the tree, the
    reader's reach, the language (None: a period not stored for today, rendered each time)."""
    before = previous_period(period)
    return page_cache.cache_key(
        (
            stored_key(session, period, today),
            stored_key(session, before, today),
            tree_revision(session),
        ),
        *ranking_family(period, viewer, under),
    )


def ranking_family(period: Period, viewer: Viewer, under: int | None) -> tuple[Hashable, ...]:
    """The ranking page whatever the version of its rows: one reader's view of one period."""
    return ("ranking", period.key, viewer.is_admin, viewer.reach_paths, under, str(get_locale()))


def previous_period(period: Period) -> Period:
    day = period.starts_on.toordinal() - 1
    return Period.containing(period.kind, date.fromordinal(day))


# --- drill-down ---------------------------------------------------------------------------


def unit_members(session: Session, unit: Unit, period: Period) -> list[tuple[Person, float, int]]:
    """The people behind a unit's result: mean points and number of scores in the period."""
    scored = (
        sa.select(
            PeriodScore.person_id,
            sa.func.avg(PeriodScore.general_points + PeriodScore.task_points).label("points"),
            sa.func.count(PeriodScore.id).label("scores"),
        )
        .join(Unit, PeriodScore.unit_id == Unit.id)
        .where(Unit.path.startswith(unit.path), score_scope(period))
        .group_by(PeriodScore.person_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Person, scored.c.points, scored.c.scores)
        .join(scored, scored.c.person_id == Person.id)
        .options(joinedload(Person.unit))
        .order_by(scored.c.points.desc(), Person.full_name)
    )
    return [(person, float(points), count) for person, points, count in rows]


def unit_targets(session: Session, unit: Unit, period: Period) -> list[Task]:
    """The unit's own targets for the period, behind the first part of its result."""
    return list(
        session.scalars(
            sa.select(Task)
            .join(Plan)
            .where(Plan.person_id.is_(None), Plan.unit_id == unit.id, in_period(Plan, period))
            .order_by(Task.deadline, Task.id)
        )
    )


# --- trends for the dashboards --------------------------------------------------------------


def monthly_points(session: Session, unit: Unit, year: int) -> dict[int, float]:
    """Mean total points of the unit's subtree, month by month, in one query."""
    rows = session.execute(
        sa.select(
            PeriodScore.period_number,
            sa.func.avg(PeriodScore.general_points + PeriodScore.task_points),
        )
        .join(Unit, PeriodScore.unit_id == Unit.id)
        .where(
            Unit.path.startswith(unit.path),
            PeriodScore.period_year == year,
            PeriodScore.period_kind == PeriodKind.MONTH,
        )
        .group_by(PeriodScore.period_number)
    )
    return {month: round(float(points), 2) for month, points in rows}


def monthly_lateness(session: Session, unit: Unit, year: int, today: date) -> dict[int, float]:
    """Share of the subtree's month-plan tasks late or still open late, month by month."""
    late = sa.or_(
        Task.outcome.in_((TaskOutcome.DONE_LATE, TaskOutcome.NOT_DONE)),
        sa.and_(Task.outcome.is_(None), Task.deadline < today),
    )
    rows = session.execute(
        sa.select(Plan.period_number, sa.func.count(Task.id), sa.func.count(sa.case((late, 1))))
        .join(Plan, Task.plan_id == Plan.id)
        .join(Unit, Plan.unit_id == Unit.id)
        .where(
            Unit.path.startswith(unit.path),
            Plan.person_id.is_not(None),
            Plan.period_year == year,
            Plan.period_kind == PeriodKind.MONTH,
            Task.outcome.is_(None) | (Task.outcome != TaskOutcome.CANCELLED),
        )
        .group_by(Plan.period_number)
    )
    return {month: round(100 * late_count / total, 1) for month, total, late_count in rows if total}
