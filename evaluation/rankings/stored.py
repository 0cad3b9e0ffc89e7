"""Stored unit sums for closed periods, recomputed exactly when their inputs change.

A closed period's five aggregates (see `services.period_sums`) read millions of task rows for a
province, yet rarely change: a late report, a reopened evaluation, a discipline record. So they
are kept, stamped with the revisions of the months they read, and used only while the stamp
still holds.

Every write that can change an aggregate bumps the revision of the months it touches, in the
same transaction: ORM flushes through `before_flush`, bulk statements through `do_orm_execute`
(those bump a global revision, since their rows are not at hand). A reader takes the stamp
*before* reading the rows, so rows written after the stamp can only make it recompute once
more, never keep a stale result; a writer's bump and its rows commit together, so no reader
sees one without the other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from criteria import Level
from evaluation.core.db import DERIVED_WRITES, Base, UTCDateTime, enum_type, utcnow
from evaluation.core.memo import Recent
from evaluation.organisation.models import Placement
from evaluation.plans.models import Plan, Task
from evaluation.plans.periods import Period, PeriodKind
from evaluation.records.models import DisciplineRecord
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

# the (year, month) key of the revision every reader depends on, bumped by the writes that
# may touch any month: bulk statements, placements, a changed date
GLOBAL_REVISION = (0, 0)
YEAR_ITSELF = 0  # month 0 of a year: its annual evaluations
_LEVELS = {level.value: level for level in Level}  # Level(value) is slow, 10 000 times a page


class InputRevision(Base):
    """How many times the inputs of one month (or of a year's evaluations, month 0) changed."""

    __tablename__ = "input_revision"
    __table_args__ = (
        sa.CheckConstraint("month BETWEEN 0 AND 12", name="month_range"),
        {"info": {"derived": True}},
    )

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(default=1)


class StoredPeriodSums(Base):
    """A closed period's per-unit sums, valid while `stamp` equals the inputs' revisions."""

    __tablename__ = "stored_period_sums"
    __table_args__ = ({"info": {"derived": True}},)

    period_kind: Mapped[PeriodKind] = mapped_column(
        enum_type(PeriodKind, "stored_period_kind"), primary_key=True
    )
    period_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period_number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stamp: Mapped[list[int]] = mapped_column(sa.JSON)
    sums: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class PeriodSums:
    """The five aggregates of a period, per unit, before any roll-up: what is stored."""

    own: dict[int, tuple[int, int, int, int]]  # targets, completed, on time, exceeded
    members: dict[int, tuple[int, float, Counter[Level]]]  # scored, sum of points, levels
    annual: dict[int, Counter[Level]] | None  # annual levels, for a year
    lateness: dict[int, tuple[int, int]]  # tasks, late
    disciplined: dict[int, int]


# --- reading ------------------------------------------------------------------------------


def _months(period: Period) -> list[tuple[int, int]]:
    """The (year, month) revisions a period's sums depend on."""
    keys = [GLOBAL_REVISION]
    first, last = period.starts_on, period.ends_on
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        keys.append((cursor.year, cursor.month))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    if period.kind is PeriodKind.YEAR:
        keys.append((period.year, YEAR_ITSELF))
    return keys


def _stamp(session: Session, period: Period) -> list[int]:
    keys = _months(period)
    found = dict(
        ((year, month), revision)
        for year, month, revision in session.execute(
            sa.select(InputRevision.year, InputRevision.month, InputRevision.revision).where(
                sa.tuple_(InputRevision.year, InputRevision.month).in_(keys)
            )
        )
    )
    return [found.get(key, 0) for key in keys]


def stored_period_sums(
    session: Session, period: Period, today: date, compute: Callable[..., PeriodSums]
) -> PeriodSums:
    """The period's sums: stored ones while valid, else computed (and stored once closed).

    An open period is always computed: its lateness still depends on `today`."""
    if period.ends_on >= today:
        return compute(session, period, today)
    stamp = _stamp(session, period)
    key = (
        StoredPeriodSums.period_kind == period.kind,
        StoredPeriodSums.period_year == period.year,
        StoredPeriodSums.period_number == period.number,
    )
    kept = session.execute(
        sa.select(StoredPeriodSums.stamp, StoredPeriodSums.computed_at).where(*key)
    ).first()
    if kept is not None and kept.stamp == stamp:
        return _read(session, period, kept.computed_at, key)
    sums = compute(session, period, today)
    stored_at = utcnow()
    values = {
        "period_kind": period.kind,
        "period_year": period.year,
        "period_number": period.number,
        "stamp": stamp,
        "sums": _encode(sums),
        "computed_at": stored_at,
    }
    insert = _dialect_insert(session)(StoredPeriodSums).values(values)
    upsert = insert.on_conflict_do_update(
        index_elements=["period_kind", "period_year", "period_number"],
        set_={name: insert.excluded[name] for name in ("stamp", "sums", "computed_at")},
    )
    try:
        with session.begin_nested():  # a concurrent reader storing the same may hold the lock
            session.execute(upsert)
    except OperationalError:
        return sums  # computed all the same; the next reader stores it
    session.info[DERIVED_WRITES] = True
    _DECODED.put((period.kind, period.year, period.number, stored_at), sums)  # if it never
    return sums  # commits, no reader ever asks for that moment


# Decoded sums by period and the moment they were stored: a page reads them without decoding
# thousands of entries again. The moment, not the stamp, is the key: a stamp can be reused
# after a rolled-back write, a stored row's moment cannot. Read-only for callers.
_DECODED: Recent[tuple[PeriodKind, int, int, datetime], PeriodSums] = Recent(24)


def _read(
    session: Session, period: Period, stored_at: datetime, key: tuple[Any, ...]
) -> PeriodSums:
    memo = (period.kind, period.year, period.number, stored_at)
    sums = _DECODED.get(memo)
    if sums is None:
        sums = _decode(session.scalar(sa.select(StoredPeriodSums.sums).where(*key)))
        _DECODED.put(memo, sums)
    return sums


def _encode(sums: PeriodSums) -> dict[str, Any]:
    def levels(counter: Counter[Level]) -> dict[str, int]:
        return {level.value: count for level, count in counter.items()}

    return {
        "own": {str(k): list(v) for k, v in sums.own.items()},
        "members": {str(k): [n, points, levels(c)] for k, (n, points, c) in sums.members.items()},
        "annual": None
        if sums.annual is None
        else {str(k): levels(c) for k, c in sums.annual.items()},
        "lateness": {str(k): list(v) for k, v in sums.lateness.items()},
        "disciplined": {str(k): v for k, v in sums.disciplined.items()},
    }


def _decode(data: dict[str, Any]) -> PeriodSums:
    def levels(counts: dict[str, int]) -> Counter[Level]:
        counter: Counter[Level] = Counter()
        for value, count in counts.items():  # not Counter(mapping): its checks cost, ×3 000
            counter[_LEVELS[value]] = count
        return counter

    return PeriodSums(
        own={int(k): (v[0], v[1], v[2], v[3]) for k, v in data["own"].items()},
        members={int(k): (n, float(p), levels(c)) for k, (n, p, c) in data["members"].items()},
        annual=None
        if data["annual"] is None
        else {int(k): levels(c) for k, c in data["annual"].items()},
        lateness={int(k): (v[0], v[1]) for k, v in data["lateness"].items()},
        disciplined={int(k): v for k, v in data["disciplined"].items()},
    )


# --- writing: what each change touches ------------------------------------------------------


def _span(first: date, last: date) -> Iterable[tuple[int, int]]:
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        yield (cursor.year, cursor.month)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)


def _plan_months(plan: Plan) -> set[tuple[int, int]]:
    return set(_span(plan.starts_on, plan.ends_on))


def _touched(session: Session, obj: object) -> set[tuple[int, int]]:
    """The revisions an added, changed or deleted object bumps (empty: not an input)."""
    if isinstance(obj, Task):
        plan = obj.plan if obj.plan is not None else session.get(Plan, obj.plan_id)
        return _plan_months(plan) if plan is not None else {GLOBAL_REVISION}
    if isinstance(obj, Plan):
        return _plan_months(obj)
    if isinstance(obj, PeriodScore):
        period = Period(obj.period_kind, obj.period_year, obj.period_number)
        return set(_span(period.starts_on, period.ends_on))
    if isinstance(obj, AnnualEvaluation):
        return {(obj.year, YEAR_ITSELF)}
    if isinstance(obj, DisciplineRecord):
        return {(obj.effective_on.year, obj.effective_on.month)}
    if isinstance(obj, Placement):
        return {GLOBAL_REVISION}  # moves reassign discipline to units over any span: rare, global
    return set()


_KEYS = {
    Task: ("plan_id",),
    Plan: ("starts_on", "ends_on"),
    PeriodScore: ("period_kind", "period_year", "period_number"),
    AnnualEvaluation: ("year",),
    DisciplineRecord: ("effective_on",),
}


def _moved(obj: object) -> bool:
    """A changed object whose own dating changed: its old months are no longer at hand."""
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _KEYS.get(type(obj), ()))


def _bump(session: Session, keys: set[tuple[int, int]]) -> None:
    """Add one to each revision, creating it at 1; in key order, so writers never deadlock."""
    if not keys:
        return
    insert = _dialect_insert(session)(InputRevision)
    statement = insert.on_conflict_do_update(
        index_elements=["year", "month"],
        set_={"revision": InputRevision.revision + 1},
    )
    session.connection().execute(
        statement, [{"year": year, "month": month, "revision": 1} for year, month in sorted(keys)]
    )


def _dialect_insert(session: Session) -> Callable[..., Any]:
    name = session.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    keys: set[tuple[int, int]] = set()
    with session.no_autoflush:
        for obj in session.new:
            keys |= _touched(session, obj)
        for obj in session.deleted:
            keys |= _touched(session, obj)
        for obj in session.dirty:
            if type(obj) in _KEYS or isinstance(obj, Placement):
                if not session.is_modified(obj):
                    continue
                keys |= {GLOBAL_REVISION} if _moved(obj) else _touched(session, obj)
    _bump(session, keys)


_TABLES = {model.__tablename__ for model in (*_KEYS, Placement)}


def _bulk_statement(state: ORMExecuteState) -> None:
    """INSERT/UPDATE/DELETE statements on input tables (imports, the generator) bump all."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _TABLES:
        _bump(state.session, {GLOBAL_REVISION})


def install() -> None:
    """Listen on every session (idempotent): the app's, the CLI's and the tests'."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _bulk_statement)


def forget_all(session: Session) -> None:
    """For writers outside the ORM session (raw SQL): every stored sum is recomputed."""
    _bump(session, {GLOBAL_REVISION})
