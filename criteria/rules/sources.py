"""Where each rule comes from: the Vietnamese citation named next to every reason.

Citations name point, clause and article as a lawyer writes them ("Khoản 1 Điều 13 Nghị định
90/2020/NĐ-CP"). A rule the texts do not give is cited as the system's rule or as a unit's
policy, never as a decree's. Where a number could not be checked against the text itself, the
doubt is written here (and listed in docs/rules.md §11).
"""

from __future__ import annotations

from criteria.levels import Level, StaffCategory

ND90 = "Nghị định 90/2020/NĐ-CP"
ND48 = "Nghị định 48/2023/NĐ-CP"
ND335 = "Nghị định 335/2025/NĐ-CP"
AMENDED_BY_ND48 = f"(sửa đổi, bổ sung bởi khoản 1 Điều 1 {ND48})"

# E1–E3: ND90 Art. 2 cl. 3, as amended by ND48 Art. 1 cl. 1.
ELIGIBILITY = f"Khoản 3 Điều 2 {ND90} {AMENDED_BY_ND48}"
# D1–D3: the discipline principle ND48 Art. 1 cl. 1 added to ND90 Art. 2 (cl. 5).
DISCIPLINE = f"Khoản 5 Điều 2 {ND90} (bổ sung bởi khoản 1 Điều 1 {ND48})"
# G1: no text says what to do between the levels; the system hands the case to the person
# who decides (ND90 Art. 20–22 make them competent), and says it is its own rule.
GAP = (
    f"Quy tắc của hệ thống: không đủ căn cứ xếp vào mức nào theo Điều 4 đến Điều 15 {ND90}; "
    "người có thẩm quyền quyết định"
)
POINTS_CEILING = "Chính sách của đơn vị: áp dụng khung điểm của thang 100 điểm cùng " + ND90
POINTS_FLOOR_POLICY = (
    "Chính sách của đơn vị: cho phép thang 100 điểm xếp Không hoàn thành nhiệm vụ cùng "
    f"{ND90} (Nghị định chỉ nêu các trường hợp tại Điều 7, 11, 15)"
)

# ND335: the article that sets the four levels, their grounds (cl. 4) and the quota (cl. 5).
# The clauses and points were read in the decree's published text; the article's NUMBER is
# inferred (the article before Art. 21 on when civil servants are classified) and was not seen
# in the text itself: see docs/rules.md §11.
ND335_LEVEL_ARTICLE = 20
ND335_TIMING_ARTICLE = 21  # when, and S7: absence, sickness, maternity (points over time worked)
ND335_USE_ARTICLE = 23  # C6: how the results are used


def nd335_level(clause: int, point: str | None = None) -> str:
    """E.g. "Điểm c khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP"."""
    text = f"khoản {clause} Điều {ND335_LEVEL_ARTICLE} {ND335}"
    return _capital(f"điểm {point} {text}" if point else text)


ND335_LEVELS = f"Khoản 1, 2, 3 và điểm a khoản 4 Điều {ND335_LEVEL_ARTICLE} {ND335}"
ND335_OVERRIDE = f"Điểm b, c, d khoản 4 Điều {ND335_LEVEL_ARTICLE} {ND335}"
ND335_ABSENCE = f"Điều {ND335_TIMING_ARTICLE} {ND335}"
ND335_ELIGIBILITY_POLICY = (
    f"Chính sách của đơn vị: {ND335} không quy định thời gian công tác tối thiểu và thời gian "
    "nghỉ tối đa; giữ mức 6 tháng công tác và 3 tháng nghỉ như chế độ trước năm 2026"
)
ND335_MISSING_POINTS = f"Quy tắc của hệ thống: chưa đủ điểm để xếp loại theo {ND335}"

# ND90: cadres Art. 4–7, civil servants Art. 8–11, public employees Art. 12–15, in the order
# excellent, good, completed, not completed; for civil servants and public employees cl. 1 is
# for those without a post and cl. 2 for leaders. Art. 12–15 were read in full; Art. 4–11
# follow the same pattern and are coded the same way. Người lao động have no article of their
# own: the system applies Art. 12–15 to them as a policy, and says so.
_FIRST_ARTICLE = {
    StaffCategory.CAN_BO: 4,
    StaffCategory.CONG_CHUC: 8,
    StaffCategory.VIEN_CHUC: 12,
    StaffCategory.NGUOI_LAO_DONG: 12,
}
_OFFSET = {Level.XUAT_SAC: 0, Level.TOT: 1, Level.HOAN_THANH: 2, Level.KHONG_HOAN_THANH: 3}
BY_ANALOGY = "chính sách của đơn vị: người lao động áp dụng như viên chức"


def nd90_article(category: StaffCategory, leader: bool, level: Level) -> str:
    """E.g. "Khoản 1 Điều 13 Nghị định 90/2020/NĐ-CP" for a public employee at tot, no post."""
    article = _FIRST_ARTICLE[category] + _OFFSET[level]
    text = f"Điều {article} {ND90}"
    if category is not StaffCategory.CAN_BO:
        text = f"Khoản {2 if leader else 1} {text}"
    if level is Level.KHONG_HOAN_THANH:
        text += f" (sửa đổi, bổ sung bởi {ND48})"
    if category is StaffCategory.NGUOI_LAO_DONG:
        text += f" ({BY_ANALOGY})"
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
