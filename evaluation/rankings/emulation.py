"""Emulation proposals from the year's levels (A1–A5), and the council's decisions (A6).

The rulebook decides who is eligible and why; this module gathers the facts for it (levels in
force, the order the head set, initiatives, discipline) and records what the council decides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import NamedTuple, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, selectinload

from criteria import (
    CollectiveFacts,
    DisciplineForm,
    InvalidFacts,
    Level,
    Member,
    QuotaException,
    Title,
    UnitInput,
    UnitOutcome,
    collective_titles,
    evaluate_unit,
)
from criteria.emulation import why_not
from criteria.in_force import level_in_force
from criteria.reasons import Reason
from evaluation.core import audit
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError
from evaluation.organisation.models import Person, Unit, UnitKind, UnitLike
from evaluation.organisation.services import path_ids, quota_group
from evaluation.rankings.models import (
    Achievement,
    AchievementKind,
    EmulationAward,
    EmulationDecision,
)
from evaluation.rankings.services import UnitResult
from evaluation.records.models import DisciplineRecord
from evaluation.scoring.models import AnnualEvaluation

INDIVIDUAL_TITLES = (Title.LAO_DONG_TIEN_TIEN, Title.CHIEN_SI_THI_DUA_CO_SO)
COLLECTIVE_TITLES = (Title.TAP_THE_LAO_DONG_TIEN_TIEN, Title.TAP_THE_LAO_DONG_XUAT_SAC)


class PersonName(NamedTuple):
    id: int
    full_name: str


U = TypeVar("U", bound=UnitLike)


class TreeUnit(NamedTuple):
    """A unit as a plain row: the emulation page reads a province's 1 500 units on every
    request (its agencies' links, the chosen agency's subtree), and mapped objects cost
    three times more to load, and more again in the cycle collector's passes."""

    id: int
    name: str
    kind: UnitKind
    path: str


def tree_units(session: Session, within: sa.Select[tuple[int]] | None = None) -> list[TreeUnit]:
    """The units (those whose ids `within` selects, or all) as rows, in the order of their
    paths (as the ranking's `units_in_reach`)."""
    query = sa.select(Unit.id, Unit.name, Unit.kind, Unit.path).order_by(Unit.path)
    if within is not None:
        query = query.where(Unit.id.in_(within))
    return [TreeUnit(*row) for row in session.connection().execute(query)]


@dataclass(frozen=True)
class Evaluated:
    """What proposals need of one annual evaluation, read as a plain row: a province's year-end
    proposes among 40 000 people at once, and mapped objects cost ten times more to load."""

    id: int
    person_id: int
    person: PersonName
    unit: UnitLike
    rulebook: str
    final_level: Level | None
    personnel_level: Level | None
    computed_level: Level
    quota_rank: int | None
    quota_exception_reason: str | None

    @property
    def expected_level(self) -> Level:
        return level_in_force(self)


@dataclass(frozen=True)
class Proposal:
    """One agency's proposals for one year and one rule set."""

    agency: UnitLike
    rulebook: str
    evaluations: list[Evaluated]
    outcome: UnitOutcome
    collective: tuple[tuple[Title, Reason], ...] | None
    members: dict[str, Member]
    warning: str | None = None  # why the quota could not be applied as proposed

    def titles_of(self, evaluation: Evaluated) -> tuple[Title, ...]:
        return self.outcome.titles.titles.get(str(evaluation.person_id), ())

    def why_not(self, evaluation: Evaluated) -> Reason | None:
        """The rule that stopped this person short of a title (A1–A4), if any."""
        member = self.members.get(str(evaluation.person_id))
        if member is None:  # not classified (E1) or awaiting a decision (G1)
            return None
        level = self.level_of(evaluation)
        return why_not(dataclasses.replace(member, level=level), self.outcome.titles)

    def level_of(self, evaluation: Evaluated) -> Level:
        return self.outcome.levels.get(str(evaluation.person_id), evaluation.expected_level)

    def lines(self) -> list[ProposalLine]:
        """Each person's line as the page shows it, worked out here once: a commune lists
        hundreds of people, and each call from the template costs more than the call."""
        return [
            ProposalLine(e, self.level_of(e), self.titles_of(e), self.why_not(e))
            for e in self.evaluations
        ]


class ProposalLine(NamedTuple):
    evaluation: Evaluated
    level: Level
    titles: tuple[Title, ...]
    why_not: Reason | None


def proposals(
    session: Session,
    agencies: Sequence[UnitLike],
    year: int,
    results: dict[int, UnitResult],
    among: Sequence[UnitLike] = (),
    known_units: Sequence[UnitLike] | None = None,
) -> list[Proposal]:
    """Individuals (A1–A3, after the quota Q1–Q4) and the collective (A5) of each agency.

    Three queries whatever the number of agencies: evaluations, achievements, discipline
    (four without `known_units`, the agencies' subtrees when the caller has them already).
    """
    if not agencies:
        return []
    # The units read: the requested agencies' subtrees, less those of agencies nested in them
    # and not requested, found from the paths in memory (a condition per nested agency, for
    # a province's hundreds of communes, cost more than the rows).
    requested = {agency.id for agency in agencies}
    tops = [a for a in agencies if requested.isdisjoint(path_ids(a.path)[:-1])]
    top_paths = tuple(top.path for top in tops)
    subtrees: Iterable[UnitLike] = (
        [unit for unit in known_units if unit.path.startswith(top_paths)]
        if known_units is not None
        else session.scalars(
            sa.select(Unit).where(sa.or_(*(Unit.path.startswith(path) for path in top_paths)))
        )
    )
    units = {unit.id: unit for unit in _outside(subtrees, _nested(agencies, among))}
    evaluations = [
        Evaluated(
            id=row.id,
            person_id=row.person_id,
            person=PersonName(row.person_id, row.full_name),
            unit=units[row.unit_id],
            rulebook=row.rulebook,
            final_level=row.final_level,
            personnel_level=row.personnel_level,
            computed_level=row.computed_level,
            quota_rank=row.quota_rank,
            quota_exception_reason=row.quota_exception_reason,
        )
        for row in session.execute(
            sa.select(
                AnnualEvaluation.id,
                AnnualEvaluation.person_id,
                Person.full_name,
                AnnualEvaluation.unit_id,
                AnnualEvaluation.rulebook,
                AnnualEvaluation.final_level,
                AnnualEvaluation.personnel_level,
                AnnualEvaluation.computed_level,
                AnnualEvaluation.quota_rank,
                AnnualEvaluation.quota_exception_reason,
            )
            .join(Person, AnnualEvaluation.person_id == Person.id)
            .where(AnnualEvaluation.year == year, AnnualEvaluation.unit_id.in_(units))
            .order_by(Person.full_name)
        )
    ]
    # The year's achievements and discipline are few: read them all, keep those in scope
    # (an IN list of 40 000 ids would cost more than the rows).
    in_scope = {e.person_id for e in evaluations}
    achievements = {
        (person_id, kind)
        for person_id, kind in session.execute(
            sa.select(Achievement.person_id, Achievement.kind).where(Achievement.year == year)
        )
        if person_id in in_scope
    }
    disciplines = [
        (person_id, form)
        for person_id, form in session.execute(
            sa.select(DisciplineRecord.person_id, DisciplineRecord.form).where(
                DisciplineRecord.effective_on.between(date(year, 1, 1), date(year, 12, 31))
            )
        )
        if person_id in in_scope
    ]
    disciplined = {person_id for person_id, _form in disciplines}
    warned = {p for p, form in disciplines if form is not DisciplineForm.KHIEN_TRACH}

    # Each person belongs to the nearest agency above them, among all agencies (`among`):
    # an agency nested in a requested one keeps its people even when not requested itself.
    known = {agency.id: agency for agency in (*agencies, *among)}
    groups: dict[tuple[int, str], list[Evaluated]] = {}
    keys: dict[tuple[int, str], tuple[int, str]] = {}  # 40 000 people in 1 500 units
    for evaluation in evaluations:
        seen = (evaluation.unit.id, evaluation.rulebook)
        if seen not in keys:
            keys[seen] = quota_group(evaluation.unit.path, evaluation.rulebook, known)
        if keys[seen][0] in requested:
            groups.setdefault(keys[seen], []).append(evaluation)

    by_id = {agency.id: agency for agency in agencies}
    result = []
    for (agency_id, family), group in sorted(
        groups.items(), key=lambda item: (by_id[item[0][0]].path, item[0][1])
    ):
        members = tuple(
            Member(
                id=str(e.person_id),
                level=e.expected_level,
                rank=e.quota_rank,
                initiative=(e.person_id, AchievementKind.INITIATIVE) in achievements,
                science_work=(e.person_id, AchievementKind.SCIENCE_WORK) in achievements,
                disciplined=e.person_id in disciplined,
            )
            for e in group
            if e.expected_level.is_ranked
        )
        outcome, warning = _titles(family, members, group)
        collective = _collective(outcome, group, results.get(agency_id), disciplined, warned)
        result.append(
            Proposal(
                by_id[agency_id],
                family,
                group,
                outcome,
                collective,
                {m.id: m for m in members},
                warning,
            )
        )
    return result


def _nested(agencies: Sequence[UnitLike], among: Sequence[UnitLike]) -> list[UnitLike]:
    """Agencies inside a requested one but not requested: their people are not read."""
    requested = {agency.id for agency in agencies}
    paths = tuple(agency.path for agency in agencies)
    return [other for other in among if other.id not in requested and other.path.startswith(paths)]


def _outside(units: Iterable[U], nested: Iterable[UnitLike]) -> Iterator[U]:
    """The units outside the subtrees of `nested` (none of them on their path), in the
    order of their paths: there each subtree is one run that starts at its top, so one pass
    skips it (a province's top agency has hundreds of communes nested in it)."""
    tops = {unit.path for unit in nested}
    skipping: str | None = None
    for unit in sorted(units, key=attrgetter("path")):
        if skipping is not None and unit.path.startswith(skipping):
            continue
        if unit.path in tops:
            skipping = unit.path
            continue
        yield unit


DECIDED = QuotaException(
    "người có thẩm quyền", "Các mức Hoàn thành xuất sắc đã được quyết định, trong tỷ lệ"
)


def _titles(
    family: str, members: tuple[Member, ...], group: Sequence[Evaluated]
) -> tuple[UnitOutcome, str | None]:
    """Quota, then titles. Decided levels already went through the quota (or its recorded
    exception) at the decision, so they are taken as they are; proposals beyond the quota
    need the order the head sets (Q3), and without it the page says so instead of guessing."""
    recorded = next(
        (
            QuotaException("người có thẩm quyền", e.quota_exception_reason)
            for e in group
            if e.quota_exception_reason
        ),
        None,
    )
    undecided = any(e.final_level is None and e.expected_level is Level.XUAT_SAC for e in group)
    exception = recorded or (None if undecided else DECIDED)
    try:
        return evaluate_unit(UnitInput(family, members, exception=exception)), None
    except InvalidFacts:
        unordered = evaluate_unit(UnitInput(family, members, exception=DECIDED))
        return unordered, _(
            "Số đề nghị Hoàn thành xuất sắc vượt tỷ lệ nhưng chưa được xếp thứ tự ưu tiên: "
            "bộ phận tổ chức cần nhập thứ tự trước khi xét danh hiệu."
        )


def _collective(
    outcome: UnitOutcome,
    group: Sequence[Evaluated],
    unit_result: UnitResult | None,
    disciplined: set[int],
    warned: set[int],
) -> tuple[tuple[Title, Reason], ...] | None:
    """A5: the agency as a collective, from its result and its members' titles."""
    if unit_result is None or unit_result.score.level is None or not group:
        return None
    levels = outcome.levels
    titles = outcome.titles.titles
    return collective_titles(
        CollectiveFacts(
            targets_completed=unit_result.figures.completed_pct >= 100,
            unit_level=unit_result.score.level,
            members=len(group),
            members_completed_or_better=sum(
                level.at_least(Level.HOAN_THANH) for level in levels.values()
            ),
            lao_dong_tien_tien=sum(Title.LAO_DONG_TIEN_TIEN in t for t in titles.values()),
            chien_si_thi_dua=sum(Title.CHIEN_SI_THI_DUA_CO_SO in t for t in titles.values()),
            # the group's own people: the unit's rolled-up figure spans nested agencies too
            disciplined=sum(e.person_id in disciplined for e in group),
            disciplined_warning_or_above=sum(e.person_id in warned for e in group),
        )
    )


# --- the council's decisions --------------------------------------------------------------


def decisions(session: Session, agency_ids: Collection[int], year: int) -> list[EmulationDecision]:
    """The year's decisions of the given agencies, with their awards. A year's decisions are
    few beside a province's agencies: which of them to load is found from their agencies in
    memory (an IN list of the hundreds of agencies cost more than the rows)."""
    wanted = set(agency_ids)
    ids = [
        decision_id
        for decision_id, unit_id in session.execute(
            sa.select(EmulationDecision.id, EmulationDecision.unit_id).where(
                EmulationDecision.year == year
            )
        )
        if unit_id in wanted
    ]
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(EmulationDecision)
            .options(
                selectinload(EmulationDecision.awards).joinedload(EmulationAward.person),
                selectinload(EmulationDecision.awards).joinedload(EmulationAward.unit),
            )
            .where(EmulationDecision.id.in_(ids))
            .order_by(EmulationDecision.decided_on, EmulationDecision.id)
        )
    )


def record_decision(
    session: Session,
    *,
    agency: Unit,
    year: int,
    number: str,
    decided_on: date,
    title: Title,
    person_ids: Sequence[int],
    unit_ids: Sequence[int],
    note: str | None,
    actor_id: int,
) -> EmulationDecision:
    """Record a decision naming people (individual titles) or collectives (collective ones)."""
    number = number.strip()
    if session.scalar(sa.select(EmulationDecision.id).where(EmulationDecision.number == number)):
        raise DomainError(_("Số quyết định đã có trong hệ thống."), field="number")
    individual = title in INDIVIDUAL_TITLES
    if individual and (unit_ids or not person_ids):
        raise DomainError(_("Danh hiệu cá nhân cần chọn ít nhất một người."), field="people")
    if not individual and (person_ids or not unit_ids):
        raise DomainError(_("Danh hiệu tập thể cần chọn ít nhất một tập thể."), field="units")
    decision = EmulationDecision(
        number=number,
        decided_on=decided_on,
        year=year,
        title=title,
        unit=agency,
        note=(note or "").strip() or None,
        recorded_by_id=actor_id,
    )
    decision.awards = [EmulationAward(person_id=p) for p in person_ids] + [
        EmulationAward(unit_id=u) for u in unit_ids
    ]
    session.add(decision)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="emulation_decision",
        object_id=decision.id,
        action="record",
        new={"number": number, "title": title.value, "people": list(person_ids),
             "units": list(unit_ids)},
    )  # fmt: skip
    return decision


def revoke_decision(
    session: Session, decision: EmulationDecision, *, reason: str, actor_id: int
) -> None:
    """A6: revoked titles stay on record with the reason; they no longer count as held."""
    if decision.revoked_at is not None:
        raise DomainError(_("Quyết định này đã bị thu hồi."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Cần ghi lý do thu hồi."), field="reason")
    decision.revoked_at = utcnow()
    decision.revoke_reason = reason
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="emulation_decision",
        object_id=decision.id,
        action="revoke",
        reason=reason,
    )


def titles_held(session: Session, person_id: int) -> list[EmulationDecision]:
    """A person's titles over the years (revoked ones excluded): needed for higher titles."""
    return list(
        session.scalars(
            sa.select(EmulationDecision)
            .join(EmulationAward, EmulationAward.decision_id == EmulationDecision.id)
            .where(EmulationAward.person_id == person_id, EmulationDecision.revoked_at.is_(None))
            .order_by(EmulationDecision.year.desc())
        )
    )


def add_achievement(
    session: Session,
    person: Person,
    *,
    year: int,
    kind: AchievementKind,
    title: str,
    recognised_by: str | None,
    actor_id: int,
) -> Achievement:
    achievement = Achievement(
        person=person,
        year=year,
        kind=kind,
        title=title.strip(),
        recognised_by=(recognised_by or "").strip() or None,
        recorded_by_id=actor_id,
    )
    session.add(achievement)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        object_type="achievement",
        object_id=achievement.id,
        action="create",
        new={"person": person.code, "year": year, "kind": kind.value},
    )
    return achievement
