"""The enumerations shared by the rulebook and the web application (rules.md §2–§3)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """A classification level; ND90 Art. 4–15, ND335 (S5)."""

    XUAT_SAC = "xuat_sac"
    TOT = "tot"
    HOAN_THANH = "hoan_thanh"
    KHONG_HOAN_THANH = "khong_hoan_thanh"
    KHONG_XEP_LOAI = "khong_xep_loai"
    CAN_QUYET_DINH = "can_quyet_dinh"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self][0]

    @property
    def code(self) -> str:
        return _LEVEL_LABELS[self][1]

    @property
    def rank(self) -> int | None:
        """Order of the four ranked levels (4 = best); None for "not classified" and "decide"."""
        return _LEVEL_RANKS.get(self)

    @property
    def is_ranked(self) -> bool:
        return self in _LEVEL_RANKS

    def at_least(self, other: Level) -> bool:
        """True when both are ranked levels and self is the same as or better than other."""
        return self.is_ranked and other.is_ranked and _LEVEL_RANKS[self] >= _LEVEL_RANKS[other]


_LEVEL_LABELS: dict[Level, tuple[str, str]] = {
    Level.XUAT_SAC: ("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"),
    Level.TOT: ("Hoàn thành tốt nhiệm vụ", "HTTNV"),
    Level.HOAN_THANH: ("Hoàn thành nhiệm vụ", "HTNV"),
    Level.KHONG_HOAN_THANH: ("Không hoàn thành nhiệm vụ", "KHTNV"),
    Level.KHONG_XEP_LOAI: ("Không xếp loại", "KXL"),
    Level.CAN_QUYET_DINH: ("Cần người có thẩm quyền quyết định", "CQĐ"),
}

_LEVEL_RANKS: dict[Level, int] = {
    Level.XUAT_SAC: 4,
    Level.TOT: 3,
    Level.HOAN_THANH: 2,
    Level.KHONG_HOAN_THANH: 1,
}


class StaffCategory(StrEnum):
    """Staff groups; the rule set and the ND90 articles depend on it."""

    CAN_BO = "can_bo"
    CONG_CHUC = "cong_chuc"
    VIEN_CHUC = "vien_chuc"
    NGUOI_LAO_DONG = "nguoi_lao_dong"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS: dict[StaffCategory, str] = {
    StaffCategory.CAN_BO: "Cán bộ",
    StaffCategory.CONG_CHUC: "Công chức",
    StaffCategory.VIEN_CHUC: "Viên chức",
    StaffCategory.NGUOI_LAO_DONG: "Người lao động",
}


class GeneralAssessment(StrEnum):
    """The general criteria of ND90 Art. 3 cl. 1–4 (and cl. 5 for leaders)."""

    GOOD = "good"
    MEET = "meet"
    FAIL = "fail"

    @property
    def label(self) -> str:
        return _GENERAL_LABELS[self]

    def at_least(self, other: GeneralAssessment) -> bool:
        return _GENERAL_RANKS[self] >= _GENERAL_RANKS[other]


_GENERAL_LABELS: dict[GeneralAssessment, str] = {
    GeneralAssessment.GOOD: "Thực hiện tốt",
    GeneralAssessment.MEET: "Đáp ứng",
    GeneralAssessment.FAIL: "Không đáp ứng",
}

_GENERAL_RANKS: dict[GeneralAssessment, int] = {
    GeneralAssessment.GOOD: 2,
    GeneralAssessment.MEET: 1,
    GeneralAssessment.FAIL: 0,
}


class DisciplineForm(StrEnum):
    """Party and administrative discipline forms, lightest first (ND48 Art. 1 cl. 1)."""

    KHIEN_TRACH = "khien_trach"
    CANH_CAO = "canh_cao"
    HA_BAC_LUONG = "ha_bac_luong"
    GIANG_CHUC = "giang_chuc"
    CACH_CHUC = "cach_chuc"
    KHAI_TRU = "khai_tru"
    BUOC_THOI_VIEC = "buoc_thoi_viec"

    @property
    def label(self) -> str:
        return _FORM_LABELS[self]


_FORM_LABELS: dict[DisciplineForm, str] = {
    DisciplineForm.KHIEN_TRACH: "Khiển trách",
    DisciplineForm.CANH_CAO: "Cảnh cáo",
    DisciplineForm.HA_BAC_LUONG: "Hạ bậc lương",
    DisciplineForm.GIANG_CHUC: "Giáng chức",
    DisciplineForm.CACH_CHUC: "Cách chức",
    DisciplineForm.KHAI_TRU: "Khai trừ",
    DisciplineForm.BUOC_THOI_VIEC: "Buộc thôi việc",
}


class Title(StrEnum):
    """Emulation titles (LTDKT 2022, rules A1–A5)."""

    LAO_DONG_TIEN_TIEN = "lao_dong_tien_tien"
    CHIEN_SI_THI_DUA_CO_SO = "chien_si_thi_dua_co_so"
    TAP_THE_LAO_DONG_TIEN_TIEN = "tap_the_lao_dong_tien_tien"
    TAP_THE_LAO_DONG_XUAT_SAC = "tap_the_lao_dong_xuat_sac"

    @property
    def label(self) -> str:
        return _TITLE_LABELS[self]


_TITLE_LABELS: dict[Title, str] = {
    Title.LAO_DONG_TIEN_TIEN: "Lao động tiên tiến",
    Title.CHIEN_SI_THI_DUA_CO_SO: "Chiến sĩ thi đua cơ sở",
    Title.TAP_THE_LAO_DONG_TIEN_TIEN: "Tập thể lao động tiên tiến",
    Title.TAP_THE_LAO_DONG_XUAT_SAC: "Tập thể lao động xuất sắc",
}
