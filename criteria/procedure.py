"""P1–P3: the steps of an evaluation, who decides, and by when (ND90 Art. 16–22, ND48; ND335)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

SOURCE = (
    "Điều 16 đến Điều 22 Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 48/2023/NĐ-CP)"
)


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


class UnitType(StrEnum):
    """The kinds of unit under the two-level local government (from 1 July 2025): the province
    and its departments (agencies), public service units, communes, and divisions inside them.
    There is no district level any more."""

    AGENCY = "agency"
    PUBLIC_SERVICE = "public_service"
    COMMUNE = "commune"
    DIVISION = "division"


@dataclass(frozen=True)
class OrgUnit:
    kind: UnitType
    name: str


@dataclass(frozen=True)
class Authority:
    """P2: who decides, and the post that holds the power, e.g. "Chủ tịch UBND xã Tân Phong"."""

    decider: Decider
    title: str


OUTSIDE_THE_PROVINCE = "Cấp có thẩm quyền ở trung ương (ngoài phạm vi của tỉnh)"


def deciding_authority(chain: Sequence[OrgUnit], *, heads_unit: bool) -> Authority:
    """P2 under the two-level local government — ND90 Art. 20–22 (as amended by ND48) with the
    2025 reorganisation: a commune's people by the commune's chairman, a department's by its
    director, heads of agencies by the head above (the province's chairman for a commune's
    chairman and a director), heads of public service units by the appointing authority.

    `chain` runs from the person's own unit up to the province; a division belongs to the
    agency, commune or public service unit above it.
    """
    if not chain:
        raise ValueError("deciding_authority needs the person's unit")
    own = next(i for i, unit in enumerate(chain) if unit.kind is not UnitType.DIVISION)
    if heads_unit and own == 0:
        above = [i for i in range(1, len(chain)) if chain[i].kind is not UnitType.DIVISION]
        superior = _head_title(chain, above[0]) if above else OUTSIDE_THE_PROVINCE
        if chain[0].kind is UnitType.PUBLIC_SERVICE:
            return Authority(Decider.APPOINTING_AUTHORITY, superior)
        return Authority(Decider.SUPERIOR_HEAD, superior)
    return Authority(Decider.AGENCY_HEAD, _head_title(chain, own))


def _head_title(chain: Sequence[OrgUnit], index: int) -> str:
    """The post of the head of chain[index]: chairman of a commune or of the province,
    director of a department, head of any other unit."""
    unit = chain[index]
    if unit.kind is UnitType.COMMUNE:
        return f"Chủ tịch UBND {unit.name[:1].lower()}{unit.name[1:]}"
    if unit.kind is UnitType.AGENCY and index == len(chain) - 1:
        return f"Chủ tịch {unit.name}" if unit.name.startswith("UBND") else unit.name
    if unit.kind is UnitType.AGENCY and unit.name.startswith("Sở"):
        return f"Giám đốc {unit.name}"
    return f"Người đứng đầu {unit.name}"


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
