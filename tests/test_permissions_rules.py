"""Who acts on whom inside the unit tree (`Viewer.manages`): the one rule behind scoring,
approving plans and the collective's comments. Inside a unit only its head acts on a deputy,
nobody on the head (heads answer to the unit above), and a deputy never on a fellow deputy.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from evaluation.accounts.models import User
from evaluation.organisation.models import LeadershipRole, Person, UnitKind
from evaluation.organisation.permissions import Viewer
from evaluation.plans.models import Plan, PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.permissions import PlanAction, can_plan
from evaluation.scoring.permissions import EvaluationAction, can_evaluate, can_score

# x = the actor acts on the target (scores them, approves their plan, records the collective's
# comments); . = refused. The actors and the first three targets are in one division; "sub."
# targets are in a division below it. The head's "head" cell is the head themselves; the
# deputy's "deputy" is a fellow deputy and the staff member's "staff" a colleague.
ACTS_ON = """
actor \\ target  head  deputy  staff  sub.head  sub.deputy  sub.staff
head             .     x       x      x         x           x
deputy           .     .       x      x         x           x
staff            .     .       .      .         .           .
"""
ACTIONS = ("manages", "score", "approve plan", "collective comments")


def _cells() -> list[tuple[str, str, str, bool]]:
    header, *rows = ACTS_ON.strip().splitlines()
    targets = header.split()[3:]
    cells = []
    for row in rows:
        actor, *marks = row.split()
        assert len(marks) == len(targets), row
        for target, mark in zip(targets, marks, strict=True):
            cells.extend((actor, target, action, mark == "x") for action in ACTIONS)
    return cells


@pytest.fixture
def people(session, make_unit, make_person) -> dict[str, Person]:
    agency = make_unit("Sở Thử", UnitKind.AGENCY)
    division = make_unit("Phòng Thử", parent=agency)
    below = make_unit("Tổ Thử", parent=division)
    head = make_person(division, role=LeadershipRole.HEAD)
    return {
        "actor.head": head,
        "head": head,  # the division has one head: for the head, the cell is themselves
        "actor.deputy": make_person(division, role=LeadershipRole.DEPUTY),
        "actor.staff": make_person(division),
        "deputy": make_person(division, role=LeadershipRole.DEPUTY),  # the fellow deputy
        "staff": make_person(division),
        "sub.head": make_person(below, role=LeadershipRole.HEAD),
        "sub.deputy": make_person(below, role=LeadershipRole.DEPUTY),
        "sub.staff": make_person(below),
    }


def _viewer(session, person: Person) -> Viewer:
    return session.scalars(sa.select(User).where(User.person_id == person.id)).one().viewer()


def _submitted_plan(session, person: Person) -> Plan:
    plan = Plan(person=person, unit=person.unit, status=PlanStatus.SUBMITTED)
    plan.period = Period.containing(PeriodKind.MONTH, date(2026, 3, 10))
    session.add(plan)
    session.flush()
    return plan


@pytest.mark.parametrize(
    ("actor", "target", "action", "allowed"),
    _cells(),
    ids=[f"{a}->{t}-{action.replace(' ', '_')}" for a, t, action, _x in _cells()],
)
def test_who_acts_on_whom(session, people, actor, target, action, allowed) -> None:
    acting = people[f"actor.{actor}"]
    person = people[target]
    viewer = _viewer(session, acting)
    answer = {
        "manages": lambda: viewer.manages(person),
        "score": lambda: can_score(viewer, person),
        "approve plan": lambda: can_plan(
            viewer, PlanAction.APPROVE, _submitted_plan(session, person)
        ),
        # without the competent person's id, only "the manager above" can allow it
        "collective comments": lambda: can_evaluate(
            viewer, EvaluationAction.COLLECTIVE, person, person.unit, None
        ),
    }[action]()
    assert answer is allowed


def test_no_one_acts_on_themselves(session, people) -> None:
    for key in ("actor.head", "actor.deputy", "actor.staff"):
        person = people[key]
        assert not _viewer(session, person).manages(person), key


def test_a_deputy_cannot_approve_a_fellow_deputys_plan_through_the_page(
    session, client, login_as, people
) -> None:
    """The rule as the plan page applies it: refused, and the plan is still submitted."""
    plan = _submitted_plan(session, people["deputy"])
    login_as(people["actor.deputy"])
    response = client.post(f"/plans/{plan.id}/approve", data={})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Plan, plan.id).status is PlanStatus.SUBMITTED
