"""The reason attached to every decision, so a user sees the rule and its source in one step."""

from __future__ import annotations

from dataclasses import dataclass

from criteria.levels import Level


@dataclass(frozen=True)
class Reason:
    """One rule that fired: identifier (rules.md), legal source, and a Vietnamese explanation."""

    rule: str
    source: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "source": self.source, "text": self.text}


@dataclass(frozen=True)
class Verdict:
    """A rule's conclusion: the level it sets (or caps to) and why."""

    level: Level
    reason: Reason


def percent(value: float) -> str:
    """Vietnamese number formatting for texts: 12,5% (comma as decimal separator)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
