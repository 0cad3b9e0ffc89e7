"""Versioned rule sets (rules.md §1): nd90@1 and nd335@1, chosen by year and staff category."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from criteria.facts import Facts
from criteria.levels import Level, StaffCategory
from criteria.policy import Policy
from criteria.reasons import Reason, Verdict
from criteria.rules import nd90, nd335
from criteria.rules.discipline import d1_discipline, screen_disciplines
from criteria.rules.eligibility import e1_not_classified, e2_leave_cap, e3_maternity

ND335_FIRST_YEAR = 2026


@dataclass
class Trail:
    """The level as the rules move it, and the reasons of every rule that changed it."""

    level: Level = Level.CAN_QUYET_DINH
    reasons: list[Reason] = field(default_factory=list)

    def note(self, reason: Reason | None) -> None:
        if reason is not None:
            self.reasons.append(reason)

    def apply(self, verdict: Verdict | None) -> bool:
        if verdict is None:
            return False
        self.level = verdict.level
        self.reasons.append(verdict.reason)
        return True

    def first(self, verdicts: Iterable[Verdict | None]) -> bool:
        """Apply the first verdict given (the rules are tried best level first)."""
        return any(self.apply(verdict) for verdict in verdicts)


@dataclass(frozen=True)
class Rulebook:
    name: str
    version: int
    evaluate: Callable[[Facts, Policy], Trail]

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"


def evaluate_nd90(f: Facts, policy: Policy) -> Trail:
    """ND90 with ND48 (rules.md §4): eligibility, not completed, best level first, then caps."""
    trail = Trail()
    if trail.apply(e1_not_classified(f)):
        return trail
    trail.note(e3_maternity(f))
    screen = screen_disciplines(f)
    for note in screen.notes:
        trail.note(note)
    failures = [
        nd90.k1_not_completed(f),
        d1_discipline(f, screen.counted),
        nd90.k2_leader_not_completed(f),
    ]
    applied = [trail.apply(verdict) for verdict in failures]  # every trigger is recorded
    if any(applied):
        return trail
    if f.leads:
        ladder = (nd90.x2_leader_excellent, nd90.t2_leader_good, nd90.h2_leader_completed)
    else:
        ladder = (nd90.x1_excellent, nd90.t1_good, nd90.h1_completed)
    if not trail.first(rule(f) for rule in ladder):
        trail.apply(nd90.g1_decide(f))
    trail.apply(e2_leave_cap(f, trail.level))
    trail.apply(nd90.b1_points_ceiling(f, trail.level, policy))
    return trail


def evaluate_nd335(f: Facts, policy: Policy) -> Trail:
    """ND335 (rules.md §5): E1–E3 and D2–D3 as under ND90, S6 overrides, S5 by points, E2 cap."""
    trail = Trail()
    if trail.apply(e1_not_classified(f)):
        return trail
    trail.note(e3_maternity(f))
    screen = screen_disciplines(f)
    for note in screen.notes:
        trail.note(note)
    if trail.apply(nd335.s6_not_completed(f, screen.counted)):
        return trail
    if not trail.apply(nd335.s5_level_by_points(f)):
        trail.apply(nd335.missing_points(f))
    trail.apply(e2_leave_cap(f, trail.level))
    return trail


RULEBOOKS: dict[str, Rulebook] = {
    "nd90": Rulebook("nd90", 1, evaluate_nd90),
    "nd335": Rulebook("nd335", 1, evaluate_nd335),
}


def rulebook_family(rulebook_id: str) -> str:
    """The rule set's name without its version ("nd335@1" → "nd335"): results record the
    version (rules.md §1), while the quota (Q1–Q4) and the titles count per family."""
    return rulebook_id.partition("@")[0]


def select_rulebook(year: int, category: StaffCategory, pinned: str | None = None) -> Rulebook:
    """The pinned rule set, else nd335 for civil servants from 2026 and nd90 otherwise."""
    if pinned is not None:
        return RULEBOOKS[rulebook_family(pinned)]
    if category is StaffCategory.CONG_CHUC and year >= ND335_FIRST_YEAR:
        return RULEBOOKS["nd335"]
    return RULEBOOKS["nd90"]
