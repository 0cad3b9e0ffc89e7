"""Every case of cases.json, through the records and the evaluation workflow.

`python -m criteria` reaches a level from the facts (tests/criteria). Here the same facts are
kept as records (placements, leave, discipline, plans, period scores), the person files the
self-assessment and the manager the unit's collective assessment through the web, and the
evaluation page must show the level the rulebook gives for those facts.
"""

from __future__ import annotations

import re

import pytest

from criteria import Level, classify, parse_facts
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.scoring.facts import assemble_facts
from tests.criteria.cases import CLASSIFY_CASES
from tests.scoring.builders import records_for

# Facts the system keeps no record of (the conclusions behind ND335's grounds (b), which no form
# records), and pins the rulebook refuses (the app applies the table's rule set instead and says
# why: tests/scoring/test_criteria_set_for.py), are not cases the records can carry.
NOT_RECORDED = {"degradation", "party_prohibitions_breached", "example_duty_breached"}
CASES = [
    case
    for case in CLASSIFY_CASES
    if "refused" not in case["expect"] and not NOT_RECORDED & set(case["facts"])
]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case_through_the_web(session, client, login_as, make_unit, make_person, case):
    facts = case["facts"]
    expected = parse_facts(facts)
    level = Level(case["expect"]["level"])
    assert classify(expected).level is level  # the contract, as tests/criteria checks it

    agency = make_unit("Sở", UnitKind.AGENCY)
    director = make_person(agency, role=LeadershipRole.HEAD)
    unit = make_unit("Phòng", parent=agency)
    if not expected.leader:
        make_person(unit, role=LeadershipRole.HEAD)
    person = records_for(session, unit, facts, make_person)
    manager = director if expected.leader else unit_head(session, unit, person)

    assembled = assemble_facts(session, person, expected.year, general=expected.general)
    for name in (
        "category", "leader", "months_worked", "leave_months", "maternity_leave", "general",
        "disciplines", "tasks", "general_points", "period_task_points",
    ):  # fmt: skip
        assert getattr(assembled, name) == getattr(expected, name), name
    if expected.unit is not None:
        got, want = assembled.unit, expected.unit
        assert got is not None
        assert got.targets_completed_pct == want.targets_completed_pct
        assert got.targets_on_time_pct == want.targets_on_time_pct
        assert got.targets_exceeded_pct == want.targets_exceeded_pct
        assert sorted(got.sub_unit_levels) == sorted(want.sub_unit_levels)

    url = f"/evaluations/{expected.year}/people/{person.id}"
    login_as(person)
    client.post(f"{url}/self_assessment", data={"report": "Báo cáo", "level": "tot"})
    login_as(manager)
    response = client.post(
        f"{url}/collective_comments",
        data={"minutes": "Biên bản họp", "general": expected.general.value},
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    shown = re.search(r'id="rulebook-level">.*?class="badge level-(\w+)"', page, re.S)
    assert shown is not None
    assert shown.group(1) == level.value
    for rule in case["expect"]["rules_include"]:
        assert f'<strong class="rule" data-rule="{rule}">' in page


def unit_head(session, unit, person):
    from evaluation.organisation.models import Person

    return (
        session.query(Person)
        .filter(Person.unit_id == unit.id, Person.leadership_role == LeadershipRole.HEAD)
        .one()
    )
