"""Closed periods' unit sums: stored per (period, unit), kept by the writes, never by a read.

Each test compares what is stored with a fresh computation (`period_sums`, bypassing the
store), and looks at which rows a write changed: exactly those of the units it touched, in the
stored periods its days fall in.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from criteria import DisciplineForm
from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import Placement, UnitKind
from evaluation.plans.models import Plan, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import services, stored
from evaluation.rankings.stored import INPUTS, SingleFlight, StoredPeriod, UnitPeriodSums
from evaluation.records.models import DisciplineRecord
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from tests.rankings.test_unit_results import MARCH, build_tree, score, unit_plan
from tests.test_query_counts import counting

APRIL = Period(PeriodKind.MONTH, 2026, 4)
Q1 = Period(PeriodKind.QUARTER, 2026, 1)
YEAR = Period(PeriodKind.YEAR, 2026, 1)
AFTER_MARCH = date(2026, 4, 10)  # March is closed, April is not
AFTER_YEAR = date(2027, 1, 10)
PERIODS = (MARCH, APRIL, Q1, YEAR)
DONE = (TaskOutcome.DONE_ON_TIME, TaskOutcome.DONE_LATE)


@pytest.fixture
def tree(session, make_unit, make_person, clock):
    clock(AFTER_YEAR)  # the writers' today: every period of 2026 is closed
    built = build_tree(session, make_unit, make_person)
    unit_plan(session, built["d3"], APRIL, [TaskOutcome.DONE_ON_TIME])
    return built


def results(session, tree, period=MARCH, today=AFTER_YEAR):
    return services.unit_results(session, list(tree.values()), period, today)


def fresh(session, tree, period=MARCH, today=AFTER_YEAR):
    return services.roll_up(list(tree.values()), services.period_sums(session, period, today))


def reads_tasks(app, session, tree, period=MARCH, today=AFTER_YEAR) -> bool:
    """Whether computing the result read the task table (i.e. did not use the store)."""
    with counting(app) as statements:
        results(session, tree, period, today)
    return any("FROM task" in statement for statement in statements)


def fill_all(session, today=AFTER_YEAR) -> None:
    for period in PERIODS:
        stored.fill(session, period, today)
    session.flush()


def rows(session) -> dict[tuple[str, int, int, int], tuple]:
    """Every stored unit row, by (period kind, year, number, unit)."""
    t = UnitPeriodSums
    found = session.execute(
        sa.select(
            t.period_kind, t.period_year, t.period_number, t.unit_id, t.targets, t.completed,
            t.on_time, t.exceeded, t.scored, t.points, t.levels, t.annual, t.tasks, t.late,
            t.disciplined,
        )
    ).all()  # fmt: skip
    return {(r[0].value, r[1], r[2], r[3]): tuple(r[4:]) for r in found}


def recount(session) -> dict[tuple[str, int, int, int], tuple]:
    """The rows a fill from scratch would store now."""
    session.execute(sa.delete(StoredPeriod))
    fill_all(session)
    return rows(session)


def changed(before: dict, after: dict) -> set[tuple[str, int, int, int]]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def versions(session) -> dict[tuple[str, int, int], int]:
    return {
        (kind.value, year, number): version
        for kind, year, number, version in session.execute(
            sa.select(
                StoredPeriod.period_kind,
                StoredPeriod.period_year,
                StoredPeriod.period_number,
                StoredPeriod.version,
            )
        )
    }


def key(period: Period, unit) -> tuple[str, int, int, int]:
    return (period.kind.value, period.year, period.number, unit.id)


# --- reading ------------------------------------------------------------------------------


def test_a_filled_period_is_read_from_its_rows(app, session, tree):
    assert reads_tasks(app, session, tree)  # not stored yet: computed…
    assert rows(session) == {}  # …and nothing written by the read
    fill_all(session)
    assert not reads_tasks(app, session, tree)
    assert results(session, tree) == fresh(session, tree)
    assert results(session, tree, YEAR) == fresh(session, tree, YEAR)


def test_an_open_period_is_stored_for_its_day_only(app, session, tree):
    """Its open tasks fall late as days pass: the rows of 10 April do not hold on the 11th."""
    may = Period(PeriodKind.MONTH, 2026, 5)
    assert stored.fill(session, may, AFTER_MARCH) is False  # not begun: nothing to store
    assert stored.fill(session, APRIL, AFTER_MARCH) is True
    assert not reads_tasks(app, session, tree, APRIL, AFTER_MARCH)
    assert results(session, tree, APRIL, AFTER_MARCH) == fresh(session, tree, APRIL, AFTER_MARCH)
    next_day = date(2026, 4, 11)
    assert reads_tasks(app, session, tree, APRIL, next_day)
    assert results(session, tree, APRIL, next_day) == fresh(session, tree, APRIL, next_day)
    stored.fill(session, APRIL, date(2026, 5, 2))  # filled once April is over: for good
    assert not reads_tasks(app, session, tree, APRIL, date(2026, 6, 1))


def test_stored_sums_survive_the_round_trip_exactly(session, tree):
    """Floats and level counts come back as they went in."""
    computed = fresh(session, tree, YEAR)
    fill_all(session)
    session.expire_all()
    assert results(session, tree, YEAR) == computed


def test_a_page_view_writes_nothing(app, client, session, tree, make_person, login_as):
    """Pages only read: a closed period not stored is computed, never stored by the page."""
    office = make_person(
        tree["agency"], account_role=AccountRole.PERSONNEL, served_unit=tree["agency"]
    )
    login_as(office)
    with counting(app) as statements:
        assert client.get("/rankings/2026-03").status_code == 200
    assert any("FROM task" in statement for statement in statements)
    writes = [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert versions(session) == {}


# --- writing: a write reaches exactly the rows it should -----------------------------------


def test_a_changed_task_result_recomputes_its_unit_in_its_periods_only(app, session, tree):
    fill_all(session)
    before, before_versions = rows(session), versions(session)
    task = session.scalars(
        sa.select(Task).join(Plan).where(Plan.unit_id == tree["d2"].id)
        .where(Task.outcome == TaskOutcome.NOT_DONE)
    ).one()  # fmt: skip

    task.outcome = TaskOutcome.DONE_LATE  # a late report, as reopening and correcting would
    session.flush()

    after = rows(session)
    assert changed(before, after) == {key(MARCH, tree["d2"])}  # a unit's month plan: March
    assert after[key(MARCH, tree["d2"])][1] == before[key(MARCH, tree["d2"])][1] + 1
    bumped = {k for k, v in versions(session).items() if v != before_versions[k]}
    assert bumped == {("month", 2026, 3), ("quarter", 2026, 1), ("year", 2026, 1)}
    assert not reads_tasks(app, session, tree)  # still read from the rows…
    assert results(session, tree) == fresh(session, tree)  # …which equal a recount
    assert after == recount(session)


def test_a_new_period_score_or_deleted_task_recomputes(session, tree, make_person):
    fill_all(session)
    score(session, make_person(tree["d3"]), tree["d3"], MARCH, 60)
    assert results(session, tree)[tree["d3"].id].figures.members_scored == 1
    task = session.scalars(sa.select(Task).join(Plan).where(Plan.unit_id == tree["d1"].id)).first()
    session.delete(task)
    session.flush()
    assert results(session, tree)[tree["d1"].id].figures.targets == 3
    assert results(session, tree) == fresh(session, tree)
    assert rows(session) == recount(session)


def test_discipline_and_evaluations_reach_the_year_not_other_months(session, tree, make_person):
    person = make_person(tree["d1"])
    fill_all(session)
    before = rows(session)
    session.add(
        DisciplineRecord(
            person=person, violation="Vi phạm quy chế", form=DisciplineForm.KHIEN_TRACH,
            effective_on=date(2026, 6, 1),
        )
    )  # fmt: skip
    session.flush()
    after = rows(session)
    assert changed(before, after) == {key(YEAR, tree["d1"])}
    assert results(session, tree, YEAR)[tree["d1"].id].figures.disciplined == 1

    evaluation = procedure.open_evaluation(session, person, 2026)
    session.flush()
    assert changed(after, rows(session)) == {key(YEAR, tree["d1"])}
    year = results(session, tree, YEAR)
    assert year[tree["d1"].id].levels[evaluation.computed_level] == 1
    assert year == fresh(session, tree, YEAR)


def _write_task(session, tree):
    task = session.scalars(sa.select(Task).join(Plan).where(Plan.unit_id == tree["d1"].id)).first()
    task.achieved_quantity = Decimal(9)


def _write_plan(session, tree):
    plan = session.scalars(sa.select(Plan).where(Plan.unit_id == tree["d2"].id)).one()
    session.delete(plan)


def _write_period_score(session, tree):
    row = session.scalars(sa.select(PeriodScore).where(PeriodScore.unit_id == tree["d2"].id)).one()
    row.general_points = Decimal(10)


def _write_annual_evaluation(session, tree):
    person = session.scalars(
        sa.select(PeriodScore.person_id).where(PeriodScore.unit_id == tree["d2"].id)
    ).first()
    from evaluation.organisation.models import Person

    procedure.open_evaluation(session, session.get(Person, person), 2026)


def _write_discipline_record(session, tree):
    person_id = session.scalars(
        sa.select(PeriodScore.person_id).where(PeriodScore.unit_id == tree["d2"].id)
    ).first()
    session.add(
        DisciplineRecord(
            person_id=person_id, violation="Vi phạm", form=DisciplineForm.KHIEN_TRACH,
            effective_on=date(2026, 3, 5),
        )
    )  # fmt: skip


def _write_placement(session, tree):
    """A person disciplined in March moves to Phòng 3 from 1 March: March counts them there."""
    _write_discipline_record(session, tree)
    session.flush()
    person_id = session.scalars(
        sa.select(PeriodScore.person_id).where(PeriodScore.unit_id == tree["d2"].id)
    ).first()
    placement = session.scalars(sa.select(Placement).where(Placement.person_id == person_id)).one()
    placement.unit_id = tree["d3"].id


WRITES = {
    Task: (_write_task, {("d1", MARCH)}),  # a unit's own month plan counts in its month
    Plan: (_write_plan, {("d2", MARCH)}),
    PeriodScore: (_write_period_score, {("d2", MARCH), ("d2", Q1), ("d2", YEAR)}),
    AnnualEvaluation: (_write_annual_evaluation, {("d2", YEAR)}),
    DisciplineRecord: (_write_discipline_record, {("d2", MARCH), ("d2", Q1), ("d2", YEAR)}),
    # the record first counts in Phòng 2, then the move takes it to Phòng 3: net, Phòng 3
    Placement: (_write_placement, {("d3", MARCH), ("d3", Q1), ("d3", YEAR)}),
}


def test_every_input_table_has_its_write_test():
    assert set(WRITES) == set(INPUTS)


@pytest.mark.parametrize("model", list(WRITES), ids=lambda model: model.__tablename__)
def test_a_write_to_each_input_table_reaches_exactly_its_rows(session, tree, model):
    write, expected = WRITES[model]
    fill_all(session)
    before = rows(session)
    write(session, tree)
    session.flush()
    after = rows(session)
    assert changed(before, after) == {key(p, tree[u]) for u, p in expected}
    assert after == recount(session)


def test_stored_rows_equal_a_recount_after_any_sequence_of_writes(session, tree, make_person):
    """Random task reports, new and deleted tasks, scores, discipline, moves, bulk inserts."""
    fill_all(session)
    generator = random.Random(90)
    units = [tree["d1"], tree["d2"], tree["d3"]]
    outcomes = [TaskOutcome.DONE_ON_TIME, TaskOutcome.DONE_LATE, TaskOutcome.NOT_DONE, None]
    people = [make_person(unit) for unit in units for _ in range(2)]
    for step in range(40):
        action = generator.choice(
            ["report", "add", "delete", "score", "discipline", "move", "bulk"]
        )
        tasks = session.scalars(sa.select(Task).order_by(Task.id)).all()
        if action == "report" and tasks:
            task = generator.choice(tasks)
            task.outcome = generator.choice(outcomes)
            task.completed_on = task.deadline if task.outcome in DONE else None
        elif action == "add":
            plan = generator.choice(session.scalars(sa.select(Plan).order_by(Plan.id)).all())
            session.add(
                Task(
                    plan=plan, title=f"Việc {step}", target_quantity=Decimal(3),
                    unit_of_measure="việc", weight=Decimal(1), deadline=plan.starts_on,
                    outcome=(outcome := generator.choice(outcomes)), achieved_quantity=Decimal(4),
                    completed_on=plan.starts_on if outcome in DONE else None,
                )
            )  # fmt: skip
        elif action == "delete" and tasks:
            session.delete(generator.choice(tasks))
        elif action == "score":
            person, period = generator.choice(people), generator.choice([MARCH, APRIL])
            kept = session.scalars(
                sa.select(PeriodScore).where(
                    PeriodScore.person_id == person.id,
                    PeriodScore.period_number == period.number,
                )
            ).first()
            if kept is None:
                score(session, person, person.unit, period, generator.randint(40, 100))
            else:
                kept.general_points = Decimal(generator.randint(10, 30))
        elif action == "discipline":
            session.add(
                DisciplineRecord(
                    person=generator.choice(people), violation=f"Vi phạm {step}",
                    form=DisciplineForm.KHIEN_TRACH, effective_on=date(2026, 3, 1 + step % 28),
                )
            )  # fmt: skip
        elif action == "move":
            person = generator.choice(people)
            placement = session.scalars(
                sa.select(Placement).where(Placement.person_id == person.id)
            ).first()
            if placement is not None:
                placement.unit_id = generator.choice(units).id
        elif action == "bulk":
            plan = session.scalars(sa.select(Plan).order_by(Plan.id)).first()
            session.execute(
                sa.insert(Task),
                [{"plan_id": plan.id, "title": f"Thêm {step}", "target_quantity": Decimal(1),
                  "unit_of_measure": "việc", "weight": Decimal(1),
                  "deadline": plan.starts_on, "outcome": TaskOutcome.DONE_ON_TIME,
                  "achieved_quantity": Decimal(2), "completed_on": plan.starts_on}],
            )  # fmt: skip
        session.flush()
    assert rows(session) == recount(session)


def test_a_bulk_update_drops_every_stored_period(app, session, tree):
    """Its rows are not at hand: the periods are computed again until they are filled."""
    fill_all(session)
    session.execute(
        sa.update(Task).where(Task.outcome == TaskOutcome.NOT_DONE).values(outcome=None)
    )
    assert versions(session) == {}
    assert reads_tasks(app, session, tree)
    assert results(session, tree) == fresh(session, tree)


def test_a_unit_change_moves_the_tree_revision(session, tree, make_unit):
    first = stored.tree_revision(session)
    make_unit("Phòng 4", UnitKind.DIVISION, parent=tree["agency"])
    second = stored.tree_revision(session)
    assert second > first
    tree["d1"].name = "Phòng Một"
    session.flush()
    assert stored.tree_revision(session) == second + 1


# --- commands and concurrency -------------------------------------------------------------


def test_the_command_line_fills_and_forgets(app, session, tree):
    session.commit()  # the command's own transaction must see the tree
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "fill-stored-sums", "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "17 periods" in result.output  # 12 months, 4 quarters, the year
    assert not reads_tasks(app, session, tree)
    assert rows(session) == recount(session)
    result = runner.invoke(args=["db", "forget-stored-sums"])
    assert result.exit_code == 0, result.output
    assert versions(session) == {}
    assert reads_tasks(app, session, tree)


def test_single_flight_computes_once_for_concurrent_readers():
    flights = SingleFlight()
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        started.set()
        release.wait(5)
        return 42

    answers: list[int] = []
    leader = threading.Thread(target=lambda: answers.append(flights.run("k", compute)))
    leader.start()
    started.wait(5)
    followers = [
        threading.Thread(target=lambda: answers.append(flights.run("k", compute))) for _ in range(5)
    ]
    for thread in followers:
        thread.start()
    time.sleep(0.3)  # the followers reach the flight while the leader still computes
    release.set()
    for thread in (leader, *followers):
        thread.join(5)
    assert answers == [42] * 6
    assert calls == [1]
    assert flights.run("k", lambda: 7) == 7  # finished flights are not kept


def test_a_write_keeps_an_open_period_stored_for_today(session, tree, clock):
    """The month still running, stored this morning: a result reported now is in its rows."""
    clock(AFTER_MARCH)
    stored.fill(session, APRIL, AFTER_MARCH)
    task = session.scalars(sa.select(Task).join(Plan).where(Plan.unit_id == tree["d3"].id)).one()
    task.outcome, task.completed_on = TaskOutcome.NOT_DONE, None
    session.flush()
    kept = rows(session)
    assert kept[key(APRIL, tree["d3"])][1] == 0  # no longer completed
    session.execute(sa.delete(StoredPeriod))
    stored.fill(session, APRIL, AFTER_MARCH)
    assert rows(session) == kept


def test_a_write_leaves_yesterdays_rows_of_an_open_period_alone(session, tree, clock):
    """Rows of another day no longer hold: the write does not touch them, the next fill does."""
    stored.fill(session, APRIL, AFTER_MARCH)
    before = rows(session), versions(session)
    clock(date(2026, 4, 11))
    task = session.scalars(sa.select(Task).join(Plan).where(Plan.unit_id == tree["d3"].id)).one()
    task.outcome, task.completed_on = TaskOutcome.NOT_DONE, None
    session.flush()
    assert (rows(session), versions(session)) == before
