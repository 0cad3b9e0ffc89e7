"""Closing a year for a subtree: the set-based year-end, run as a job, kept as one snapshot.

The personnel office (or an administrator) asks for it on the close page or from cron
(`flask --app app year close 2026 --unit N`). The job computes `year_end` for the province,
keeps what belongs to the subtree (people placed in it, its units, its agencies' proposals)
and writes it in one transaction with the `current` flag moved from the previous run: a worker
killed before that commit leaves the previous snapshot in force, whole. Reopening an annual
evaluation inside a closed subtree queues the close again (`_rerun_after_reopening`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, aliased

from criteria import Level, Title
from criteria.reasons import Reason, decode
from criteria.unit_results import UnitFigures, UnitScore
from evaluation.core import audit
from evaluation.core.audit import AuditRecord
from evaluation.core.clock import local_today
from evaluation.core.jobs import Job, JobContext, JobFailed, JobState, enqueue, handler
from evaluation.organisation.models import Person, Unit
from evaluation.rankings.services import UnitResult
from evaluation.scoring.models import AnnualEvaluation
from evaluation.yearend.models import (
    YearClose,
    YearClosePerson,
    YearCloseProposal,
    YearCloseUnit,
)
from evaluation.yearend.services import YearEnd, year_end

KIND = "year.close"
# The steps `year_end` names as each ends, then the writing: the progress bar's stages.
STEPS = ("unit results", "facts", "classification", "rankings", "emulation proposals")
WRITING = "writing"
BATCH = 1000  # rows per INSERT while writing the snapshot


def as_of_for(year: int, today: date) -> date:
    """A past year is closed as of its last day; the current one as of today."""
    return min(today, date(year, 12, 31))


def request_close(
    session: Session, year: int, unit: Unit, *, actor_id: int | None, reason: str = "asked"
) -> Job:
    """Queue the close of `year` for `unit`'s subtree (it runs after the caller commits)."""
    job = enqueue(
        session, KIND, {"year": year, "unit_id": unit.id, "actor_id": actor_id},
        requested_by=actor_id,
    )  # fmt: skip
    audit.record(
        session, actor_id=actor_id, object_type="year_close", object_id=unit.id,
        action="close_requested", new={"year": year, "job": job.id}, reason=reason,
    )  # fmt: skip
    return job


def running_close(session: Session, year: int, unit_id: int) -> Job | None:
    """The close of this year and subtree that is queued or running, if any."""
    return session.scalars(
        sa.select(Job)
        .where(
            Job.kind == KIND,
            Job.state.in_((JobState.QUEUED, JobState.RUNNING)),
            Job.params["year"].as_integer() == year,
            Job.params["unit_id"].as_integer() == unit_id,
        )
        .order_by(Job.id.desc())
        .limit(1)
    ).first()


# --- the job --------------------------------------------------------------------------------


@handler(KIND)
def close_year(context: JobContext, year: int, unit_id: int, actor_id: int | None = None) -> dict:
    session = context.session
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise JobFailed(f"unit {unit_id} no longer exists")
    as_of = as_of_for(year, local_today())
    delay = float(current_app.config.get("YEAR_CLOSE_STEP_DELAY", 0) or 0)
    total = len(STEPS) + 1
    context.progress(0, total, STEPS[0])
    done = 0

    def step(name: str) -> None:
        nonlocal done
        done += 1
        following = STEPS[done] if done < len(STEPS) else WRITING
        context.progress(done, total, following)
        if delay:
            time.sleep(delay)  # tests: a close long enough to be killed in the middle

    computed = year_end(session, year, as_of, on_step=step)
    rows = snapshot_rows(session, computed, unit)
    # The writing is the last stage: one more tick per BATCH rows written.
    count = sum(len(part) for part in rows.values())
    total = len(STEPS) + max(1, -(-count // BATCH))
    context.progress(len(STEPS), total, WRITING)
    unit_path, unit_name = unit.path, unit.name
    with context.writes() as session:
        close = write_snapshot(
            session, rows, year=year, unit_id=unit_id, as_of=as_of, job_id=context.job.id,
            actor_id=actor_id,
            on_batch=lambda written: context.progress(
                len(STEPS) + written // BATCH, total, WRITING
            ),
        )  # fmt: skip
        audit.record(
            session, actor_id=actor_id, object_type="year_close", object_id=unit_id,
            action="close", new={"year": year, "close": close.id, "people": close.people},
        )  # fmt: skip
    return {"close_id": close.id, "people": close.people, "units": close.units,
            "unit": unit_name, "path": unit_path}  # fmt: skip


@dataclass
class SnapshotRows:
    people: list[dict[str, Any]]
    units: list[dict[str, Any]]
    proposals: list[dict[str, Any]]

    def values(self) -> Iterable[list[dict[str, Any]]]:
        return (self.people, self.units, self.proposals)


def snapshot_rows(session: Session, computed: YearEnd, root: Unit) -> SnapshotRows:
    """What of the province's year-end belongs to `root`'s subtree, as rows to insert."""
    in_subtree = {
        unit_id: path
        for unit_id, path in session.execute(
            sa.select(Unit.id, Unit.path).where(Unit.path.startswith(root.path))
        )
    }
    placed: dict[int, int] = {
        person_id: unit_id
        for person_id, unit_id in session.execute(
            sa.select(Person.id, Person.unit_id).where(Person.unit_id.in_(in_subtree))
        )
    }
    people = [
        {
            "person_id": person_id,
            "unit_id": placed[person_id],
            "level": result.level.value,
            "points": result.points,
            "rulebook": result.rulebook,
            "reasons": [reason.to_record() for reason in result.reasons],
        }
        for person_id, result in sorted(computed.classified.items())
        if person_id in placed
    ]
    positions = {
        row.result.unit.id: row.position for group in computed.rankings for row in group.rows
    }
    units = [
        {
            "unit_id": unit_id,
            "figures": _figures(result.figures),
            "points": result.score.points,
            "own_points": result.score.own,
            "level": result.score.level.value if result.score.level else None,
            "reasons": [reason.to_record() for reason in result.score.reasons],
            "levels": {level.value: count for level, count in result.levels.items() if count},
            "tasks": result.tasks,
            "overdue_pct": result.overdue_pct,
            "position": positions.get(unit_id) or None,
        }
        for unit_id, result in sorted(computed.unit_results.items())
        if unit_id in in_subtree
    ]
    proposals: list[dict[str, Any]] = []
    for proposal in computed.proposals:
        if proposal.agency.id not in in_subtree:
            continue
        if proposal.collective:
            proposals.append(
                {
                    "agency_id": proposal.agency.id,
                    "person_id": None,
                    "titles": [title.value for title, _reason in proposal.collective],
                    "warning": proposal.warning,
                }
            )
        for evaluated in proposal.evaluations:
            titles = proposal.titles_of(evaluated)
            if titles:
                proposals.append(
                    {
                        "agency_id": proposal.agency.id,
                        "person_id": evaluated.person_id,
                        "titles": [title.value for title in titles],
                        "warning": None,
                    }
                )
    return SnapshotRows(people, units, proposals)


def _figures(figures: UnitFigures) -> dict[str, Any]:
    return {
        "targets": figures.targets,
        "completed": figures.completed,
        "on_time": figures.on_time,
        "exceeded": figures.exceeded,
        "members_scored": figures.members_scored,
        "members_average": figures.members_average,
        "disciplined": figures.disciplined,
    }


def write_snapshot(
    session: Session,
    rows: SnapshotRows,
    *,
    year: int,
    unit_id: int,
    as_of: date,
    job_id: int | None,
    actor_id: int | None,
    on_batch: Any = None,
) -> YearClose:
    """The new snapshot, current in place of the previous one, in the caller's transaction."""
    session.execute(
        sa.update(YearClose)
        .where(YearClose.year == year, YearClose.unit_id == unit_id, YearClose.is_current)
        .values(is_current=False)
        .execution_options(synchronize_session=False)
    )
    close = YearClose(
        year=year, unit_id=unit_id, as_of=as_of, job_id=job_id, created_by=actor_id,
        is_current=True, people=len(rows.people), units=len(rows.units),
        proposals=len(rows.proposals),
    )  # fmt: skip
    session.add(close)
    session.flush()
    written = 0
    for model, part in (
        (YearClosePerson, rows.people),
        (YearCloseUnit, rows.units),
        (YearCloseProposal, rows.proposals),
    ):
        for start in range(0, len(part), BATCH):
            batch = [row | {"close_id": close.id} for row in part[start : start + BATCH]]
            session.execute(sa.insert(model), batch)
            written += len(batch)
            if on_batch is not None:
                on_batch(written)
    return close


# --- reading the snapshot -------------------------------------------------------------------


def current_close(session: Session, year: int, unit_id: int) -> YearClose | None:
    return session.scalars(
        sa.select(YearClose).where(
            YearClose.year == year, YearClose.unit_id == unit_id, YearClose.is_current
        )
    ).first()


def history(session: Session, year: int, unit_id: int, limit: int = 20) -> list[YearClose]:
    return list(
        session.scalars(
            sa.select(YearClose)
            .where(YearClose.year == year, YearClose.unit_id == unit_id)
            .order_by(YearClose.id.desc())
            .limit(limit)
        )
    )


def previous_close(session: Session, close: YearClose) -> YearClose | None:
    return session.scalars(
        sa.select(YearClose)
        .where(
            YearClose.year == close.year,
            YearClose.unit_id == close.unit_id,
            YearClose.id < close.id,
        )
        .order_by(YearClose.id.desc())
        .limit(1)
    ).first()


def level_counts(session: Session, close: YearClose) -> dict[Level, int]:
    return {
        Level(level): count
        for level, count in session.execute(
            sa.select(YearClosePerson.level, sa.func.count())
            .where(YearClosePerson.close_id == close.id)
            .group_by(YearClosePerson.level)
        )
    }


@dataclass(frozen=True)
class PersonChange:
    person_id: int
    full_name: str
    unit_name: str
    before: Level | None
    after: Level | None


@dataclass(frozen=True)
class UnitChange:
    unit_id: int
    name: str
    level_before: Level | None
    level_after: Level | None
    points_before: float | None
    points_after: float | None
    position_before: int | None
    position_after: int | None


@dataclass(frozen=True)
class Changes:
    people: list[PersonChange]
    people_count: int
    units: list[UnitChange]
    units_count: int


def changes(session: Session, close: YearClose, before: YearClose, limit: int = 200) -> Changes:
    """People whose level changed and units whose result or place changed, between two runs
    (joined in SQL: a province's snapshot holds 40 000 people)."""
    changed_people = _changed_levels(close, before)
    people_count = session.scalar(sa.select(sa.func.count()).select_from(changed_people)) or 0
    listed = sa.select(changed_people).order_by(changed_people.c.person_id).limit(limit).subquery()
    people = [
        PersonChange(
            row.person_id,
            row.full_name,
            row.unit_name,
            Level(row.before) if row.before else None,
            Level(row.after) if row.after else None,
        )
        for row in session.execute(
            sa.select(listed, Person.full_name, Unit.name.label("unit_name"))
            .join(Person, Person.id == listed.c.person_id)
            .join(Unit, Unit.id == Person.unit_id)
            .order_by(Unit.path, Person.full_name)
        )
    ]
    new_unit, old_unit = aliased(YearCloseUnit), aliased(YearCloseUnit)
    changed_units = (
        sa.select(
            new_unit.unit_id,
            old_unit.level.label("level_before"),
            new_unit.level.label("level_after"),
            old_unit.points.label("points_before"),
            new_unit.points.label("points_after"),
            old_unit.position.label("position_before"),
            new_unit.position.label("position_after"),
        )
        .join(
            old_unit,
            sa.and_(old_unit.unit_id == new_unit.unit_id, old_unit.close_id == before.id),
            isouter=True,
        )
        .where(
            new_unit.close_id == close.id,
            sa.or_(
                old_unit.unit_id.is_(None),
                _differ(new_unit.level, old_unit.level),
                _differ(new_unit.points, old_unit.points),
                _differ(new_unit.position, old_unit.position),
            ),
        )
    ).subquery()
    units_count = session.scalar(sa.select(sa.func.count()).select_from(changed_units)) or 0
    units = [
        UnitChange(
            row.unit_id,
            row.name,
            Level(row.level_before) if row.level_before else None,
            Level(row.level_after) if row.level_after else None,
            row.points_before,
            row.points_after,
            row.position_before,
            row.position_after,
        )
        for row in session.execute(
            sa.select(changed_units, Unit.name)
            .join(Unit, Unit.id == changed_units.c.unit_id)
            .order_by(Unit.path)
            .limit(limit)
        )
    ]
    return Changes(people, people_count, units, units_count)


def _differ(a: Any, b: Any) -> sa.ColumnElement[bool]:
    """Not equal, counting NULL as a value (IS DISTINCT FROM, on both backends)."""
    return a.is_distinct_from(b)


def _changed_levels(close: YearClose, before: YearClose) -> sa.Subquery:
    """People whose level differs, or who entered or left the subtree: a full join written
    as two one-sided ones (SQLite before 3.39 has no FULL JOIN)."""
    new, old = aliased(YearClosePerson), aliased(YearClosePerson)
    changed_or_left = (
        sa.select(new.person_id.label("person_id"), old.level.label("before"),
                  new.level.label("after"))
        .join(old, sa.and_(old.person_id == new.person_id, old.close_id == before.id),
              isouter=True)
        .where(new.close_id == close.id, _differ(new.level, old.level))
    )  # fmt: skip
    gone = (
        sa.select(old.person_id.label("person_id"), old.level.label("before"),
                  sa.null().label("after"))
        .where(
            old.close_id == before.id,
            ~sa.exists().where(new.close_id == close.id, new.person_id == old.person_id),
        )
    )  # fmt: skip
    return sa.union_all(changed_or_left, gone).subquery()


def proposals_of(session: Session, close: YearClose) -> list[tuple[str, str | None, list[str]]]:
    """(agency name, person name or None for the agency itself, titles) in tree order."""
    return [
        (row.agency, row.person, row.titles)
        for row in session.execute(
            sa.select(
                Unit.name.label("agency"),
                Person.full_name.label("person"),
                YearCloseProposal.titles,
            )
            .join(Unit, Unit.id == YearCloseProposal.agency_id)
            .outerjoin(Person, Person.id == YearCloseProposal.person_id)
            .where(YearCloseProposal.close_id == close.id)
            .order_by(Unit.path, YearCloseProposal.person_id.is_not(None), Person.full_name)
        )
    ]


def closed_unit_results(
    session: Session, year: int, units: Sequence[Unit]
) -> dict[int, UnitResult] | None:
    """The year results of `units` from the snapshots in force, when every one of them is in
    a closed subtree (the newest close that covers it); None otherwise, and the page computes."""
    if not units:
        return None
    closes = session.execute(
        sa.select(YearClose.id, Unit.path)
        .join(Unit, Unit.id == YearClose.unit_id)
        .where(YearClose.year == year, YearClose.is_current)
        .order_by(YearClose.id)
    ).all()
    if not closes:
        return None
    covering: dict[int, int] = {}
    for unit in units:
        newest = [close_id for close_id, path in closes if unit.path.startswith(path)]
        if not newest:
            return None
        covering[unit.id] = newest[-1]
    by_id = {unit.id: unit for unit in units}
    rows = session.scalars(
        sa.select(YearCloseUnit).where(
            sa.tuple_(YearCloseUnit.close_id, YearCloseUnit.unit_id).in_(
                [(close_id, unit_id) for unit_id, close_id in covering.items()]
            )
        )
    ).all()
    if len(rows) != len(covering):
        return None  # a unit added after the close: the page computes
    return {row.unit_id: unit_result(row, by_id[row.unit_id]) for row in rows}


@dataclass(frozen=True)
class ClosedProposal:
    """A person's titles as the close proposed them, with the level the close gave them."""

    person_id: int
    person: str
    unit: str
    level: Level | None
    titles: tuple[Title, ...]


@dataclass(frozen=True)
class ClosedEmulation:
    """An agency's proposals as the close in force keeps them (the emulation page of a
    closed year shows these, whatever changed since)."""

    close: YearClose
    people: list[ClosedProposal]
    collective: tuple[Title, ...]
    warnings: tuple[str, ...]


def covering_close(session: Session, year: int, unit: Unit) -> YearClose | None:
    """The newest close in force whose subtree holds `unit` (as `closed_unit_results`)."""
    return session.scalars(
        sa.select(YearClose)
        .join(Unit, Unit.id == YearClose.unit_id)
        .where(
            YearClose.year == year,
            YearClose.is_current,
            sa.literal(unit.path).startswith(Unit.path),
        )
        .order_by(YearClose.id.desc())
        .limit(1)
    ).first()


def closed_proposals(session: Session, year: int, agency: Unit) -> ClosedEmulation | None:
    """The agency's proposals from the newest close in force that covers it; None when none
    does (the page computes them)."""
    close = covering_close(session, year, agency)
    if close is None:
        return None
    placed = aliased(Unit)
    rows = session.execute(
        sa.select(
            YearCloseProposal.person_id,
            Person.full_name,
            placed.name,
            YearClosePerson.level,
            YearCloseProposal.titles,
            YearCloseProposal.warning,
        )
        .outerjoin(Person, Person.id == YearCloseProposal.person_id)
        .outerjoin(
            YearClosePerson,
            (YearClosePerson.close_id == YearCloseProposal.close_id)
            & (YearClosePerson.person_id == YearCloseProposal.person_id),
        )
        .outerjoin(placed, placed.id == YearClosePerson.unit_id)
        .where(YearCloseProposal.close_id == close.id, YearCloseProposal.agency_id == agency.id)
        .order_by(Person.full_name, YearCloseProposal.id)
    ).all()
    people = [
        ClosedProposal(
            person_id=row.person_id,
            person=row.full_name,
            unit=row.name or "",
            level=Level(row.level) if row.level else None,
            titles=tuple(Title(title) for title in row.titles),
        )
        for row in rows
        if row.person_id is not None and row.full_name is not None
    ]
    collective = tuple(
        Title(title) for row in rows if row.person_id is None for title in row.titles
    )
    warnings = tuple(row.warning for row in rows if row.warning)
    return ClosedEmulation(close, people, collective, warnings)


def version(session: Session, year: int, *, before: bool = False) -> tuple[int, ...]:
    """The snapshots in force for the year (and the year before): part of a cached page's
    key, so a new close shows at once."""
    years = (year, year - 1) if before else (year,)
    return tuple(
        session.scalars(
            sa.select(YearClose.id)
            .where(YearClose.year.in_(years), YearClose.is_current)
            .order_by(YearClose.id)
        )
    )


def unit_result(row: YearCloseUnit, unit: Unit) -> UnitResult:
    """A stored unit result, as `rankings.services.unit_results` gives it."""
    from collections import Counter

    figures = UnitFigures(**row.figures)
    score = UnitScore(
        points=row.points,
        own=row.own_points,
        level=Level(row.level) if row.level else None,
        reasons=tuple(_reason(stored) for stored in row.reasons),
    )
    levels: Counter[Level] = Counter({Level(key): count for key, count in row.levels.items()})
    return UnitResult(
        unit=unit, figures=figures, score=score, levels=levels, tasks=row.tasks,
        overdue_pct=row.overdue_pct,
    )  # fmt: skip


def _reason(stored: dict[str, Any]) -> Reason:
    return Reason(
        rule=stored["rule"], citation=decode(stored["citation"]), message=decode(stored["message"])
    )


# --- reopening --------------------------------------------------------------------------------

_REOPENED = "year_close_reopened"


def _note_reopenings(session: Session, _context: Any, _instances: Any = None) -> None:
    """An evaluation reopened in this flush (its audit record): remember it until commit."""
    for entry in session.new:
        if (
            isinstance(entry, AuditRecord)
            and entry.object_type == "evaluation"
            and entry.action == "reopen"
        ):
            session.info.setdefault(_REOPENED, []).append((entry.object_id, entry.actor_id))


def _rerun_after_reopening(session: Session) -> None:
    """Before the reopening commits: queue the close again for each closed subtree holding
    the evaluation (it runs after the commit, so it sees the reopened record)."""
    _note_reopenings(session, None)  # the audit records not flushed yet
    reopened = dict(session.info.pop(_REOPENED, []))  # evaluation id → who reopened it
    if not reopened or not has_app_context():
        return
    try:
        _queue_closes_again(session, reopened)
    finally:
        session.info.pop(_REOPENED, None)  # noted again by the flushes of the lines above


def _queue_closes_again(session: Session, reopened: dict[int, int | None]) -> None:
    for evaluation_id, actor_id in reopened.items():
        found = session.execute(
            sa.select(AnnualEvaluation.year, Unit.path)
            .join(Person, Person.id == AnnualEvaluation.person_id)
            .join(Unit, Unit.id == Person.unit_id)
            .where(AnnualEvaluation.id == evaluation_id)
        ).first()
        if found is None:
            continue
        year, path = found
        for close in session.scalars(  # read whole before queuing writes more
            sa.select(YearClose)
            .join(Unit, Unit.id == YearClose.unit_id)
            .where(
                YearClose.year == year,
                YearClose.is_current,
                sa.literal(path).startswith(Unit.path),
            )
        ).all():
            if running_close(session, year, close.unit_id) is None:
                unit = session.get_one(Unit, close.unit_id)
                request_close(session, year, unit, actor_id=actor_id, reason="reopened")


def install() -> None:
    """Listen on every session (idempotent), as `rankings.stored` does."""
    if not event.contains(Session, "before_flush", _note_reopenings):
        event.listen(Session, "before_flush", _note_reopenings)
        event.listen(Session, "before_commit", _rerun_after_reopening)
        event.listen(Session, "after_soft_rollback", _forget_reopenings)


def _forget_reopenings(session: Session, _previous: Any) -> None:
    session.info.pop(_REOPENED, None)
