"""The to-do page's counts, read in SQL and bounded by the viewer's reach, equal the areas'
own checks applied evaluation by evaluation and plan by plan through the ORM."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria.procedure import Step
from evaluation.home import services
from evaluation.organisation.models import Person
from evaluation.organisation.permissions import Viewer
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, PlanStatus
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation
from evaluation.scoring.permissions import EvaluationAction, can_evaluate
from tests.home.test_todo import DECEMBER, TODAY, World, task, viewer_of
from tests.home.test_todo import world as world  # the fixture, shared

ACTORS = ("head_agency", "head", "deputy", "staff", "personnel", "outsider_head",
          "sub_agency_head")  # fmt: skip
STEPS = [None, *Step]


def waiting_by_the_rules(session: Session, viewer: Viewer) -> dict[Step, int]:
    """Each evaluation of the year whose next awaited step `can_evaluate` lets the viewer take."""
    target_of = {
        step: target for target in services.AWAITED_STEPS for step in services.steps_before(target)
    }
    waiting: Counter[Step] = Counter()
    for evaluation in session.scalars(
        sa.select(AnnualEvaluation).where(AnnualEvaluation.year == TODAY.year)
    ):
        target = target_of.get(evaluation.step)
        if target is None:
            continue
        person = evaluation.person
        decider = procedure.competent_decider(session, person)
        allowed = can_evaluate(
            viewer,
            EvaluationAction(target.value),
            person,
            evaluation.unit,
            decider.id if decider else None,
        )
        if allowed:
            waiting[target] += 1
    return dict(waiting)


@pytest.mark.parametrize("shift", range(len(STEPS)))
def test_steps_waiting_equal_can_evaluate_for_every_actor(session, world: World, shift):
    """Everyone's evaluation at some step (each shift moves everyone on by one), one of them
    held in a unit other than the person's (the office sees it by the evaluation's unit)."""
    people = session.scalars(sa.select(Person).order_by(Person.id)).all()
    for number, person in enumerate(people):
        evaluation = procedure.open_evaluation(session, person, TODAY.year)
        evaluation.step = STEPS[(number + shift) % len(STEPS)]
    moved = procedure.find_evaluation(session, world.outsider.id, TODAY.year)
    moved.unit_id = world.division.id
    session.flush()
    for name in ACTORS:
        viewer = viewer_of(session, getattr(world, name))
        assert services.steps_waiting(session, viewer, TODAY.year) == waiting_by_the_rules(
            session, viewer
        ), name


def test_plans_to_approve_equal_manages_plan_by_plan(session, world: World):
    """Submitted plans of everyone (and plans in every other status), counted in SQL from
    the submitted plans' index, equal `Viewer.manages` over the ORM's plans."""
    people = session.scalars(sa.select(Person).order_by(Person.id)).all()
    for number, person in enumerate(people):
        plan = plans.create_plan(session, person, DECEMBER, actor_id=None)
        plans.add_task(session, plan, task("Việc", TODAY), actor_id=None)
        plan.status = list(PlanStatus)[number % len(PlanStatus)]
    session.flush()
    submitted = session.scalars(sa.select(Plan).where(Plan.status == PlanStatus.SUBMITTED)).all()
    assert submitted
    for name in ACTORS:
        viewer = viewer_of(session, getattr(world, name))
        expected = 0
        if viewer.managed_path is not None:
            expected = sum(1 for plan in submitted if viewer.manages(plan.person))
        assert services.plans_to_approve(session, viewer) == expected, name
