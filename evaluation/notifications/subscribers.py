"""The events of the lower areas (`core.events`), turned into notifications for whoever must
act next or is concerned. Each receiver runs in the sender's transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from criteria.procedure import Step
from evaluation.core import events
from evaluation.notifications.messages import period_params
from evaluation.notifications.models import EventKind
from evaluation.notifications.services import (
    accounts_of,
    nearest_leaders,
    notify,
    personnel_offices,
)
from evaluation.organisation.permissions import Viewer
from evaluation.plans.models import Plan, Task
from evaluation.plans.permissions import PlanAction, can_plan
from evaluation.scoring.models import AnnualEvaluation
from evaluation.scoring.permissions import EvaluationAction, can_evaluate
from evaluation.scoring.procedure import competent_decider


def _others(user_ids: list[int], actor_id: int | None) -> list[int]:
    """Nobody is told of what they did themselves."""
    return [user_id for user_id in user_ids if user_id != actor_id]


def _plan_params(plan: Plan) -> dict[str, Any]:
    return {"plan_id": plan.id, "period": period_params(plan.period)}


@events.plan_submitted.connect
def _plan_submitted(plan: Plan, *, session: Session, actor_id: int | None, **_: Any) -> None:
    """To the nearest managers who may approve it."""
    owner = plan.person
    if owner is None:  # a unit's own plan: its head keeps it, nobody approves it
        return
    approvers = nearest_leaders(
        session, owner.unit, lambda viewer: can_plan(viewer, PlanAction.APPROVE, plan)
    )
    notify(
        session,
        _others([user.id for user in approvers], actor_id),
        EventKind.PLAN_SUBMITTED,
        _plan_params(plan) | {"person": owner.full_name},
    )


@events.plan_returned.connect
def _plan_returned(plan: Plan, *, session: Session, actor_id: int | None, **_: Any) -> None:
    notify(
        session,
        _others(accounts_of(session, [plan.person_id]), actor_id),
        EventKind.PLAN_RETURNED,
        _plan_params(plan) | {"comment": plan.return_comment},
    )


@events.plan_approved.connect
def _plan_approved(plan: Plan, *, session: Session, actor_id: int | None, **_: Any) -> None:
    notify(
        session,
        _others(accounts_of(session, [plan.person_id]), actor_id),
        EventKind.PLAN_APPROVED,
        _plan_params(plan),
    )


@events.task_assigned.connect
def _task_assigned(task: Task, *, session: Session, actor_id: int | None, **_: Any) -> None:
    notify(
        session,
        _others(accounts_of(session, [task.plan.person_id]), actor_id),
        EventKind.TASK_ASSIGNED,
        _plan_params(task.plan) | {"title": task.title, "deadline": task.deadline.isoformat()},
    )


# After each step of P1, the step that waits and who takes it (`scoring.permissions`). The
# party committee's comment and a petition are optional: nobody is told they owe them.
NEXT_STEP: dict[Step, tuple[Step, EvaluationAction]] = {
    Step.SELF_ASSESSMENT: (Step.COLLECTIVE_COMMENTS, EvaluationAction.COLLECTIVE),
    Step.COLLECTIVE_COMMENTS: (Step.PERSONNEL_PROPOSAL, EvaluationAction.PROPOSE),
    Step.PARTY_COMMITTEE_COMMENTS: (Step.PERSONNEL_PROPOSAL, EvaluationAction.PROPOSE),
    Step.PERSONNEL_PROPOSAL: (Step.DECISION, EvaluationAction.DECIDE),
    Step.DECISION: (Step.NOTIFICATION, EvaluationAction.NOTIFY),
    Step.PETITION: (Step.PETITION_RESOLVED, EvaluationAction.RESOLVE),
}


@events.evaluation_advanced.connect
def _evaluation_advanced(
    evaluation: AnnualEvaluation,
    *,
    session: Session,
    step: Step,
    actor_id: int | None,
    **_: Any,
) -> None:
    """To those who take the step that now waits: the managers above for the collective's
    comments, the personnel office for its proposal and the notification, the competent
    person for the decision and a petition's resolution."""
    if step not in NEXT_STEP:
        return
    waiting, action = NEXT_STEP[step]
    person, unit = evaluation.person, evaluation.unit
    decider = competent_decider(session, person)
    decider_id = decider.id if decider is not None else None

    def allowed(viewer: Viewer) -> bool:
        return can_evaluate(viewer, action, person, unit, decider_id)

    if action is EvaluationAction.COLLECTIVE:
        recipients = [user.id for user in nearest_leaders(session, unit, allowed)]
    elif action in (EvaluationAction.PROPOSE, EvaluationAction.NOTIFY):
        recipients = [user.id for user in personnel_offices(session, unit, allowed)]
    else:
        recipients = accounts_of(session, [decider_id])
    notify(
        session,
        _others(recipients, actor_id),
        EventKind.STEP_WAITING,
        {
            "year": evaluation.year,
            "person_id": person.id,
            "person": person.full_name,
            "step": waiting.value,
        },
        # The proposal waits after the collective's comments and again after the optional
        # party comment: told once. Other steps may wait again after a reopening.
        dedupe_key=f"step:{evaluation.id}:{waiting.value}"
        if waiting is Step.PERSONNEL_PROPOSAL
        else None,
    )


@events.decision_notified.connect
def _decision_notified(
    evaluation: AnnualEvaluation, *, session: Session, actor_id: int | None, **_: Any
) -> None:
    notify(
        session,
        _others(accounts_of(session, [evaluation.person_id]), actor_id),
        EventKind.DECISION_NOTIFIED,
        {
            "year": evaluation.year,
            "person_id": evaluation.person_id,
            "level": evaluation.level.value,
        },
    )


RECEIVERS: tuple[Callable[..., None], ...] = (
    _plan_submitted,
    _plan_returned,
    _plan_approved,
    _task_assigned,
    _evaluation_advanced,
    _decision_notified,
)
