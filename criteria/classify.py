"""classify(): one person's level for the year, with the rules that decided it and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from criteria.facts import Facts
from criteria.levels import Level
from criteria.policy import DEFAULT_POLICY, Policy
from criteria.reasons import Reason
from criteria.rulebooks import select_rulebook


@dataclass(frozen=True)
class Result:
    """The outcome in the classify contract's shape; `rulebook` is e.g. "nd90@1"."""

    level: Level
    rulebook: str
    points: float | None
    rules: tuple[str, ...]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "rulebook": self.rulebook,
            "points": self.points,
            "rules": list(self.rules),
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


def classify(facts: Facts, policy: Policy = DEFAULT_POLICY) -> Result:
    """Classify under the rule set chosen for the facts (pinned, or by year and category)."""
    rulebook = select_rulebook(facts.year, facts.category, facts.rulebook)
    trail = rulebook.evaluate(facts, policy)
    rules: list[str] = []
    for reason in trail.reasons:
        if reason.rule not in rules:
            rules.append(reason.rule)
    return Result(
        level=trail.level,
        rulebook=rulebook.id,
        points=facts.points,
        rules=tuple(rules),
        reasons=tuple(trail.reasons),
    )
