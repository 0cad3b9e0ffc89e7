"""Who may do what to a plan: one rule for the plan pages, the exports and the task import,
from the viewer's reach in the unit tree (`organisation.permissions.Viewer`)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from evaluation.organisation.models import LeadershipRole
from evaluation.organisation.permissions import Viewer
from evaluation.plans.models import Plan, PlanStatus

# A manager (or the personnel office) may add tasks to another's plan until its results are
# reported; its owner only while it is a draft or returned (`PlanStatus.editable`).
ASSIGNABLE_STATUSES = (
    PlanStatus.DRAFT,
    PlanStatus.RETURNED,
    PlanStatus.SUBMITTED,
    PlanStatus.APPROVED,
)


class PlanAction(enum.Enum):
    VIEW = "view"
    EDIT = "edit"  # add, change and delete tasks; submit
    REPORT = "report"  # report results
    ASSIGN = "assign"  # a manager, or the personnel office, adds a task to another's plan
    APPROVE = "approve"  # approve or return
    CLOSE = "close"
    REOPEN = "reopen"  # a closed plan, by the personnel office, with a reason


def can_plan(viewer: Viewer, action: PlanAction, plan: Plan) -> bool:
    owner = plan.person
    is_owner = (
        owner.id == viewer.person_id
        if owner is not None
        else (viewer.managed_unit_id == plan.unit_id and viewer.managed_role is LeadershipRole.HEAD)
    )
    above = viewer.manages(owner) if owner is not None else viewer.manages_unit_plan(plan.unit)
    office = viewer.served_path is not None and plan.unit.path.startswith(viewer.served_path)
    if action is PlanAction.VIEW:
        return is_owner or above or viewer.reaches_unit(plan.unit)
    if action is PlanAction.EDIT:
        return is_owner and plan.status.editable
    if action is PlanAction.REPORT:
        return is_owner and plan.status is PlanStatus.APPROVED
    if action is PlanAction.ASSIGN:
        return (above or (office and not is_owner)) and plan.status in ASSIGNABLE_STATUSES
    if action is PlanAction.APPROVE:
        return above and plan.status is PlanStatus.SUBMITTED
    if action is PlanAction.CLOSE:
        return above and plan.status is PlanStatus.REPORTED
    if action is PlanAction.REOPEN:  # never one's own plan: the office reviews others
        return office and not is_owner and plan.status is PlanStatus.CLOSED
    raise ValueError(action)


def can_put_tasks(viewer: Viewer, plan: Plan) -> bool:
    """May this account add (or change) tasks of this plan now? The one rule of the task
    pages (EDIT for the owner, ASSIGN for those above) and of the task import."""
    return can_plan(viewer, PlanAction.EDIT, plan) or can_plan(viewer, PlanAction.ASSIGN, plan)


def plan_scope(viewer: Viewer, session: Session | None = None) -> sa.ColumnElement[bool]:
    """The plans a list may show this viewer: their own, and those of units in reach.

    With a `session`, the units in reach are named as a list of ids read once for the viewer
    (`Viewer.units_in_reach`): PostgreSQL cannot use an index for a subquery inside the OR
    and reads the whole plan table; a list of ids it can.
    """
    if viewer.is_admin:
        return sa.true()
    conditions: list[sa.ColumnElement[bool]] = []
    if viewer.person_id is not None:
        conditions.append(Plan.person_id == viewer.person_id)
    if viewer.reach_paths:
        conditions.append(viewer.units_in_reach(Plan.unit_id, session))
    return sa.or_(sa.false(), *conditions)
