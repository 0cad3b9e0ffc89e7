"""A closed year run again under a draft: who would change level, unit by unit, and how
hard each unit presses on its quota of Hoàn thành xuất sắc.

The set-based year-end (`yearend.services.year_end`) builds everyone's facts once; the
draft's policy then classifies them again in memory, so a province takes seconds.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from criteria import CriteriaSet, Facts, Level, Policy, classify, places, rulebook_family
from criteria.quota import quota_pct
from evaluation.organisation.models import Person, Unit
from evaluation.rulesets import services as rulesets
from evaluation.scoring.models import PeriodScore
from evaluation.yearend.services import year_end


@dataclass(frozen=True)
class Change:
    person_id: int
    name: str
    before: Level
    after: Level


@dataclass
class UnitPreview:
    unit: Unit
    people: int = 0
    affected: int = 0  # whom a set's draft would apply to
    changes: list[Change] = field(default_factory=list)
    excellent: int = 0  # at xuat_sac under the draft
    at_tot: int = 0
    allowed: int = 0  # the quota's places under the draft

    @property
    def over_quota(self) -> bool:
        return self.excellent > self.allowed

    @property
    def excellent_pct(self) -> float:
        base = self.excellent + self.at_tot
        return 100 * self.excellent / base if base else 0.0


@dataclass(frozen=True)
class Preview:
    year: int
    units: list[UnitPreview]
    people: int
    changed: int
    affected: int
    seconds: float


def scored_years(session: Session) -> list[int]:
    """The years with scores, newest first: what a preview can run again."""
    return list(
        session.scalars(
            sa.select(PeriodScore.period_year).distinct().order_by(PeriodScore.period_year.desc())
        )
    )


def preview(
    session: Session,
    year: int,
    today: date,
    *,
    draft_policy: Callable[[int], Policy],
    within: list[Unit],
    applies: Callable[[Facts, str, Unit], bool] | None = None,
) -> Preview:
    """`draft_policy` gives each person's policy under the draft; `within` the units shown
    (the viewer's reach); `applies` whom a set's draft would be used for (by their facts,
    rule set and unit)."""
    started = time.perf_counter()
    as_of = min(date(year, 12, 31), today)
    current = year_end(session, year, as_of)
    in_force = rulesets.policy_in_force(session, date(year, 12, 31))
    shown = {unit.id: UnitPreview(unit) for unit in within}
    names: dict[int, tuple[str, int]] = {
        person_id: (name, unit_id)
        for person_id, name, unit_id in session.execute(
            sa.select(Person.id, Person.full_name, Person.unit_id).where(
                Person.unit_id.in_(list(shown))
            )
        )
    }
    counts: dict[int, Counter[Level]] = defaultdict(Counter)
    families: dict[int, str] = {}
    changed = affected = 0
    for person_id, facts in current.facts.items():
        if person_id not in names:
            continue
        name, unit_id = names[person_id]
        row = shown[unit_id]
        row.people += 1
        before = current.classified[person_id]
        after = before
        if applies is None or applies(facts, before.rulebook, row.unit):
            if applies is not None:
                row.affected += 1
                affected += 1
            policy = draft_policy(person_id)
            if policy != in_force:
                after = classify(facts, policy)
        if after.level is not before.level:
            row.changes.append(Change(person_id, name, before.level, after.level))
            changed += 1
        counts[unit_id][after.level] += 1
        families[unit_id] = rulebook_family(after.rulebook)
    policy = draft_policy(-1)  # the draft's quota parameters are the same for everyone
    for unit_id, levels in counts.items():
        row = shown[unit_id]
        row.excellent, row.at_tot = levels[Level.XUAT_SAC], levels[Level.TOT]
        pct = quota_pct(families[unit_id], policy)
        row.allowed = places(row.at_tot, row.excellent, pct, policy.quota_rounding)
        row.changes.sort(key=lambda change: change.name)
    units = [row for row in shown.values() if row.changes or row.over_quota or row.affected]
    units.sort(key=lambda row: (-len(row.changes), row.unit.path))
    return Preview(
        year=year,
        units=units,
        people=sum(row.people for row in shown.values()),
        changed=changed,
        affected=affected,
        seconds=time.perf_counter() - started,
    )


def set_policy(session: Session, criteria_set: CriteriaSet, year: int) -> Policy:
    """The policy in force with the set's own bands, if it has them."""
    policy = rulesets.policy_in_force(session, date(year, 12, 31))
    if criteria_set.bands is None:
        return policy
    return policy.replace(points_bands=criteria_set.bands)
