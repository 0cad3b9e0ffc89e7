"""Every change recorded today reads as a sentence (issue 14 and issue 16 §3): a document
system's tasks and a manager's adjustment, integration tokens, citizens' satisfaction counts,
sign-on, notification settings, criteria sets and policy, the year-end close; never as
"thay đổi (xyz)" nor with a stored code. A scan of the sources keeps it so for new actions."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy.orm import Session

from evaluation.api import services as api
from evaluation.api.models import TokenScope
from evaluation.audit import sentences
from evaluation.audit.services import readable, reason_of
from evaluation.core.audit import AuditRecord
from evaluation.organisation.models import UnitKind
from evaluation.organisation.permissions import Viewer
from evaluation.plans import services as plans
from evaluation.plans.periods import Period, PeriodKind
from evaluation.records.satisfaction import RatingInput, put_rating
from evaluation.rulesets.models import CriteriaSetVersion, PolicyVersion, VersionStatus
from tests.conftest import ROOT, account_id

MARCH = Period(PeriodKind.MONTH, 2026, 3)
AT = datetime(2026, 12, 1, 2, 14, tzinfo=UTC)  # 09:14 in Hà Nội


@pytest.fixture
def subjects(session: Session, make_unit, make_person, make_admin):
    """One object of each kind the new actions are about, made by the areas' own verbs."""
    agency = make_unit("Sở Nội vụ", UnitKind.AGENCY)
    desk = make_unit("Bộ phận một cửa", parent=agency)
    head = make_person(desk, name="Trần Văn B")
    staff = make_person(desk, name="Nguyễn Thị C")
    staff.front_desk = True
    admin = make_admin()
    token, _secret = api.create_token(
        session, name="Quản lý văn bản", unit=agency, scope=TokenScope.WRITE, actor_id=admin.id
    )
    robot = Viewer(user_id=token.account_id, person_id=None, is_admin=True)
    task, _outcome = plans.put_external_task(
        session, robot, staff, MARCH,
        plans.TaskInput("Tham mưu báo cáo", None, Decimal(1), "báo cáo", Decimal(1),
                        date(2026, 3, 20)),
        source_system="vbdh", external_ref="125/UBND-VP",
    )  # fmt: skip
    rated, _new = put_rating(
        session, person=staff, desk=desk, period=MARCH, source_system="dvc",
        data=RatingInput(responses=10, satisfied=9), actor_id=token.account_id,
    )  # fmt: skip
    desk_rating, _new = put_rating(
        session, person=None, desk=desk, period=MARCH, source_system="dvc",
        data=RatingInput(responses=4, satisfied=4), actor_id=token.account_id,
    )  # fmt: skip
    criteria = CriteriaSetVersion(
        name="ubnd-xa", version=2, status=VersionStatus.DRAFT,
        data={"title": "Công chức cấp xã"}, unit=agency,
    )  # fmt: skip
    policy = PolicyVersion(version=3, status=VersionStatus.DRAFT, data={})
    session.add_all([criteria, policy])
    session.flush()
    return {
        "agency": agency,
        "head": head,
        "staff": staff,
        "token": token,
        "task": task,
        "rating": rated,
        "desk_rating": desk_rating,
        "criteria": criteria,
        "policy": policy,
        "admin": admin,
    }


# (object type, the subject's key in `subjects`, action, the sentence after "Trần Văn B ")
CASES = [
    ("task", "task", "create",
     "giao nhiệm vụ “Tham mưu báo cáo” trong kế hoạch Tháng 3/2026 của Nguyễn Thị C"),
    ("task", "task", "update",
     "cập nhật nhiệm vụ “Tham mưu báo cáo” trong kế hoạch Tháng 3/2026 của Nguyễn Thị C"),
    ("task", "task", "override",
     "điều chỉnh nhiệm vụ “Tham mưu báo cáo” trong kế hoạch Tháng 3/2026 của Nguyễn Thị C"),
    ("api_token", "token", "create", "tạo khoá tích hợp “Quản lý văn bản”"),
    ("api_token", "token", "revoke", "thu hồi khoá tích hợp “Quản lý văn bản”"),
    ("satisfaction", "rating", "record",
     "ghi số liệu mức độ hài lòng Tháng 3/2026 của Nguyễn Thị C"),
    ("satisfaction", "desk_rating", "record",
     "ghi số liệu mức độ hài lòng Tháng 3/2026 của Bộ phận một cửa"),
    ("user", "admin", "link_sign_on", "gắn danh tính đăng nhập một lần với tài khoản {admin}"),
    ("user", "admin", "notification_settings",
     "đổi cài đặt nhận thư thông báo của tài khoản {admin}"),
    ("sign_on_policy", None, "require_sign_on",
     "bật yêu cầu đăng nhập một lần trong cài đặt đăng nhập"),
    ("sign_on_policy", None, "allow_passwords",
     "tắt yêu cầu đăng nhập một lần trong cài đặt đăng nhập"),
    ("criteria_set_version", "criteria", "draft",
     "soạn bản nháp bộ tiêu chí “Công chức cấp xã” phiên bản 2"),
    ("criteria_set_version", "criteria", "edit", "sửa bộ tiêu chí “Công chức cấp xã” phiên bản 2"),
    ("criteria_set_version", "criteria", "publish",
     "ban hành bộ tiêu chí “Công chức cấp xã” phiên bản 2"),
    ("criteria_set_version", None, "delete_draft", "xoá bản nháp bộ tiêu chí (đã xoá)"),
    ("policy_version", "policy", "draft", "soạn bản nháp tham số chính sách phiên bản 3"),
    ("policy_version", "policy", "publish", "ban hành tham số chính sách phiên bản 3"),
    ("unit", "agency", "pin_criteria_set", "áp dụng bộ tiêu chí riêng cho đơn vị Sở Nội vụ"),
    ("unit", "agency", "unpin_criteria_set", "bỏ bộ tiêu chí riêng của đơn vị Sở Nội vụ"),
    ("unit", "agency", "rulebook_pin", "chọn quy định áp dụng cho đơn vị Sở Nội vụ"),
    ("year_close", "agency", "close_requested", "yêu cầu chốt kết quả năm của đơn vị Sở Nội vụ"),
    ("year_close", "agency", "close", "chốt kết quả năm của đơn vị Sở Nội vụ"),
]  # fmt: skip


def test_each_new_action_reads_as_a_sentence(app, session: Session, subjects) -> None:
    actor = account_id(session, subjects["head"])
    records = []
    for object_type, key, action, _expected in CASES:
        object_id = subjects[key].id if key else (1 if object_type == "sign_on_policy" else 999)
        records.append(
            AuditRecord(
                actor_id=actor, object_type=object_type, object_id=object_id, action=action, at=AT
            )
        )
    session.add_all(records)
    session.flush()
    with app.test_request_context(), force_locale("vi"):
        found = sentences.load_subjects(session, records)
        for record, (_type, _key, _action, expected) in zip(records, CASES, strict=True):
            wanted = expected.format(admin=subjects["admin"].username)
            text = sentences.describe(record, "Trần Văn B", found)
            assert text == f"Trần Văn B {wanted} lúc 09:14 01/12/2026"
            assert "thay đổi (" not in text and "_" not in text


def test_the_values_of_the_new_records_read_as_names(app, session: Session, subjects) -> None:
    with app.test_request_context(), force_locale("vi"):
        task = readable('{"title": "Tham mưu", "deadline": "2026-03-20", "weight": "2"}', "task")
        assert task.splitlines() == ["Tên nhiệm vụ: Tham mưu", "Hạn hoàn thành: 20/03/2026",
                                     "Trọng số: 2"]  # fmt: skip
        token = readable('{"name": "Quản lý văn bản", "scope": "write"}', "api_token")
        assert token.splitlines() == ["Tên: Quản lý văn bản", "Quyền: Đọc và ghi"]
        assert readable('{"responses": 10, "satisfied": 9}', "satisfaction").splitlines() == [
            "Số lượt đánh giá: 10",
            "Số lượt hài lòng: 9",
        ]
        # an emulation title keeps its own field name
        assert readable('{"title": "Tham mưu"}', "emulation_decision") == "Danh hiệu: Tham mưu"
        # the events a person chose to get by email, by their names
        assert readable('["plan_approved", "task_assigned"]', "user") == (
            "Kế hoạch của tôi được duyệt, Tôi được giao nhiệm vụ"
        )


def test_a_close_of_the_year_gives_its_reason_in_words(app, session: Session, subjects) -> None:
    records = [
        AuditRecord(object_type="year_close", object_id=subjects["agency"].id,
                    action="close_requested", reason=code, at=AT)
        for code in ("asked", "command", "reopened")
    ]  # fmt: skip
    written = AuditRecord(object_type="user", object_id=1, action="reset_password", reason="asked")
    with app.test_request_context(), force_locale("vi"):
        assert [reason_of(record) for record in records] == [
            "yêu cầu trên trang chốt kết quả năm",
            "chạy theo lịch hoặc bằng dòng lệnh",
            "có hồ sơ đánh giá năm được mở lại",
        ]
        assert reason_of(written) == "asked"  # what a person wrote stays as written


def _recorded_actions() -> set[tuple[str, str]]:
    """(object type, action) of every `audit.record(...)` call whose both are written out
    (the action may be a choice of two: `"a" if x else "b"`)."""
    found: set[tuple[str, str]] = set()
    for path in (ROOT / "evaluation").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            kind = keywords.get("object_type")
            if not (isinstance(kind, ast.Constant) and isinstance(kind.value, str)):
                continue
            for value in ast.walk(keywords.get("action", ast.Constant(None))):
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add((kind.value, value.value))
    return found


def test_every_recorded_action_has_a_verb_and_its_object_a_name(app) -> None:
    recorded = _recorded_actions()
    assert ("sign_on_policy", "require_sign_on") in recorded  # the scan sees the sources
    assert ("satisfaction", "record") in recorded
    with app.test_request_context(), force_locale("vi"):
        raw = {
            (kind, action)
            for kind, action in recorded
            if sentences.verb(AuditRecord(object_type=kind, action=action)).startswith("thay đổi")
        }
    assert raw == set()
    assert {kind for kind, _action in recorded} - set(sentences.LOADERS) == set()
