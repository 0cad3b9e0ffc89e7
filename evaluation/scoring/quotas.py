"""Quotas (Q1–Q4): the share of Hoàn thành xuất sắc within a quota group (the nearest agency
× the rulebook family), for a decision and for the unit's quota cards.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from criteria import Candidate, Level, QuotaOutcome, apply_quota, places, rulebook_family
from criteria.in_force import level_in_force
from criteria.quota import quota_pct
from evaluation.core.levels import level_in_force_sql
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.services import (
    agencies_within,
    agency_of,
    quota_group,
    units_of_agency,
)
from evaluation.rulesets import services as rulesets
from evaluation.scoring.models import AnnualEvaluation

# --- quotas (Q1–Q4) -----------------------------------------------------------------------


def _quota_group(session: Session, evaluation: AnnualEvaluation) -> list[AnnualEvaluation]:
    """Same agency, same year, same rule set: the people whose levels share a quota."""
    agency = agency_of(session, evaluation.unit)
    known = {agency.id: agency}
    key = quota_group(evaluation.unit.path, evaluation.rulebook, known)
    return [
        other
        for other in session.scalars(
            sa.select(AnnualEvaluation)
            .join(Unit, AnnualEvaluation.unit_id == Unit.id)
            .options(contains_eager(AnnualEvaluation.unit))
            .where(AnnualEvaluation.year == evaluation.year, units_of_agency(session, agency))
        )
        if quota_group(other.unit.path, other.rulebook, known) == key
    ]


@dataclass(frozen=True)
class DecisionQuota:
    pct: float
    allowed: int
    excellent_after: int


def decision_quota(session: Session, evaluation: AnnualEvaluation) -> DecisionQuota:
    """Q4 on the expected final counts: would one more excellent decision exceed the quota?"""
    group = [other for other in _quota_group(session, evaluation) if other.id != evaluation.id]
    excellent = 1 + sum(other.final_level is Level.XUAT_SAC for other in group)
    at_tot = sum(level_in_force(other) is Level.TOT for other in group)
    policy = rulesets.policy_in_force(session, date(evaluation.year, 12, 31))
    pct = quota_pct(rulebook_family(evaluation.rulebook), policy)
    return DecisionQuota(pct, places(at_tot, excellent, pct, policy.quota_rounding), excellent)


class QuotaCandidate(NamedTuple):
    """A candidate for Hoàn thành xuất sắc as a quota card lists them: who, and the rank the
    personnel office gave (Q3). Read as a row: a card needs no evaluation object."""

    id: int
    person_id: int
    full_name: str
    quota_rank: int | None


@dataclass(frozen=True)
class QuotaView:
    """One quota group on the unit's evaluation page: places, candidates in order, moves."""

    agency: Unit
    rulebook: str
    candidates: list[QuotaCandidate]
    at_tot: int
    outcome: QuotaOutcome


def quota_views(session: Session, agencies: Sequence[Unit], year: int) -> list[QuotaView]:
    """The quota groups of several agencies: levels counted in SQL, only the candidates for
    Hoàn thành xuất sắc read (a department has thousands of evaluations, a dozen candidates),
    as rows of the columns a card shows.

    Each evaluation belongs to the nearest agency above its unit (`quota_group`), among every
    agency of the subtrees: an agency nested in a requested one keeps its own quota.
    """
    if not agencies:
        return []
    level = level_in_force_sql(AnnualEvaluation)
    scope = (
        AnnualEvaluation.year == year,
        sa.or_(*(Unit.path.startswith(agency.path) for agency in agencies)),
    )
    by_id = {agency.id: agency for agency in agencies}
    known = {**agencies_within(session, agencies), **by_id}
    groups: dict[tuple[str, str], tuple[int, str]] = {}  # a unit's rows share their group

    def group_of(path: str, rulebook: str) -> tuple[int, str]:
        key = groups.get((path, rulebook))
        if key is None:
            key = groups[(path, rulebook)] = quota_group(path, rulebook, known)
        return key

    at_tot: Counter[tuple[int, str]] = Counter()
    for path, rulebook, value, count in session.execute(
        sa.select(Unit.path, AnnualEvaluation.rulebook, level, sa.func.count())
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        .where(*scope)
        .group_by(Unit.path, AnnualEvaluation.rulebook, level)
    ):
        key = group_of(path, rulebook)
        at_tot[key] += count if Level(value) is Level.TOT else 0  # every group gets a key
    candidates: dict[tuple[int, str], list[QuotaCandidate]] = defaultdict(list)
    for path, rulebook, *candidate in session.execute(
        sa.select(
            Unit.path,
            AnnualEvaluation.rulebook,
            AnnualEvaluation.id,
            AnnualEvaluation.person_id,
            Person.full_name,
            AnnualEvaluation.quota_rank,
        )
        .join(Unit, AnnualEvaluation.unit_id == Unit.id)
        # outer: SQLite keeps this join last and starts from the units in scope; an inner
        # join made it scan every evaluation of every year
        .outerjoin(Person, AnnualEvaluation.person_id == Person.id)
        .where(*scope, level == Level.XUAT_SAC.value)
    ):
        candidates[group_of(path, rulebook)].append(QuotaCandidate(*candidate))
    views = []
    for agency_id, family in sorted(key for key in at_tot if key[0] in by_id):
        ordered = sorted(
            candidates[(agency_id, family)],
            # by rank, then name; namesakes in the order they were opened
            key=lambda c: (c.quota_rank is None, c.quota_rank or 0, c.full_name, c.id),
        )
        tot = at_tot[(agency_id, family)]
        outcome = apply_quota([Candidate(str(c.id), c.quota_rank) for c in ordered], tot, family)
        views.append(QuotaView(by_id[agency_id], family, ordered, tot, outcome))
    return views
