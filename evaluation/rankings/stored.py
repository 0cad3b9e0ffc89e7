"""Closed periods' unit sums, stored one row per (period, unit) and kept by the writes.

A closed period's five aggregates (`sums.period_sums`) read millions of task rows for a
province, yet rarely change: a late report, a reopened evaluation, a discipline record. So a
closed period, once filled (by `fill`, a command or a background job, never by a page), has a
header row and one row of sums per unit with figures. From then on:

- **A write recomputes only the units it touched**, in its own transaction: the flush that
  changes a task, a plan, a score, an evaluation, a discipline record or a placement (the
  input tables, `INPUTS` below) re-reads those units' rows for each stored period they fall
  in, and bumps that period's version. The header's row lock orders concurrent writers of a
  period, so each recomputes after the previous one committed.
- **A read never writes.** It reads the header's version, then the period's rows (once per
  version and process, `_DECODED`), so every page works on a read-only replica. A period with
  no header is computed in full, once per process however many readers wait for it
  (single-flight), and a fill is asked for in the background.
- Statements that write input rows in bulk say which rows they insert; an UPDATE or DELETE in
  bulk does not, so it drops every header (the periods are filled again) — as does
  `forget_all`, for writers past the application (plain SQL).
- The same writes keep the persons' task counts of the year-end (`task_counts`).

`tree_revision` counts changes to the unit tree, so a cached page names the tree it showed.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from criteria import Level
from evaluation.core.clock import local_today
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow, writing
from evaluation.core.memo import Recent
from evaluation.organisation.models import Placement, Unit
from evaluation.plans.models import Plan, Task
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import task_counts
from evaluation.rankings.sums import PeriodSums, period_sums
from evaluation.records.models import DisciplineRecord
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

log = logging.getLogger(__name__)

_LEVELS = {level.value: level for level in Level}
STORED_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
LAST_DAY = date(9999, 12, 31)


class StoredPeriod(Base):
    """A closed period whose unit rows are complete: filled once, then kept by every write.

    `version` and `changed_at` change with every write that recomputes a row of the period;
    together with `filled_at` they name what a reader derived from the rows."""

    __tablename__ = "stored_period"
    __table_args__ = ({"info": {"derived": True}},)

    period_kind: Mapped[PeriodKind] = mapped_column(
        enum_type(PeriodKind, "stored_period_kind"), primary_key=True
    )
    period_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period_number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=1)
    # The day the rows count lateness for: a period still open is stored for one day at a
    # time (its open tasks fall late as days pass), a closed one for good.
    as_of: Mapped[date]
    filled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def holds_for(period: Period, as_of: date, today: date) -> bool:
    """Whether rows counted as of `as_of` are right on `today`: always once the period had
    ended by `as_of`, else only on that very day."""
    return as_of == today or period.ends_on < as_of


class UnitPeriodSums(Base):
    """One unit's own sums for a stored period (no row: nothing of its own to count)."""

    __tablename__ = "unit_period_sums"
    __table_args__ = (
        sa.ForeignKeyConstraint(
            ["period_kind", "period_year", "period_number"],
            [StoredPeriod.period_kind, StoredPeriod.period_year, StoredPeriod.period_number],
            ondelete="CASCADE",
        ),
        {"info": {"derived": True}},
    )

    period_kind: Mapped[PeriodKind] = mapped_column(
        enum_type(PeriodKind, "unit_sums_period_kind"), primary_key=True
    )
    period_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period_number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    targets: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    exceeded: Mapped[int] = mapped_column(default=0)
    scored: Mapped[int] = mapped_column(default=0)
    points: Mapped[float] = mapped_column(sa.Float, default=0.0)
    levels: Mapped[dict[str, int] | None] = mapped_column(sa.JSON)
    annual: Mapped[dict[str, int] | None] = mapped_column(sa.JSON)
    tasks: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
    disciplined: Mapped[int] = mapped_column(default=0)


class TreeRevision(Base):
    """How many times the unit tree changed: the key of anything derived from its shape."""

    __tablename__ = "tree_revision"
    __table_args__ = ({"info": {"derived": True}},)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(default=1)


# --- reading ------------------------------------------------------------------------------

# period, version, day, moments
StoredKey = tuple[PeriodKind, int, int, int, date, datetime, datetime]


def _period_key(period: Period) -> tuple[Any, ...]:
    return (
        StoredPeriod.period_kind == period.kind,
        StoredPeriod.period_year == period.year,
        StoredPeriod.period_number == period.number,
    )


def stored_key(session: Session, period: Period, today: date) -> StoredKey | None:
    """What names the period's stored rows as they are now (None: none that hold today)."""
    row = session.execute(
        sa.select(
            StoredPeriod.version, StoredPeriod.as_of, StoredPeriod.filled_at,
            StoredPeriod.changed_at,
        ).where(*_period_key(period))
    ).first()  # fmt: skip
    if row is None or not holds_for(period, row.as_of, today):
        return None
    return (
        period.kind, period.year, period.number, row.version, row.as_of, row.filled_at,
        row.changed_at,
    )  # fmt: skip


def tree_revision(session: Session) -> int:
    return session.scalar(sa.select(TreeRevision.revision).where(TreeRevision.id == 1)) or 0


class SingleFlight:
    """Concurrent callers with the same key share one computation (per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Any, Future[Any]] = {}

    def run(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            running = self._running.get(key)
            if running is None:
                future: Future[Any] = Future()
                self._running[key] = future
        if running is not None:
            return running.result()
        try:
            value = compute()
        except BaseException as error:
            future.set_exception(error)
            raise
        else:
            future.set_result(value)
            return value
        finally:
            with self._lock:
                self._running.pop(key, None)


_FLIGHTS = SingleFlight()
# Decoded sums by what named them: a page reads them without decoding 1 500 rows again.
_DECODED: Recent[StoredKey, PeriodSums] = Recent(24)


def stored_period_sums(
    session: Session, period: Period, today: date, compute: Callable[..., PeriodSums]
) -> PeriodSums:
    """The period's sums: its stored rows when they hold today; else computed, once per
    process however many ask at the same time, and a fill is asked for.

    A period not begun yet has nothing to store and is computed (cheaply: no rows)."""
    key = stored_key(session, period, today) if period.starts_on <= today else None
    if key is None:
        if period.starts_on <= today:
            request_fill(period)
        return _FLIGHTS.run(("compute", period, today), lambda: compute(session, period, today))
    sums = _DECODED.get(key)
    if sums is None:
        sums = _FLIGHTS.run(key, lambda: _read_rows(session, period))
        _DECODED.put(key, sums)
    return sums


def _read_rows(session: Session, period: Period) -> PeriodSums:
    own: dict[int, tuple[int, int, int, int]] = {}
    members: dict[int, tuple[int, float, Any]] = {}
    lateness: dict[int, tuple[int, int]] = {}
    disciplined: dict[int, int] = {}
    annual: dict[int, Any] | None = {} if period.kind is PeriodKind.YEAR else None
    t = UnitPeriodSums
    for row in session.execute(
        sa.select(
            t.unit_id, t.targets, t.completed, t.on_time, t.exceeded, t.scored, t.points,
            t.levels, t.annual, t.tasks, t.late, t.disciplined,
        ).where(
            t.period_kind == period.kind,
            t.period_year == period.year,
            t.period_number == period.number,
        )
    ):  # fmt: skip
        unit = row.unit_id
        if row.targets:
            own[unit] = (row.targets, row.completed, row.on_time, row.exceeded)
        if row.scored:
            members[unit] = (row.scored, row.points, _counter(row.levels))
        if row.tasks:
            lateness[unit] = (row.tasks, row.late)
        if row.disciplined:
            disciplined[unit] = row.disciplined
        if annual is not None and row.annual:
            annual[unit] = _counter(row.annual)
    return PeriodSums(own, members, annual, lateness, disciplined)


def _counter(counts: dict[str, int] | None) -> Counter[Level]:
    counter: Counter[Level] = Counter()
    for value, count in (counts or {}).items():  # not Counter(mapping): its checks cost
        counter[_LEVELS[value]] = count
    return counter


# --- writing the rows ----------------------------------------------------------------------


def _rows(period: Period, sums: PeriodSums, units: Iterable[int]) -> list[dict[str, Any]]:
    rows = []
    for unit in units:
        targets, completed, on_time, exceeded = sums.own.get(unit, (0, 0, 0, 0))
        scored, points, levels = sums.members.get(unit, (0, 0.0, None))
        tasks, late = sums.lateness.get(unit, (0, 0))
        annual = (sums.annual or {}).get(unit)
        rows.append(
            {
                "period_kind": period.kind,
                "period_year": period.year,
                "period_number": period.number,
                "unit_id": unit,
                "targets": targets,
                "completed": completed,
                "on_time": on_time,
                "exceeded": exceeded,
                "scored": scored,
                "points": points,
                "levels": {k.value: v for k, v in levels.items()} if levels else None,
                "annual": {k.value: v for k, v in annual.items()} if annual else None,
                "tasks": tasks,
                "late": late,
                "disciplined": sums.disciplined.get(unit, 0),
            }
        )
    return rows


def _write_rows(session: Session, period: Period, sums: PeriodSums, units: set[int] | None) -> None:
    """Replace the period's rows (those of `units`, or all) with `sums`."""
    connection = session.connection()
    t = UnitPeriodSums.__table__
    delete = sa.delete(t).where(
        t.c.period_kind == period.kind.value,
        t.c.period_year == period.year,
        t.c.period_number == period.number,
    )
    if units is not None:
        delete = delete.where(t.c.unit_id.in_(sorted(units)))
    connection.execute(delete)
    present = sums.unit_ids() if units is None else sums.unit_ids() & units
    rows = _rows(period, sums, sorted(present))
    if rows:
        connection.execute(sa.insert(t), rows)


def _lock_header(session: Session, period: Period, today: date, *, fill: bool) -> bool:
    """Take the period's header row for this transaction (the writers' turn); create or
    restamp it when filling. False: no rows that hold today, a write has nothing to keep."""
    connection = session.connection()
    t = StoredPeriod.__table__
    now = utcnow()
    key = (
        t.c.period_kind == period.kind.value,
        t.c.period_year == period.year,
        t.c.period_number == period.number,
    )
    changes: dict[str, Any] = {"version": t.c.version + 1, "changed_at": now}
    if fill:
        changes |= {"filled_at": now, "as_of": today}
    else:  # rows of another day are not kept: the next fill replaces them
        key = (*key, sa.or_(t.c.as_of == today, t.c.as_of > period.ends_on))
    if connection.execute(sa.update(t).where(*key).values(changes)).rowcount:
        return True
    if not fill:
        return False
    connection.execute(
        sa.insert(t).values(
            period_kind=period.kind.value,
            period_year=period.year,
            period_number=period.number,
            version=1,
            as_of=today,
            filled_at=now,
            changed_at=now,
        )
    )
    return True


def fill(session: Session, period: Period, today: date | None = None) -> bool:
    """Store the period's rows for every unit, as of `today` (False: not begun yet). A closed
    period is stored for good; an open one for that day (the nightly fill renews it)."""
    today = today or local_today()
    if period.starts_on > today:
        return False
    _lock_header(session, period, today, fill=True)  # first: writers of the period now wait
    _write_rows(session, period, period_sums(session, period, today), None)
    return True


def periods_to_fill(year: int, today: date) -> list[Period]:
    """The year's months, quarters and the year itself that have begun by `today`."""
    periods = [Period(PeriodKind.MONTH, year, month) for month in range(1, 13)]
    periods += [Period(PeriodKind.QUARTER, year, quarter) for quarter in range(1, 5)]
    periods.append(Period(PeriodKind.YEAR, year, 1))
    return [period for period in periods if period.starts_on <= today]


def forget_all(session: Session) -> None:
    """For writers past the unit of work (plain SQL, bulk UPDATE/DELETE): every stored period
    is dropped, and filled again by `fill` (the command, or the background job)."""
    session.connection().execute(sa.delete(StoredPeriod.__table__))
    task_counts.forget_all(session)


# --- what each change touches ---------------------------------------------------------------


@dataclass(frozen=True)
class Touch:
    """Units whose own sums may change, over the days they may change."""

    unit_id: int
    first: date
    last: date
    annual_only: bool = False  # an annual evaluation: only the year's sums

    def reaches(self, period: Period) -> bool:
        if self.annual_only and period.kind is not PeriodKind.YEAR:
            return False
        return self.first <= period.ends_on and period.starts_on <= self.last


@dataclass(frozen=True)
class PlanRef:
    """A task written in bulk: its plan says which unit and days."""

    plan_id: int


@dataclass(frozen=True)
class PersonOn:
    """A discipline record: the units the person was placed in on that day."""

    person_id: int
    day: date


@dataclass(frozen=True)
class PersonPlaced:
    """A placement: its unit counts the person's discipline records over its days (if any)."""

    person_id: int
    unit_id: int
    first: date
    last: date


Change = Touch | PlanRef | PersonOn | PersonPlaced | task_counts.Change
TOUCHED = "stored_sums_touched"
TREE_CHANGED = "stored_sums_tree_changed"


def _old(obj: object, name: str) -> Any:
    """The value an attribute had before this flush (the current one when unchanged)."""
    history = sa.inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(obj, name)


def _plan_touches(plan: Plan, *, before: bool) -> set[Change]:
    get = (lambda name: _old(plan, name)) if before else (lambda name: getattr(plan, name))
    unit, first, last = get("unit_id"), get("starts_on"), get("ends_on")
    return {Touch(unit, first, last)} if unit is not None and first and last else set()


def _changes(session: Session, obj: object, *, before: bool = False) -> set[Change]:
    """The units and days an added, changed (old values too) or deleted object touches."""
    if isinstance(obj, Task):
        found: set[Change] = set()
        plan = obj.plan if obj.plan is not None else None
        if plan is None and obj.plan_id is not None:
            plan = session.get(Plan, obj.plan_id)
        if plan is not None:
            found |= _plan_touches(plan, before=False)
        old_plan_id = _old(obj, "plan_id") if before else None
        if old_plan_id is not None and old_plan_id != obj.plan_id:
            found.add(PlanRef(old_plan_id))
        return found
    if isinstance(obj, Plan):
        return _plan_touches(obj, before=False) | (
            _plan_touches(obj, before=True) if before else set()
        )
    if isinstance(obj, PeriodScore):
        found = set()
        for get in (getattr, _old) if before else (getattr,):
            period = Period(
                get(obj, "period_kind"), get(obj, "period_year"), get(obj, "period_number")
            )
            found.add(Touch(get(obj, "unit_id"), period.starts_on, period.ends_on))
        return found
    if isinstance(obj, AnnualEvaluation):
        units = {obj.unit_id, _old(obj, "unit_id")} if before else {obj.unit_id}
        return {
            Touch(unit, date(obj.year, 1, 1), date(obj.year, 12, 31), annual_only=True)
            for unit in units
        }
    if isinstance(obj, DisciplineRecord):
        days = {obj.effective_on, _old(obj, "effective_on")} if before else {obj.effective_on}
        return {PersonOn(obj.person_id, day) for day in days}
    if isinstance(obj, Placement):
        found = set()
        for get in (getattr, _old) if before else (getattr,):
            found.add(
                PersonPlaced(
                    get(obj, "person_id"),
                    get(obj, "unit_id"),
                    get(obj, "starts_on"),
                    get(obj, "ends_on") or LAST_DAY,
                )
            )
        return found
    return set()


INPUTS: dict[type[Base], str] = {
    Task: "its plan's unit, over the plan's days; its plan's person's task counts of the year",
    Plan: "its unit, over its days, and its person's task counts of its year (before and after)",
    PeriodScore: "the unit it was scored in, over its period",
    AnnualEvaluation: "the unit it was made in, the year's sums only",
    DisciplineRecord: "the units the person was placed in on its effective day",
    Placement: "its unit, over its days, when the person has discipline records",
}
"""The input tables of the stored sums and the task counts, and what a write there
recomputes: the one list the listeners below follow."""

_INPUT_TABLES = {model.__tablename__: model for model in INPUTS}


def _after_flush(session: Session, _context: object) -> None:
    """Note what the flush touched: keys are set by now, old values still in the history."""
    changes: set[Change] = session.info.setdefault(TOUCHED, set())
    tree = False
    with session.no_autoflush:
        for obj in session.new:
            changes |= _changes(session, obj) | task_counts.changes(session, obj)
            tree = tree or isinstance(obj, Unit)
        for obj in session.deleted:
            changes |= _changes(session, obj, before=True)
            changes |= task_counts.changes(session, obj, before=True)
            tree = tree or isinstance(obj, Unit)
        for obj in session.dirty:
            if isinstance(obj, Unit) and session.is_modified(obj):
                tree = True
            elif type(obj) in INPUTS and session.is_modified(obj):
                changes |= _changes(session, obj, before=True)
                changes |= task_counts.changes(session, obj, before=True)
    if tree:
        session.info[TREE_CHANGED] = True


def _after_flush_postexec(session: Session, _context: object) -> None:
    """Keep the stored rows of what the flush touched, in the same transaction."""
    changes = session.info.pop(TOUCHED, None)
    if session.info.pop(TREE_CHANGED, False):
        _bump_tree(session)
    if changes:
        with session.no_autoflush:
            keep(session, changes)


def _bump_tree(session: Session) -> None:
    connection = session.connection()
    t = TreeRevision.__table__
    if not connection.execute(
        sa.update(t).where(t.c.id == 1).values(revision=t.c.revision + 1)
    ).rowcount:
        connection.execute(sa.insert(t).values(id=1, revision=1))


DISCIPLINE_LOOKUP_LIMIT = 500


def _resolve(session: Session, changes: set[Change]) -> set[Touch]:
    """Turn references (a plan id, a person on a day) into units and days, in bulk."""
    touches = {change for change in changes if isinstance(change, Touch)}
    plan_ids = {change.plan_id for change in changes if isinstance(change, PlanRef)}
    if plan_ids:
        for unit, first, last in session.execute(
            sa.select(Plan.unit_id, Plan.starts_on, Plan.ends_on).where(
                Plan.id.in_(sorted(plan_ids))
            )
        ):
            touches.add(Touch(unit, first, last))
    on_days = [change for change in changes if isinstance(change, PersonOn)]
    if on_days:
        placed = defaultdict(list)
        for person, unit, first, last in session.execute(
            sa.select(
                Placement.person_id, Placement.unit_id, Placement.starts_on, Placement.ends_on
            ).where(Placement.person_id.in_(sorted({c.person_id for c in on_days})))
        ):
            placed[person].append((unit, first, last or LAST_DAY))
        for change in on_days:
            for unit, first, last in placed[change.person_id]:
                if first <= change.day <= last:
                    touches.add(Touch(unit, change.day, change.day))
    placements = [change for change in changes if isinstance(change, PersonPlaced)]
    if placements:
        placed_people = {c.person_id for c in placements}
        query = sa.select(DisciplineRecord.person_id).distinct()
        if len(placed_people) <= DISCIPLINE_LOOKUP_LIMIT:
            query = query.where(DisciplineRecord.person_id.in_(sorted(placed_people)))
        # else every disciplined person: records are few, and an IN list of thousands
        # (an import's placements) took PostgreSQL longer than reading them all
        disciplined = set(session.scalars(query)) & placed_people
        for change in placements:
            if change.person_id in disciplined and change.unit_id is not None:
                touches.add(Touch(change.unit_id, change.first, change.last))
    return {touch for touch in touches if touch.unit_id is not None}


def keep(session: Session, changes: set[Change]) -> None:
    """Recompute the touched units' rows in every stored period they fall in (and the
    touched persons' task counts)."""
    task_counts.keep(session, changes)
    touches = _resolve(session, changes)
    if not touches:
        return
    first = min(touch.first for touch in touches)
    last = max(touch.last for touch in touches)
    stored = session.execute(
        sa.select(
            StoredPeriod.period_kind, StoredPeriod.period_year, StoredPeriod.period_number
        ).where(StoredPeriod.period_year.between(first.year, last.year))
    ).all()
    affected: dict[Period, set[int]] = defaultdict(set)
    for kind, year, number in stored:
        period = Period(kind, year, number)
        for touch in touches:
            if touch.reaches(period):
                affected[period].add(touch.unit_id)
    today = local_today()
    for period in sorted(affected, key=lambda p: (p.kind.value, p.year, p.number)):
        if _lock_header(session, period, today, fill=False):  # in key order: no deadlock
            units = affected[period]
            _write_rows(session, period, period_sums(session, period, today, units), units)


def _bulk_changes(state: ORMExecuteState, model: type[Base]) -> set[Change] | None:
    """What an INSERT of listed rows touches (None: not known, as for UPDATE and DELETE)."""
    rows = state.parameters
    if isinstance(rows, dict):
        rows = [rows]
    if not state.is_insert or not isinstance(rows, list | tuple) or not rows:
        return None
    changes: set[Change] = set()
    try:
        for row in rows:
            changes |= task_counts.row_changes(model, row)
            if model is Task:
                changes.add(PlanRef(row["plan_id"]))
            elif model is Plan:
                changes.add(Touch(row["unit_id"], row["starts_on"], row["ends_on"]))
            elif model is PeriodScore:
                period = Period(
                    PeriodKind(row["period_kind"]), row["period_year"], row["period_number"]
                )
                changes.add(Touch(row["unit_id"], period.starts_on, period.ends_on))
            elif model is AnnualEvaluation:
                year = row["year"]
                changes.add(
                    Touch(row["unit_id"], date(year, 1, 1), date(year, 12, 31), annual_only=True)
                )
            elif model is DisciplineRecord:
                changes.add(PersonOn(row["person_id"], row["effective_on"]))
            elif model is Placement:
                changes.add(
                    PersonPlaced(
                        row["person_id"],
                        row["unit_id"],
                        row["starts_on"],
                        row.get("ends_on") or LAST_DAY,
                    )
                )
    except (KeyError, TypeError, ValueError):
        return None
    return changes


def _bulk_statement(state: ORMExecuteState) -> Any:
    """INSERT/UPDATE/DELETE statements on input tables (imports, the loaders)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table == Unit.__tablename__:
        result = state.invoke_statement()
        _bump_tree(state.session)
        return result
    model = _INPUT_TABLES.get(table or "")
    if model is None:
        return None
    changes = _bulk_changes(state, model)
    result = state.invoke_statement()
    if changes is None:
        forget_all(state.session)
    elif changes:
        keep(state.session, changes)
    return result


def install() -> None:
    """Listen on every session (idempotent): the app's, the CLI's and the tests'."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
        event.listen(Session, "do_orm_execute", _bulk_statement)


# --- filling in the background --------------------------------------------------------------

_PENDING: set[Period] = set()
_PENDING_LOCK = threading.Lock()


def request_fill(period: Period) -> None:
    """Ask for the period to be filled by a background job, once (when the app allows)."""
    if not has_app_context() or not current_app.config.get("STORED_SUMS_FILL_IN_BACKGROUND"):
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _PENDING_LOCK:
        if period in _PENDING:
            return
        _PENDING.add(period)
    threading.Thread(target=_fill_job, args=(app, period), daemon=True).start()


def _fill_job(app: Flask, period: Period) -> None:
    from evaluation.core.db import db

    try:
        with app.app_context(), writing(), db.transaction() as session:
            fill(session, period)
    except Exception:  # a read-only replica, a lock held too long: readers compute meanwhile
        log.warning("filling the stored sums of %s failed", period.key, exc_info=True)
    finally:
        with _PENDING_LOCK:
            _PENDING.discard(period)
