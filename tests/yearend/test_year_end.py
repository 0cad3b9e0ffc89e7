"""The set-based year-end gives what the person-by-person path gives, person for person.

Two provinces: a generated one (every category and role, late and unfinished work, discipline)
and the demo (leave, a late joiner, quarterly heads, unit assessments, a pinned rule set).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import Facts, classify
from evaluation.demo.generator import Options, generate_province
from evaluation.demo.loader import load_demo
from evaluation.organisation.models import Person
from evaluation.plans.models import Plan, Task
from evaluation.scoring.facts import assemble_facts
from evaluation.scoring.models import AnnualEvaluation
from evaluation.yearend.services import task_rows_floor, year_end


def _comparable(facts: Facts) -> Facts:
    """The rules count tasks; the set-based path does not keep their order."""
    return dataclasses.replace(facts, tasks=tuple(sorted(facts.tasks, key=repr)))


def _one_by_one(session: Session, year: int, as_of: date) -> dict[int, Facts]:
    general = dict(
        session.execute(
            sa.select(AnnualEvaluation.person_id, AnnualEvaluation.general_assessment).where(
                AnnualEvaluation.year == year
            )
        ).all()
    )
    return {
        person.id: assemble_facts(
            session, person, year, general=general.get(person.id), as_of=as_of
        )
        for person in session.scalars(sa.select(Person))
    }


def _load(session: Session, province: str) -> tuple[int, date]:
    if province == "generated":
        generate_province(session, Options(people=300, years=1, seed=11, last_year=2025))
        return 2025, date(2026, 1, 20)
    today = date(2026, 11, 24)
    load_demo(session, today=today)
    return today.year, today  # the demo evaluates the current year, in November


@pytest.mark.parametrize("province", ["generated", "demo"])
def test_set_based_year_end_equals_person_by_person(session: Session, province: str) -> None:
    year, as_of = _load(session, province)
    expected = _one_by_one(session, year, as_of)

    computed = year_end(session, year, as_of)

    assert computed.facts.keys() == expected.keys()
    for person_id, facts in expected.items():
        assert _comparable(computed.facts[person_id]) == _comparable(facts), person_id
        # The counts the year-end hands the rules are those of the tasks it hands them.
        recounted = Facts.task_counts.func(computed.facts[person_id])  # type: ignore[attr-defined]
        assert computed.facts[person_id].task_counts == recounted, person_id
        assert computed.classified[person_id] == classify(facts), person_id
    levels = computed.level_counts()
    assert len(levels) >= 3, levels  # the comparison covers more than one outcome
    assert any(f.unit is not None and f.unit.sub_unit_levels for f in expected.values())
    assert any(f.disciplines for f in expected.values())
    assert sum(len(f.tasks) for f in expected.values()) > 1000


def test_year_end_ranks_units_and_proposes_titles(session: Session) -> None:
    year, as_of = _load(session, "generated")
    computed = year_end(session, year, as_of)

    ranked = {row.result.unit.id for group in computed.rankings for row in group.rows}
    assert len(ranked) > 10
    assert computed.proposals, "every agency with evaluations gets its proposals"
    assert sum(len(p.evaluations) for p in computed.proposals) == session.scalar(
        sa.select(sa.func.count()).select_from(AnnualEvaluation)
    )
    assert task_rows_floor(session, year) == session.scalar(
        sa.select(sa.func.count(Task.id)).join(Plan).where(Plan.period_year == year)
    )
