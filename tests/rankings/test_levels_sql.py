"""The SQL forms of the level rules answer the rulebook's tables, on the real database.

`evaluation.core.levels` builds the CASE of the bands and the COALESCE of the level in force
from `criteria`; here both run on SQLite or PostgreSQL, first over the bare tables of
tests/criteria/test_rulebook_bands.py, then through the rankings' own queries over stored rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from criteria import Level
from criteria.bands import level_by_points
from criteria.in_force import level_in_force
from evaluation.core.db import utcnow
from evaluation.core.levels import level_by_points_sql, level_in_force_sql
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import services
from evaluation.scoring import periods
from evaluation.scoring.models import AnnualEvaluation, PeriodScore
from tests.criteria.test_rulebook_bands import BAND_CASES, IN_FORCE_CASES, evaluation

MARCH = Period(PeriodKind.MONTH, 2026, 3)
YEAR = Period(PeriodKind.YEAR, 2026, 1)
TODAY = date(2026, 4, 10)


def rows_table(columns: dict[str, sa.types.TypeEngine], rows: list[tuple]) -> sa.Subquery:
    """Literal rows as a table (a UNION ALL: SQLite names no columns of a VALUES list)."""
    return sa.union_all(
        *(
            sa.select(
                *(
                    sa.cast(sa.literal(value) if value is not None else sa.null(), kind).label(name)
                    for (name, kind), value in zip(columns.items(), row, strict=True)
                )
            )
            for row in rows
        )
    ).subquery()


def add_score(session, person, unit, period: Period, points: float) -> None:
    """A stored period score totalling `points`: up to 30 general, the rest task points."""
    total = Decimal(str(points))
    general = min(Decimal(30), total)
    session.add(
        PeriodScore(
            person=person, unit=unit, period_kind=period.kind, period_year=period.year,
            period_number=period.number, criteria_set="t", general_points=general,
            task_points=total - general, computed_task_points=total - general,
        )
    )  # fmt: skip


def test_band_case_answers_the_band_table(session):
    """The CASE over a NUMERIC column at every boundary, beside Python and the table."""
    boundaries = rows_table(
        {"points": sa.Numeric(5, 2)}, [(Decimal(str(points)),) for points, _ in BAND_CASES]
    )
    rows = session.execute(
        sa.select(boundaries.c.points, level_by_points_sql(boundaries.c.points))
    ).all()
    got = {float(points): Level(level) for points, level in rows}
    assert got == {float(points): level for points, level in BAND_CASES}
    assert got == {points: level_by_points(points) for points in got}


def test_in_force_coalesce_answers_the_in_force_table(session):
    """The COALESCE over every combination of the three levels set or unset (NULL)."""
    level = sa.String(20)
    table = rows_table(
        {
            "case_id": sa.Integer(),
            "final_level": level,
            "personnel_level": level,
            "computed_level": level,
        },
        [
            (index, *(value.value if value else None for value in case[:3]))
            for index, case in enumerate(IN_FORCE_CASES)
        ],
    )
    rows = dict(session.execute(sa.select(table.c.case_id, level_in_force_sql(table.c))).all())
    for index, (final, personnel, computed, expected) in enumerate(IN_FORCE_CASES):
        got = Level(rows[index]) if rows[index] is not None else None
        assert got is expected, (final, personnel, computed)
        if expected is not None:
            assert got is level_in_force(evaluation(final, personnel, computed))


def test_rankings_count_member_levels_by_the_bands(session, make_unit, make_person):
    """The rankings' period levels (S5), from stored scores at every boundary: one unit each."""
    agency = make_unit("Sở", UnitKind.AGENCY)
    units = {}
    for points, _ in BAND_CASES:
        unit = make_unit(f"Phòng {points}", parent=agency)
        add_score(session, make_person(unit), unit, MARCH, points)
        units[points] = unit
    session.flush()
    members = services.period_sums(session, MARCH, TODAY).members
    for points, level in BAND_CASES:
        assert members[units[points].id][2] == {level: 1}, points
        assert level is level_by_points(points)


def test_leaders_staff_levels_follow_the_bands(session, make_unit, make_person):
    """S3: a leader's unit ratio reads the period levels of the staff by the same bands
    (this was a copy of its own with the 50-point floor, in what is now scoring.periods)."""
    division = make_unit("Phòng", UnitKind.DIVISION)
    leader = make_person(division, role=LeadershipRole.HEAD)
    for points, _ in BAND_CASES:
        add_score(session, make_person(division), division, MARCH, points)
    session.flush()
    levels = periods.staff_period_levels(session, leader, MARCH)
    assert sorted(levels) == sorted(level for _, level in BAND_CASES)
    assert sorted(levels) == sorted(level_by_points(points) for points, _ in BAND_CASES)


def test_rankings_count_annual_levels_in_force(session, make_unit, make_person):
    """A year's ranking counts each member at the level in force: one unit per combination
    of a decision and a proposal over the computed level (the column is NOT NULL)."""
    agency = make_unit("Sở", UnitKind.AGENCY)
    cases = [case for case in IN_FORCE_CASES if case[2] is not None]
    units = []
    for index, (final, personnel, computed, _) in enumerate(cases):
        unit = make_unit(f"Phòng {index}", parent=agency)
        person = make_person(unit)
        session.add(
            AnnualEvaluation(
                person=person, year=YEAR.year, unit_id=unit.id, unit=unit,
                category=person.category, rulebook="nd90@1", computed_level=computed,
                personnel_level=personnel, final_level=final,
                decided_at=utcnow() if final else None,
                decision_reason="Quyết định của người có thẩm quyền" if final else None,
            )
        )  # fmt: skip
        units.append(unit)
    session.flush()
    annual = services.period_sums(session, YEAR, TODAY).annual
    assert annual is not None
    for unit, (final, personnel, computed, expected) in zip(units, cases, strict=True):
        assert annual[unit.id] == {expected: 1}, (final, personnel, computed)
        assert expected is level_in_force(evaluation(final, personnel, computed))
