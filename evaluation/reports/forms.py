"""The official paperwork's read models: what each form prints, read from the records.

The forms (Mẫu số 01/02/03 of Decree 90 as amended by Decree 48, the civil-servant form of
Decree 335, the minutes of the collective meeting, the unit report and the emulation list)
are written once as HTML templates under `templates/forms/`; the print page, the PDF and the
workbook are all made from that HTML (`forms_render`). This module only gathers the facts:
the title block of Decree 30/2020 from the unit tree, the people, points and levels.
Nothing here chooses wording that docs/forms.md marks unconfirmed: that text lives in
`templates/forms/_wording.html`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from criteria import Level, StaffCategory
from evaluation.core.workbook import to_local_date
from evaluation.organisation.models import LeadershipRole, Person, Unit, UnitKind
from evaluation.organisation.services import ancestors, current_head
from evaluation.reports import read
from evaluation.scoring import periods, snapshot
from evaluation.scoring.models import AnnualEvaluation

# Kinds of unit that are a government body of their own (a governing body, ô số 2).
GOVERNMENT_KINDS = (UnitKind.AGENCY, UnitKind.COMMUNE)
# Administrative prefixes taken off a unit's name to leave the place name (ô số 4).
PLACE_PREFIXES = (
    "ủy ban nhân dân",
    "uỷ ban nhân dân",
    "ubnd",
    "thành phố",
    "thị trấn",
    "đặc khu",
    "phường",
    "tỉnh",
    "xã",
)
RANKED = (Level.XUAT_SAC, Level.TOT, Level.HOAN_THANH, Level.KHONG_HOAN_THANH)
Number = Decimal | float | int


# --- the title block (Decree 30/2020, ô số 1–4) -------------------------------------------


@dataclass(frozen=True)
class TitleBlock:
    """The left and right of the first lines: governing body (not bold), the unit (bold,
    short rule), the number line on reports, and the place of the date line."""

    governing: str | None
    body: str
    place: str


def body_name(unit: Unit) -> str:
    """A unit as an issuing body: a commune is its People's Committee ("UBND XÃ TÂN PHONG")."""
    name = unit.name
    if unit.kind is UnitKind.COMMUNE and not name.lower().startswith(("ubnd", "ủy ban", "uỷ ban")):
        name = f"UBND {name}"
    return name.upper()


def place_name(name: str) -> str:
    """ "Xã Tân Phong" → "Tân Phong", "UBND tỉnh Sơn Lâm" → "Sơn Lâm" (prefixes repeated)."""
    text = name.strip()
    changed = True
    while changed:
        changed = False
        for prefix in PLACE_PREFIXES:
            if text.lower().startswith(prefix + " "):
                text = text[len(prefix) + 1 :].strip()
                changed = True
    return text


def title_block(session: Session, unit: Unit) -> TitleBlock:
    """The unit's title block from the tree: the nearest government body above it governs it;
    the place is the nearest commune's, else the province's (the root of the tree)."""
    chain = ancestors(session, unit)  # the root first, the unit last
    above = [u for u in chain[:-1] if u.kind in GOVERNMENT_KINDS]
    governing = body_name(above[-1]) if above else None
    communes = [u for u in chain if u.kind is UnitKind.COMMUNE]
    place = place_name(communes[-1].name if communes else chain[0].name)
    return TitleBlock(governing, body_name(unit), place)


def level_label(level: Level | None) -> str | None:
    return level.label if level else None


# --- 1. the individual evaluation forms ---------------------------------------------------


@dataclass(frozen=True)
class PointsRow:
    """A row of the points table: a group (roman numeral) or a criterion, the maximum, the
    points the person gave themself (not kept: blank) and the points recognised."""

    number: str
    criterion: str
    max_points: Number
    self_points: Decimal | None
    decided_points: Decimal | None
    group: bool


@dataclass(frozen=True)
class EvaluationForm:
    """Everything an individual form prints; `template` names the form's own template."""

    template: str  # forms/mau_01.html … forms/nd335.html
    year: int
    block: TitleBlock
    full_name: str
    position: str
    unit: str
    leader: bool
    deputy: bool
    self_report: str | None
    self_level: str | None
    collective_minutes: str | None
    party_comment: str | None
    personnel_comment: str | None
    decision_reason: str | None
    final_level: str | None
    computed_level: str
    decided_on: date | None
    decider: str | None
    points: tuple[PointsRow, ...]
    max_points: Number
    self_total: Decimal | None
    decided_total: Decimal | None
    general_total: Decimal | None
    task_total: Decimal | None
    periods: tuple[read.PeriodRow, ...]


TEMPLATES = {
    StaffCategory.CAN_BO: "forms/mau_01.html",
    StaffCategory.CONG_CHUC: "forms/mau_02.html",
    StaffCategory.VIEN_CHUC: "forms/mau_03.html",
    StaffCategory.NGUOI_LAO_DONG: "forms/nguoi_lao_dong.html",
}
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def form_template(category: StaffCategory, rulebook: str) -> str:
    """Civil servants under Decree 335 have its form; everyone else their Decree 90 form."""
    if category is StaffCategory.CONG_CHUC and rulebook.startswith("nd335"):
        return "forms/nd335.html"
    return TEMPLATES[category]


def points_rows(session: Session, points: snapshot.YearPoints) -> tuple[PointsRow, ...]:
    """The criteria set's groups and criteria with the recognised points; each group's own
    row carries its points, so the group rows add up to the total."""
    criteria_set = periods.criteria_set_by_id(session, points.criteria_set)
    rows: list[PointsRow] = []
    for index, group in enumerate(criteria_set.groups):
        general = group.code == "general"
        group_points = points.general if general else points.task
        rows.append(PointsRow(ROMAN[index], group.name, group.max_points, None, group_points, True))
        for number, criterion in enumerate(group.criteria, start=1):
            known = points.criteria.get(criterion.code) if general else None
            if not general and len(group.criteria) == 1:
                known = points.task
            rows.append(
                PointsRow(str(number), criterion.name, criterion.max_points, None, known, False)
            )
    return tuple(rows)


def read_evaluation_form(
    session: Session,
    person: Person,
    year: int,
    evaluation: AnnualEvaluation | None,
    rulebook_result: AnnualEvaluation,
) -> EvaluationForm:
    """The form the person's category and rule set call for, filled from the evaluation page's
    record (a decided evaluation prints the points it was decided on)."""
    category = evaluation.category if evaluation else person.category
    unit = evaluation.unit if evaluation else person.unit
    points = snapshot.points_of(
        session, rulebook_result, person, periods.criteria_set_for(person, year)
    )
    sheet = read.read_evaluation_sheet(session, person, year, evaluation, rulebook_result)
    if evaluation and evaluation.decided_at:
        decided_on: date | None = to_local_date(evaluation.decided_at)
    else:
        decided_on = None
    final = evaluation.final_level if evaluation else None
    return EvaluationForm(
        template=form_template(category, points.rulebook),
        year=year,
        block=title_block(session, unit),
        full_name=person.full_name,
        position=person.job_position,
        unit=unit.name,
        leader=person.is_leader,
        deputy=person.leadership_role is LeadershipRole.DEPUTY,
        self_report=sheet.self_report,
        self_level=sheet.self_level,
        collective_minutes=sheet.collective_minutes,
        party_comment=sheet.party_comment,
        personnel_comment=evaluation.personnel_comment if evaluation else None,
        decision_reason=sheet.decision_reason,
        final_level=level_label(final),
        computed_level=sheet.computed_level,
        decided_on=decided_on,
        decider=sheet.decider,
        points=points_rows(session, points),
        max_points=sheet.max_points,
        self_total=None,
        decided_total=points.total,
        general_total=points.general,
        task_total=points.task,
        periods=sheet.periods,
    )


# --- 2. the minutes and 3. the unit report ------------------------------------------------


@dataclass(frozen=True)
class PersonLine:
    """One evaluated person as the minutes and the report list them."""

    full_name: str
    position: str
    unit: str
    category: StaffCategory
    self_level: str | None
    points: Decimal | None
    level: str
    decided: bool
    collective_minutes: str | None


@dataclass(frozen=True)
class LevelCount:
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class UnitForm:
    """The minutes' or the report's record: the unit, its people and the counts by level."""

    year: int
    block: TitleBlock
    unit: str
    head: str | None
    head_position: str | None
    members: int  # people placed in the unit now (the meeting's full strength)
    people: tuple[PersonLine, ...]
    counts: tuple[LevelCount, ...]
    total: int
    report_date: date


def _lines(session: Session, query: sa.Select) -> list[PersonLine]:
    evaluations = session.scalars(
        query.options(joinedload(AnnualEvaluation.person), joinedload(AnnualEvaluation.unit))
    ).all()
    lines = []
    for evaluation in evaluations:
        level = evaluation.final_level or evaluation.computed_level
        label = level.label if evaluation.final_level else f"{level.label} (chưa quyết định)"
        lines.append(
            PersonLine(
                full_name=evaluation.person.full_name,
                position=evaluation.person.job_position,
                unit=evaluation.unit.name,
                category=evaluation.category,
                self_level=level_label(evaluation.self_level),
                points=evaluation.computed_points,
                level=label,
                decided=evaluation.final_level is not None,
                collective_minutes=evaluation.collective_minutes,
            )
        )
    return lines


def counts_by_level(session: Session, query: sa.Select) -> tuple[tuple[LevelCount, ...], int]:
    """The level in force per person, counted in SQL; the shares add up to the whole."""
    level = sa.func.coalesce(AnnualEvaluation.final_level, AnnualEvaluation.computed_level)
    found: Counter[Level] = Counter()
    subquery = query.with_only_columns(level.label("level")).order_by(None).subquery()
    for value, count in session.execute(
        sa.select(subquery.c.level, sa.func.count()).group_by(subquery.c.level)
    ):
        found[Level(value)] += count
    total = sum(found.values())
    shown = list(RANKED) + [lvl for lvl in Level if lvl not in RANKED and found[lvl]]
    counts = tuple(
        LevelCount(lvl.label, found[lvl], found[lvl] / total if total else 0.0) for lvl in shown
    )
    return counts, total


def read_unit_form(
    session: Session, unit: Unit, year: int, today: date, *, subtree: bool
) -> UnitForm:
    """The minutes (`subtree=False`: the unit's own collective) or the report (the subtree)."""
    query = (
        sa.select(AnnualEvaluation)
        .join(Person, AnnualEvaluation.person_id == Person.id)
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(AnnualEvaluation.year == year)
        .order_by(Unit.path, AnnualEvaluation.leader.desc(), Person.full_name, Person.id)
    )
    if subtree:
        query = query.where(Unit.path.startswith(unit.path))
    else:
        query = query.where(AnnualEvaluation.unit_id == unit.id)
    counts, total = counts_by_level(session, query)
    head = current_head(session, unit.id)
    members = session.scalar(
        sa.select(sa.func.count()).select_from(Person).where(Person.unit_id == unit.id)
    )
    return UnitForm(
        year=year,
        block=title_block(session, unit),
        unit=unit.name,
        head=head.full_name if head else None,
        head_position=head.job_position if head else None,
        members=members or 0,
        people=tuple(_lines(session, query)),
        counts=counts,
        total=total,
        report_date=today,
    )


# --- 4. the emulation list ----------------------------------------------------------------


@dataclass(frozen=True)
class EmulationForm:
    year: int
    block: TitleBlock
    data: read.EmulationList
    report_date: date


def top_unit(session: Session, units: Sequence[Unit]) -> Unit:
    """The unit whose title block heads a list over `units`: the highest of them, else the
    root of the tree above them (an administrator's list is the province's)."""
    tops = sorted(units, key=lambda u: (u.depth, u.path))
    if len(tops) == 1 or (tops and tops[0].depth < tops[1].depth):
        return tops[0]
    return ancestors(session, tops[0])[0]


def read_emulation_form(
    session: Session, units: Sequence[Unit], year: int, today: date
) -> EmulationForm:
    return EmulationForm(
        year=year,
        block=title_block(session, top_unit(session, units)),
        data=read.read_emulation_list(session, units, year, today),
        report_date=today,
    )
