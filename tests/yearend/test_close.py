"""The year-end close: one snapshot of the subtree, written whole, compared with the previous
run, run again when an evaluation is reopened, and read by the rankings page."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from criteria import DisciplineForm, Level
from evaluation.core.jobs import Job, JobState, drain
from evaluation.demo.generator import Options, generate_province
from evaluation.organisation.models import Person, Unit
from evaluation.records.models import DisciplineRecord
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation
from evaluation.yearend import close
from evaluation.yearend.models import YearClose, YearClosePerson, YearCloseProposal, YearCloseUnit
from evaluation.yearend.services import year_end
from tests.test_plain_language import read_page, vietnamese_findings

YEAR = 2025


@pytest.fixture
def province(session: Session, clock: Callable[[date], None]) -> Unit:
    """A generated province of 100 people with its year 2025, seen in January 2026; returns the
    agency under the root with the most people (the subtree closed)."""
    clock(date(2026, 1, 20))
    generate_province(session, Options(people=100, years=1, seed=31, last_year=YEAR))
    session.commit()
    root = session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))).one()
    children = session.scalars(sa.select(Unit).where(Unit.parent_id == root.id)).all()

    def people(unit: Unit) -> int:
        return session.scalar(
            sa.select(sa.func.count())
            .select_from(Person)
            .join(Unit, Unit.id == Person.unit_id)
            .where(Unit.path.startswith(unit.path))
        )

    return max(children, key=people)


def _close(app: Flask, session: Session, unit: Unit, actor_id: int | None = None) -> Job:
    with app.app_context():
        job = close.request_close(session, YEAR, unit, actor_id=actor_id)
        session.commit()
        drain(app)
    session.expire_all()
    return session.get(Job, job.id)


def _levels(session: Session, close_id: int) -> dict[int, str]:
    return dict(
        session.execute(
            sa.select(YearClosePerson.person_id, YearClosePerson.level).where(
                YearClosePerson.close_id == close_id
            )
        ).all()
    )


def test_the_snapshot_is_the_year_end_of_the_subtree(app: Flask, session: Session, province):
    job = _close(app, session, province)
    assert job.state is JobState.DONE, job.error
    assert job.percent == 100 and job.total > len(close.STEPS)
    snapshot = close.current_close(session, YEAR, province.id)
    assert snapshot is not None and snapshot.job_id == job.id
    assert snapshot.as_of == date(YEAR, 12, 31)
    assert job.result["close_id"] == snapshot.id

    computed = year_end(session, YEAR, snapshot.as_of)
    inside = {
        person_id
        for person_id, path in session.execute(
            sa.select(Person.id, Unit.path).join(Unit, Unit.id == Person.unit_id)
        )
        if path.startswith(province.path)
    }
    assert inside and len(inside) < len(computed.classified)  # a subtree, not the province
    assert _levels(session, snapshot.id) == {
        person_id: result.level.value
        for person_id, result in computed.classified.items()
        if person_id in inside
    }
    assert snapshot.people == len(inside)
    # Each reason is stored as the rules gave it (records shared between rows read back whole).
    assert dict(
        session.execute(
            sa.select(YearClosePerson.person_id, YearClosePerson.reasons).where(
                YearClosePerson.close_id == snapshot.id
            )
        ).all()
    ) == {
        person_id: [reason.to_record() for reason in result.reasons]
        for person_id, result in computed.classified.items()
        if person_id in inside
    }
    assert gc.isenabled()  # the collector, paused while the close ran, is back on

    units = {
        unit.id for unit in session.scalars(sa.select(Unit)) if unit.path.startswith(province.path)
    }
    stored_units = {
        row.unit_id: (row.points, row.level, row.position)
        for row in session.scalars(
            sa.select(YearCloseUnit).where(YearCloseUnit.close_id == snapshot.id)
        )
    }
    positions = {row.result.unit.id: row.position for g in computed.rankings for row in g.rows}
    assert stored_units == {
        unit_id: (
            result.score.points,
            result.score.level.value if result.score.level else None,
            positions.get(unit_id) or None,
        )
        for unit_id, result in computed.unit_results.items()
        if unit_id in units
    }
    proposed = {
        (row.agency_id, row.person_id): row.titles
        for row in session.scalars(
            sa.select(YearCloseProposal).where(YearCloseProposal.close_id == snapshot.id)
        )
    }
    expected = {
        (p.agency.id, e.person_id): [t.value for t in p.titles_of(e)]
        for p in computed.proposals
        if p.agency.id in units
        for e in p.evaluations
        if p.titles_of(e)
    }
    assert expected and {k: v for k, v in proposed.items() if k[1] is not None} == expected
    # A stored unit result reads back as the rankings compute it.
    some_unit = next(iter(units))
    read = close.unit_result(
        session.get(YearCloseUnit, (snapshot.id, some_unit)), session.get(Unit, some_unit)
    )
    assert read.score == computed.unit_results[some_unit].score
    assert read.figures == computed.unit_results[some_unit].figures


def test_a_new_close_replaces_the_previous_and_shows_what_changed(
    app: Flask, session: Session, province, make_admin, login_as
):
    first = close.current_close(session, YEAR, _close(app, session, province).params["unit_id"])
    levels = _levels(session, first.id)
    good = next(pid for pid, level in sorted(levels.items()) if level in ("tot", "xuat_sac"))
    session.add(
        DisciplineRecord(
            person_id=good, violation="Vi phạm quy chế", effective_on=date(YEAR, 6, 1),
            form=DisciplineForm.CANH_CAO,
        )
    )  # fmt: skip
    session.commit()

    _close(app, session, province)
    session.expire_all()
    second = close.current_close(session, YEAR, province.id)
    assert second.id != first.id
    assert not session.get(YearClose, first.id).is_current
    assert [run.id for run in close.history(session, YEAR, province.id)] == [second.id, first.id]
    assert _levels(session, first.id) == levels  # the previous run is kept as it was

    changes = close.changes(session, second, first)
    changed = {change.person_id: (change.before, change.after) for change in changes.people}
    assert good in changed
    before, after = changed[good]
    assert before is Level(levels[good]) and after is not None and after is not before
    assert changes.people_count == len(changed)
    assert all(b != a for b, a in changed.values())

    page = login_as(make_admin()).get(f"/year-end/{YEAR}/units/{province.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Thay đổi so với lần chốt trước" in html
    assert session.get(Person, good).full_name in html
    assert vietnamese_findings(read_page(html).text) == []


def test_reopening_an_evaluation_in_a_closed_subtree_closes_it_again(
    app: Flask, session: Session, province, make_admin
):
    admin = make_admin()
    first = close.current_close(session, YEAR, _close(app, session, province).params["unit_id"])
    evaluation = session.scalars(
        sa.select(AnnualEvaluation)
        .join(Person, Person.id == AnnualEvaluation.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(
            AnnualEvaluation.year == YEAR,
            AnnualEvaluation.decided_at.is_not(None),
            Unit.path.startswith(province.path),
        )
        .limit(1)
    ).one()
    with app.app_context():
        procedure.reopen(session, evaluation, reason="Sửa số liệu nhập sai.", actor_id=admin.id)
        session.commit()  # the close is queued in the reopening's own transaction
        queued = session.scalars(
            sa.select(Job).where(Job.kind == close.KIND, Job.state == JobState.QUEUED)
        ).all()
        assert [job.params["unit_id"] for job in queued] == [province.id]
        drain(app)
    session.expire_all()
    again = close.current_close(session, YEAR, province.id)
    assert again.id != first.id
    assert session.get(Job, again.job_id).requested_by == admin.id
    jobs = session.scalar(sa.select(sa.func.count()).select_from(Job))
    session.commit()  # the next commit of the same session queues nothing more
    assert session.scalar(sa.select(sa.func.count()).select_from(Job)) == jobs


def test_a_rolled_back_reopening_queues_nothing(app: Flask, session: Session, province, make_admin):
    admin = make_admin()
    _close(app, session, province)
    evaluation = session.scalars(
        sa.select(AnnualEvaluation).where(AnnualEvaluation.decided_at.is_not(None)).limit(1)
    ).one()
    jobs_before = session.scalar(sa.select(sa.func.count()).select_from(Job))
    with app.app_context():
        procedure.reopen(session, evaluation, reason="Thử", actor_id=admin.id)
        session.rollback()
        drain(app)
    assert session.scalar(sa.select(sa.func.count()).select_from(Job)) == jobs_before


def test_the_rankings_page_of_a_closed_year_reads_the_snapshot(
    app: Flask, session: Session, province, make_admin, login_as
):
    root = session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))).one()
    _close(app, session, root)
    snapshot = close.current_close(session, YEAR, root.id)
    # Mark the snapshot: the page shows what it keeps, not a new computation.
    session.execute(
        sa.update(YearCloseUnit).where(YearCloseUnit.close_id == snapshot.id).values(points=12.34)
    )
    session.commit()
    client = login_as(make_admin())
    page = client.get(f"/rankings/{YEAR}").get_data(as_text=True)
    assert "12,34" in page
    # A year not closed is computed as before.
    assert "12,34" not in client.get(f"/rankings/{YEAR - 1}").get_data(as_text=True)


def test_the_command_closes_a_year_and_prints_its_progress(app: Flask, session: Session, province):
    result = app.test_cli_runner().invoke(
        args=["year", "close", str(YEAR), "--unit", str(province.id)]
    )
    assert result.exit_code == 0, result.output
    assert "1/" in result.output and "writing" in result.output and "Done" in result.output
    session.expire_all()
    snapshot = close.current_close(session, YEAR, province.id)
    assert snapshot is not None and snapshot.people > 0
    refused = app.test_cli_runner().invoke(args=["year", "close", str(YEAR), "--unit", "999999"])
    assert refused.exit_code != 0
