"""The level bands of the 100-point scale: the one place that maps points to a level.

ND335/2025/NĐ-CP (rule S5) fixes the bands by law: from 90 points xuat_sac, from 70 tot, from
50 hoan_thanh, below 50 khong_hoan_thanh. Under ND90 the same scale caps the level only as local
policy (rule B1, `Policy.points_bands`, defaulting to these bands), and units are graded by them
too (`unit_results`, policy unit-result@1). The web application's SQL form of this mapping
(`evaluation.core.levels.level_by_points_sql`) is built from `band_floors`, so the two agree.
"""

from __future__ import annotations

from criteria.levels import Level

Bands = tuple[float, float, float]  # the floors of xuat_sac, tot, hoan_thanh, highest first

S5_BANDS: Bands = (90.0, 70.0, 50.0)  # law, not policy: ND335 S5 fixes the bands
BAND_LEVELS = (Level.XUAT_SAC, Level.TOT, Level.HOAN_THANH)
BELOW_BANDS = Level.KHONG_HOAN_THANH


def band_floors(bands: Bands = S5_BANDS) -> tuple[tuple[float, Level], ...]:
    """Each band's floor with its level, highest first: what both Python and SQL test in turn."""
    return tuple(zip(bands, BAND_LEVELS, strict=True))


def level_by_points(points: float, bands: Bands = S5_BANDS) -> Level:
    """S5 — ND335 (and B1 under ND90 with the policy's bands): the first band whose floor the
    points reach, else khong_hoan_thanh. A floor belongs to its band (70 is tot)."""
    for floor, level in band_floors(bands):
        if points >= floor:
            return level
    return BELOW_BANDS
