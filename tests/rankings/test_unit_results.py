"""Unit results and rankings on a small tree, against values computed by hand.

    Sở (agency)                 no plan of its own: its members' average carries it
    ├── Phòng 1                 own plan 4 targets: 4 done, 3 on time; members 80 and 90
    ├── Phòng 2                 own plan 2 targets: 1 done on time; member 70
    └── Phòng 3                 nothing at all: no result, unranked

Phòng 1: own (100 + 75) / 2 = 87.5; points .7 × 87.5 + .3 × 85 = 86.75 (tot).
Phòng 2: own (50 + 50) / 2 = 50;    points .7 × 50 + .3 × 70 = 56.00 (hoan_thanh).
Sở:      members (80 + 90 + 70) / 3 = 80.00 (tot).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from criteria import Level
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.models import Plan, PlanStatus, Task, TaskOutcome
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import services
from evaluation.scoring.models import PeriodScore

MARCH = Period(PeriodKind.MONTH, 2026, 3)
TODAY = date(2026, 4, 10)


def unit_plan(session, unit, period, outcomes: list[TaskOutcome]) -> Plan:
    plan = Plan(person=None, unit=unit, status=PlanStatus.CLOSED)
    plan.period = period
    session.add(plan)
    for index, outcome in enumerate(outcomes):
        deadline = period.starts_on.replace(day=10 + index)
        session.add(
            Task(
                plan=plan, title=f"Chỉ tiêu {index}", target_quantity=Decimal(5),
                unit_of_measure="việc", weight=Decimal(1), deadline=deadline, outcome=outcome,
                achieved_quantity=Decimal(5), completed_on=deadline,
            )
        )  # fmt: skip
    session.flush()
    return plan


def score(session, person, unit, period: Period, total: int) -> PeriodScore:
    row = PeriodScore(
        person=person, unit=unit, period_kind=period.kind, period_year=period.year,
        period_number=period.number, criteria_set="t", general_points=Decimal(total) * 3 / 10,
        task_points=Decimal(total) * 7 / 10, computed_task_points=Decimal(total) * 7 / 10,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def tree(session, make_unit, make_person):
    return build_tree(session, make_unit, make_person)


def build_tree(session, make_unit, make_person) -> dict:
    agency = make_unit("Sở", UnitKind.AGENCY)
    d1, d2, d3 = (make_unit(f"Phòng {n}", parent=agency) for n in (1, 2, 3))
    done, late = TaskOutcome.DONE_ON_TIME, TaskOutcome.DONE_LATE
    unit_plan(session, d1, MARCH, [done, done, done, late])
    unit_plan(session, d2, MARCH, [done, TaskOutcome.NOT_DONE])
    for unit, total in ((d1, 80), (d1, 90), (d2, 70)):
        score(session, make_person(unit), unit, MARCH, total)
    make_person(d3, role=LeadershipRole.HEAD)  # a head, but nobody scored
    return {"agency": agency, "d1": d1, "d2": d2, "d3": d3}


def results_for(session, tree, period=MARCH):
    return services.unit_results(session, list(tree.values()), period, TODAY)


def test_unit_results_by_hand(session, tree):
    results = results_for(session, tree)
    d1, d2 = results[tree["d1"].id], results[tree["d2"].id]
    assert (d1.score.own, d1.score.points, d1.score.level) == (87.5, 86.75, Level.TOT)
    assert (d2.score.own, d2.score.points, d2.score.level) == (50.0, 56.0, Level.HOAN_THANH)
    agency = results[tree["agency"].id]
    assert (agency.figures.members_scored, agency.score.points) == (3, 80.0)
    assert results[tree["d3"].id].score.points is None
    assert d1.levels == {Level.TOT: 1, Level.XUAT_SAC: 1}  # 80 and 90 by the S5 bands


def test_ranking_among_siblings(session, tree):
    by_id = {unit.id: unit for unit in tree.values()}
    groups = services.rankings(results_for(session, tree), {}, by_id)
    divisions = next(g for g in groups if g.kind is UnitKind.DIVISION)
    assert [(row.position, row.result.unit.name) for row in divisions.rows] == [
        (1, "Phòng 1"), (2, "Phòng 2"), (0, "Phòng 3"),
    ]  # fmt: skip


def test_equal_units_share_a_rank(session, tree, make_person):
    d2, d3 = tree["d2"], tree["d3"]
    unit_plan(session, d3, MARCH, [TaskOutcome.DONE_ON_TIME, TaskOutcome.NOT_DONE])
    score(session, make_person(d3), d3, MARCH, 70)
    by_id = {unit.id: unit for unit in tree.values()}
    divisions = next(
        g for g in services.rankings(results_for(session, tree), {}, by_id)
        if g.kind is UnitKind.DIVISION
    )  # fmt: skip
    positions = {row.result.unit.name: row.position for row in divisions.rows}
    assert positions == {"Phòng 1": 1, "Phòng 2": 2, "Phòng 3": 2}
    assert d2.id != d3.id


def test_change_since_the_previous_period(session, tree, make_person):
    february = Period(PeriodKind.MONTH, 2026, 2)
    unit_plan(session, tree["d2"], february, [TaskOutcome.DONE_ON_TIME])
    unit_plan(session, tree["d1"], february, [TaskOutcome.NOT_DONE])
    by_id = {unit.id: unit for unit in tree.values()}
    groups = services.rankings(
        results_for(session, tree), results_for(session, tree, february), by_id
    )
    divisions = next(g for g in groups if g.kind is UnitKind.DIVISION)
    change = {row.result.unit.name: row.change for row in divisions.rows}
    assert change["Phòng 1"] == 1  # second in February, first in March
    assert change["Phòng 2"] == -1


def test_a_moved_person_counts_where_they_were_each_period(session, tree, make_person):
    d1, d2 = tree["d1"], tree["d2"]
    person = make_person(d1, starts_on=date(2026, 1, 1))
    organisation.move_person(
        session, person, to_unit=d2, role=LeadershipRole.NONE, job_position="Chuyên viên",
        on=date(2026, 4, 1), actor_id=None,
    )  # fmt: skip
    score(session, person, d1, MARCH, 60)  # filed where they were in March
    april = Period(PeriodKind.MONTH, 2026, 4)
    score(session, person, d2, april, 100)
    march = results_for(session, tree)
    assert march[d1.id].figures.members_scored == 3
    assert march[d2.id].figures.members_scored == 1
    april_results = results_for(session, tree, april)
    assert april_results[d2.id].figures.members_average == 100.0
    assert april_results[d1.id].figures.members_scored == 0


def test_discipline_in_the_period_costs_the_unit(session, tree, make_person):
    from criteria import DisciplineForm
    from evaluation.records.models import DisciplineRecord

    person = make_person(tree["d1"])
    session.add(
        DisciplineRecord(
            person=person, violation="Vi phạm", effective_on=date(2026, 3, 20),
            form=DisciplineForm.KHIEN_TRACH,
        )
    )  # fmt: skip
    session.flush()
    d1 = results_for(session, tree)[tree["d1"].id]
    assert d1.figures.disciplined == 1
    assert d1.score.points == 81.75  # 86.75 − 5
    assert [reason.rule for reason in d1.score.reasons] == ["U1", "U2"]


def test_ranking_page_and_drilldown(session, client, login_as, tree, make_person):
    from evaluation.accounts.models import AccountRole

    office = tree["d3"]
    personnel = make_person(office, account_role=AccountRole.PERSONNEL, served_unit=tree["agency"])
    login_as(personnel)
    page = client.get(f"/rankings/{MARCH.key}").get_data(as_text=True)
    assert page.index("Phòng 1") < page.index("Phòng 2")
    assert "86,75" in page
    assert '<svg role="img"' in page and "<title" in page  # the chart, with its text alternative
    unit_page = client.get(f"/rankings/{MARCH.key}/units/{tree['d1'].id}").get_data(as_text=True)
    assert "Chỉ tiêu 3" in unit_page  # the targets behind the result
    assert unit_page.count("/evaluations/2026/people/") == 2  # the two members, linked


def test_employees_do_not_see_rankings(client, login_as, tree, make_person):
    login_as(make_person(tree["d1"]))
    assert client.get(f"/rankings/{MARCH.key}").status_code == 403
