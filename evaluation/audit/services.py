"""Reading the audit trail, scoped by the unit tree like everything else."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, aliased

from criteria.criteria_sets import CriteriaSetError, load_criteria_set
from evaluation.accounts.models import User
from evaluation.audit import sentences
from evaluation.core.audit import AuditRecord
from evaluation.core.clock import AGENCY_TIMEZONE
from evaluation.core.labels import LABELS, rulebook_name
from evaluation.core.templating import format_date, format_moment, format_number
from evaluation.core.text import fold
from evaluation.core.workbook import Column, Export, Formats, Sheet, new_workbook
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import LIST_PAGE_SIZE, name_matches
from evaluation.plans.models import Plan, Task
from evaluation.rankings.models import Achievement, EmulationDecision
from evaluation.records.models import DisciplineRecord, LeaveRecord
from evaluation.records.satisfaction import SatisfactionRating
from evaluation.rulesets.models import CriteriaSetVersion
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

PAGE_SIZE = LIST_PAGE_SIZE


@dataclass(frozen=True)
class Entry:
    record: AuditRecord
    actor: str
    sentence: str


# The kinds of object the filter offers, by the records' object_type.
KINDS: dict[str, Any] = {
    "plan": _l("Kế hoạch"),
    "task": _l("Nhiệm vụ"),
    "period_score": _l("Điểm theo kỳ"),
    "evaluation": _l("Đánh giá, xếp loại năm"),
    "person": _l("Nhân sự"),
    "unit": _l("Đơn vị"),
    "leave": _l("Nghỉ phép"),
    "discipline": _l("Kỷ luật"),
    "achievement": _l("Thành tích"),
    "emulation_decision": _l("Quyết định khen thưởng"),
    "import_batch": _l("Nhập dữ liệu từ Excel"),
    "user": _l("Tài khoản"),
    "satisfaction": _l("Mức độ hài lòng của người dân"),
    "api_token": _l("Khoá tích hợp"),
    "criteria_set_version": _l("Bộ tiêu chí"),
    "policy_version": _l("Tham số chính sách"),
    "year_close": _l("Chốt kết quả năm"),
}


@dataclass(frozen=True)
class TrailFilter:
    """What the trail may be narrowed to: who made the change (their name, folded as the
    search box folds it), the kind of object, and the days (inclusive, the agencies' days)."""

    actor: str = ""
    kind: str | None = None
    since: date | None = None
    until: date | None = None

    def clause(self, actor_name: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        conditions = []
        if fold(self.actor):
            conditions.append(name_matches(self.actor, actor_name))
        if self.kind in KINDS:
            conditions.append(AuditRecord.object_type == self.kind)
        if self.since is not None:
            conditions.append(AuditRecord.at >= _start_of(self.since))
        if self.until is not None:
            conditions.append(AuditRecord.at < _start_of(self.until + timedelta(days=1)))
        return sa.and_(sa.true(), *conditions)

    def describe(self) -> str:
        parts = []
        if self.actor:
            parts.append(_("người thay đổi: %(name)s", name=self.actor))
        if self.kind in KINDS:
            parts.append(_("dữ liệu: %(kind)s", kind=KINDS[self.kind]))
        if self.since is not None:
            parts.append(_("từ ngày %(day)s", day=f"{self.since:%d/%m/%Y}"))
        if self.until is not None:
            parts.append(_("đến ngày %(day)s", day=f"{self.until:%d/%m/%Y}"))
        return "; ".join(parts) if parts else _("tất cả")


def _start_of(day: date) -> datetime:
    """Midnight of an agencies' day, as the UTC moment the records are stored in."""
    return datetime.combine(day, time(), AGENCY_TIMEZONE).astimezone(UTC)


def _object_unit(actor_unit_id: sa.ColumnElement[int]) -> sa.ColumnElement[int | None]:
    """The unit a record is about: the plan's, the score's, the person's … as the row stands
    now; for what the trail cannot place (an import batch, a deleted row), the unit of the
    account that made the change. One correlated look-up per row, in the same statement."""
    object_id = AuditRecord.object_id

    def unit_of(*columns: sa.ColumnElement[int | None], joined: Any = None) -> Any:
        query = sa.select(sa.func.coalesce(*columns) if len(columns) > 1 else columns[0])
        if joined is not None:
            query = query.select_from(joined)
        return query.correlate(AuditRecord).scalar_subquery()

    def person_unit(model: Any) -> Any:
        return unit_of(
            Person.unit_id,
            joined=sa.join(model, Person, model.person_id == Person.id),
        ).where(model.id == object_id)

    by_type: dict[str, Any] = {
        "plan": unit_of(Plan.unit_id).where(Plan.id == object_id),
        "task": unit_of(Plan.unit_id, joined=sa.join(Task, Plan, Task.plan_id == Plan.id)).where(
            Task.id == object_id
        ),
        "person": unit_of(Person.unit_id).where(Person.id == object_id),
        "unit": unit_of(Unit.id).where(Unit.id == object_id),
        "leave": person_unit(LeaveRecord),
        "discipline": person_unit(DisciplineRecord),
        "achievement": person_unit(Achievement),
        "period_score": unit_of(PeriodScore.unit_id).where(PeriodScore.id == object_id),
        "evaluation": unit_of(AnnualEvaluation.unit_id).where(AnnualEvaluation.id == object_id),
        "emulation_decision": unit_of(EmulationDecision.unit_id).where(
            EmulationDecision.id == object_id
        ),
        "user": unit_of(
            Person.unit_id,
            User.served_unit_id,
            joined=sa.outerjoin(User, Person, User.person_id == Person.id),
        ).where(User.id == object_id),
        "satisfaction": unit_of(SatisfactionRating.unit_id).where(
            SatisfactionRating.id == object_id
        ),
        "api_token": unit_of(sentences.API_TOKEN.c.unit_id).where(
            sentences.API_TOKEN.c.id == object_id
        ),
        "criteria_set_version": unit_of(CriteriaSetVersion.unit_id).where(
            CriteriaSetVersion.id == object_id
        ),
        "year_close": unit_of(Unit.id).where(Unit.id == object_id),
    }
    return sa.func.coalesce(
        sa.case(*((AuditRecord.object_type == kind, unit) for kind, unit in by_type.items())),
        actor_unit_id,
    )


def _query(
    session: Session, viewer: Viewer, filters: TrailFilter | None = None
) -> sa.Select[tuple[AuditRecord, str | None, str | None]]:
    """Records about objects in the viewer's reach (all of them for an administrator).

    Scoped by the unit of what changed, not by who changed it: a district's personnel office
    sees what a province account did to its people, and a sibling district's does not."""
    actor_person = aliased(Person)
    query = (
        sa.select(AuditRecord, User.username, actor_person.full_name)
        .outerjoin(User, AuditRecord.actor_id == User.id)
        .outerjoin(actor_person, User.person_id == actor_person.id)
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        .where((filters or TrailFilter()).clause(actor_person.search_name))
    )
    if not viewer.is_admin:
        actor_unit = (
            sa.select(Person.unit_id)
            .join(User, User.person_id == Person.id)
            .where(User.id == AuditRecord.actor_id)
            .correlate(AuditRecord)
            .scalar_subquery()
        )
        # The unit ids themselves rather than a sub-select, and the actor's unit looked up
        # rather than joined: PostgreSQL then reads the newest records through the index on
        # `at` and stops at the end of the page, instead of filtering the whole trail first.
        units = session.scalars(viewer.unit_ids_in_reach()).all()
        query = query.where(_object_unit(actor_unit).in_(units))
    if session.get_bind().dialect.name == "postgresql":
        # The per-row look-ups inflate the estimated cost past the JIT threshold: compiling
        # would take seconds for a page that reads a few hundred rows by index.
        session.execute(sa.text("SET LOCAL jit = off"))
    return query


def _entries(session: Session, rows: list[Any]) -> list[Entry]:
    """Rows of the trail with their sentences; what they are about is loaded for all at once."""
    subjects = sentences.load_subjects(session, [record for record, _username, _name in rows])
    entries = []
    for record, username, name in rows:
        actor = name or username or _("Hệ thống")
        entries.append(Entry(record, actor, sentences.describe(record, actor, subjects)))
    return entries


def page_of(
    session: Session, viewer: Viewer, page: int, filters: TrailFilter | None = None
) -> tuple[list[Entry], bool]:
    """One page of the trail, newest first, and whether an older page exists."""
    query = _query(session, viewer, filters).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    rows = session.execute(query).all()
    return _entries(session, rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def stream_entries(
    session: Session, viewer: Viewer, filters: TrailFilter | None = None, chunk: int = 1000
) -> Iterator[Entry]:
    """The whole trail in reach, for export, read and described a chunk at a time."""
    result = session.execute(_query(session, viewer, filters).execution_options(yield_per=chunk))
    for rows in result.partitions():
        yield from _entries(session, list(rows))


def export(
    session: Session,
    viewer: Viewer,
    *,
    agency_name: str,
    today: date,
    filters: TrailFilter | None = None,
) -> Export:
    """The change log in reach as a workbook, the page's sentences with the page's filters,
    streamed a chunk at a time (constant memory)."""
    filters = filters or TrailFilter()
    stream = io.BytesIO()
    book = new_workbook(stream)
    columns = [
        Column(_("Thời điểm"), 18),
        Column(_("Nội dung thay đổi"), 60, "wrap"),
        Column(_("Người thay đổi"), 26),
        Column(_("Giá trị cũ"), 30, "wrap"),
        Column(_("Giá trị mới"), 30, "wrap"),
        Column(_("Lý do"), 36, "wrap"),
    ]
    sheet = Sheet(book, Formats(book), _("Nhật ký"), columns)
    sheet.heading(agency_name, None, _("NHẬT KÝ THAY ĐỔI DỮ LIỆU ĐÁNH GIÁ, XẾP LOẠI"))
    sheet.date_line(_("Ngày lập:"), today)
    sheet.field(_("Bộ lọc"), filters.describe())
    sheet.skip()
    sheet.header_row()
    for entry in stream_entries(session, viewer, filters):
        record = entry.record
        sheet.table_row(
            [
                format_moment(record.at),
                entry.sentence,
                entry.actor,
                readable(record.old_value, record.object_type),
                readable(record.new_value, record.object_type),
                reason_of(record),
            ]
        )
    sheet.footer(today)
    book.close()
    stream.seek(0)
    return Export(stream, f"nhat-ky-{today:%Y-%m-%d}.xlsx", f"Nhật ký {today:%d-%m-%Y}.xlsx")


def reason_of(record: AuditRecord) -> str:
    """The reason as written, or the words for a reason the system gave by code (a close of
    the year asked on its page, from the command line, or after a reopening)."""
    reason = record.reason or ""
    return str(SYSTEM_REASONS.get((record.object_type, reason), reason))


# Reasons the system writes by code, by the kind of record.
SYSTEM_REASONS: dict[tuple[str, str], Any] = {
    ("year_close", "asked"): _l("yêu cầu trên trang chốt kết quả năm"),
    ("year_close", "command"): _l("chạy theo lịch hoặc bằng dòng lệnh"),
    ("year_close", "reopened"): _l("có hồ sơ đánh giá năm được mở lại"),
}


def readable(value: str | None, kind: str | None = None) -> str:
    """A stored old or new value as text: a status's name rather than its code, a JSON object
    as "key: value" lines, each field named as the kind of record (`object_type`) means it."""
    if value is None:
        return ""
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if isinstance(data, dict):
        names = FIELD_NAMES | KIND_FIELD_NAMES.get(kind or "", {})
        return "\n".join(
            f"{names.get(key, key)}: {_field(key, item)}" for key, item in data.items()
        )
    return _plain(data)


def _field(key: str, value: Any) -> str:
    """A value by its field: a rule set by its decree, a day in the page's format."""
    if key in ("criteria_set", "set") and isinstance(value, str):
        try:
            return load_criteria_set(value).title
        except CriteriaSetError:
            return str(rulebook_name(value))
    if key in ("rulebook", "rulebook_pin") and isinstance(value, str):
        return str(rulebook_name(value))
    if key in DAY_FIELDS and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return _plain(value)


def _plain(value: Any) -> str:
    """Names for stored codes, numbers in the page's language, yes/no for flags."""
    if isinstance(value, bool):
        return str(_l("Có") if value else _l("Không"))
    if value is None:
        return "—"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        if NUMBER.fullmatch(value):
            return format_number(Decimal(value))
        return str(_status_names().get(value, value))
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
DAY_FIELDS = frozenset(
    {"from", "to", "effective_on", "starts_on", "ends_on", "decided_on", "deadline",
     "effective_from"}
)  # fmt: skip

# Stored codes by the names the pages show: plan statuses, task outcomes, levels, titles,
# general assessments, discipline forms, leadership roles, token scopes and the events one is
# told of by email (issue 16: no code on a page).
STATUS_KINDS = (
    "plan_status",
    "outcome",
    "level",
    "title",
    "general",
    "discipline_form",
    "role",
    "account_role",
    "delegation_kind",
    "token_scope",
    "event_kind",
)


@cache
def _status_names() -> dict[str, Any]:
    """Built at first use: areas above this one (the API) register their names on import."""
    return {
        member.value: label
        for kind in STATUS_KINDS
        for member, label in LABELS.get(kind, {}).items()
    }


# The fields of stored old and new values, by name.
FIELD_NAMES: dict[str, Any] = {
    "level": _l("Mức xếp loại"),
    "total": _l("Tổng điểm"),
    "general": _l("Điểm tiêu chí chung"),
    "task": _l("Điểm kết quả thực hiện nhiệm vụ"),
    "general_points": _l("Điểm tiêu chí chung"),
    "task_points": _l("Điểm kết quả thực hiện nhiệm vụ"),
    "computed_task_points": _l("Điểm tính từ kế hoạch"),
    "rulebook": _l("Quy định áp dụng"),
    "criteria_set": _l("Bộ tiêu chí"),
    "person": _l("Người"),
    "kind": _l("Loại"),
    "from": _l("Từ ngày"),
    "to": _l("Đến ngày"),
    "unit": _l("Đơn vị"),
    "role": _l("Chức vụ"),
    "year": _l("Năm"),
    "number": _l("Số quyết định"),
    "title": _l("Danh hiệu"),
    "people": _l("Người được khen thưởng"),
    "units": _l("Tập thể được khen thưởng"),
    "form": _l("Hình thức kỷ luật"),
    "effective_on": _l("Ngày có hiệu lực"),
    "party": _l("Kỷ luật Đảng"),
    "username": _l("Tên đăng nhập"),
    "account_role": _l("Vai trò"),
    "served_unit": _l("Đơn vị phục vụ"),
    "active": _l("Đang hoạt động"),
    "delegator": _l("Người ủy quyền"),
    "holder": _l("Người được giao"),
    "starts_on": _l("Từ ngày"),
    "ends_on": _l("Đến hết ngày"),
    # a task as a document system sent it, or as a manager adjusted it
    "description": _l("Mô tả"),
    "target_quantity": _l("Số lượng sản phẩm"),
    "unit_of_measure": _l("Đơn vị tính"),
    "weight": _l("Trọng số"),
    "deadline": _l("Hạn hoàn thành"),
    # a portal's satisfaction counts, an integration token
    "responses": _l("Số lượt đánh giá"),
    "satisfied": _l("Số lượt hài lòng"),
    "name": _l("Tên"),
    "scope": _l("Quyền"),
    # sign-on, rule sets and the year-end close
    "issuer": _l("Nơi cấp danh tính"),
    "subject": _l("Mã danh tính"),
    "claim": _l("Thông tin dùng để đối chiếu"),
    "set": _l("Bộ tiêu chí"),
    "effective_from": _l("Có hiệu lực từ"),
    "rulebook_pin": _l("Quy định áp dụng"),
    "job": _l("Số tác vụ"),
    "close": _l("Số lần chốt"),
}

# Where a field means something else for one kind of record.
KIND_FIELD_NAMES: dict[str, dict[str, Any]] = {
    "task": {"title": _l("Tên nhiệm vụ")},
    "year_close": {"people": _l("Số người")},
}
