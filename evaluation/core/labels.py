"""User-facing names of the enumerations and of the rulebook's codes, translatable, one table
for every template.

Each area names its own enumerations beside them (`register_labels` in its models module:
plans, organisation, accounts), so core imports none of the areas; the rulebook's enumerations
(levels, steps, staff categories, titles …), its rule codes (E1, G1, S5 …), its consequence
flags (C1–C6) and its rule sets (nd90, nd335@1 …) are named here. A page shows these names,
never the codes: the codes are the rulebook's identifiers, not the reader's words (issue 16).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from criteria.consequences import Flag
from criteria.levels import (
    DisciplineForm,
    GeneralAssessment,
    Level,
    StaffCategory,
    Title,
)
from criteria.procedure import Decider, Step
from criteria.rulebook_table import rulebook_family

Key = TypeVar("Key")

LABELS: dict[str, dict[enum.Enum, LazyString]] = {
    "category": {
        StaffCategory.CAN_BO: _l("Cán bộ"),
        StaffCategory.CONG_CHUC: _l("Công chức"),
        StaffCategory.VIEN_CHUC: _l("Viên chức"),
        StaffCategory.NGUOI_LAO_DONG: _l("Người lao động"),
    },
    "level": {
        Level.XUAT_SAC: _l("Hoàn thành xuất sắc nhiệm vụ"),
        Level.TOT: _l("Hoàn thành tốt nhiệm vụ"),
        Level.HOAN_THANH: _l("Hoàn thành nhiệm vụ"),
        Level.KHONG_HOAN_THANH: _l("Không hoàn thành nhiệm vụ"),
        Level.KHONG_XEP_LOAI: _l("Không xếp loại"),
        Level.CAN_QUYET_DINH: _l("Cần người có thẩm quyền quyết định"),
    },
    "step": {
        Step.SELF_ASSESSMENT: _l("Tự đánh giá, đề xuất mức xếp loại"),
        Step.COLLECTIVE_COMMENTS: _l("Tập thể đơn vị họp, góp ý"),
        Step.PARTY_COMMITTEE_COMMENTS: _l("Cấp ủy cho ý kiến"),
        Step.PERSONNEL_PROPOSAL: _l("Bộ phận tổ chức cán bộ tổng hợp, đề xuất"),
        Step.DECISION: _l("Người có thẩm quyền quyết định"),
        Step.NOTIFICATION: _l("Thông báo cho người được đánh giá và công khai trong đơn vị"),
        Step.PETITION: _l("Kiến nghị"),
        Step.PETITION_RESOLVED: _l("Giải quyết kiến nghị"),
    },
    "decider": {
        Decider.SUPERIOR_HEAD: _l("Người đứng đầu cơ quan cấp trên"),
        Decider.AGENCY_HEAD: _l("Người đứng đầu cơ quan, đơn vị"),
        Decider.APPOINTING_AUTHORITY: _l("Cấp có thẩm quyền bổ nhiệm"),
    },
    "general": {
        GeneralAssessment.GOOD: _l("Thực hiện tốt"),
        GeneralAssessment.MEET: _l("Đáp ứng"),
        GeneralAssessment.FAIL: _l("Không đáp ứng"),
    },
    "discipline_form": {
        DisciplineForm.KHIEN_TRACH: _l("Khiển trách"),
        DisciplineForm.CANH_CAO: _l("Cảnh cáo"),
        DisciplineForm.HA_BAC_LUONG: _l("Hạ bậc lương"),
        DisciplineForm.GIANG_CHUC: _l("Giáng chức"),
        DisciplineForm.CACH_CHUC: _l("Cách chức"),
        DisciplineForm.KHAI_TRU: _l("Khai trừ"),
        DisciplineForm.BUOC_THOI_VIEC: _l("Buộc thôi việc"),
    },
    "title": {
        Title.LAO_DONG_TIEN_TIEN: _l("Lao động tiên tiến"),
        Title.CHIEN_SI_THI_DUA_CO_SO: _l("Chiến sĩ thi đua cơ sở"),
        Title.TAP_THE_LAO_DONG_TIEN_TIEN: _l("Tập thể lao động tiên tiến"),
        Title.TAP_THE_LAO_DONG_XUAT_SAC: _l("Tập thể lao động xuất sắc"),
    },
}

# The name of each rule the rulebook cites (docs/rules.md), shown where the rule fired instead
# of its code; a code not named here reads as "Căn cứ" rather than leaking.
RULES: dict[str, LazyString] = {
    "E1": _l("Chưa đủ 6 tháng công tác trong năm"),
    "E2": _l("Nghỉ theo quy định từ 3 đến dưới 6 tháng"),
    "E3": _l("Nghỉ thai sản"),
    "E4": _l("Chuyển công tác trong năm"),
    "D1": _l("Bị kỷ luật trong năm"),
    "D2": _l("Vi phạm đã được tính ở năm trước"),
    "D3": _l("Một vi phạm bị kỷ luật ở hai năm"),
    "K1": _l("Không hoàn thành nhiệm vụ"),
    "K2": _l("Không hoàn thành nhiệm vụ (người lãnh đạo, quản lý)"),
    "X1": _l("Hoàn thành xuất sắc nhiệm vụ"),
    "X2": _l("Hoàn thành xuất sắc nhiệm vụ (người lãnh đạo, quản lý)"),
    "T1": _l("Hoàn thành tốt nhiệm vụ"),
    "T2": _l("Hoàn thành tốt nhiệm vụ (người lãnh đạo, quản lý)"),
    "H1": _l("Hoàn thành nhiệm vụ"),
    "H2": _l("Hoàn thành nhiệm vụ (người lãnh đạo, quản lý)"),
    "G1": _l("Không mức nào phù hợp: người có thẩm quyền quyết định"),
    "B1": _l("Khung điểm của thang 100 điểm (chính sách của đơn vị)"),
    "S1": _l("Thang 100 điểm"),
    "S2": _l("Điểm kết quả thực hiện nhiệm vụ theo kỳ"),
    "S3": _l("Điểm của người lãnh đạo, quản lý"),
    "S4": _l("Điểm năm là bình quân điểm các kỳ"),
    "S5": _l("Mức xếp loại theo điểm"),
    "S6": _l("Không hoàn thành nhiệm vụ không phụ thuộc điểm"),
    "S7": _l("Xếp loại theo thời gian công tác thực tế"),
    "Q1": _l("Tỷ lệ Hoàn thành xuất sắc nhiệm vụ"),
    "Q2": _l("Tỷ lệ Hoàn thành xuất sắc nhiệm vụ"),
    "Q3": _l("Người ngoài chỉ tiêu"),
    "Q4": _l("Cách tính chỉ tiêu"),
    "A1": _l("Lao động tiên tiến"),
    "A2": _l("Chiến sĩ thi đua cơ sở"),
    "A3": _l("Tỷ lệ Chiến sĩ thi đua cơ sở"),
    "A4": _l("Bị kỷ luật: không xét danh hiệu"),
    "A5": _l("Danh hiệu tập thể"),
    "A6": _l("Thu hồi danh hiệu"),
    "P1": _l("Trình tự đánh giá"),
    "P2": _l("Người có thẩm quyền quyết định"),
    "P3": _l("Thời hạn quyết định"),
    "P4": _l("Hồ sơ đánh giá"),
    "U1": _l("Điểm đơn vị"),
    "U2": _l("Người đứng đầu liên đới chịu trách nhiệm"),
}
RULE_FALLBACK = _l("Căn cứ")

# What each consequence flag asks the personnel office to consider (docs/rules.md §9), short
# enough for a badge. C6 reads one way for a low level and the other for a high one.
FLAGS: dict[str, LazyString] = {
    "C1": _l("Xem xét cho thôi việc"),
    "C2": _l("Xem xét cho thôi làm nhiệm vụ"),
    "C3": _l("Có thể chấm dứt hợp đồng làm việc"),
    "C4": _l("Bố trí công tác khác hoặc không bổ nhiệm lại"),
    "C5": _l("Bố trí vị trí việc làm có yêu cầu thấp hơn"),
    "C6": _l("Có thể được xem xét bổ nhiệm, nâng ngạch vào vị trí cao hơn"),
    "C6-lower": _l("Xem xét bố trí vị trí việc làm thấp hơn"),
}
FLAG_FALLBACK = _l("Cần xem xét")

# The rule sets, by family: a result names the decree it was classified under, never the
# rulebook's identifier ("nd335@1", "nd90-vien-chuc@1", "unit-result@1").
RULEBOOKS: dict[str, LazyString] = {
    "nd90": _l("Nghị định 90/2020/NĐ-CP"),
    "nd335": _l("Nghị định 335/2025/NĐ-CP"),
    "unit": _l("Chính sách của đơn vị"),
}
RULEBOOK_FALLBACK = _l("Quy định của cơ quan")


def register_labels(name: str, labels: dict[enum.Enum, LazyString]) -> None:
    """Add one enumeration's names to the table (`labels.<name>` in the templates)."""
    LABELS[name] = labels


def rule_name(code: str) -> LazyString:
    """The name of a rule code (G1 → "Không mức nào phù hợp …")."""
    return RULES.get(code, RULE_FALLBACK)


def flag_name(flag: Flag) -> LazyString:
    """What a consequence flag means, for its badge: C6 after a "not completed" year points
    to a lower position, after a good year to a higher one."""
    lower = flag.rule == "C6" and flag.text.startswith(Level.KHONG_HOAN_THANH.label)
    return FLAGS.get("C6-lower" if lower else flag.rule, FLAG_FALLBACK)


def rulebook_name(rulebook: str | None) -> LazyString | str:
    """The decree a rule set or criteria set belongs to: nd335@1, nd335-leader@1 → ND 335."""
    if not rulebook:
        return ""
    family = rulebook_family(rulebook).split("-")[0]  # a criteria set: its rule set's family
    return RULEBOOKS.get(family, RULEBOOK_FALLBACK)


def in_page_language(labels: Mapping[Key, LazyString]) -> dict[Key, str]:
    """A label table translated once, for a page that prints one name per row: a lazy name
    is translated again each time it is printed, and a list of hundreds of rows spent a tenth
    of its time so."""
    return {key: str(label) for key, label in labels.items()}
