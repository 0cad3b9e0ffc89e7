"""Each person's task counts of a year, kept by the writes: what the year-end reads instead of
the year's task rows.

The year-end reads a province's tasks twice, and both reads group the same rows by a few
flags: each person's task criteria (`yearend.services`: completed, on time, quality,
exceeded) and each unit's lateness (`sums`: tasks, late). So one row here counts a person's
tasks of one plan year that share the plan's unit and kind, whether the plan's days lie in its
year, the task's quality and exceeded flags, and its state: done on time, done late, not done,
or still open. Open tasks are counted by deadline, since they count (as due, or late) only
once their deadline has passed: the rows hold on any day. Cancelled tasks count nowhere.

- **A year's rows are complete once filled** (`fill`, the command `flask db fill-task-counts`):
  its header row (`CountedYear`) says so, and readers use the rows only then (`counted`);
  otherwise they read the tasks. The command commits the header first (`prepare`), so the
  writes of the year and the fill take turns.
- **A write recounts the persons and years it touched**, in its own transaction: the stored
  sums' listeners (`stored.INPUTS`: tasks and plans) hand over what each flush or bulk INSERT
  touched. Recounting a person's year from their tasks is what keeps the rows equal to a
  full recount. The year's header row lock orders concurrent writers of a year.
- A bulk UPDATE or DELETE of tasks or plans says not which rows it wrote: every year is
  dropped (`forget_all`) and read from the tasks until filled again.

A plan's days are its period's (`Plan.period`), so the year whose days hold a plan is its
period year, or none (a week across New Year): `in_year` says which.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.plans.models import Plan, SelfQuality, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings.sums import PeriodSums, period_sums


class CountedYear(Base):
    """A plan year whose task counts are complete: filled once, then kept by every write."""

    __tablename__ = "counted_year"
    __table_args__ = ({"info": {"derived": True}},)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=1)  # bumped by each write: the writers' turn
    # None: being filled (writers already keep their persons' rows; readers do not use them).
    filled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TaskCount(Base):
    """A person's tasks of one plan year that share what the year-end groups them by."""

    __tablename__ = "task_count"
    __table_args__ = (
        sa.Index("ix_task_count_year_person", "period_year", "person_id"),
        {"info": {"derived": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_year: Mapped[int] = mapped_column(
        sa.ForeignKey(CountedYear.year, ondelete="CASCADE"), autoincrement=False
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "task_count_kind"))
    in_year: Mapped[bool]  # the plan's days lie in its period year: the year's lateness
    quality: Mapped[bool]  # Task.with_quality
    exceeded: Mapped[bool]  # more achieved than the target
    # Open tasks (no result yet) by their deadline; None: rows of reported tasks.
    open_deadline: Mapped[date | None]
    on_time: Mapped[int] = mapped_column(default=0)
    done_late: Mapped[int] = mapped_column(default=0)
    not_done: Mapped[int] = mapped_column(default=0)
    open: Mapped[int] = mapped_column(default=0)


# --- what a write touches ------------------------------------------------------------------


@dataclass(frozen=True)
class PersonYear:
    """A person's tasks of a plan year, recounted."""

    person_id: int
    year: int


@dataclass(frozen=True)
class PlanTasks:
    """Tasks written with only their plan at hand: its person and year are looked up."""

    plan_id: int


Change = PersonYear | PlanTasks
RECOUNT_PEOPLE_MAX = 2000  # past this, a write recounts its whole year (bound parameters)


def _old(obj: object, name: str) -> Any:
    history = sa.inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(obj, name)


def _plan_years(plan: Plan, *, before: bool) -> set[Change]:
    found: set[Change] = set()
    for get in (getattr, _old) if before else (getattr,):
        person, year = get(plan, "person_id"), get(plan, "period_year")
        if person is not None and year is not None:
            found.add(PersonYear(person, year))
    return found


def changes(session: Session, obj: object, *, before: bool = False) -> set[Change]:
    """What an added, changed (old values too: `before`) or deleted task or plan touches."""
    if isinstance(obj, Plan):
        return _plan_years(obj, before=before)
    if not isinstance(obj, Task):
        return set()
    found: set[Change] = set()
    plan = obj.plan if obj.plan is not None else None
    if plan is None and obj.plan_id is not None:
        plan = session.get(Plan, obj.plan_id)
    if plan is not None:
        found |= _plan_years(plan, before=False)
    if before:  # moved to another plan: by its id, or by the relationship
        old_plan_id = _old(obj, "plan_id")
        if old_plan_id is not None and old_plan_id != obj.plan_id:
            found.add(PlanTasks(old_plan_id))
        for old_plan in sa.inspect(obj).attrs["plan"].history.deleted:
            if old_plan is not None:
                found |= _plan_years(old_plan, before=True)
    return found


def row_changes(model: type[Base], row: dict[str, Any]) -> set[Change]:
    """What a row of a bulk INSERT touches (KeyError: the row does not say)."""
    if model is Task:
        return {PlanTasks(row["plan_id"])}
    if model is Plan and row.get("person_id") is not None:
        return {PersonYear(row["person_id"], row["period_year"])}
    return set()


# --- counting --------------------------------------------------------------------------------


def _counted_rows(year: int, people: Collection[int] | None) -> sa.Select[Any]:
    """The rows of `year` (of `people` only, when given), counted from the tasks."""
    quality = sa.case(  # Task.with_quality: the manager's judgment, else the person's own
        (Task.quality_ok.is_(True), sa.true()),
        (Task.quality_ok.is_(False), sa.false()),
        (Task.self_quality == SelfQuality.POOR, sa.false()),
        else_=sa.true(),
    )
    exceeded = sa.case(
        (sa.func.coalesce(Task.achieved_quantity, 0) > Task.target_quantity, sa.true()),
        else_=sa.false(),
    )
    in_year = sa.case(
        (
            sa.and_(Plan.starts_on >= date(year, 1, 1), Plan.ends_on <= date(year, 12, 31)),
            sa.true(),
        ),
        else_=sa.false(),
    )
    open_deadline = sa.case((Task.outcome.is_(None), Task.deadline))
    query = (
        sa.select(
            Plan.period_year,
            Plan.person_id,
            Plan.unit_id,
            Plan.period_kind,
            in_year,
            quality,
            exceeded,
            open_deadline,
            sa.func.count(sa.case((Task.outcome == TaskOutcome.DONE_ON_TIME, 1))),
            sa.func.count(sa.case((Task.outcome == TaskOutcome.DONE_LATE, 1))),
            sa.func.count(sa.case((Task.outcome == TaskOutcome.NOT_DONE, 1))),
            sa.func.count(sa.case((Task.outcome.is_(None), 1))),
        )
        .join(Plan, Task.plan_id == Plan.id)
        .where(
            Plan.period_year == year,
            Plan.person_id.is_not(None),
            sa.or_(Task.outcome.is_(None), Task.outcome != TaskOutcome.CANCELLED),
        )
        .group_by(
            Plan.period_year, Plan.person_id, Plan.unit_id, Plan.period_kind, in_year, quality,
            exceeded, open_deadline,
        )
    )  # fmt: skip
    if people is not None:
        query = query.where(Plan.person_id.in_(sorted(people)))
    return query


_COLUMNS = (
    "period_year", "person_id", "unit_id", "period_kind", "in_year", "quality", "exceeded",
    "open_deadline", "on_time", "done_late", "not_done", "open",
)  # fmt: skip


def _recount(session: Session, year: int, people: Collection[int] | None) -> None:
    """Replace the year's rows (those of `people`, or all) with a count of the tasks, in SQL."""
    connection = session.connection()
    t = TaskCount.__table__
    delete = sa.delete(t).where(t.c.period_year == year)
    if people is not None:
        delete = delete.where(t.c.person_id.in_(sorted(people)))
    connection.execute(delete)
    connection.execute(
        sa.insert(t).from_select([t.c[name] for name in _COLUMNS], _counted_rows(year, people))
    )


def _lock_years(session: Session, years: Iterable[int]) -> list[int]:
    """Take the counted years' header rows for this transaction, in order (no deadlock);
    returns those counted (the others have nothing to keep)."""
    connection = session.connection()
    t = CountedYear.__table__
    taken = []
    for year in sorted(set(years)):
        bump = sa.update(t).where(t.c.year == year)
        if connection.execute(bump.values(version=t.c.version + 1, changed_at=utcnow())).rowcount:
            taken.append(year)
    return taken


def prepare(session: Session, year: int) -> None:
    """Create the year's header, not filled yet. Committed before `fill`, it makes every
    writer of the year wait for the fill's transaction, or the fill for theirs (PostgreSQL
    runs them at once: without it, a write committed while the fill counts could be missed)."""
    if not _lock_years(session, [year]):
        session.connection().execute(
            sa.insert(CountedYear.__table__).values(year=year, version=1, changed_at=utcnow())
        )


def fill(session: Session, year: int) -> None:
    """Count the year's tasks for everyone, and mark the year complete."""
    prepare(session, year)  # the header's row lock: writers of the year wait from here on
    t = CountedYear.__table__
    session.connection().execute(sa.update(t).where(t.c.year == year).values(filled_at=utcnow()))
    _recount(session, year, None)


def forget_all(session: Session) -> None:
    """For writers past the unit of work (plain SQL, bulk UPDATE/DELETE): every year is read
    from the tasks again until `fill` runs."""
    connection = session.connection()
    connection.execute(sa.delete(TaskCount.__table__))
    connection.execute(sa.delete(CountedYear.__table__))


def keep(session: Session, touched: Iterable[object]) -> None:
    """Recount the touched persons' rows in every counted year they touched."""
    mine = [change for change in touched if isinstance(change, PersonYear | PlanTasks)]
    if not mine:
        return
    years: dict[int, set[int]] = {}
    for change in mine:
        if isinstance(change, PersonYear):
            years.setdefault(change.year, set()).add(change.person_id)
    plan_ids = {change.plan_id for change in mine if isinstance(change, PlanTasks)}
    if plan_ids:
        for person, year in session.execute(
            sa.select(Plan.person_id, Plan.period_year).where(
                Plan.id.in_(sorted(plan_ids)), Plan.person_id.is_not(None)
            )
        ):
            years.setdefault(year, set()).add(person)
    for year in _lock_years(session, years):
        people = years[year]  # many (a bulk import): the whole year, in one statement
        _recount(session, year, people if len(people) <= RECOUNT_PEOPLE_MAX else None)


# --- reading -----------------------------------------------------------------------------


def counted(session: Session, year: int) -> bool:
    """Whether the year's rows are complete (filled, and kept since)."""
    return (
        session.scalar(
            sa.select(CountedYear.year).where(
                CountedYear.year == year, CountedYear.filled_at.is_not(None)
            )
        )
        is not None
    )


def fetched(result: sa.Result[Any], size: int = 10_000) -> Iterator[sa.Row[Any]]:
    """A result's rows, fetched `size` at a time: iterated as it is, a result asks the driver
    for each row alone (one call per row: a tenth of a second per 100 000 rows)."""
    for rows in result.partitions(size):
        yield from rows


def fact_rows(
    session: Session, year: int, as_of: date, people: Collection[int] | None = None
) -> Iterator[tuple[int, str, int, int, int, int, int]]:
    """(person, plan kind, completed, on time, quality, exceeded, tasks) of the year's month
    and quarter plans, as the year-end's task criteria group them: the tasks reported, or
    open past their deadline on `as_of`. `people`: only theirs (a close redone for a few)."""
    t = TaskCount
    due = sa.case((t.open_deadline < as_of, t.open), else_=0)
    kind = sa.type_coerce(t.period_kind, sa.String)  # the value: no enum per row
    only = () if people is None else (t.person_id.in_(sorted(people)),)
    rows = session.connection().execute(
        sa.select(
            t.person_id,
            kind,
            t.quality,
            t.exceeded,
            sa.func.sum(t.on_time),
            sa.func.sum(t.done_late),
            sa.func.sum(t.not_done + due),
        )
        .where(
            t.period_year == year,
            t.period_kind.in_((PeriodKind.MONTH, PeriodKind.QUARTER)),
            *only,
        )
        .group_by(t.person_id, kind, t.quality, t.exceeded)
    )
    for person, kind_value, quality, exceeded, on_time, done_late, unfinished in fetched(rows):
        quality, exceeded = int(bool(quality)), int(bool(exceeded))
        if on_time:
            yield person, kind_value, 1, 1, quality, exceeded, on_time
        if done_late:
            yield person, kind_value, 1, 0, quality, exceeded, done_late
        if unfinished:
            yield person, kind_value, 0, 0, quality, exceeded, unfinished


def lateness(
    session: Session, period: Period, today: date, units: Collection[int] | None
) -> dict[int, tuple[int, int]]:
    """`sums`' lateness of a year from its counts: per unit, its members' tasks in plans of
    the year, and those late or still open past their deadline on `today`."""
    t = TaskCount
    late_open = sa.case((t.open_deadline < today, t.open), else_=0)
    query = (
        sa.select(
            t.unit_id,
            sa.func.sum(t.on_time + t.done_late + t.not_done + t.open),
            sa.func.sum(t.done_late + t.not_done + late_open),
        )
        .where(t.period_year == period.year, t.in_year.is_(True))
        .group_by(t.unit_id)
    )
    if units is not None:
        query = query.where(t.unit_id.in_(sorted(units)))
    return {unit: (int(tasks), int(late)) for unit, tasks, late in session.execute(query) if tasks}


def year_sums(
    session: Session, period: Period, today: date, units: Collection[int] | None = None
) -> PeriodSums:
    """`sums.period_sums`, a counted year's lateness read from its counts, not its tasks."""
    counts = period.kind is PeriodKind.YEAR and counted(session, period.year)
    return period_sums(session, period, today, units, lateness=lateness if counts else None)
