"""P1's order comes from `criteria.procedure` alone: the evaluation page offers the open steps
in that order, and a step posted out of turn is refused with the record left as it was."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from criteria.procedure import STEPS, Step, can_take
from evaluation.accounts.models import AccountRole
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.scoring import procedure
from evaluation.scoring.models import AnnualEvaluation

YEAR = 2025
OUT_OF_TURN = "Bước này không thực hiện được ở trạng thái hiện tại của hồ sơ."

FORMS = {
    "self_assessment": {"report": "Hoàn thành các nhiệm vụ", "level": "tot"},
    "collective_comments": {"minutes": "Biên bản họp", "general": "good"},
    "party_committee_comments": {"comment": "Đồng ý"},
    "personnel_proposal": {"level": "tot", "rank": ""},
    "decision": {"level": "tot", "reason": "Theo kết quả thực hiện nhiệm vụ"},
    "notification": {},
    "petition": {"text": "Đề nghị xem xét lại"},
    "petition_resolved": {"resolution": "Giữ nguyên", "level": ""},
}


@pytest.fixture
def org(session, make_unit, make_person):
    agency = make_unit("Sở Thử", UnitKind.AGENCY)
    division = make_unit("Phòng Thử", parent=agency)
    office = make_unit("Phòng Tổ chức", parent=agency)
    return {
        "director": make_person(agency, role=LeadershipRole.HEAD, name="Giám đốc"),
        "head": make_person(division, role=LeadershipRole.HEAD, name="Trưởng phòng"),
        "personnel": make_person(
            office, account_role=AccountRole.PERSONNEL, served_unit=agency, name="Tổ chức"
        ),
        "staff": make_person(division, name="Chuyên viên"),
    }


def at_step(session, person, step: Step | None) -> AnnualEvaluation:
    evaluation = procedure.open_evaluation(session, person, YEAR)
    evaluation.step = step
    session.flush()
    return evaluation


def trail(session, evaluation: AnnualEvaluation) -> list[str]:
    return list(
        session.scalars(
            sa.select(AuditRecord.action).where(
                AuditRecord.object_type == "evaluation", AuditRecord.object_id == evaluation.id
            )
        )
    )


def offered(page: str, person_id: int) -> list[str]:
    """The steps whose forms the page shows, top to bottom."""
    return re.findall(rf'action="/evaluations/{YEAR}/people/{person_id}/(\w+)"', page)


def test_the_page_offers_the_open_steps_in_the_procedure_order(session, client, login_as, org):
    """After the collective's comments the personnel office may give the Party committee's
    comments or go straight to its proposal: both offered, in P1's order."""
    staff = org["staff"]
    at_step(session, staff, Step.COLLECTIVE_COMMENTS)
    login_as(org["personnel"])
    page = client.get(f"/evaluations/{YEAR}/people/{staff.id}").get_data(as_text=True)
    expected = [s.value for s in STEPS if can_take(Step.COLLECTIVE_COMMENTS, s)]
    assert expected == ["party_committee_comments", "personnel_proposal"]
    assert offered(page, staff.id) == expected


@pytest.mark.parametrize(
    ("current", "step", "actor"),
    [
        (None, "collective_comments", "head"),  # before the self-assessment
        (Step.SELF_ASSESSMENT, "personnel_proposal", "personnel"),  # skips the collective
        (Step.COLLECTIVE_COMMENTS, "self_assessment", "staff"),  # backwards
        (Step.COLLECTIVE_COMMENTS, "decision", "director"),  # before the proposal
        (Step.PERSONNEL_PROPOSAL, "notification", "personnel"),  # before the decision
        (Step.NOTIFICATION, "petition_resolved", "director"),  # no petition yet
    ],
    ids=lambda value: value.value if isinstance(value, Step) else str(value),
)
def test_a_step_out_of_turn_is_refused_and_changes_nothing(
    session, client, login_as, org, current, step, actor
):
    staff = org["staff"]
    evaluation = at_step(session, staff, current)
    version, before = evaluation.version, trail(session, evaluation)
    login_as(org[actor])
    response = client.post(
        f"/evaluations/{YEAR}/people/{staff.id}/{step}",
        data={**FORMS[step], "version": str(version)},
    )
    assert response.status_code == 422
    assert OUT_OF_TURN in response.get_data(as_text=True)  # refused for its order, not its data
    session.expire_all()
    evaluation = procedure.find_evaluation(session, staff.id, YEAR)
    assert (evaluation.step, evaluation.version) == (current, version)
    assert trail(session, evaluation) == before
    assert step not in offered(response.get_data(as_text=True), staff.id)


def test_the_step_in_turn_is_taken(session, client, login_as, org):
    """The same request in turn succeeds: the refusals above are about the order alone."""
    staff = org["staff"]
    evaluation = at_step(session, staff, Step.PERSONNEL_PROPOSAL)
    login_as(org["director"])
    response = client.post(
        f"/evaluations/{YEAR}/people/{staff.id}/decision",
        data={**FORMS["decision"], "version": str(evaluation.version)},
    )
    assert response.status_code == 302
    session.expire_all()
    assert procedure.find_evaluation(session, staff.id, YEAR).step is Step.DECISION
