"""The level in force of one evaluation: the decided level, else the personnel office's
proposal, else the rulebook's computed level.

The order is the procedure's (P1–P2, ND90 Art. 16–22 as amended by ND48): the rulebook computes,
the personnel office proposes (P1), the competent person decides (P2), and the later, more
authoritative word prevails. The web application's SQL form of this rule
(`evaluation.core.levels.level_in_force_sql`) is a COALESCE over `IN_FORCE_FIELDS`, in this order.
"""

from __future__ import annotations

from typing import Protocol

from criteria.levels import Level

# Who speaks, the deciding authority first; each name is the stem of a `<name>_level` field.
IN_FORCE_ORDER: tuple[str, ...] = ("final", "personnel", "computed")
IN_FORCE_FIELDS: tuple[str, ...] = tuple(f"{name}_level" for name in IN_FORCE_ORDER)


class HasLevels(Protocol):
    """An evaluation, mapped or read as a plain row: the three levels the procedure records."""

    @property
    def final_level(self) -> Level | None: ...

    @property
    def personnel_level(self) -> Level | None: ...

    @property
    def computed_level(self) -> Level: ...


def level_in_force(evaluation: HasLevels) -> Level:
    """The first level set, in `IN_FORCE_ORDER` (ND90 Art. 16–22: the decision prevails)."""
    for field in IN_FORCE_FIELDS:
        level: Level | None = getattr(evaluation, field)
        if level is not None:
            return level
    raise ValueError("an evaluation without a computed level has no level in force")
