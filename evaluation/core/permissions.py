"""One place that answers "may this account do this to this object?", by the unit tree.

Detail pages call `Viewer.can_*`; lists filter in SQL with `*_scope`, built from the same
reach, so a list never shows what its detail page would refuse.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from evaluation.accounts.models import AccountRole, User
from evaluation.organisation.models import LeadershipRole, Person, Unit
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


class EvaluationAction(enum.Enum):
    """The steps of P1 (and viewing), each taken by its own actor."""

    VIEW = "view"
    SELF_ASSESS = "self_assessment"
    COLLECTIVE = "collective_comments"
    PARTY = "party_committee_comments"
    PROPOSE = "personnel_proposal"
    DECIDE = "decision"
    NOTIFY = "notification"
    PETITION = "petition"
    RESOLVE = "petition_resolved"
    REOPEN = "reopen"  # a decided evaluation, by the personnel office, with a reason


@dataclass(frozen=True)
class Viewer:
    """What one account reaches in the unit tree, resolved once per request."""

    user_id: int
    person_id: int | None
    is_admin: bool = False
    managed_unit_id: int | None = None
    managed_path: str | None = None
    managed_role: LeadershipRole = LeadershipRole.NONE
    served_path: str | None = None

    @classmethod
    def of(cls, user: User) -> Viewer:
        person = user.person
        managing = person is not None and person.leadership_role.is_leader
        return cls(
            user_id=user.id,
            person_id=person.id if person else None,
            is_admin=user.role is AccountRole.ADMIN,
            managed_unit_id=person.unit_id if managing and person else None,
            managed_path=person.unit.path if managing and person else None,
            managed_role=person.leadership_role if person else LeadershipRole.NONE,
            served_path=(
                user.served_unit.path
                if user.role is AccountRole.PERSONNEL and user.served_unit
                else None
            ),
        )

    @property
    def is_manager(self) -> bool:
        return self.managed_path is not None

    @property
    def is_personnel(self) -> bool:
        return self.served_path is not None

    @property
    def reach_paths(self) -> tuple[str, ...]:
        """The subtrees this account may read beyond its own records."""
        return tuple(path for path in (self.managed_path, self.served_path) if path)

    # --- units and people -------------------------------------------------------------

    def reaches_unit(self, unit: Unit) -> bool:
        return self.is_admin or any(unit.path.startswith(path) for path in self.reach_paths)

    def can_view_person(self, person: Person) -> bool:
        return person.id == self.person_id or self.reaches_unit(person.unit)

    def manages(self, person: Person) -> bool:
        """Head or deputy above this person: approves plans, assigns tasks, scores.

        Inside the manager's own unit, only the head acts on a deputy, and nobody on the
        head: a unit's head answers to the leaders of the unit above.
        """
        if self.managed_path is None or person.id == self.person_id:
            return False
        if not person.unit.path.startswith(self.managed_path):
            return False
        if person.unit_id == self.managed_unit_id and person.leadership_role.is_leader:
            return (
                self.managed_role is LeadershipRole.HEAD
                and person.leadership_role is LeadershipRole.DEPUTY
            )
        return True

    def can_set_leadership(self, unit: Unit) -> bool:
        """Who makes someone head or deputy of a unit, or ends it: an administrator, or the
        personnel office of a unit above it (an office does not appoint its own unit's
        leaders). The placement page and the staff import both ask this."""
        if self.is_admin:
            return True
        served = self.served_path
        return served is not None and unit.path != served and unit.path.startswith(served)

    def can_place(self, person: Person) -> bool:
        """Move a person or change their role (the placement page): an administrator, or the
        personnel office serving their unit; never one's own record. Leaders need more:
        `can_set_leadership`."""
        if person.id == self.person_id:
            return False
        served = self.served_path is not None and person.unit.path.startswith(self.served_path)
        return self.is_admin or served

    def manages_unit_plan(self, unit: Unit) -> bool:
        """A unit's own plan is kept by its head and approved from the unit above."""
        return (
            self.managed_path is not None
            and unit.path.startswith(self.managed_path)
            and unit.id != self.managed_unit_id
        )

    # --- plans ----------------------------------------------------------------------------

    def can_plan(self, action: PlanAction, plan: Plan) -> bool:
        owner = plan.person
        is_owner = (
            owner.id == self.person_id
            if owner is not None
            else (self.managed_unit_id == plan.unit_id and self.managed_role is LeadershipRole.HEAD)
        )
        above = self.manages(owner) if owner is not None else self.manages_unit_plan(plan.unit)
        office = self.served_path is not None and plan.unit.path.startswith(self.served_path)
        if action is PlanAction.VIEW:
            return is_owner or above or self.reaches_unit(plan.unit)
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

    def can_put_tasks(self, plan: Plan) -> bool:
        """May this account add (or change) tasks of this plan now? The one rule of the task
        pages (EDIT for the owner, ASSIGN for those above) and of the task import."""
        return self.can_plan(PlanAction.EDIT, plan) or self.can_plan(PlanAction.ASSIGN, plan)

    # --- scoring and evaluations ---------------------------------------------------------

    def can_score(self, person: Person) -> bool:
        """The manager above a person scores them; heads are scored from the unit above."""
        return self.manages(person)

    def can_keep_records(self, person: Person) -> bool:
        """Leave and discipline records: the personnel office alone enters them, and none of
        its members their own (they count in one's own classification and titles)."""
        return (
            self.served_path is not None
            and person.id != self.person_id
            and person.unit.path.startswith(self.served_path)
        )

    def can_evaluate(
        self, action: EvaluationAction, person: Person, unit: Unit, decider_id: int | None
    ) -> bool:
        """Who takes each step of one person's annual evaluation (P1, P2).

        `unit` is the unit holding the evaluation; `decider_id` the competent person's id.
        """
        own = person.id == self.person_id
        decider = decider_id is not None and decider_id == self.person_id
        # the office proposes, notifies and reopens for others, never for its own members
        personnel = (
            not own and self.served_path is not None and unit.path.startswith(self.served_path)
        )
        above = self.manages(person)
        allowed = {
            EvaluationAction.VIEW: own or decider or above or self.reaches_unit(unit),
            EvaluationAction.SELF_ASSESS: own,
            EvaluationAction.COLLECTIVE: above or decider,
            EvaluationAction.PARTY: above or decider or personnel,
            EvaluationAction.PROPOSE: personnel,
            EvaluationAction.DECIDE: decider,
            EvaluationAction.NOTIFY: decider or personnel,
            EvaluationAction.PETITION: own,
            EvaluationAction.RESOLVE: decider,
            EvaluationAction.REOPEN: personnel,
        }
        return allowed[action]

    # --- SQL filters for lists ---------------------------------------------------------

    def unit_ids_in_reach(self) -> sa.Select[tuple[int]]:
        return sa.select(Unit.id).where(
            sa.or_(*(Unit.path.startswith(path) for path in self.reach_paths))
        )

    def plan_scope(self) -> sa.ColumnElement[bool]:
        if self.is_admin:
            return sa.true()
        conditions: list[sa.ColumnElement[bool]] = []
        if self.person_id is not None:
            conditions.append(Plan.person_id == self.person_id)
        if self.reach_paths:
            conditions.append(Plan.unit_id.in_(self.unit_ids_in_reach()))
        return sa.or_(sa.false(), *conditions)

    def person_scope(self) -> sa.ColumnElement[bool]:
        if self.is_admin:
            return sa.true()
        conditions: list[sa.ColumnElement[bool]] = []
        if self.person_id is not None:
            conditions.append(Person.id == self.person_id)
        if self.reach_paths:
            conditions.append(Person.unit_id.in_(self.unit_ids_in_reach()))
        return sa.or_(sa.false(), *conditions)


def current_viewer() -> Viewer:
    """The logged-in account's reach, computed once per request."""
    if "viewer" not in g:
        if not current_user.is_authenticated:
            abort(401)
        g.viewer = Viewer.of(current_user)
    return g.viewer
