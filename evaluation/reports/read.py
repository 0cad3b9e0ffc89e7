"""What the two long exports print, read from the database into small frozen records.

Each read model holds exactly what its sheet shows (texts already chosen, numbers as numbers),
so a test can check the numbers without opening a workbook, and the layouts in
`evaluation.reports.layout` write a workbook from the record without touching the database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from criteria import CriteriaSet, Reason, StaffCategory, Title
from criteria.emulation import why_granted
from evaluation.core.labels import LABELS, rulebook_name
from evaluation.core.workbook import to_local_date
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.services import agencies_among, agency_of
from evaluation.plans.periods import Period, PeriodKind
from evaluation.rankings import emulation
from evaluation.rankings import services as rankings
from evaluation.rankings.emulation import Evaluated, Proposal
from evaluation.scoring import periods, procedure, snapshot
from evaluation.scoring.models import AnnualEvaluation

FORM_NUMBERS = {
    StaffCategory.CAN_BO: "01",
    StaffCategory.CONG_CHUC: "02",
    StaffCategory.VIEN_CHUC: "03",
}

Number = Decimal | float | int

# --- 1. the individual evaluation sheet ---------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    """A row of section III: one criterion, or a group's points when its criteria are not
    known one by one ("Cộng nhóm"). `points` is both the manager's and the recognised."""

    group: str
    criterion: str
    max_points: Number
    points: Decimal | None


@dataclass(frozen=True)
class PeriodRow:
    """A row of section IV: one period's points as the year's record holds them."""

    label: str
    adjustment_reason: str | None
    general: Decimal | None
    computed_task: Decimal | None
    task: Decimal
    total: Decimal | None
    tasks: int | None


@dataclass(frozen=True)
class ReasonRow:
    """A row of section V: the rule, its source and its words."""

    rule: str
    source: str
    text: str


@dataclass(frozen=True)
class EvaluationSheet:
    """Phiếu đánh giá: every value the individual sheet prints, section by section."""

    year: int
    agency: str  # the agency the person's unit belongs to (the heading's second line)
    form_number: str  # "Mẫu số 02", or "" for a category without a numbered form
    title: str
    # I. the person
    full_name: str
    date_of_birth: date | None
    job_position: str | None
    unit: str
    category: str
    criteria_set: str
    # II. self-assessment
    self_report: str | None
    self_level: str | None
    # III. points per criterion; the rows add up to `total`
    criteria: tuple[CriterionRow, ...]
    max_points: Number
    total: Decimal | None
    stored: bool  # the points are the decision's snapshot
    # IV. periods
    periods: tuple[PeriodRow, ...]
    # V. the rulebook
    computed_level: str
    rulebook: str
    reasons: tuple[ReasonRow, ...]
    # VI. opinions and the decision
    collective_minutes: str | None
    general_assessment: str | None
    party_comment: str | None
    personnel_proposal: str | None
    final_level: str
    decision_reason: str | None
    quota_exception_reason: str | None
    decided_on: date | None
    decider: str | None


def form_title(category: StaffCategory) -> tuple[str, str]:
    """Mẫu số 01/02/03 (rules.md P4) and the form's title for the person's category."""
    titles = {
        StaffCategory.CAN_BO: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ"),
        StaffCategory.CONG_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"),
        StaffCategory.VIEN_CHUC: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC"),
        StaffCategory.NGUOI_LAO_DONG: _("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG"),
    }
    number = FORM_NUMBERS.get(category)
    return (_("Mẫu số %(n)s", n=number) if number else ""), titles[category]


def criterion_rows(
    points: snapshot.YearPoints, criteria_set: CriteriaSet
) -> tuple[CriterionRow, ...]:
    """Section III's rows. No self-scores are kept: that column is left for the person to
    fill in by hand. Each group's points are printed once, on its criteria where they are
    known one by one, else on a "Cộng nhóm" row, so the points column adds up to the total."""
    rows: list[CriterionRow] = []
    for group in criteria_set.groups:
        if group.code == "general":
            known = points.criteria
            group_points = points.general
        else:  # task results are scored as a whole from the plans (S2)
            single = len(group.criteria) == 1
            known = (
                {group.criteria[0].code: points.task} if single and points.task is not None else {}
            )
            group_points = points.task
        rows.extend(
            CriterionRow(
                group.name,
                f"{criterion.code}. {criterion.name}",
                criterion.max_points,
                known.get(criterion.code),
            )
            for criterion in group.criteria
        )
        if not known and group_points is not None:
            rows.append(CriterionRow(group.name, _("Cộng nhóm"), group.max_points, group_points))
    return tuple(rows)


def read_evaluation_sheet(
    session: Session,
    person: Person,
    year: int,
    evaluation: AnnualEvaluation | None,
    rulebook_result: AnnualEvaluation,
) -> EvaluationSheet:
    """The individual sheet's record: what the evaluation page shows.

    `rulebook_result` is the page's: the decided evaluation, or the rulebook's on today's
    records. A decided evaluation prints the points it was decided on (its snapshot).
    """
    category = evaluation.category if evaluation else person.category
    unit = evaluation.unit if evaluation else person.unit
    form_number, title = form_title(category)
    points = snapshot.points_of(
        session, rulebook_result, person, periods.criteria_set_for(person, year)
    )
    criteria_set = periods.criteria_set_by_id(session, points.criteria_set)
    self_level = evaluation.self_level if evaluation else None
    general = evaluation.general_assessment if evaluation else None
    personnel_level = evaluation.personnel_level if evaluation else None
    final = evaluation.final_level if evaluation else None
    if evaluation and evaluation.decided_at:
        decided_on = to_local_date(evaluation.decided_at)
        decider = evaluation.decided_by.display_name if evaluation.decided_by else None
    else:
        decided_on = None
        competent = procedure.competent_decider(session, person)
        decider = competent.full_name if competent else None
    proposal = [
        personnel_level.label if personnel_level else None,
        evaluation.personnel_comment if evaluation else None,
    ]
    return EvaluationSheet(
        year=year,
        agency=agency_of(session, unit).name,
        form_number=form_number,
        title=title,
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        job_position=person.job_position,
        unit=unit.name,
        category=str(LABELS["category"][category]),
        criteria_set=criteria_set.title,  # its title names the decree; the id is internal
        self_report=evaluation.self_report if evaluation else None,
        self_level=self_level.label if self_level else None,
        criteria=criterion_rows(points, criteria_set),
        max_points=criteria_set.max_points,
        total=points.total,
        stored=points.stored,
        periods=tuple(
            PeriodRow(
                label=p.period.label if p.period else _("Kỳ thứ %(n)d", n=p.number),
                adjustment_reason=p.adjustment_reason,
                general=p.general,
                computed_task=p.computed_task,
                task=p.task,
                total=p.total,
                tasks=p.tasks,
            )
            for p in points.periods
        ),
        computed_level=rulebook_result.computed_level.label,
        rulebook=points.rulebook,
        reasons=tuple(
            ReasonRow(r.get("rule", ""), r.get("source", ""), r.get("text", ""))
            for r in rulebook_result.computed_reasons
        ),
        collective_minutes=evaluation.collective_minutes if evaluation else None,
        general_assessment=general.label if general else None,
        party_comment=evaluation.party_comment if evaluation else None,
        personnel_proposal=" — ".join(filter(None, proposal)) or None,
        final_level=final.label if final else _("Chưa quyết định"),
        decision_reason=evaluation.decision_reason if evaluation else None,
        quota_exception_reason=evaluation.quota_exception_reason if evaluation else None,
        decided_on=decided_on,
        decider=decider,
    )


# --- 2. the emulation proposal list -------------------------------------------------------


@dataclass(frozen=True)
class EmulationRow:
    """A person or a collective on the list, with the criteria met or the rule that stopped
    them, each cited by its source."""

    name: str
    unit: str
    agency: str
    level: str | None
    text: str


@dataclass(frozen=True)
class EmulationSection:
    """One numbered section: a title's candidates (I–IV), or those left out (V)."""

    heading: str
    rows: tuple[EmulationRow, ...]


@dataclass(frozen=True)
class EmulationList:
    """Danh sách đề nghị khen thưởng: the five sections and the grounds ("Căn cứ") lines."""

    year: int
    sections: tuple[EmulationSection, ...]
    grounds: tuple[str, ...]


LISTED_TITLES = (
    Title.CHIEN_SI_THI_DUA_CO_SO,
    Title.LAO_DONG_TIEN_TIEN,
    Title.TAP_THE_LAO_DONG_XUAT_SAC,
    Title.TAP_THE_LAO_DONG_TIEN_TIEN,
)
ROMAN = ("I", "II", "III", "IV", "V")


def criteria_met(proposal: Proposal, evaluation: Evaluated, title: Title) -> str:
    """Why the person was granted an individual title: the rulebook's reasons (A1–A3), one a
    line, each with its source (`criteria.emulation.why_granted`)."""
    member = proposal.members.get(str(evaluation.person_id))
    if member is None:  # not classified or awaiting a decision: no title to explain
        return ""
    member = dataclasses.replace(member, level=proposal.level_of(evaluation))
    reasons = why_granted(member, title, proposal.outcome.titles)
    return "\n".join(cited(reason) for reason in reasons)


def cited(reason: Reason) -> str:
    """A reason as the emulation list prints it: its words, then its source (no rule code); in
    the rulebook's Vietnamese whatever the page's language, as the list is a Vietnamese document."""
    with force_locale("vi"):
        return f"{reason.text} " + _("Căn cứ: %(source)s.", source=reason.source)


def agency_label(proposal: Proposal) -> str:
    """The agency and the decree its quota follows, never the rule set's id ("nd90"); in
    Vietnamese whatever the page's language, as the emulation list is a Vietnamese document."""
    with force_locale("vi"):
        return f"{proposal.agency.name} ({rulebook_name(proposal.rulebook)})"


def _unit_level(result: rankings.UnitResult | None) -> str | None:
    if result is None or result.score.level is None:
        return None
    return result.score.level.label


def _title_rows(
    proposals: Sequence[Proposal], title: Title, results: dict[int, rankings.UnitResult]
) -> tuple[EmulationRow, ...]:
    """Everyone proposed for `title`: people (A1–A3) or agencies (A5), in proposal order."""
    rows = []
    for proposal in proposals:
        if title in emulation.INDIVIDUAL_TITLES:
            rows.extend(
                EmulationRow(
                    evaluation.person.full_name,
                    evaluation.unit.name,
                    agency_label(proposal),
                    proposal.level_of(evaluation).label,
                    criteria_met(proposal, evaluation, title),
                )
                for evaluation in proposal.evaluations
                if title in proposal.titles_of(evaluation)
            )
        else:
            rows.extend(
                EmulationRow(
                    proposal.agency.name,
                    proposal.agency.name,
                    agency_label(proposal),
                    _unit_level(results.get(proposal.agency.id)),
                    cited(reason),
                )
                for collective, reason in proposal.collective or ()
                if collective is title
            )
    return tuple(rows)


def _left_out_rows(proposals: Sequence[Proposal]) -> tuple[EmulationRow, ...]:
    """Everyone short of a title within reach, with the rule that stopped them (A1–A4)."""
    rows = []
    for proposal in proposals:
        for evaluation in proposal.evaluations:
            reason = proposal.why_not(evaluation)
            held = proposal.titles_of(evaluation)
            if reason is None and held:
                continue  # proposed for every title within reach
            text = (
                cited(reason)
                if reason
                else _("Chưa xếp loại hoặc đang chờ quyết định: chưa xét danh hiệu.")
            )
            if held:
                text = (
                    _("Đề nghị %(titles)s.", titles=", ".join(t.label for t in held)) + " " + text
                )
            rows.append(
                EmulationRow(
                    evaluation.person.full_name,
                    evaluation.unit.name,
                    agency_label(proposal),
                    proposal.level_of(evaluation).label,
                    text,
                )
            )
    return tuple(rows)


def read_emulation_list(
    session: Session, units: Sequence[Unit], year: int, today: date
) -> EmulationList:
    """The list's record: the emulation page's proposals for the agencies among `units`."""
    results = rankings.unit_results(session, units, Period(PeriodKind.YEAR, year, 1), today)
    proposals = emulation.proposals(session, agencies_among(units), year, results)
    sections = [
        EmulationSection(
            _("%(n)s. DANH HIỆU %(title)s", n=ROMAN[number], title=title.label.upper()),
            _title_rows(proposals, title, results),
        )
        for number, title in enumerate(LISTED_TITLES)
    ]
    sections.append(
        EmulationSection(
            _("%(n)s. CHƯA ĐỀ NGHỊ HOẶC CHƯA ĐỦ ĐIỀU KIỆN", n=ROMAN[len(LISTED_TITLES)]),
            _left_out_rows(proposals),
        )
    )
    return EmulationList(
        year=year,
        sections=tuple(sections),
        grounds=tuple(
            f"{agency_label(proposal)} · {cited(reason)}"
            for proposal in proposals
            for reason in proposal.outcome.reasons
        ),
    )
