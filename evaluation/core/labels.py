"""User-facing names of the enumerations, translatable, in one place for every template."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from criteria.levels import StaffCategory
from evaluation.accounts.models import AccountRole
from evaluation.organisation.models import LeadershipRole, UnitKind
from evaluation.plans.models import PlanStatus, SelfQuality, TaskOutcome, TaskSource

LABELS = {
    "plan_status": {
        PlanStatus.DRAFT: _l("Nháp"),
        PlanStatus.SUBMITTED: _l("Chờ duyệt"),
        PlanStatus.APPROVED: _l("Đã duyệt"),
        PlanStatus.RETURNED: _l("Bị trả lại"),
        PlanStatus.REPORTED: _l("Đã báo cáo kết quả"),
        PlanStatus.CLOSED: _l("Đã đóng"),
    },
    "outcome": {
        TaskOutcome.DONE_ON_TIME: _l("Hoàn thành đúng hạn"),
        TaskOutcome.DONE_LATE: _l("Hoàn thành trễ hạn"),
        TaskOutcome.NOT_DONE: _l("Chưa hoàn thành"),
        TaskOutcome.CANCELLED: _l("Đã huỷ"),
    },
    "source": {
        TaskSource.ASSIGNED: _l("Lãnh đạo giao"),
        TaskSource.UNIT_PLAN: _l("Theo kế hoạch đơn vị"),
        TaskSource.SELF_PROPOSED: _l("Tự đề xuất"),
    },
    "self_quality": {
        SelfQuality.GOOD: _l("Tốt"),
        SelfQuality.MEETS: _l("Đạt yêu cầu"),
        SelfQuality.POOR: _l("Chưa đạt"),
    },
    "role": {
        LeadershipRole.HEAD: _l("Cấp trưởng"),
        LeadershipRole.DEPUTY: _l("Cấp phó"),
        LeadershipRole.NONE: _l("Không giữ chức vụ"),
    },
    "unit_kind": {
        UnitKind.AGENCY: _l("Cơ quan hành chính"),
        UnitKind.PUBLIC_SERVICE: _l("Đơn vị sự nghiệp công lập"),
        UnitKind.COMMUNE: _l("Xã, phường"),
        UnitKind.DIVISION: _l("Phòng, ban"),
    },
    "category": {
        StaffCategory.CAN_BO: _l("Cán bộ"),
        StaffCategory.CONG_CHUC: _l("Công chức"),
        StaffCategory.VIEN_CHUC: _l("Viên chức"),
        StaffCategory.NGUOI_LAO_DONG: _l("Người lao động"),
    },
    "account_role": {
        AccountRole.STAFF: _l("Cán bộ, công chức, viên chức"),
        AccountRole.PERSONNEL: _l("Tổ chức cán bộ"),
        AccountRole.ADMIN: _l("Quản trị hệ thống"),
    },
}
