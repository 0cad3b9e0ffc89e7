"""Where each rule comes from: the Vietnamese citation named next to every reason.

Citations name point, clause and article as a lawyer writes them ("Khoản 1 Điều 13 Nghị định
90/2020/NĐ-CP"). A rule the texts do not give is cited as the system's rule or as a unit's
policy, never as a decree's. Where a number could not be checked against the text itself, the
doubt is written here (and listed in docs/rules.md §11). Each citation is a message (N_): the
application writes it in the page's language.
"""

from __future__ import annotations

from criteria.levels import Level, StaffCategory
from criteria.reasons import N_, Message, message

ND90 = "Nghị định 90/2020/NĐ-CP"
ND48 = "Nghị định 48/2023/NĐ-CP"
ND335 = "Nghị định 335/2025/NĐ-CP"

# E1–E3: ND90 Art. 2 cl. 3, as amended by ND48 Art. 1 cl. 1.
ELIGIBILITY = message(
    N_(
        "Khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi khoản 1 Điều 1 Nghị định "
        "48/2023/NĐ-CP)"
    )
)
# D1–D3: the discipline principle ND48 Art. 1 cl. 1 added to ND90 Art. 2 (cl. 5).
DISCIPLINE = message(
    N_(
        "Khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP (bổ sung bởi khoản 1 Điều 1 Nghị định "
        "48/2023/NĐ-CP)"
    )
)
# G1: no text says what to do between the levels; the system hands the case to the person
# who decides (ND90 Art. 20–22 make them competent), and says it is its own rule.
GAP = message(
    N_(
        "Quy tắc của hệ thống: không đủ căn cứ xếp vào mức nào theo Điều 4 đến Điều 15 Nghị "
        "định 90/2020/NĐ-CP; người có thẩm quyền quyết định"
    )
)
POINTS_CEILING = message(
    N_("Chính sách của đơn vị: áp dụng khung điểm của thang 100 điểm cùng Nghị định 90/2020/NĐ-CP")
)
POINTS_FLOOR_POLICY = message(
    N_(
        "Chính sách của đơn vị: cho phép thang 100 điểm xếp Không hoàn thành nhiệm vụ cùng "
        "Nghị định 90/2020/NĐ-CP (Nghị định chỉ nêu các trường hợp tại Điều 7, 11, 15)"
    )
)

# ND335: the article that sets the four levels, their grounds (cl. 4) and the quota (cl. 5).
# The clauses and points were read in the decree's published text; the article's NUMBER is
# inferred (the article before Art. 21 on when civil servants are classified) and was not seen
# in the text itself: see docs/rules.md §11.
ND335_LEVEL_ARTICLE = 20
ND335_TIMING_ARTICLE = 21  # when, and S7: absence, sickness, maternity (points over time worked)
ND335_USE_ARTICLE = 23  # C6: how the results are used


def nd335_level(clause: int, point: str | None = None) -> Message:
    """E.g. "Điểm c khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP"."""
    if point:
        return message(
            N_("Điểm %(point)s khoản %(clause)s Điều %(article)s Nghị định 335/2025/NĐ-CP"),
            point=point,
            clause=clause,
            article=ND335_LEVEL_ARTICLE,
        )
    return message(
        N_("Khoản %(clause)s Điều %(article)s Nghị định 335/2025/NĐ-CP"),
        clause=clause,
        article=ND335_LEVEL_ARTICLE,
    )


def nd335_points(points: list[str]) -> Message:
    """S6: one or more points of the level article's clause 4 ("Điểm b, c khoản 4 …")."""
    if len(points) == 1:
        return nd335_level(4, points[0])
    return message(
        N_("Điểm %(points)s khoản 4 Điều %(article)s Nghị định 335/2025/NĐ-CP"),
        points=", ".join(points),
        article=ND335_LEVEL_ARTICLE,
    )


ND335_LEVELS = message(
    N_("Khoản 1, 2, 3 và điểm a khoản 4 Điều %(article)s Nghị định 335/2025/NĐ-CP"),
    article=ND335_LEVEL_ARTICLE,
)
ND335_OVERRIDE = message(
    N_("Điểm b, c, d khoản 4 Điều %(article)s Nghị định 335/2025/NĐ-CP"),
    article=ND335_LEVEL_ARTICLE,
)
ND335_ABSENCE = message(
    N_("Điều %(article)s Nghị định 335/2025/NĐ-CP"), article=ND335_TIMING_ARTICLE
)
ND335_ELIGIBILITY_POLICY = message(
    N_(
        "Chính sách của đơn vị: Nghị định 335/2025/NĐ-CP không quy định thời gian công tác tối "
        "thiểu và thời gian nghỉ tối đa; giữ mức 6 tháng công tác và 3 tháng nghỉ như chế độ "
        "trước năm 2026"
    )
)
ND335_MISSING_POINTS = message(
    N_("Quy tắc của hệ thống: chưa đủ điểm để xếp loại theo Nghị định 335/2025/NĐ-CP")
)

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

# (has a clause, amended by ND48, by analogy for người lao động) → the citation's template.
_ND90_ARTICLE = {
    (False, False, False): N_("Điều %(article)s Nghị định 90/2020/NĐ-CP"),
    (False, True, False): N_(
        "Điều %(article)s Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 48/2023/NĐ-CP)"
    ),
    (True, False, False): N_("Khoản %(clause)s Điều %(article)s Nghị định 90/2020/NĐ-CP"),
    (True, True, False): N_(
        "Khoản %(clause)s Điều %(article)s Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi "
        "Nghị định 48/2023/NĐ-CP)"
    ),
    (True, False, True): N_(
        "Khoản %(clause)s Điều %(article)s Nghị định 90/2020/NĐ-CP (chính sách của đơn vị: "
        "người lao động áp dụng như viên chức)"
    ),
    (True, True, True): N_(
        "Khoản %(clause)s Điều %(article)s Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi "
        "Nghị định 48/2023/NĐ-CP) (chính sách của đơn vị: người lao động áp dụng như viên chức)"
    ),
}


def nd90_article(category: StaffCategory, leader: bool, level: Level) -> Message:
    """E.g. "Khoản 1 Điều 13 Nghị định 90/2020/NĐ-CP" for a public employee at tot, no post."""
    article = _FIRST_ARTICLE[category] + _OFFSET[level]
    has_clause = category is not StaffCategory.CAN_BO
    amended = level is Level.KHONG_HOAN_THANH
    analogy = category is StaffCategory.NGUOI_LAO_DONG
    template = _ND90_ARTICLE[(has_clause, amended, analogy)]
    if has_clause:
        return message(template, clause=2 if leader else 1, article=article)
    return message(template, article=article)
