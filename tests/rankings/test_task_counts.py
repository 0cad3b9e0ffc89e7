"""Each person's task counts of a year, kept by the writes, read by the year-end.

The rows are compared with a recount from the tasks after every write of a random sequence
(ORM writes, bulk inserts, bulk updates and deletes, plans deleted or handed over, people
moved), and the year-end read from them with the year-end read from the tasks, and with the
person-by-person path.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

from criteria import classify
from evaluation.demo.generator import Options, generate_province
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.plans.models import Plan, SelfQuality, Task, TaskOutcome
from evaluation.plans.periods import PeriodKind
from evaluation.rankings import stored, task_counts
from evaluation.rankings.stored import INPUTS
from evaluation.rankings.task_counts import CountedYear, TaskCount
from evaluation.yearend.services import year_end
from tests.test_query_counts import counting
from tests.yearend.test_year_end import _comparable, _one_by_one

YEAR = 2025
AS_OF = date(2026, 1, 20)
MID_YEAR = date(2025, 7, 15)  # open tasks of the second half are not due yet
OUTCOMES = [*TaskOutcome, None, None]
COLUMNS = [column for column in TaskCount.__table__.columns if column.name != "id"]
READS_TASKS = re.compile(r"\bFROM task\b(?!_)|\bJOIN task\b(?!_)")


@pytest.fixture
def province(session, clock):
    clock(date(2026, 1, 25))
    generate_province(session, Options(people=100, years=1, seed=17, last_year=YEAR))
    session.flush()
    return session


def rows(session) -> Counter[tuple]:
    """The kept rows, as a multiset (their ids say only in which order they were written)."""
    return Counter(tuple(row) for row in session.execute(sa.select(*COLUMNS)))


def recount(session, years) -> Counter[tuple]:
    """The rows a fill from scratch would write now, counted without writing them."""
    found: Counter[tuple] = Counter()
    for year in years:
        found.update(tuple(row) for row in session.execute(task_counts._counted_rows(year, None)))
    return found


def counted_years(session) -> set[int]:
    return set(session.scalars(sa.select(CountedYear.year)))


def same_year_end(first, second) -> None:
    assert first.facts.keys() == second.facts.keys()
    for person_id, facts in first.facts.items():
        assert _comparable(second.facts[person_id]) == _comparable(facts), person_id
    assert second.classified == first.classified
    assert second.unit_results == first.unit_results
    assert second.level_counts() == first.level_counts()


def from_tasks(session, year=YEAR, as_of=AS_OF):
    """The year-end with nothing stored: every figure read from the tasks."""
    stored.forget_all(session)  # the stored sums, and the task counts with them
    return year_end(session, year, as_of)


# --- the one list of inputs ----------------------------------------------------------------


def test_the_counts_read_only_tables_of_the_one_list_of_inputs():
    """The listeners follow `stored.INPUTS`: every table a count reads is there, named."""
    read = {table.name for table in find_tables(task_counts._counted_rows(YEAR, [1]))}
    listed = {model.__tablename__: text for model, text in INPUTS.items()}
    assert read == {"task", "plan"}
    assert read <= listed.keys()
    assert all("task counts" in listed[name] for name in read)


# --- the rows equal a recount ---------------------------------------------------------------


def _random_task(generator: random.Random, plan: Plan, step: int) -> Task:
    outcome = generator.choice(OUTCOMES)
    deadline = plan.starts_on + timedelta(days=generator.randint(0, 40))
    return Task(
        plan=plan, title=f"Việc {step}", target_quantity=Decimal(3), unit_of_measure="việc",
        weight=Decimal(1), deadline=deadline, outcome=outcome,
        achieved_quantity=Decimal(generator.choice([0, 2, 3, 4])),
        completed_on=deadline if outcome in (TaskOutcome.DONE_ON_TIME, TaskOutcome.DONE_LATE)
        else None,
        cancel_reason="Không còn cần" if outcome is TaskOutcome.CANCELLED else None,
        self_quality=generator.choice([*SelfQuality, None]),
        quality_ok=generator.choice([True, False, None]),
    )  # fmt: skip


def test_counts_equal_a_full_recount_after_any_sequence_of_writes(province):
    """40 random writes, each followed by the comparison; bulk updates and deletes drop the
    counts, which are filled again."""
    session = province
    task_counts.fill(session, YEAR)
    task_counts.fill(session, YEAR + 1)  # a year with no plans: complete, and empty
    assert rows(session) == recount(session, [YEAR]) and rows(session)
    generator = random.Random(17)
    units = list(session.scalars(sa.select(Unit).order_by(Unit.id)))
    people = list(session.scalars(sa.select(Person).order_by(Person.id)))
    seen = Counter()
    for step in range(40):
        action = generator.choice(
            ["report", "report", "add", "delete", "move_task", "plan_gone", "plan_moved",
             "person_moved", "bulk_insert", "bulk_update", "bulk_delete"]
        )  # fmt: skip
        seen[action] += 1
        plans = session.scalars(
            sa.select(Plan).where(Plan.person_id.is_not(None)).order_by(Plan.id)
        ).all()
        tasks = session.scalars(
            sa.select(Task).join(Plan).where(Plan.person_id.is_not(None)).order_by(Task.id)
        ).all()
        if action == "report":
            for task in generator.sample(tasks, 3):
                task.outcome = generator.choice([TaskOutcome.DONE_LATE, TaskOutcome.NOT_DONE, None])
                task.completed_on = task.deadline if task.outcome else None
                task.quality_ok = generator.choice([True, False, None])
                task.achieved_quantity = Decimal(generator.choice([0, 50, 500]))
        elif action == "add":
            session.add(_random_task(generator, generator.choice(plans), step))
        elif action == "delete":
            session.delete(generator.choice(tasks))
        elif action == "move_task":  # to another person's plan
            generator.choice(tasks).plan_id = generator.choice(plans).id
        elif action == "plan_gone":
            session.delete(generator.choice(plans))
        elif action == "plan_moved":  # handed over to another unit and person
            plan = generator.choice(plans)
            plan.unit_id = generator.choice(units).id
            others = session.scalars(
                sa.select(Plan.person_id).where(
                    Plan.period_kind == plan.period_kind,
                    Plan.period_year == plan.period_year,
                    Plan.period_number == plan.period_number,
                    Plan.person_id.is_not(None),
                )
            ).all()
            free = [person for person in people if person.id not in others]
            if free:
                plan.person_id = generator.choice(free).id
        elif action == "person_moved":
            person = generator.choice(people)
            organisation.move_person(
                session, person, to_unit=generator.choice(units), role=LeadershipRole.NONE,
                job_position="Chuyên viên", on=date(2026, 1, 2) + timedelta(days=step),
                actor_id=None,
            )  # fmt: skip
        elif action == "bulk_insert":
            plan = generator.choice(plans)
            session.execute(
                sa.insert(Task),
                [{"plan_id": plan.id, "title": f"Thêm {step}", "target_quantity": Decimal(1),
                  "unit_of_measure": "việc", "weight": Decimal(1),
                  "deadline": plan.ends_on, "outcome": None, "achieved_quantity": Decimal(2)}],
            )  # fmt: skip
        elif action == "bulk_update":
            person = generator.choice(people)
            session.execute(
                sa.update(Task)
                .where(Task.plan_id.in_(sa.select(Plan.id).where(Plan.person_id == person.id)))
                .values(quality_ok=False)
            )
            assert counted_years(session) == set()  # not known which rows: dropped
            task_counts.fill(session, YEAR)
        elif action == "bulk_delete":
            session.execute(sa.delete(Task).where(Task.id == generator.choice(tasks).id))
            assert counted_years(session) == set()
            task_counts.fill(session, YEAR)
        session.flush()
        assert rows(session) == recount(session, [YEAR, YEAR + 1]), (step, action)
    assert len(seen) >= 9, seen  # most kinds of write were exercised


def owners(session) -> dict[int, int]:
    """Each row's person, by row id."""
    return dict(session.execute(sa.select(TaskCount.id, TaskCount.person_id)).all())


def recounts(statements: list[str]) -> list[str]:
    """The statements that wrote task counts."""
    return [s for s in statements if s.lstrip().upper().startswith("INSERT INTO TASK_COUNT")]


def test_only_the_touched_persons_rows_are_rewritten(app, province):
    session = province
    task_counts.fill(session, YEAR)
    task = session.scalars(
        sa.select(Task).join(Plan).where(Plan.person_id.is_not(None)).order_by(Task.id)
    ).first()
    person_id = task.plan.person_id
    others = Counter({row: n for row, n in rows(session).items() if row[1] != person_id})
    task.outcome, task.completed_on = TaskOutcome.NOT_DONE, None
    with counting(app) as statements:
        session.flush()
    [written] = recounts(statements)
    assert "person_id IN" in written  # that person's rows only
    assert Counter({row: n for row, n in rows(session).items() if row[1] != person_id}) == others
    assert rows(session) == recount(session, [YEAR])


def test_a_year_being_filled_is_kept_by_writers_but_not_read(app, province):
    """The command commits the header first: from then on the year's writers take turns with
    the fill; its rows are read only once it is filled."""
    session = province
    task_counts.prepare(session, YEAR)
    task = session.scalars(
        sa.select(Task).join(Plan).where(Plan.person_id.is_not(None)).order_by(Task.id)
    ).first()
    task.outcome, task.completed_on = TaskOutcome.NOT_DONE, None
    session.flush()
    assert {person for _id, person in owners(session).items()} == {task.plan.person_id}
    assert not task_counts.counted(session, YEAR)
    with counting(app) as statements:
        year_end(session, YEAR, AS_OF)
    assert any(READS_TASKS.search(statement) for statement in statements)
    task_counts.fill(session, YEAR)
    assert task_counts.counted(session, YEAR)
    assert rows(session) == recount(session, [YEAR])


def test_a_year_not_filled_keeps_nothing_and_is_read_from_the_tasks(app, province):
    session = province
    task = session.scalars(sa.select(Task).order_by(Task.id)).first()
    task.achieved_quantity = Decimal(7)
    session.flush()
    assert rows(session) == Counter()
    with counting(app) as statements:
        year_end(session, YEAR, AS_OF)
    assert any(READS_TASKS.search(statement) for statement in statements)


# --- the year-end reads them ---------------------------------------------------------------


@pytest.mark.parametrize("as_of", [AS_OF, MID_YEAR], ids=["after the year", "mid-year"])
def test_the_year_end_from_the_counts_equals_the_one_from_the_tasks(app, province, as_of):
    session = province
    generator = random.Random(5)
    plans = session.scalars(sa.select(Plan).where(Plan.person_id.is_not(None))).all()
    for step in range(30):  # open tasks due on either side of the day, cancelled ones, …
        session.add(_random_task(generator, generator.choice(plans), step))
    session.flush()
    expected = from_tasks(session, YEAR, as_of)

    task_counts.fill(session, YEAR)
    with counting(app) as statements:
        computed = year_end(session, YEAR, as_of)

    person_tasks = [s for s in statements if READS_TASKS.search(s) and "person_id IS NULL" not in s]
    assert person_tasks == []  # only the units' own plans are read from the tasks
    same_year_end(expected, computed)
    assert sum(len(facts.tasks) for facts in computed.facts.values()) > 500


def test_the_year_end_agrees_with_the_person_by_person_path_after_writes(province):
    session = province
    task_counts.fill(session, YEAR)
    generator = random.Random(9)
    tasks = session.scalars(sa.select(Task).order_by(Task.id)).all()
    for task in generator.sample(tasks, 40):
        task.outcome = generator.choice([TaskOutcome.DONE_ON_TIME, TaskOutcome.NOT_DONE, None])
        task.completed_on = task.deadline if task.outcome else None
    session.delete(generator.choice(session.scalars(sa.select(Plan)).all()))
    session.flush()
    assert counted_years(session) == {YEAR}

    computed = year_end(session, YEAR, AS_OF)
    expected = _one_by_one(session, YEAR, AS_OF)
    assert computed.facts.keys() == expected.keys()
    for person_id, facts in expected.items():
        assert _comparable(computed.facts[person_id]) == _comparable(facts), person_id
        assert computed.classified[person_id] == classify(facts), person_id
    same_year_end(from_tasks(session), computed)


def test_the_command_line_fills_the_counts(app, province):
    session = province
    session.commit()  # the command's own transaction must see the province
    result = app.test_cli_runner().invoke(args=["db", "fill-task-counts"])
    assert result.exit_code == 0, result.output
    assert "Counted the tasks of" in result.output
    assert YEAR in counted_years(session)
    assert rows(session) == recount(session, counted_years(session))
    assert any(
        kind is PeriodKind.QUARTER for kind in session.scalars(sa.select(TaskCount.period_kind))
    )


def test_the_rows_are_fewer_than_the_tasks(province):
    """What makes reading them cheaper than reading the tasks."""
    session = province
    task_counts.fill(session, YEAR)
    counted = session.scalar(sa.select(sa.func.count()).select_from(TaskCount))
    tasks = session.scalar(
        sa.select(sa.func.count()).select_from(Task).join(Plan).where(Plan.person_id.is_not(None))
    )
    assert counted * 4 < tasks, (counted, tasks)


def test_a_write_touching_many_people_recounts_the_whole_year(app, province, monkeypatch):
    """A bulk import of tasks for thousands: one statement, not thousands of parameters."""
    session = province
    task_counts.fill(session, YEAR)
    monkeypatch.setattr(task_counts, "RECOUNT_PEOPLE_MAX", 2)
    plans = session.scalars(
        sa.select(Plan).where(Plan.person_id.is_not(None)).order_by(Plan.person_id).limit(60)
    ).all()
    assert len({plan.person_id for plan in plans}) > 2
    with counting(app) as statements:
        session.execute(
            sa.insert(Task),
            [{"plan_id": plan.id, "title": "Thêm", "target_quantity": Decimal(1),
              "unit_of_measure": "việc", "weight": Decimal(1), "deadline": plan.ends_on}
             for plan in plans],
        )  # fmt: skip
    [written] = recounts(statements)
    assert "person_id IN" not in written  # the whole year
    assert rows(session) == recount(session, [YEAR])
