"""Closing a year for a subtree: the set-based year-end, run as a job, kept as one snapshot.

The personnel office (or an administrator) asks for it on the close page or from cron
(`flask --app app year close 2026 --unit N`). The job computes `year_end` for the province,
keeps what belongs to the subtree (people placed in it, its units, its agencies' proposals)
and writes it in one transaction with the `current` flag moved from the previous run: a worker
killed before that commit leaves the previous snapshot in force, whole. Reopening an annual
evaluation inside a closed subtree queues the close again (`_rerun_after_reopening`), naming
the evaluation: that close redoes only what a reopening can change (`_close_again`) and copies
the rest of the previous snapshot in SQL, or runs whole when it cannot be exact.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, aliased

from criteria import Level, Title, classify
from criteria.reasons import Reason, decode
from criteria.unit_results import UnitFigures, UnitScore
from evaluation.core import audit
from evaluation.core.audit import AuditRecord
from evaluation.core.clock import local_today
from evaluation.core.collector import collector_paused
from evaluation.core.jobs import Job, JobContext, JobFailed, JobState, enqueue, handler
from evaluation.organisation.models import Person, Unit, UnitLike
from evaluation.organisation.services import agencies_among, nearest_agency, path_ids
from evaluation.rankings import emulation
from evaluation.rankings.services import RankingGroup, UnitResult, rankings
from evaluation.rankings.stored import tree_revision
from evaluation.rulesets import services as rulesets
from evaluation.rulesets.models import (
    CriteriaSetPin,
    CriteriaSetVersion,
    PolicyVersion,
    VersionStatus,
)
from evaluation.scoring.models import AnnualEvaluation
from evaluation.yearend.models import (
    YearClose,
    YearClosePerson,
    YearCloseProposal,
    YearCloseUnit,
)
from evaluation.yearend.services import (
    YearEnd,
    batch_settings,
    province_facts,
    year_end,
    year_results,
)

KIND = "year.close"
# The steps `year_end` names as each ends, then the writing: the progress bar's stages.
STEPS = ("unit results", "facts", "classification", "rankings", "emulation proposals")
WRITING = "writing"
BATCH = 1000  # rows per INSERT while writing the snapshot
# Reopenings one close applies to the previous snapshot; more queued together: the whole close
# (each brings its leaders and its agency: past a few dozen, the whole is as quick and simpler).
REOPENED_MAX = 20


def as_of_for(year: int, today: date) -> date:
    """A past year is closed as of its last day; the current one as of today."""
    return min(today, date(year, 12, 31))


def request_close(
    session: Session,
    year: int,
    unit: Unit,
    *,
    actor_id: int | None,
    reason: str = "asked",
    reopened: Collection[int] | None = None,
) -> Job:
    """Queue the close of `year` for `unit`'s subtree (it runs after the caller commits).

    `reopened`: the annual evaluations reopened since the close in force, which is all the
    close then redoes (the whole close when it cannot be exact)."""
    params: dict[str, Any] = {"year": year, "unit_id": unit.id, "actor_id": actor_id}
    if reopened is not None:
        params["reopened"] = sorted(set(reopened))
    job = enqueue(session, KIND, params, requested_by=actor_id)
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
def close_year(
    context: JobContext,
    year: int,
    unit_id: int,
    actor_id: int | None = None,
    reopened: list[int] | None = None,
) -> dict:
    """The close, Python's cycle collector paused throughout: the year-end's facts, results
    and the snapshot's rows live until the end, and each full collection walked them again
    (a third of the time; `year_end` pauses it too, for its other callers)."""
    with collector_paused():
        return _close_year(context, year, unit_id, actor_id, reopened)


def _close_year(
    context: JobContext,
    year: int,
    unit_id: int,
    actor_id: int | None,
    reopened: list[int] | None,
) -> dict:
    session = context.session
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise JobFailed(f"unit {unit_id} no longer exists")
    as_of = as_of_for(year, local_today())
    basis = close_basis(session, as_of)  # read first: what the computation below stands on
    if reopened:
        again = _close_again(context, unit, year, as_of, basis, reopened, actor_id)
        if again is not None:
            return again
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
            "unit": unit_name, "path": unit_path, "basis": basis}  # fmt: skip


def close_basis(session: Session, as_of: date) -> dict[str, Any]:
    """What a snapshot stands on besides the year's records: its day, the unit tree's
    revision and the rule sets, pins and policies published. Kept in the job's result; a
    close redone after a reopening copies the previous snapshot only on the same basis."""
    rules = [
        sorted(
            session.execute(
                sa.select(CriteriaSetVersion.id, CriteriaSetVersion.effective_from).where(
                    CriteriaSetVersion.status == VersionStatus.PUBLISHED
                )
            ).all()
        ),
        sorted(session.execute(sa.select(CriteriaSetPin.id, CriteriaSetPin.unit_id)).all()),
        sorted(
            session.execute(
                sa.select(PolicyVersion.id, PolicyVersion.effective_from).where(
                    PolicyVersion.status == VersionStatus.PUBLISHED
                )
            ).all()
        ),
    ]
    digest = hashlib.sha256(repr(rules).encode()).hexdigest()[:16]
    return {"as_of": as_of.isoformat(), "tree": tree_revision(session), "rules": digest}


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
    people = _person_rows(computed.classified, placed)
    units = _unit_rows(computed.unit_results, computed.rankings, in_subtree)
    proposals = _proposal_rows(computed.proposals, in_subtree)
    return SnapshotRows(people, units, proposals)


def _person_rows(classified: dict[int, Any], placed: dict[int, int]) -> list[dict[str, Any]]:
    """The snapshot's rows of the people placed in the subtree (`placed`: person → unit).

    A province's people share a few hundred distinct reasons (the same rule, citation and
    counts): each is rendered and encoded once, its record shared by the rows that give it
    (rows are written, never changed)."""
    records: dict[Reason, dict[str, Any]] = {}

    def record(reason: Reason) -> dict[str, Any]:
        known = records.get(reason)
        if known is None:
            known = records[reason] = reason.to_record()
        return known

    return [
        {
            "person_id": person_id,
            "unit_id": placed[person_id],
            "level": result.level.value,
            "points": result.points,
            "rulebook": result.rulebook,
            "reasons": [record(reason) for reason in result.reasons],
        }
        for person_id, result in sorted(classified.items())
        if person_id in placed
    ]


def _unit_rows(
    results: dict[int, UnitResult], ranked: list[RankingGroup], in_subtree: Collection[int]
) -> list[dict[str, Any]]:
    """The snapshot's rows of the subtree's units: results and places in their groups."""
    positions = {row.result.unit.id: row.position for group in ranked for row in group.rows}
    return [
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
        for unit_id, result in sorted(results.items())
        if unit_id in in_subtree
    ]


def _proposal_rows(
    proposed: list[emulation.Proposal], in_subtree: Collection[int]
) -> list[dict[str, Any]]:
    """The snapshot's rows of the subtree's agencies' proposals, in the proposals' order."""
    proposals: list[dict[str, Any]] = []
    for proposal in proposed:
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
    return proposals


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
            session.execute(model.__table__.insert(), batch)  # Core rows: no ORM bulk path
            written += len(batch)
            if on_batch is not None:
                on_batch(written)
    return close


# --- the close again after a reopening ------------------------------------------------------


def _close_again(
    context: JobContext,
    unit: Unit,
    year: int,
    as_of: date,
    basis: dict[str, Any],
    reopened: Sequence[int],
    actor_id: int | None,
) -> dict | None:
    """The close redone after reopenings, from the close in force: None when it cannot be
    exact (no close in force, another day, tree or rules, other people placed, too many
    reopenings), and the caller runs the whole close.

    A reopening changes the evaluation's levels, so its unit's stored year sums: the unit
    results up its chain of units, hence the rankings, the facts of leaders whose sub-units'
    levels moved, and the proposals of the person's agency and of agencies whose result
    moved. Those are recomputed (the unit results and rankings from the stored sums, for the
    whole tree: cheap), the person's facts too; every other row is copied from the previous
    snapshot by INSERT … SELECT."""
    session = context.session
    previous = current_close(session, year, unit.id)
    if previous is None or previous.as_of != as_of or len(reopened) > REOPENED_MAX:
        return None
    done = session.get(Job, previous.job_id) if previous.job_id is not None else None
    if done is None or (done.result or {}).get("basis") != basis:
        return None
    previous_id, previous_people = previous.id, previous.people
    if not _same_people(session, previous_id, unit.path, previous_people):
        return None
    context.progress(0, 2, STEPS[0])
    batch_settings(session)
    units = list(session.scalars(sa.select(Unit).order_by(Unit.path)))
    by_id = {each.id: each for each in units}
    in_subtree = {each.id for each in units if each.path.startswith(unit.path)}
    results = year_results(session, year, as_of, units)
    unit_rows = _unit_rows(results, rankings(results, {}, by_id), in_subtree)
    before = _previous_units(session, previous_id)
    if before.keys() != {row["unit_id"] for row in unit_rows}:
        return None
    changed_units = {row["unit_id"] for row in unit_rows if before[row["unit_id"]] != row}
    moved = {  # units whose level changed: their parents' leaders read it
        row["unit_id"]
        for row in unit_rows
        if row["unit_id"] in changed_units and before[row["unit_id"]]["level"] != row["level"]
    }

    # The reopened: the unit they are placed in, the unit their evaluation was made in.
    touched = session.execute(
        sa.select(AnnualEvaluation.person_id, Person.unit_id, AnnualEvaluation.unit_id)
        .join(Person, Person.id == AnnualEvaluation.person_id)
        .where(AnnualEvaluation.id.in_(sorted(set(reopened))), AnnualEvaluation.year == year)
    ).all()
    chains = {
        ancestor
        for _person, placed_in, made_in in touched
        for unit_id in (placed_in, made_in)
        if unit_id in by_id
        for ancestor in path_ids(by_id[unit_id].path)
    }
    leading = (chains | {by_id[unit_id].parent_id for unit_id in moved}) & in_subtree
    redo_people = {person for person, placed_in, _made in touched if placed_in in in_subtree}
    redo_people |= {
        person
        for person, role in session.execute(
            sa.select(Person.id, Person.leadership_role).where(Person.unit_id.in_(sorted(leading)))
        )
        if role.is_leader
    }
    facts = province_facts(session, year, as_of, units=units, results=results, only=redo_people)
    policy = rulesets.policy_in_force(session, date(year, 12, 31))
    classified = {person: classify(person_facts, policy) for person, person_facts in facts.items()}
    placed = dict(
        session.execute(
            sa.select(Person.id, Person.unit_id).where(Person.id.in_(sorted(redo_people)))
        ).all()
    )
    people_rows = _person_rows(classified, placed)

    agencies = agencies_among(units)
    known = {agency.id: agency for agency in agencies}
    redo_agencies = {
        nearest_agency(by_id[made_in].path, known).id
        for _person, _placed, made_in in touched
        if made_in in by_id
    } | (changed_units & known.keys())
    redo_agencies &= in_subtree
    proposed = emulation.proposals(
        session, [known[agency_id] for agency_id in redo_agencies], year, results, among=agencies
    )
    proposal_rows = _proposal_rows(proposed, in_subtree)
    context.progress(1, 2, WRITING)

    unit_path, unit_name, unit_id = unit.path, unit.name, unit.id
    with context.writes() as session:
        replaced = session.execute(
            sa.update(YearClose)
            .where(YearClose.id == previous_id, YearClose.is_current)
            .values(is_current=False)
            .execution_options(synchronize_session=False)
        )
        if not replaced.rowcount:  # another close came first: the whole one, on its records
            close = _close_whole(session, unit_id, year, as_of, context.job.id, actor_id)
        else:
            close = YearClose(
                year=year, unit_id=unit_id, as_of=as_of, job_id=context.job.id,
                created_by=actor_id, is_current=True,
            )  # fmt: skip
            session.add(close)
            session.flush()
            close.people = _copy_rows(
                session, YearClosePerson, previous_id, close.id,
                YearClosePerson.person_id.not_in(sorted(redo_people)), people_rows,
            )  # fmt: skip
            close.units = _copy_rows(
                session, YearCloseUnit, previous_id, close.id,
                YearCloseUnit.unit_id.not_in(sorted(changed_units)),
                [row for row in unit_rows if row["unit_id"] in changed_units],
            )  # fmt: skip
            close.proposals = _copy_rows(
                session, YearCloseProposal, previous_id, close.id,
                YearCloseProposal.agency_id.not_in(sorted(redo_agencies)), proposal_rows,
            )  # fmt: skip
            session.flush()
        audit.record(
            session, actor_id=actor_id, object_type="year_close", object_id=unit_id,
            action="close", new={"year": year, "close": close.id, "people": close.people},
        )  # fmt: skip
    return {"close_id": close.id, "people": close.people, "units": close.units,
            "unit": unit_name, "path": unit_path, "basis": basis,
            "reopened": len(set(reopened)), "recomputed": len(redo_people)}  # fmt: skip


def _same_people(session: Session, close_id: int, path: str, people: int) -> bool:
    """Whether the subtree holds the people the close kept, each in the same unit."""
    now = session.scalar(
        sa.select(sa.func.count())
        .select_from(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Unit.path.startswith(path))
    )
    kept = session.scalar(
        sa.select(sa.func.count())
        .select_from(YearClosePerson)
        .join(Person, Person.id == YearClosePerson.person_id)
        .where(YearClosePerson.close_id == close_id, Person.unit_id == YearClosePerson.unit_id)
    )
    return now == kept == people


def _previous_units(session: Session, close_id: int) -> dict[int, dict[str, Any]]:
    """The close's unit rows as `_unit_rows` builds them, to see which ones changed."""
    t = YearCloseUnit
    columns = (
        t.unit_id, t.figures, t.points, t.own_points, t.level, t.reasons, t.levels, t.tasks,
        t.overdue_pct, t.position,
    )  # fmt: skip
    return {
        row.unit_id: dict(row._mapping)
        for row in session.execute(sa.select(*columns).where(t.close_id == close_id))
    }


def _copy_rows(
    session: Session,
    model: type[YearClosePerson] | type[YearCloseUnit] | type[YearCloseProposal],
    previous_id: int,
    close_id: int,
    keep: sa.ColumnElement[bool],
    new_rows: list[dict[str, Any]],
) -> int:
    """The previous close's rows that `keep` selects, copied to the new close in SQL, then
    `new_rows`; returns how many rows the new close has."""
    table = model.__table__
    names = [c.name for c in table.columns if c.name not in ("close_id", "id")]
    session.execute(
        sa.insert(table).from_select(
            ["close_id", *names],
            sa.select(sa.literal(close_id, sa.Integer), *(table.c[name] for name in names))
            .where(table.c.close_id == previous_id, keep)
            # in the previous rows' order: a proposal's id orders an agency's rows
            .order_by(*(table.c.id,) if "id" in table.c else ()),
        )
    )
    for start in range(0, len(new_rows), BATCH):
        batch = [row | {"close_id": close_id} for row in new_rows[start : start + BATCH]]
        session.execute(sa.insert(model), batch)
    # counted, not summed from rowcount: drivers do not all report an INSERT … SELECT's
    return (
        session.scalar(
            sa.select(sa.func.count()).select_from(table).where(table.c.close_id == close_id)
        )
        or 0
    )


def _close_whole(
    session: Session, unit_id: int, year: int, as_of: date, job_id: int, actor_id: int | None
) -> YearClose:
    """The whole close, inside the writing transaction (a race lost to another close)."""
    computed = year_end(session, year, as_of)
    rows = snapshot_rows(session, computed, session.get_one(Unit, unit_id))
    return write_snapshot(
        session, rows, year=year, unit_id=unit_id, as_of=as_of, job_id=job_id, actor_id=actor_id
    )


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


def covering_close(session: Session, year: int, unit: UnitLike) -> YearClose | None:
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


def closed_proposals(session: Session, year: int, agency: UnitLike) -> ClosedEmulation | None:
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
            _queue_again(session, year, close.unit_id, evaluation_id, actor_id)


def _queue_again(
    session: Session, year: int, unit_id: int, evaluation_id: int, actor_id: int | None
) -> None:
    """The close of the subtree again, for this reopening: added to the close already queued
    (not yet started: the statement checks it), else a new one. A close already running may
    have read the records before the reopening: it does not count."""
    queued = session.scalars(
        sa.select(Job)
        .where(
            Job.kind == KIND,
            Job.state == JobState.QUEUED,
            Job.params["year"].as_integer() == year,
            Job.params["unit_id"].as_integer() == unit_id,
        )
        .order_by(Job.id.desc())
        .limit(1)
    ).first()
    if queued is not None:
        reopened = queued.params.get("reopened")
        if reopened is None or evaluation_id in reopened:
            return  # a whole close, or this reopening already: it will see it
        params = dict(queued.params)
        if len(reopened) < REOPENED_MAX:
            params["reopened"] = sorted({*reopened, evaluation_id})
        else:
            params.pop("reopened")  # the whole close
        widened = session.execute(
            sa.update(Job)
            .where(Job.id == queued.id, Job.state == JobState.QUEUED)
            .values(params=params)
            .execution_options(synchronize_session=False)
        )
        session.expire(queued)
        if widened.rowcount:
            return
    unit = session.get_one(Unit, unit_id)
    request_close(
        session, year, unit, actor_id=actor_id, reason="reopened", reopened=[evaluation_id]
    )


def install() -> None:
    """Listen on every session (idempotent), as `rankings.stored` does."""
    if not event.contains(Session, "before_flush", _note_reopenings):
        event.listen(Session, "before_flush", _note_reopenings)
        event.listen(Session, "before_commit", _rerun_after_reopening)
        event.listen(Session, "after_soft_rollback", _forget_reopenings)


def _forget_reopenings(session: Session, _previous: Any) -> None:
    session.info.pop(_REOPENED, None)
