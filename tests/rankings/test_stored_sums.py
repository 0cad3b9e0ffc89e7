"""Closed periods' unit sums are stored, and recomputed exactly when their inputs change.

Each test reads a result twice around a change and compares it with a fresh computation
(`period_sums`, bypassing the store), and counts whether the task rows were read again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from criteria import DisciplineForm
from evaluation.accounts.models import AccountRole
from evaluation.plans.models import Plan, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import services
from evaluation.rankings.stored import StoredPeriodSums
from evaluation.records.models import DisciplineRecord
from evaluation.scoring import procedure
from tests.rankings.test_unit_results import MARCH, build_tree, score, unit_plan
from tests.test_query_counts import counting

APRIL = Period(PeriodKind.MONTH, 2026, 4)
YEAR = Period(PeriodKind.YEAR, 2026, 1)
AFTER_MARCH = date(2026, 4, 10)  # March is closed, April is not
AFTER_APRIL = date(2026, 5, 10)


@pytest.fixture
def tree(session, make_unit, make_person):
    return build_tree(session, make_unit, make_person)


def results(session, tree, period=MARCH, today=AFTER_MARCH):
    return services.unit_results(session, list(tree.values()), period, today)


def fresh(session, tree, period=MARCH, today=AFTER_MARCH):
    return services.roll_up(list(tree.values()), services.period_sums(session, period, today))


def reads_tasks(app, session, tree, period=MARCH, today=AFTER_MARCH) -> bool:
    """Whether computing the result read the task table (i.e. did not use the store)."""
    with counting(app) as statements:
        results(session, tree, period, today)
    return any("FROM task" in statement for statement in statements)


def stored_count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(StoredPeriodSums))


def test_a_closed_period_is_computed_once_then_read_from_the_store(app, session, tree):
    first = results(session, tree)
    assert stored_count(session) == 1
    assert not reads_tasks(app, session, tree)
    assert results(session, tree) == first == fresh(session, tree)


def test_an_open_period_is_never_stored(app, session, tree):
    results(session, tree, APRIL, AFTER_MARCH)
    assert stored_count(session) == 0
    assert reads_tasks(app, session, tree, APRIL, AFTER_MARCH)


def test_a_changed_task_result_recomputes_its_period_only(app, session, tree):
    unit_plan(session, tree["d3"], APRIL, [TaskOutcome.DONE_ON_TIME])
    results(session, tree)
    results(session, tree, APRIL, AFTER_APRIL)
    task = session.scalars(
        sa.select(Task).join(Plan).where(Plan.unit_id == tree["d2"].id, Task.outcome.is_not(None))
        .where(Task.outcome == TaskOutcome.NOT_DONE)
    ).one()  # fmt: skip
    before = results(session, tree)[tree["d2"].id].figures.completed

    task.outcome = TaskOutcome.DONE_LATE  # a late report, as reopening and correcting would
    session.flush()

    assert not reads_tasks(app, session, tree, APRIL, AFTER_APRIL)  # April's inputs unchanged
    assert reads_tasks(app, session, tree)  # March recomputed…
    after = results(session, tree)
    assert after[tree["d2"].id].figures.completed == before + 1  # …with the new result
    assert after == fresh(session, tree)
    assert not reads_tasks(app, session, tree)  # and stored again


def test_a_new_period_score_or_deleted_task_recomputes(app, session, tree, make_person):
    results(session, tree)
    score(session, make_person(tree["d3"]), tree["d3"], MARCH, 60)
    assert results(session, tree)[tree["d3"].id].figures.members_scored == 1
    assert results(session, tree) == fresh(session, tree)

    task = session.scalars(sa.select(Task).join(Plan).where(Plan.unit_id == tree["d1"].id)).first()
    session.delete(task)
    session.flush()
    assert results(session, tree)[tree["d1"].id].figures.targets == 3
    assert results(session, tree) == fresh(session, tree)


def test_discipline_and_evaluations_reach_the_year_not_other_months(
    app, session, tree, make_person
):
    person = make_person(tree["d1"])
    results(session, tree, YEAR, date(2027, 1, 10))
    results(session, tree, MARCH, date(2027, 1, 10))

    session.add(
        DisciplineRecord(
            person=person, violation="Vi phạm quy chế", form=DisciplineForm.KHIEN_TRACH,
            effective_on=date(2026, 6, 1),
        )
    )  # fmt: skip
    session.flush()
    assert not reads_tasks(app, session, tree, MARCH, date(2027, 1, 10))
    year = results(session, tree, YEAR, date(2027, 1, 10))
    assert year[tree["d1"].id].figures.disciplined == 1

    evaluation = procedure.open_evaluation(session, person, 2026)
    assert year[tree["d1"].id].levels[evaluation.computed_level] == 0
    year = results(session, tree, YEAR, date(2027, 1, 10))
    assert year[tree["d1"].id].levels[evaluation.computed_level] == 1
    assert not reads_tasks(app, session, tree, MARCH, date(2027, 1, 10))
    assert year == fresh(session, tree, YEAR, date(2027, 1, 10))


def test_bulk_inserts_outside_the_unit_of_work_recompute_everything(app, session, tree):
    results(session, tree)
    plan = session.scalars(sa.select(Plan).where(Plan.unit_id == tree["d2"].id)).one()
    session.execute(
        sa.insert(Task),
        [{"plan_id": plan.id, "title": "Thêm", "target_quantity": Decimal(1),
          "unit_of_measure": "việc", "weight": Decimal(1), "deadline": date(2026, 3, 20),
          "outcome": TaskOutcome.DONE_ON_TIME, "achieved_quantity": Decimal(1),
          "completed_on": date(2026, 3, 20)}],
    )  # fmt: skip
    assert reads_tasks(app, session, tree)
    assert results(session, tree)[tree["d2"].id].figures.targets == 3
    assert results(session, tree) == fresh(session, tree)


def test_stored_sums_survive_the_round_trip_exactly(session, tree):
    """Floats and level counts come back from JSON as they went in."""
    computed = fresh(session, tree, YEAR, date(2027, 1, 10))
    results(session, tree, YEAR, date(2027, 1, 10))
    session.expire_all()
    assert results(session, tree, YEAR, date(2027, 1, 10)) == computed


def test_a_page_view_keeps_what_it_stored(app, client, session, tree, make_person, login_as):
    """Pages only read, yet the sums they derived are committed for the next reader."""
    office = make_person(
        tree["agency"], account_role=AccountRole.PERSONNEL, served_unit=tree["agency"]
    )
    login_as(office)
    with counting(app) as first:
        assert client.get("/rankings/2026-03").status_code == 200
    with counting(app) as second:
        assert client.get("/rankings/2026-03").status_code == 200
    assert any("FROM task" in statement for statement in first)
    assert not any("FROM task" in statement for statement in second)
    assert stored_count(session) >= 1


def test_the_command_line_forgets_stored_sums(app, session, tree):
    """For inputs written with plain SQL, past the application."""
    results(session, tree)
    session.commit()  # the command's own transaction must see the stored sums
    result = app.test_cli_runner().invoke(args=["db", "forget-stored-sums"])
    assert result.exit_code == 0, result.output
    assert "recomputed" in result.output
    assert reads_tasks(app, session, tree)
