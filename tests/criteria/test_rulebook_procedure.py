"""P1–P3: evaluation steps, who decides, deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from criteria import Decider, Step, decision_deadline, next_steps, who_decides
from criteria.procedure import STEPS, can_take

# P1, every (current, target) pair: x = the target step may be taken now, . = refused.
# Columns: SA self-assessment, CC collective comments, PC Party committee comments,
# PP personnel proposal, DE decision, NO notification, PE petition, PR petition resolved.
STEP_GRID = """
current \\ target          SA CC PC PP DE NO PE PR
(none)                    x  .  .  .  .  .  .  .
self_assessment           .  x  .  .  .  .  .  .
collective_comments       .  .  x  x  .  .  .  .
party_committee_comments  .  .  .  x  .  .  .  .
personnel_proposal        .  .  .  .  x  .  .  .
decision                  .  .  .  .  .  x  .  .
notification              .  .  .  .  .  .  x  .
petition                  .  .  .  .  .  .  .  x
petition_resolved         .  .  .  .  .  .  .  .
"""


def _grid() -> list[tuple[Step | None, Step, bool]]:
    header, *rows = STEP_GRID.strip().splitlines()
    assert len(header.split()) - 3 == len(STEPS) == len(rows) - 1
    cells = []
    for row in rows:
        current, *marks = row.split()
        assert len(marks) == len(STEPS), row
        for target, mark in zip(STEPS, marks, strict=True):
            cells.append((None if current == "(none)" else Step(current), target, mark == "x"))
    return cells


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    _grid(),
    ids=[f"{c.value if c else 'none'}->{t.value}" for c, t, _a in _grid()],
)
def test_p1_every_step_pair(current: Step | None, target: Step, allowed: bool) -> None:
    assert can_take(current, target) is allowed


def test_p1_steps_in_the_procedure_order() -> None:
    """The order the evaluation page lists the steps in (ND90 Art. 16–22)."""
    assert STEPS == (
        Step.SELF_ASSESSMENT,
        Step.COLLECTIVE_COMMENTS,
        Step.PARTY_COMMITTEE_COMMENTS,
        Step.PERSONNEL_PROPOSAL,
        Step.DECISION,
        Step.NOTIFICATION,
        Step.PETITION,
        Step.PETITION_RESOLVED,
    )
    # every step leads only forward in that order
    for step in STEPS:
        assert all(STEPS.index(later) > STEPS.index(step) for later in next_steps(step))


def test_p1_last_step_and_labels() -> None:
    assert next_steps(Step.PETITION_RESOLVED) == ()
    assert all(step.label for step in Step)


@pytest.mark.parametrize(
    ("options", "decider"),
    [
        ({}, Decider.AGENCY_HEAD),
        ({"heads_agency": True}, Decider.SUPERIOR_HEAD),
        ({"heads_public_service_unit": True}, Decider.APPOINTING_AUTHORITY),
    ],
)
def test_p2_who_decides(options: dict[str, bool], decider: Decider) -> None:
    assert who_decides(**options) is decider


def test_p3_deadlines() -> None:
    assert decision_deadline(2025) == date(2025, 12, 15)
    assert decision_deadline(2026, nd335_special_unit=True) == date(2027, 1, 15)
    assert decision_deadline(2025, own_date=date(2025, 6, 30)) == date(2025, 6, 30)
