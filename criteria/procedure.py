"""P1–P3: the steps of an evaluation, who decides, and by when (ND90 Art. 16–22, ND48; ND335)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

SOURCE = "ND90 Art. 16–22, as amended by ND48"


class Step(StrEnum):
    """P1: the states of one person's evaluation, in order; two of them are optional."""

    SELF_ASSESSMENT = "self_assessment"
    COLLECTIVE_COMMENTS = "collective_comments"
    PARTY_COMMITTEE_COMMENTS = "party_committee_comments"
    PERSONNEL_PROPOSAL = "personnel_proposal"
    DECISION = "decision"
    NOTIFICATION = "notification"
    PETITION = "petition"
    PETITION_RESOLVED = "petition_resolved"

    @property
    def label(self) -> str:
        return _STEP_LABELS[self]


_STEP_LABELS = {
    Step.SELF_ASSESSMENT: "Tự đánh giá, đề xuất mức xếp loại",
    Step.COLLECTIVE_COMMENTS: "Tập thể đơn vị họp, góp ý",
    Step.PARTY_COMMITTEE_COMMENTS: "Cấp ủy cho ý kiến",
    Step.PERSONNEL_PROPOSAL: "Bộ phận tổ chức cán bộ tổng hợp, đề xuất",
    Step.DECISION: "Người có thẩm quyền quyết định",
    Step.NOTIFICATION: "Thông báo cho người được đánh giá và công khai trong đơn vị",
    Step.PETITION: "Kiến nghị",
    Step.PETITION_RESOLVED: "Giải quyết kiến nghị",
}

_NEXT: dict[Step, tuple[Step, ...]] = {
    Step.SELF_ASSESSMENT: (Step.COLLECTIVE_COMMENTS,),
    Step.COLLECTIVE_COMMENTS: (Step.PARTY_COMMITTEE_COMMENTS, Step.PERSONNEL_PROPOSAL),
    Step.PARTY_COMMITTEE_COMMENTS: (Step.PERSONNEL_PROPOSAL,),
    Step.PERSONNEL_PROPOSAL: (Step.DECISION,),
    Step.DECISION: (Step.NOTIFICATION,),
    Step.NOTIFICATION: (Step.PETITION,),
    Step.PETITION: (Step.PETITION_RESOLVED,),
    Step.PETITION_RESOLVED: (),
}


STEPS: tuple[Step, ...] = tuple(Step)
"""P1: every step in the procedure's order, as the evaluation page lists them."""

FIRST_STEP = Step.SELF_ASSESSMENT


def next_steps(step: Step) -> tuple[Step, ...]:
    """P1 — ND90 Art. 16–22: the steps allowed after `step` (Party comments, petition optional)."""
    return _NEXT[step]


def can_take(current: Step | None, target: Step) -> bool:
    """P1 — ND90 Art. 16–22: may `target` be taken now? A new evaluation (no step yet) starts
    with the self-assessment; then only the steps that follow the current one. The one answer
    of the service that records a step and of the page that offers it."""
    if current is None:
        return target is FIRST_STEP
    return target in _NEXT[current]


class Decider(StrEnum):
    """P2: whose decision sets the level."""

    SUPERIOR_HEAD = "superior_head"
    AGENCY_HEAD = "agency_head"
    APPOINTING_AUTHORITY = "appointing_authority"

    @property
    def label(self) -> str:
        return _DECIDER_LABELS[self]


_DECIDER_LABELS = {
    Decider.SUPERIOR_HEAD: "Người đứng đầu cơ quan cấp trên",
    Decider.AGENCY_HEAD: "Người đứng đầu cơ quan, đơn vị",
    Decider.APPOINTING_AUTHORITY: "Cấp có thẩm quyền bổ nhiệm",
}


def who_decides(*, heads_agency: bool = False, heads_public_service_unit: bool = False) -> Decider:
    """P2 — ND90 Art. 16–22: heads by the superior; deputies and staff by their own head."""
    if heads_public_service_unit:
        return Decider.APPOINTING_AUTHORITY
    if heads_agency:
        return Decider.SUPERIOR_HEAD
    return Decider.AGENCY_HEAD


def decision_deadline(
    year: int, *, own_date: date | None = None, nd335_special_unit: bool = False
) -> date:
    """P3 — ND90/ND48: decisions before 15 December; a unit whose year ends earlier (education)
    sets `own_date`; ND335 special units by 15 January of the next year."""
    if own_date is not None:
        return own_date
    if nd335_special_unit:
        return date(year + 1, 1, 15)
    return date(year, 12, 15)
