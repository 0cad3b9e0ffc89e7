"""The list scopes name the reach's units as a list of ids (`Viewer.units_in_reach`), which
PostgreSQL serves from the indexes where a subquery inside the scope's OR made it read the whole
table. The list must select exactly the rows the subquery did, for every kind of viewer.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from evaluation.organisation import permissions
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
from evaluation.organisation.permissions import Viewer
from evaluation.plans.models import Plan, PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from evaluation.plans.permissions import plan_scope


@pytest.fixture
def tree(session, make_unit, make_person) -> dict[str, object]:
    """Two agencies; in the first a division with a unit below it, each with people and a
    plan per person."""
    agency = make_unit("Sở Một", UnitKind.AGENCY)
    division = make_unit("Phòng Một", parent=agency)
    below = make_unit("Tổ Một", parent=division)
    other = make_unit("Sở Hai", UnitKind.AGENCY)
    people = {
        "agency head": make_person(agency, role=LeadershipRole.HEAD),
        "division head": make_person(division, role=LeadershipRole.HEAD),
        "division staff": make_person(division),
        "below staff": make_person(below),
        "other head": make_person(other, role=LeadershipRole.HEAD),
        "other staff": make_person(other),
    }
    for person in people.values():
        plan = Plan(person=person, unit=person.unit, status=PlanStatus.APPROVED)
        plan.period = Period.containing(PeriodKind.MONTH, date(2026, 3, 10))
        session.add(plan)
    session.flush()
    return {"agency": agency, "division": division, "below": below, "other": other, **people}


def _viewers(tree: dict[str, object]) -> dict[str, Viewer]:
    """One viewer of each kind: a head (the division), a personnel office (the first agency),
    a leader whose delegation elsewhere keeps their own unit in sight (lent), a member of
    staff with no reach beyond themselves, and an administrator."""
    division, agency, other = tree["division"], tree["agency"], tree["other"]
    staff, head = tree["division staff"], tree["division head"]
    return {
        "head": Viewer(
            user_id=1,
            person_id=head.id,
            managed_unit_id=division.id,
            managed_path=division.path,
            managed_role=LeadershipRole.HEAD,
        ),
        "office": Viewer(user_id=2, person_id=None, served_path=agency.path),
        "lent": Viewer(
            user_id=3,
            person_id=head.id,
            managed_unit_id=other.id,
            managed_path=other.path,
            managed_role=LeadershipRole.DEPUTY,
            lent_paths=(division.path,),
        ),
        "staff": Viewer(user_id=4, person_id=staff.id),
        "admin": Viewer(user_id=5, person_id=None, is_admin=True),
    }


def _ids(session, query: sa.Select) -> set[int]:
    return set(session.scalars(query))


@pytest.mark.parametrize("kind", ["head", "office", "lent", "staff", "admin"])
def test_the_listed_scopes_select_what_the_subquery_did(session, tree, kind) -> None:
    viewer = _viewers(tree)[kind]
    people = sa.select(Person.id).join(Unit, Person.unit_id == Unit.id)
    by_subquery = _ids(session, people.where(viewer.person_scope()))
    by_list = _ids(session, people.where(viewer.person_scope(session)))
    assert by_list == by_subquery
    plans = sa.select(Plan.id).where(Plan.status != PlanStatus.CLOSED)
    assert _ids(session, plans.where(plan_scope(viewer, session=session))) == _ids(
        session, plans.where(plan_scope(viewer))
    )
    expected = {
        "head": {"division head", "division staff", "below staff"},
        "office": {"agency head", "division head", "division staff", "below staff"},
        "lent": {"division head", "division staff", "below staff", "other head", "other staff"},
        "staff": {"division staff"},
    }.get(kind)
    if expected is not None:  # the administrator sees everyone, the tests' other rows too
        assert by_list == {tree[name].id for name in expected}


def test_the_reach_is_named_by_its_ids_and_read_once(session, tree) -> None:
    viewer = _viewers(tree)["head"]
    scope = viewer.units_in_reach(Person.unit_id, session)
    sql = str(scope.compile(compile_kwargs={"render_postcompile": True}))
    assert "SELECT" not in sql.upper()
    ids = viewer.reach_unit_ids(session)
    assert set(ids) == {tree["division"].id, tree["below"].id}
    assert viewer.reach_unit_ids(session) is ids  # kept for the viewer's (request's) life
    assert "SELECT" in str(viewer.units_in_reach(Person.unit_id)).upper()  # no session


def test_no_reach_lists_nothing(session, tree) -> None:
    viewer = _viewers(tree)["staff"]
    assert viewer.reach_unit_ids(session) == ()
    people = sa.select(Person.id).where(viewer.units_in_reach(Person.unit_id, session))
    assert _ids(session, people) == set()


def test_a_reach_too_wide_to_list_keeps_the_subquery(session, tree, monkeypatch) -> None:
    monkeypatch.setattr(permissions, "MAX_LISTED_UNITS", 1)
    viewer = _viewers(tree)["office"]
    scope = viewer.units_in_reach(Person.unit_id, session)
    assert "SELECT" in str(scope).upper()
    people = sa.select(Person.id)
    assert _ids(session, people.where(viewer.person_scope(session))) == {
        tree[name].id for name in ("agency head", "division head", "division staff", "below staff")
    }
