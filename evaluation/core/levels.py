"""The rulebook's level rules as SQL expressions, built from `criteria` so they cannot drift.

Pages and exports over a province count levels in the database; these are the SQL forms of
`criteria.bands.level_by_points` and `criteria.in_force.level_in_force`, and
tests/rankings/test_levels_sql.py runs both forms on the same rows.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from criteria.bands import BELOW_BANDS, S5_BANDS, Bands, band_floors
from criteria.in_force import IN_FORCE_FIELDS


def level_by_points_sql(points: ColumnElement[Any], bands: Bands = S5_BANDS) -> sa.Case[Any]:
    """`level_by_points` in SQL: a CASE testing each band's floor, highest first (ND335 S5)."""
    return sa.case(
        *((points >= floor, level.value) for floor, level in band_floors(bands)),
        else_=BELOW_BANDS.value,
    )


def level_in_force_sql(source: Any) -> ColumnElement[Any]:
    """`level_in_force` in SQL: COALESCE over the level columns of `source` (a mapped class,
    an alias or a subquery's `.c`) in the rulebook's order, the decided level first."""
    return sa.func.coalesce(*(getattr(source, field) for field in IN_FORCE_FIELDS))
