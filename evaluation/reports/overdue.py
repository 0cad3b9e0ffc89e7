"""The Monday report of overdue tasks as a workbook: the page's rows, with the page's filters."""

from __future__ import annotations

import io
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from evaluation.core.workbook import Column, Export, Formats, Sheet, new_workbook
from evaluation.organisation.permissions import Viewer
from evaluation.plans.services import OverdueFilter, overdue_tasks


def describe(filters: OverdueFilter) -> str:
    """The filters in words, printed above the table so a sheet says what it leaves out."""
    parts = []
    if filters.search:
        parts.append(_("người thực hiện: %(name)s", name=filters.search))
    if filters.kind is not None:
        parts.append(_("loại kỳ: %(kind)s", kind=filters.kind.label))
    if filters.min_days:
        parts.append(_("từ %(n)d ngày quá hạn", n=filters.min_days))
    return "; ".join(parts) if parts else _("tất cả")


def overdue_report(
    session: Session, viewer: Viewer, today: date, filters: OverdueFilter, *, agency_name: str
) -> Export:
    """Every open task past its deadline in the viewer's reach that the filters keep."""
    stream = io.BytesIO()
    book = new_workbook(stream)
    columns = [
        Column(_("STT"), 6, "integer"),
        Column(_("Người thực hiện"), 26, "wrap"),
        Column(_("Đơn vị"), 26, "wrap"),
        Column(_("Nhiệm vụ"), 40, "wrap"),
        Column(_("Kế hoạch"), 18, "wrap"),
        Column(_("Hạn"), 12, "date"),
        Column(_("Số ngày quá hạn"), 10, "integer"),
    ]
    sheet = Sheet(book, Formats(book), _("Quá hạn"), columns)
    sheet.heading(agency_name, None, _("BÁO CÁO NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"))
    sheet.date_line(_("Tính đến ngày:"), today)
    sheet.field(_("Bộ lọc"), describe(filters))
    sheet.skip()
    sheet.header_row()
    for number, task in enumerate(
        overdue_tasks(session, viewer, today, limit=None, filters=filters), start=1
    ):
        plan = task.plan
        sheet.table_row(
            [
                number,
                plan.person.full_name if plan.person else plan.unit.name,
                plan.unit.name,
                task.title,
                plan.period.label,
                task.deadline,
                (today - task.deadline).days,
            ]
        )
    sheet.footer(today)
    book.close()
    stream.seek(0)
    return Export(
        stream, f"qua-han-{today:%Y-%m-%d}.xlsx", f"Nhiệm vụ quá hạn {today:%d-%m-%Y}.xlsx"
    )
