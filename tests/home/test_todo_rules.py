"""The to-do page's counts, read in SQL and bounded by the viewer's reach, equal the areas'
own checks applied evaluation by evaluation and plan by plan through the ORM."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import Level
from criteria.procedure import Step
from evaluation.home import services
from evaluation.organisation.models import Person
from evaluation.organisation.permissions import Viewer
from evaluation.plans import services as plans
from evaluation.plans.models import Plan, PlanStatus
from evaluation.plans.periods import Period, PeriodKind
from evaluation.scoring import periods, procedure
from evaluation.scoring.models import AnnualEvaluation
from evaluation.scoring.permissions import EvaluationAction, can_evaluate
from tests.conftest import account_id
from tests.home.test_todo import DECEMBER, TODAY, World, task, viewer_of
from tests.home.test_todo import world as world  # the fixture, shared
from tests.test_query_counts import GENERAL

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


def owed_by_the_rules(session: Session, viewer: Viewer, month: Period) -> int:
    """People the viewer scores (`people_to_score`) whose scoring period (`scoring_period`)
    ends with `month` and has no score, their year not decided, read through the ORM."""
    owed = 0
    for person in periods.people_to_score(session, viewer):
        period = periods.scoring_period(person, month.starts_on)
        if period.ends_on != month.ends_on:
            continue  # a quarter `month` does not close: nothing owed yet
        decided = procedure.find_evaluation(session, person.id, month.year)
        if decided is not None and decided.decided_at is not None:
            continue
        if periods.find_period_score(session, person, period) is None:
            owed += 1
    return owed


@pytest.mark.parametrize("month", [9, 11])  # September closes a quarter, November does not
def test_scores_owed_equal_people_to_score_for_every_actor(session, world: World, month):
    """Some scored, one decided: each actor's count, from the statement built once per shape
    of manager and of month, equals the scoring area's own rules person by person."""
    period = Period(PeriodKind.MONTH, 2026, month)
    quarter = Period.containing(PeriodKind.QUARTER, period.starts_on)
    head_id = account_id(session, world.head)
    for person, scored in ((world.staff, period), (world.sub_agency_head, quarter)):
        periods.save_period_score(
            session, person, scored,
            periods.ScoreInput(GENERAL, None, Decimal(50), "Không có nhiệm vụ", None),
            actor_id=head_id,
        )  # fmt: skip
    evaluation = procedure.open_evaluation(session, world.deputy, 2026)
    evaluation.final_level = Level.TOT
    evaluation.decision_reason = "Theo đề xuất"
    evaluation.decided_at = evaluation.computed_at
    session.flush()
    for name in ACTORS:
        viewer = viewer_of(session, getattr(world, name))
        expected = owed_by_the_rules(session, viewer, period)
        assert services.scores_owed(session, viewer, period) == expected, name
