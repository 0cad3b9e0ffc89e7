"""The close redone after a reopening: it recomputes only what the reopening can change and
copies the rest of the previous snapshot, and the snapshot it leaves equals the whole close's,
row for row (people, units, proposals); where it cannot be exact it runs whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from criteria import Level
from evaluation.core.jobs import Job, JobState, drain
from evaluation.demo.generator import Options, generate_province
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation
from evaluation.yearend import close
from evaluation.yearend.models import YearClose, YearClosePerson, YearCloseProposal, YearCloseUnit
from evaluation.yearend.services import year_end

YEAR = 2025


@pytest.fixture
def root(session: Session, clock: Callable[[date], None]) -> Unit:
    """A generated province of 150 people with its year 2025, seen in January 2026, its year's
    stored sums filled as the nightly job keeps them; returns the root unit."""
    clock(date(2026, 1, 20))
    generate_province(session, Options(people=150, years=1, seed=47, last_year=YEAR))
    session.commit()
    return session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))).one()


def _run(app: Flask, session: Session) -> Job:
    """Commit (queuing what the session queued), run the queued jobs, return the last one."""
    with app.app_context():
        session.commit()
        drain(app)
    session.expire_all()
    job = session.scalars(sa.select(Job).where(Job.kind == close.KIND).order_by(Job.id.desc()))
    return job.first()


def _whole(app: Flask, session: Session, unit: Unit) -> Job:
    with app.app_context():
        close.request_close(session, YEAR, unit, actor_id=None)
    return _run(app, session)


def _reopen(app: Flask, session: Session, evaluation: AnnualEvaluation, admin_id: int) -> Job:
    with app.app_context():
        procedure.reopen(session, evaluation, reason="Sửa số liệu.", actor_id=admin_id)
    return _run(app, session)


def _plain(value: Any) -> Any:
    """As JSON stores it (tuples become lists)."""
    return json.loads(json.dumps(value))


def _stored(session: Session, close_id: int) -> dict[str, list[Any]]:
    """A snapshot's rows, without their close id (and the proposals' own id)."""

    def rows(model: Any, order: Any) -> list[dict[str, Any]]:
        names = [c.name for c in model.__table__.columns if c.name not in ("close_id", "id")]
        table = model.__table__
        return [
            _plain(dict(row._mapping))
            for row in session.execute(
                sa.select(*(table.c[name] for name in names))
                .where(table.c.close_id == close_id)
                .order_by(*order)
            )
        ]

    return {
        "people": rows(YearClosePerson, [YearClosePerson.person_id]),
        "units": rows(YearCloseUnit, [YearCloseUnit.unit_id]),
        # an agency's own rows (one a rule-set family) in the order they were written, then
        # its people's (people of the same name come in no set order from the proposals)
        "proposals": rows(
            YearCloseProposal,
            [
                YearCloseProposal.agency_id,
                YearCloseProposal.person_id.is_not(None),
                YearCloseProposal.person_id,
                YearCloseProposal.id,
            ],
        ),
    }


def _computed(session: Session, unit: Unit, as_of: date) -> dict[str, list[Any]]:
    """What the whole close would write now, in the same order as `_stored`."""
    rows = close.snapshot_rows(session, year_end(session, YEAR, as_of), unit)
    return {
        "people": _plain(sorted(rows.people, key=lambda row: row["person_id"])),
        "units": _plain(sorted(rows.units, key=lambda row: row["unit_id"])),
        "proposals": _plain(
            sorted(
                rows.proposals,
                key=lambda row: (
                    row["agency_id"],
                    row["person_id"] is not None,
                    row["person_id"] or 0,
                ),
            )
        ),
    }


def _decided(session: Session, *where: Any) -> list[AnnualEvaluation]:
    return list(
        session.scalars(
            sa.select(AnnualEvaluation)
            .join(Person, Person.id == AnnualEvaluation.person_id)
            .where(AnnualEvaluation.year == YEAR, AnnualEvaluation.decided_at.is_not(None), *where)
            .order_by(AnnualEvaluation.id)
        )
    )


def test_the_close_again_equals_the_whole_close(
    app: Flask, session: Session, root: Unit, make_admin
) -> None:
    admin = make_admin().id
    parents = sa.select(Unit.parent_id).where(Unit.parent_id.is_not(None))
    leader = _decided(session, Person.leadership_role != LeadershipRole.NONE)[0]
    in_leaf = _decided(
        session, Person.leadership_role == LeadershipRole.NONE, Person.unit_id.not_in(parents)
    )[0]
    others = _decided(session, AnnualEvaluation.id.not_in([leader.id, in_leaf.id]))
    moves, stays = others[0], others[-1]
    # The decision set another level than the rulebook's: reopened, the level in force moves
    # (the unit's results, its leaders' facts, its agency's proposals with it).
    moves.final_level = (
        Level.KHONG_HOAN_THANH if moves.computed_level is not Level.KHONG_HOAN_THANH else Level.TOT
    )
    moves.decision_reason = "Vi phạm được phát hiện sau khi tính."
    assert stays.final_level in (stays.personnel_level or stays.computed_level, None)
    session.commit()
    assert _whole(app, session, root).state is JobState.DONE
    first = close.current_close(session, YEAR, root.id)
    as_of = first.as_of
    chosen = [leader, in_leaf, moves, stays]

    changed_somewhere = False
    previous = _stored(session, first.id)
    for evaluation in chosen:
        job = _reopen(app, session, evaluation, admin)
        assert job.state is JobState.DONE, job.error
        assert job.params["reopened"] == [evaluation.id]
        assert job.result["reopened"] == 1  # redone from the previous snapshot, not whole
        again = close.current_close(session, YEAR, root.id)
        assert again.job_id == job.id
        stored = _stored(session, again.id)
        assert stored == _computed(session, root, as_of)
        assert (again.people, again.units, again.proposals) == tuple(
            len(stored[part]) for part in ("people", "units", "proposals")
        )
        changed_somewhere = changed_somewhere or stored != previous
        previous = stored
    assert changed_somewhere  # the reopenings changed the snapshot: the comparison bites

    # and the whole close, written, is the same snapshot row for row
    assert "reopened" not in _whole(app, session, root).result
    whole = close.current_close(session, YEAR, root.id)
    assert _stored(session, whole.id) == previous


def test_a_subtree_and_reopenings_queued_together(
    app: Flask, session: Session, root: Unit, make_admin
) -> None:
    admin = make_admin().id
    agency = session.scalars(
        sa.select(Unit).where(Unit.parent_id == root.id).order_by(Unit.id)
    ).first()
    _whole(app, session, agency)
    inside = _decided(session, Unit.path.startswith(agency.path), Unit.id == Person.unit_id)
    with app.app_context():
        for evaluation in inside[:3]:  # three reopenings, one close
            procedure.reopen(session, evaluation, reason="Sửa số liệu.", actor_id=admin)
            session.commit()
    queued = session.scalars(
        sa.select(Job).where(Job.kind == close.KIND, Job.state == JobState.QUEUED)
    ).all()
    assert [job.params["reopened"] for job in queued] == [sorted(e.id for e in inside[:3])]
    job = _run(app, session)
    assert job.state is JobState.DONE and job.result["reopened"] == 3
    again = close.current_close(session, YEAR, agency.id)
    assert _stored(session, again.id) == _computed(session, agency, again.as_of)


def test_the_close_runs_whole_when_it_cannot_copy(
    app: Flask, session: Session, root: Unit, make_admin
) -> None:
    admin = make_admin().id
    _whole(app, session, root)
    first, second = _decided(session)[:2]
    # the tree changed since the close: the copy would not hold
    unit = session.scalars(sa.select(Unit).where(Unit.parent_id == root.id)).first()
    unit.name = unit.name + " (mới)"
    session.commit()
    job = _reopen(app, session, first, admin)
    assert job.state is JobState.DONE and "reopened" not in job.result
    assert _stored(session, job.result["close_id"]) == _computed(
        session, root, close.current_close(session, YEAR, root.id).as_of
    )
    # a person moved to another unit since the close: whole again
    _whole(app, session, root)
    person = session.get(Person, second.person_id)
    person.unit_id = next(
        unit_id
        for unit_id in session.scalars(sa.select(Unit.id).order_by(Unit.id))
        if unit_id != person.unit_id
    )
    session.commit()
    job = _reopen(app, session, second, admin)
    assert job.state is JobState.DONE and "reopened" not in job.result
    assert session.scalar(sa.select(sa.func.count()).select_from(YearClose)) == 4
