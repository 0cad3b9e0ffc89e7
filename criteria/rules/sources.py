"""Where each rule comes from: the decree articles named next to every reason."""

from __future__ import annotations

from criteria.levels import Level, StaffCategory

ELIGIBILITY = "ND90 Art. 2 cl. 3, as amended by ND48"
DISCIPLINE = "ND48 Art. 1 cl. 1 (ND90 Art. 2 cl. 5)"
GAP = "ND90 Art. 4–15 (no level fits; the competent person decides)"
POINTS_CEILING = "Local policy (B1): 100-point bands with ND90"
ND335_LEVELS = "ND335/2025/NĐ-CP, levels by points"
ND335_OVERRIDE = "ND335/2025/NĐ-CP, khong_hoan_thanh regardless of points"

# ND90: cadres Art. 4–7, civil servants Art. 8–11, public employees Art. 12–15, in the order
# excellent, good, completed, not completed. Art. 12–15 were read in full; Art. 4–11 follow the
# same pattern and are coded the same way. Người lao động have no article: Art. 12–15 by analogy.
_FIRST_ARTICLE = {
    StaffCategory.CAN_BO: 4,
    StaffCategory.CONG_CHUC: 8,
    StaffCategory.VIEN_CHUC: 12,
    StaffCategory.NGUOI_LAO_DONG: 12,
}
_OFFSET = {Level.XUAT_SAC: 0, Level.TOT: 1, Level.HOAN_THANH: 2, Level.KHONG_HOAN_THANH: 3}


def nd90_article(category: StaffCategory, leader: bool, level: Level) -> str:
    """E.g. "ND90 Art. 13 cl. 1" for a public employee at tot without a post."""
    article = _FIRST_ARTICLE[category] + _OFFSET[level]
    text = f"ND90 Art. {article}"
    if category is not StaffCategory.CAN_BO:
        text += f" cl. {2 if leader else 1}"
    if level is Level.KHONG_HOAN_THANH:
        text += ", as amended by ND48"
    if category is StaffCategory.NGUOI_LAO_DONG:
        text += " (by analogy)"
    return text
