"""The level bands (ND335 S5; B1 under ND90) and the level in force, as tables.

`BAND_CASES` and `IN_FORCE_CASES` are also run against the database in
tests/rankings/test_levels_sql.py, so the SQL forms answer the same table.
"""

from __future__ import annotations

from itertools import product
from types import SimpleNamespace

import pytest

from criteria import DEFAULT_POLICY, Level
from criteria.bands import S5_BANDS, level_by_points
from criteria.in_force import IN_FORCE_ORDER, level_in_force
from criteria.unit_results import DEFAULT_UNIT_POLICY

XUAT_SAC, TOT, HOAN_THANH, KHONG = (
    Level.XUAT_SAC,
    Level.TOT,
    Level.HOAN_THANH,
    Level.KHONG_HOAN_THANH,
)

# Every boundary of the 100-point scale, from both sides: a floor belongs to its band.
BAND_CASES: list[tuple[float, Level]] = [
    (0, KHONG),
    (49.99, KHONG),
    (50, HOAN_THANH),
    (69.99, HOAN_THANH),
    (70, TOT),
    (89.99, TOT),
    (90, XUAT_SAC),
    (100, XUAT_SAC),
]


@pytest.mark.parametrize(("points", "level"), BAND_CASES, ids=[str(p) for p, _ in BAND_CASES])
def test_level_by_points(points: float, level: Level) -> None:
    assert level_by_points(points) is level


def test_the_policy_and_the_unit_results_use_the_s5_bands() -> None:
    """B1 and unit-result@1 default to the bands ND335 fixes: one source, not three copies."""
    assert DEFAULT_POLICY.points_bands == S5_BANDS
    assert DEFAULT_UNIT_POLICY.bands == S5_BANDS


@pytest.mark.parametrize(
    ("points", "level"),
    [
        (79.99, TOT),
        (80, XUAT_SAC),
        (59.99, HOAN_THANH),
        (60, TOT),
        (39.99, KHONG),
        (40, HOAN_THANH),
    ],
)
def test_level_by_points_follows_a_local_policy(points: float, level: Level) -> None:
    """B1 is policy: a unit's own bands move every floor (here 80/60/40)."""
    assert level_by_points(points, (80, 60, 40)) is level


# The three levels the procedure records, each set or not: (final, personnel, computed) → in force.
# Distinct values show which of them won.
FINAL, PERSONNEL, COMPUTED = XUAT_SAC, TOT, HOAN_THANH
IN_FORCE_CASES: list[tuple[Level | None, Level | None, Level | None, Level | None]] = [
    (FINAL, PERSONNEL, COMPUTED, FINAL),
    (FINAL, PERSONNEL, None, FINAL),
    (FINAL, None, COMPUTED, FINAL),
    (FINAL, None, None, FINAL),
    (None, PERSONNEL, COMPUTED, PERSONNEL),
    (None, PERSONNEL, None, PERSONNEL),
    (None, None, COMPUTED, COMPUTED),
    (None, None, None, None),
]


def test_in_force_cases_cover_every_combination() -> None:
    seen = {tuple(level is not None for level in case[:3]) for case in IN_FORCE_CASES}
    assert seen == set(product((True, False), repeat=3))


def evaluation(
    final: Level | None, personnel: Level | None, computed: Level | None
) -> SimpleNamespace:
    return SimpleNamespace(final_level=final, personnel_level=personnel, computed_level=computed)


@pytest.mark.parametrize(
    ("final", "personnel", "computed", "expected"),
    [
        # ND90 Art. 16–22: the decision prevails, over the proposal and the rulebook.
        (FINAL, PERSONNEL, COMPUTED, FINAL),
        (FINAL, None, COMPUTED, FINAL),
        # Undecided: the personnel office's proposal stands before the rulebook's level.
        (None, PERSONNEL, COMPUTED, PERSONNEL),
        # Neither decided nor proposed: the rulebook's level.
        (None, None, COMPUTED, COMPUTED),
        # The decision may confirm a level below the proposal.
        (KHONG, TOT, XUAT_SAC, KHONG),
        (None, KHONG, XUAT_SAC, KHONG),
    ],
)
def test_level_in_force(
    final: Level | None, personnel: Level | None, computed: Level, expected: Level
) -> None:
    assert level_in_force(evaluation(final, personnel, computed)) is expected


def test_level_in_force_order_is_the_procedure() -> None:
    assert IN_FORCE_ORDER == ("final", "personnel", "computed")


@pytest.mark.parametrize(("final", "personnel", "computed", "expected"), IN_FORCE_CASES)
def test_level_in_force_every_combination(
    final: Level | None, personnel: Level | None, computed: Level | None, expected: Level | None
) -> None:
    if expected is None:  # nothing recorded: the database never holds it (computed is NOT NULL)
        with pytest.raises(ValueError, match="no level in force"):
            level_in_force(evaluation(final, personnel, computed))
    else:
        assert level_in_force(evaluation(final, personnel, computed)) is expected
