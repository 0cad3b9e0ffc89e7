"""One row of the `make bench` table: a figure beside its floor measured in the same run.

Every benchmark returns rows of this shape, so the runner can print one table, write one JSON
file and draw one chart, and two runs (SQLite, PostgreSQL; before, after) compare line by line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Row:
    section: str  # "year-end", "pages", "export", "import", "statements"
    label: str  # what was measured, in a few words
    value: float
    unit: str  # "s", "ms", "req/s", "MB", "statements"
    floor: float | None = None  # the same kind of figure for the least work of its kind
    floor_label: str = ""  # what the floor is
    target: float | None = None  # the limit for `value`, when it sets one
    details: dict[str, Any] = field(default_factory=dict)  # p50/p99, rows, peak memory…
    higher_is_better: bool = False  # a rate (req/s, writes/s): the target is a minimum

    @property
    def ratio(self) -> float | None:
        """value / floor; for rates (req/s) the floor is the faster side, so this is ≤ 1."""
        if self.floor in (None, 0):
            return None
        return round(self.value / self.floor, 2)

    @property
    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        if self.higher_is_better:
            return self.value >= self.target
        if self.details.get("errors") or self.details.get("failed"):
            return False  # fast but failing requests do not meet a target
        return self.value <= self.target

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "meets_target": self.meets_target}
