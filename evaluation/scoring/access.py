"""The evaluation loader every per-person evaluation route calls, as plans have
`get_plan_or_404`: 404 when the person is missing, 403 when the viewer may not take the action.

Its own module, so that the exports (`reports`) authorize exactly as the evaluation page
without importing the page's routes.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from evaluation.core.db import db
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.permissions import current_viewer
from evaluation.scoring import procedure, queries
from evaluation.scoring.models import AnnualEvaluation
from evaluation.scoring.permissions import EvaluationAction, can_evaluate


@dataclass(frozen=True)
class EvaluationAccess:
    """One person's evaluation of a year, as the viewer may reach it."""

    person: Person
    year: int
    evaluation: AnnualEvaluation | None  # None until the first step opens it
    decider: Person | None  # who decides (P2); None at the top of the tree

    @property
    def unit(self) -> Unit:
        """The unit holding the evaluation: where it was opened, else the person's own."""
        return self.evaluation.unit if self.evaluation else self.person.unit


def get_evaluation_or_404(
    year: int, person_id: int, action: EvaluationAction = EvaluationAction.VIEW
) -> EvaluationAccess:
    person = db.session.scalars(
        sa.select(Person).options(joinedload(Person.unit)).where(Person.id == person_id)
    ).first()
    if person is None:
        abort(404)
    evaluation = procedure.find_evaluation(db.session, person.id, year)
    decider = procedure.competent_decider(db.session, person)
    access = EvaluationAccess(person, year, evaluation, decider)
    if not can_evaluate(
        current_viewer(), action, person, access.unit, decider.id if decider else None
    ):
        abort(403)
    return access


def rulebook_result(
    person: Person, year: int, evaluation: AnnualEvaluation | None
) -> AnnualEvaluation:
    """The rulebook's result the evaluation page and its sheet show: as decided once the
    evaluation is decided (locked), else on today's records (a preview, not saved)."""
    if evaluation is not None and evaluation.locked:
        return evaluation
    return queries.preview(db.session, person, year, evaluation)
