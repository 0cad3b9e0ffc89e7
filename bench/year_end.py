"""The year-end computation for a whole province, beside the floor of one aggregate query.

The floor reads every task row of the year once, grouped by person: no year-end can read its
inputs for less. The year-end itself (`evaluation.yearend.services`) is timed from scratch,
its stored closed-period sums forgotten first, and again with them; a sample of people run
through the per-person path shows what the set-based way saves. The year's task counts
(`rankings.task_counts`) are kept by every write, as an index is: counted first when the
database has none (timed apart), they stay for both runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import sqlalchemy as sa

from bench.table import Row

TARGET_SECONDS = 30.0
TARGET_RATIO = 2.0  # issue 17: the year-end within 2× its floor
T = TypeVar("T")
SAMPLE = 200  # people timed one by one, for the estimate of the per-person path


def _timed(function: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def run(database_url: str, *, year: int | None = None) -> list[Row]:
    from criteria import classify
    from evaluation import create_app
    from evaluation.core.db import db
    from evaluation.organisation.models import Person
    from evaluation.plans.periods import Period, PeriodKind
    from evaluation.rankings import task_counts
    from evaluation.rankings.stored import StoredPeriod, fill
    from evaluation.scoring.facts import assemble_facts
    from evaluation.scoring.models import AnnualEvaluation
    from evaluation.yearend.services import batch_settings, task_rows_floor, year_end

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "STORED_SUMS_FILL_IN_BACKGROUND": False,
        }
    )
    with app.app_context():
        session = db.new_session()
        year = year or session.scalar(sa.select(sa.func.max(AnnualEvaluation.year)))
        as_of = date(year + 1, 1, 20)
        # The floor runs with the year-end's own settings; the first read warms the
        # database's cache for both, and the floor keeps its best.
        batch_settings(session)
        floors = [_timed(lambda: task_rows_floor(session, year)) for _ in range(2)]
        floor, task_rows = min(floors, key=lambda timed: timed[0])

        counting_seconds = None
        if not task_counts.counted(session, year):
            counting_seconds, _ = _timed(lambda: task_counts.fill(session, year))
            session.commit()  # kept for the next runs, as the province is
        # From scratch: the year's stored sums are recomputed (not `forget_all`, which drops
        # the task counts too, as a write past the application must).
        session.execute(sa.delete(StoredPeriod))
        steps: dict[str, float] = {}
        mark = [time.perf_counter()]

        def on_step(name: str) -> None:
            now = time.perf_counter()
            steps[name] = round(now - mark[0], 2)
            mark[0] = now

        seconds, computed = _timed(lambda: year_end(session, year, as_of, on_step))
        fill_seconds, _ = _timed(lambda: fill(session, Period(PeriodKind.YEAR, year, 1), as_of))
        stored_seconds, _ = _timed(lambda: year_end(session, year, as_of))

        sample = list(session.scalars(sa.select(Person).order_by(Person.id).limit(SAMPLE)))
        one_by_one, _ = _timed(
            lambda: [classify(assemble_facts(session, p, year, as_of=as_of)) for p in sample]
        )
        people = len(computed.facts)
        task_count_rows = session.scalar(
            sa.select(sa.func.count()).where(task_counts.TaskCount.period_year == year)
        )
        session.rollback()
        session.close()
    db.engine_of(app).dispose()

    floor = round(floor, 2)
    return [
        Row(
            section="year-end",
            label="year-end computation, whole province",
            value=round(seconds, 2),
            unit="s",
            floor=floor,
            floor_label="one aggregate over the year's task rows",
            target=round(min(TARGET_SECONDS, TARGET_RATIO * floor), 2),
            details={
                "year": year,
                "people": people,
                "units": len(computed.unit_results),
                "task_rows": task_rows,
                "steps_s": steps,
                "levels": {level.value: n for level, n in computed.level_counts().items()},
                "storing_the_year_s": round(fill_seconds, 2),
                "counting_the_year_s": counting_seconds and round(counting_seconds, 2),
                "task_count_rows": task_count_rows,
                "with_stored_sums_s": round(stored_seconds, 2),
                "person_by_person_estimate_s": round(one_by_one * people / len(sample), 1),
            },
        )
    ]
