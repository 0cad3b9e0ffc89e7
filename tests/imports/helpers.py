"""Workbooks built in memory for the import tests, and the row counts that must not move."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from evaluation.imports.models import ImportBatch
from evaluation.organisation.models import Person, Placement, Unit
from evaluation.plans.models import Plan, Task

UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"]
PEOPLE_HEADER = [
    "Mã cán bộ",
    "Họ và tên",
    "Ngày sinh",
    "Đối tượng",
    "Vị trí việc làm",
    "Mã đơn vị",
    "Chức vụ lãnh đạo",
    "Email",
]
TASK_HEADER = [
    "Mã cán bộ",
    "Tên nhiệm vụ",
    "Số lượng",
    "Đơn vị tính",
    "Trọng số",
    "Hạn hoàn thành",
    "Mô tả",
]


def workbook(sheets: dict[str, list[list[Any]]], merge: dict[str, str] | None = None) -> bytes:
    """An .xlsx with one sheet per entry; `merge` names a range to merge in a sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if merge and name in merge:
            sheet.merge_cells(merge[name])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def staff_book(units: list[list[Any]], people: list[list[Any]]) -> bytes:
    return workbook({"Đơn vị": [UNIT_HEADER, *units], "Nhân sự": [PEOPLE_HEADER, *people]})


def task_book(rows: list[list[Any]]) -> bytes:
    return workbook({"Nhiệm vụ": [TASK_HEADER, *rows]})


def rewrite_member(data: bytes, name: str, change: Any) -> bytes:
    """The same zip with one member's text changed by `change(text) -> text`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = change(content.decode()).encode()
            target.writestr(item.filename, content)
    return output.getvalue()


def set_dimension(data: bytes, ref: str, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    return rewrite_member(
        data,
        member,
        lambda text: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', text),
    )


def upload(client: FlaskClient, url: str, content: bytes, **fields: str) -> TestResponse:
    response = client.post(
        url,
        data={**fields, "file": (io.BytesIO(content), "danh-sach.xlsx")},
        content_type="multipart/form-data",
    )
    # The test client spools large bodies to a temporary file it never closes.
    response.request.environ["wsgi.input"].close()
    return response


def counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Unit, Person, Placement, Plan, Task, ImportBatch)
    }


def error_rows(html: str) -> list[str]:
    """The error table's rows as plain text: sheet | row | column | message."""
    rows = re.findall(r'<tr class="import-error">(.*?)</tr>', html, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    return [" | ".join(re.sub(r"\s+", " ", c).strip() for c in row) for row in cells]


def batch_id(response: TestResponse) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.location.rstrip("/").split("/")[-1])


def people_rows(session: Session) -> list[tuple[Any, ...]]:
    """Every person and placement as plain values: a refused import leaves them all as they
    were, not only their number."""
    session.expire_all()
    people = session.execute(
        sa.select(
            Person.code,
            Person.full_name,
            Person.date_of_birth,
            Person.email,
            Person.category,
            Person.job_position,
            Person.unit_id,
            Person.leadership_role,
        ).order_by(Person.code)
    ).all()
    placements = session.execute(
        sa.select(
            Placement.person_id,
            Placement.unit_id,
            Placement.leadership_role,
            Placement.job_position,
            Placement.starts_on,
            Placement.ends_on,
        ).order_by(Placement.id)
    ).all()
    return [tuple(row) for row in (*people, *placements)]
