"""P1–P3: evaluation steps, who decides, deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from criteria import Decider, Step, decision_deadline, next_steps, who_decides
from criteria.procedure import can_move


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (Step.SELF_ASSESSMENT, Step.COLLECTIVE_COMMENTS, True),
        (Step.SELF_ASSESSMENT, Step.DECISION, False),
        (Step.COLLECTIVE_COMMENTS, Step.PERSONNEL_PROPOSAL, True),  # Party comments optional
        (Step.COLLECTIVE_COMMENTS, Step.PARTY_COMMITTEE_COMMENTS, True),
        (Step.PERSONNEL_PROPOSAL, Step.DECISION, True),
        (Step.DECISION, Step.NOTIFICATION, True),
        (Step.NOTIFICATION, Step.PETITION, True),
        (Step.PETITION, Step.PETITION_RESOLVED, True),
        (Step.DECISION, Step.SELF_ASSESSMENT, False),
    ],
)
def test_p1_steps(current: Step, target: Step, allowed: bool) -> None:
    assert can_move(current, target) is allowed


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
