"""Who scores a person and who takes each step of their annual evaluation (P1, P2), from the
viewer's reach in the unit tree (`organisation.permissions.Viewer`)."""

from __future__ import annotations

import enum

from evaluation.organisation.models import Person, Unit
from evaluation.organisation.permissions import Viewer


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


def can_score(viewer: Viewer, person: Person) -> bool:
    """The manager above a person scores them; heads are scored from the unit above."""
    return viewer.manages(person)


def can_evaluate(
    viewer: Viewer, action: EvaluationAction, person: Person, unit: Unit, decider_id: int | None
) -> bool:
    """Who takes each step of one person's annual evaluation (P1, P2).

    `unit` is the unit holding the evaluation; `decider_id` the competent person's id.
    """
    own = person.id == viewer.person_id
    decider = decider_id is not None and decider_id == viewer.person_id
    # the office proposes, notifies and reopens for others, never for its own members
    personnel = (
        not own and viewer.served_path is not None and unit.path.startswith(viewer.served_path)
    )
    above = viewer.manages(person)
    allowed = {
        EvaluationAction.VIEW: own or decider or above or viewer.reaches_unit(unit),
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
