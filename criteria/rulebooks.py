"""Versioned rule sets (rules.md §1): nd90@1 and nd335@1, chosen by category and year from the
table of `criteria.rulebook_table` (data, not code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from criteria.facts import Facts
from criteria.levels import Level, StaffCategory
from criteria.policy import DEFAULT_POLICY, Policy
from criteria.reasons import Reason, Verdict
from criteria.rulebook_table import ND335_FROM, rulebook_family, rulebook_in_force
from criteria.rules import nd90, nd335
from criteria.rules.discipline import d1_discipline, screen_disciplines
from criteria.rules.eligibility import e1_not_classified, e2_leave_cap, e3_maternity

ND335_FIRST_YEAR = ND335_FROM.year
__all__ = ["RULEBOOKS", "Rulebook", "Trail", "rulebook_family", "select_rulebook"]


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


def evaluate_nd335(f: Facts, policy: Policy = DEFAULT_POLICY) -> Trail:
    """ND335 (rules.md §5, §11): S7 (time actually worked), S6 overrides, S5 by points.

    ND335 names no minimum time worked and no leave cap: E1 and E2 carry over only as policy
    (`nd335_min_months`, `nd335_leave_cap`, default on), each reason citing the policy; S7
    (Art. 21) replaces E3. D2–D3 apply as under ND90.
    """
    trail = Trail()
    if policy.nd335_min_months and trail.apply(e1_not_classified(f, nd335=True)):
        return trail
    trail.note(nd335.s7_time_worked(f))
    screen = screen_disciplines(f)
    for note in screen.notes:
        trail.note(note)
    if trail.apply(nd335.s6_not_completed(f, screen.counted)):
        return trail
    if not trail.apply(nd335.s5_level_by_points(f)):
        trail.apply(nd335.missing_points(f))
    if policy.nd335_leave_cap:
        trail.apply(e2_leave_cap(f, trail.level, nd335=True))
    return trail


RULEBOOKS: dict[str, Rulebook] = {
    "nd90": Rulebook("nd90", 1, evaluate_nd90),
    "nd335": Rulebook("nd335", 1, evaluate_nd335),
}


def select_rulebook(year: int, category: StaffCategory, pinned: str | None = None) -> Rulebook:
    """The rule set in force for the category and year (`criteria.rulebook_table`), or the
    pinned one where the table gives it force; a pin without force raises RulebookNotInForce
    (rules.md §11: refused, not applied)."""
    return RULEBOOKS[rulebook_in_force(year, category, pinned)]
