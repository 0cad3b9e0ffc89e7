"""Reading the audit trail, scoped by the unit tree like everything else."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, aliased

from evaluation.accounts.models import User
from evaluation.core.audit import AuditRecord
from evaluation.core.templating import format_moment
from evaluation.core.workbook import Column, Export, Formats, Sheet, new_workbook
from evaluation.organisation.models import Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.plans.models import Plan, Task
from evaluation.rankings.models import Achievement, EmulationDecision
from evaluation.records.models import DisciplineRecord, LeaveRecord
from evaluation.scoring.models import AnnualEvaluation, PeriodScore

PAGE_SIZE = 100


@dataclass(frozen=True)
class Entry:
    record: AuditRecord
    actor: str


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
    }
    return sa.func.coalesce(
        sa.case(*((AuditRecord.object_type == kind, unit) for kind, unit in by_type.items())),
        actor_unit_id,
    )


def _query(
    session: Session, viewer: Viewer
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


def page_of(session: Session, viewer: Viewer, page: int) -> tuple[list[Entry], bool]:
    """One page of the trail, newest first, and whether an older page exists."""
    query = _query(session, viewer).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    rows = session.execute(query).all()
    entries = [Entry(record, name or username or "—") for record, username, name in rows]
    return entries[:PAGE_SIZE], len(entries) > PAGE_SIZE


def stream_entries(session: Session, viewer: Viewer, chunk: int = 1000) -> Iterator[Entry]:
    """The whole trail in reach, for export, read in chunks."""
    for record, username, name in session.execute(
        _query(session, viewer).execution_options(yield_per=chunk)
    ):
        yield Entry(record, name or username or "—")


def export(session: Session, viewer: Viewer, *, agency_name: str, today: date) -> Export:
    """The change log in reach as a workbook, streamed row by row (constant memory)."""
    stream = io.BytesIO()
    book = new_workbook(stream)
    columns = [
        Column(_("Thời điểm"), 18),
        Column(_("Người thay đổi"), 26),
        Column(_("Dữ liệu thay đổi"), 18),
        Column(_("Mã"), 9, "integer"),
        Column(_("Thao tác"), 20),
        Column(_("Giá trị cũ"), 30, "wrap"),
        Column(_("Giá trị mới"), 30, "wrap"),
        Column(_("Lý do"), 36, "wrap"),
    ]
    sheet = Sheet(book, Formats(book), _("Nhật ký"), columns)
    sheet.heading(agency_name, None, _("NHẬT KÝ THAY ĐỔI DỮ LIỆU ĐÁNH GIÁ, XẾP LOẠI"))
    sheet.date_line(_("Ngày lập:"), today)
    sheet.header_row()
    for entry in stream_entries(session, viewer):
        record = entry.record
        sheet.table_row(
            [
                format_moment(record.at),
                entry.actor,
                record.object_type,
                record.object_id,
                record.action,
                record.old_value or "",
                record.new_value or "",
                record.reason or "",
            ]
        )
    sheet.footer(today)
    book.close()
    stream.seek(0)
    return Export(stream, f"nhat-ky-{today:%Y-%m-%d}.xlsx", f"Nhật ký {today:%d-%m-%Y}.xlsx")
