"""An audit record as a sentence: "Trần Văn B duyệt kế hoạch Tháng 12/2026 của Nguyễn Thị C
lúc 09:14 01/12/2026".

The page and the export both call `describe`, so they read alike. What each record is about
(its plan and owner, its task, its person …) is loaded for a whole page at once by
`load_subjects`: one query per kind of object on the page, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, joinedload

from criteria.procedure import Step
from evaluation.accounts.models import User
from evaluation.core.audit import AuditRecord
from evaluation.core.clock import AGENCY_TIMEZONE
from evaluation.core.labels import LABELS
from evaluation.organisation.models import Person, Unit
from evaluation.plans.models import Plan, Task
from evaluation.plans.periods import Period
from evaluation.rankings.models import Achievement, EmulationDecision
from evaluation.records.models import DisciplineRecord, LeaveRecord
from evaluation.records.satisfaction import SatisfactionRating
from evaluation.rulesets.models import CriteriaSetVersion, PolicyVersion
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

Key = tuple[str, int]

# What was done, by action, or by (object type, action) where one word does not fit all.
VERBS: dict[Any, Any] = {
    "create": _l("tạo"),
    ("plan", "create"): _l("lập"),
    ("leave", "create"): _l("ghi"),
    ("discipline", "create"): _l("ghi"),
    ("achievement", "create"): _l("ghi"),
    "submit": _l("gửi duyệt"),
    "approve": _l("duyệt"),
    "return": _l("trả lại"),
    ("plan", "report"): _l("gửi báo cáo kết quả của"),
    "close": _l("đóng"),
    "reopen": _l("mở lại"),
    "report_result": _l("ghi kết quả"),
    "assess": _l("đánh giá chất lượng"),
    "add_evidence": _l("đính kèm tệp minh chứng cho"),
    "remove_evidence": _l("gỡ tệp minh chứng của"),
    "score": _l("chấm"),
    "move": _l("cập nhật đơn vị, chức vụ của"),
    "correct_placement": _l("sửa quá trình công tác của"),
    "import_create": _l("nhập mới từ Excel"),
    "import_update": _l("cập nhật từ Excel"),
    "apply": _l("áp dụng"),
    "record": _l("ghi"),
    "revoke": _l("thu hồi"),
    "change_password": _l("đổi mật khẩu của"),
    "create_account": _l("tạo"),
    "deactivate_account": _l("khoá"),
    "reactivate_account": _l("mở lại"),
    "change_role": _l("đổi vai trò của"),
    "reset_password": _l("cấp lại mật khẩu cho"),
    "unlock_account": _l("mở khoá đăng nhập của"),
    "create_delegation": _l("ủy quyền hoặc giao quyền trưởng tại"),
    "end_delegation": _l("kết thúc ủy quyền hoặc giao quyền trưởng tại"),
    # a document system's tasks (the API) and a manager's adjustment of them
    ("task", "create"): _l("giao"),
    "update": _l("cập nhật"),
    "override": _l("điều chỉnh"),
    # logins and notifications
    "link_sign_on": _l("gắn danh tính đăng nhập một lần với"),
    "require_sign_on": _l("bật yêu cầu đăng nhập một lần trong"),
    "allow_passwords": _l("tắt yêu cầu đăng nhập một lần trong"),
    "notification_settings": _l("đổi cài đặt nhận thư thông báo của"),
    # criteria sets and policy parameters
    "draft": _l("soạn bản nháp"),
    "edit": _l("sửa"),
    "delete_draft": _l("xoá bản nháp"),
    "publish": _l("ban hành"),
    "pin_criteria_set": _l("áp dụng bộ tiêu chí riêng cho"),
    "unpin_criteria_set": _l("bỏ bộ tiêu chí riêng của"),
    "rulebook_pin": _l("chọn quy định áp dụng cho"),
    # the year-end close
    "close_requested": _l("yêu cầu chốt kết quả năm của"),
    ("year_close", "close"): _l("chốt kết quả năm của"),
}

# What a record is about once its row is gone, for kinds whose records outlive it.
GONE: dict[str, Any] = {
    "criteria_set_version": _l("bộ tiêu chí (đã xoá)"),
}


def _step_name(value: str) -> str:
    step = Step(value)
    return str(LABELS.get("step", {}).get(step) or step.label)


def verb(record: AuditRecord) -> str:
    """The verb phrase of a record; an evaluation's step is named by the step."""
    found = VERBS.get((record.object_type, record.action)) or VERBS.get(record.action)
    if found is not None:
        return str(found)
    if record.object_type == "evaluation" and record.action in {step.value for step in Step}:
        return _("ghi bước “%(step)s” của", step=_step_name(record.action))
    return _("thay đổi (%(action)s)", action=record.action)


def moment(value: datetime) -> str:
    """09:14 01/12/2026, in the agencies' time."""
    if value.tzinfo is not None:
        value = value.astimezone(AGENCY_TIMEZONE)
    return value.strftime("%H:%M %d/%m/%Y")


def describe(record: AuditRecord, actor: str, subjects: Mapping[Key, str]) -> str:
    """The record as one sentence: who did what to which object, and when."""
    subject = subjects.get((record.object_type, record.object_id))
    if subject is None and record.object_type in GONE:
        subject = str(GONE[record.object_type])
    if subject is None:
        subject = _("dữ liệu đã xoá (mã %(id)d)", id=record.object_id)
    return _(
        "%(actor)s %(verb)s %(subject)s lúc %(time)s",
        actor=actor,
        verb=verb(record),
        subject=subject,
        time=moment(record.at),
    )


def _of(name: str | None) -> str:
    return _(" của %(name)s", name=name) if name else ""


def _plan_phrase(plan: Plan) -> str:
    owner = plan.person.full_name if plan.person else _("đơn vị %(unit)s", unit=plan.unit.name)
    return _("kế hoạch %(period)s", period=plan.period.label) + _of(owner)


def _plans(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.scalars(
        sa.select(Plan)
        .options(joinedload(Plan.person), joinedload(Plan.unit))
        .where(Plan.id.in_(ids))
    )
    return {plan.id: _plan_phrase(plan) for plan in rows}


def _tasks(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.scalars(
        sa.select(Task)
        .options(
            joinedload(Task.plan).joinedload(Plan.person),
            joinedload(Task.plan).joinedload(Plan.unit),
        )
        .where(Task.id.in_(ids))
    )
    return {
        task.id: _(
            "nhiệm vụ “%(title)s” trong %(plan)s", title=task.title, plan=_plan_phrase(task.plan)
        )
        for task in rows
    }


def _people(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(sa.select(Person.id, Person.full_name).where(Person.id.in_(ids)))
    return {id_: name for id_, name in rows}


def _units(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids)))
    return {id_: _("đơn vị %(unit)s", unit=name) for id_, name in rows}


def _of_person(
    model: Any, phrase: Callable[[Any], str]
) -> Callable[[Session, Iterable[int]], dict[int, str]]:
    def load(session: Session, ids: Iterable[int]) -> dict[int, str]:
        rows = session.execute(
            sa.select(model, Person.full_name)
            .join(Person, model.person_id == Person.id)
            .where(model.id.in_(ids))
        )
        return {row.id: phrase(row) + _of(name) for row, name in rows}

    return load


def _period_of(score: PeriodScore) -> str:
    period = Period(score.period_kind, score.period_year, score.period_number)
    return _("điểm %(period)s", period=period.label)


def _decisions(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(
        sa.select(EmulationDecision.id, EmulationDecision.number).where(
            EmulationDecision.id.in_(ids)
        )
    )
    return {id_: _("quyết định khen thưởng số %(number)s", number=number) for id_, number in rows}


def _users(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(
        sa.select(User.id, sa.func.coalesce(Person.full_name, User.username))
        .outerjoin(Person, User.person_id == Person.id)
        .where(User.id.in_(ids))
    )
    return {id_: _("tài khoản %(name)s", name=name) for id_, name in rows}


def _ratings(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(
        sa.select(SatisfactionRating, Person.full_name, Unit.name)
        .outerjoin(Person, SatisfactionRating.person_id == Person.id)
        .join(Unit, SatisfactionRating.unit_id == Unit.id)
        .where(SatisfactionRating.id.in_(ids))
    )
    return {
        rating.id: _("số liệu mức độ hài lòng %(period)s", period=rating.period.label)
        + _of(person or unit)
        for rating, person, unit in rows
    }


# The API sits above the audit trail and may not be imported here: its table, by name.
API_TOKEN = sa.table(
    "api_token", sa.column("id", sa.Integer), sa.column("name"), sa.column("unit_id", sa.Integer)
)


def _api_tokens(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(
        sa.select(API_TOKEN.c.id, API_TOKEN.c.name).where(API_TOKEN.c.id.in_(ids))
    )
    return {id_: _("khoá tích hợp “%(name)s”", name=name) for id_, name in rows}


def _criteria_sets(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.scalars(sa.select(CriteriaSetVersion).where(CriteriaSetVersion.id.in_(ids)))
    return {
        row.id: _(
            "bộ tiêu chí “%(title)s” phiên bản %(version)d", title=row.title, version=row.version
        )
        for row in rows
    }


def _policies(session: Session, ids: Iterable[int]) -> dict[int, str]:
    rows = session.execute(
        sa.select(PolicyVersion.id, PolicyVersion.version).where(PolicyVersion.id.in_(ids))
    )
    return {
        id_: _("tham số chính sách phiên bản %(version)d", version=version) for id_, version in rows
    }


def _batches(_session: Session, ids: Iterable[int]) -> dict[int, str]:
    """An import batch is named by its number (imports sit beside audit, not below it)."""
    return {id_: _("đợt nhập dữ liệu số %(id)d", id=id_) for id_ in ids}


LOADERS: dict[str, Callable[[Session, Iterable[int]], dict[int, str]]] = {
    "plan": _plans,
    "task": _tasks,
    "person": _people,
    "unit": _units,
    "leave": _of_person(LeaveRecord, lambda _row: _("đợt nghỉ")),
    "discipline": _of_person(DisciplineRecord, lambda _row: _("kỷ luật")),
    "achievement": _of_person(
        Achievement, lambda row: _("thành tích “%(title)s”", title=row.title)
    ),
    "period_score": _of_person(PeriodScore, _period_of),
    "evaluation": _of_person(
        AnnualEvaluation, lambda row: _("hồ sơ đánh giá năm %(year)d", year=row.year)
    ),
    "emulation_decision": _decisions,
    "user": _users,
    "import_batch": _batches,
    "satisfaction": _ratings,
    "api_token": _api_tokens,
    "criteria_set_version": _criteria_sets,
    "policy_version": _policies,
    "year_close": _units,  # a close is recorded against the unit whose subtree it covers
    "sign_on_policy": lambda _s, ids: {i: _("cài đặt đăng nhập") for i in ids},
}


def load_subjects(session: Session, records: Iterable[AuditRecord]) -> dict[Key, str]:
    """What every record of a page is about, in one query per kind of object."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for record in records:
        wanted[record.object_type].add(record.object_id)
    found: dict[Key, str] = {}
    for kind, ids in wanted.items():
        loader = LOADERS.get(kind)
        if loader is None:
            continue
        for start in range(0, len(ids), 500):  # bounded IN lists, for the export's chunks
            chunk = sorted(ids)[start : start + 500]
            found.update({(kind, id_): text for id_, text in loader(session, chunk).items()})
    return found
