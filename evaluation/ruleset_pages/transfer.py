"""A criteria set as a file other provinces can read: JSON (criteria/sets/'s schema) or an
xlsx workbook (a sheet of the set's details, a sheet of its criteria, one per row)."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import xlsxwriter
from flask_babel import gettext as _

from evaluation.core.errors import DomainError

MAX_BYTES = 1_000_000
DETAILS_SHEET = "Thong tin"
CRITERIA_SHEET = "Tieu chi"
DETAILS = (  # (key in the data, heading in the workbook)
    ("name", "Mã bộ tiêu chí"),
    ("title", "Tên bộ tiêu chí"),
    ("rulebook", "Văn bản áp dụng (nd90 hoặc nd335)"),
    ("categories", "Đối tượng (cách nhau bởi dấu phẩy)"),
    ("leader", "Dành cho lãnh đạo (có/không)"),
    ("bands", "Ngưỡng Xuất sắc, Tốt, Hoàn thành (để trống: theo chính sách)"),
)
CRITERIA_HEADINGS = (
    "Mã nhóm",
    "Tên nhóm",
    "Điểm tối đa của nhóm",
    "Mã tiêu chí",
    "Tên tiêu chí",
    "Mô tả",
    "Điểm tối đa",
    "Căn cứ",
)
YES = {"có", "co", "x", "true", "1", "yes"}


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def to_xlsx(data: dict[str, Any]) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True})
    details = book.add_worksheet(DETAILS_SHEET)
    applies = data.get("applies_to") if isinstance(data.get("applies_to"), dict) else {}
    categories = applies.get("categories")
    bands = data.get("bands")
    values = {
        "name": _cell(data.get("name")),
        "title": _cell(data.get("title")),
        "rulebook": _cell(data.get("rulebook")),
        "categories": ", ".join(map(str, categories)) if isinstance(categories, list) else "",
        "leader": "có" if applies.get("leader") is True else "không",
        "bands": ", ".join(map(str, bands)) if isinstance(bands, list) else "",
    }
    for row, (key, heading) in enumerate(DETAILS):
        details.write(row, 0, heading, bold)
        details.write(row, 1, values[key])
    details.set_column(0, 0, 48)
    details.set_column(1, 1, 80)
    sheet = book.add_worksheet(CRITERIA_SHEET)
    sheet.write_row(0, 0, CRITERIA_HEADINGS, bold)
    row = 1
    for group in _objects(data.get("groups")):
        for item in _objects(group.get("criteria")):
            cells = (
                group.get("code"),
                group.get("name"),
                group.get("max_points"),
                item.get("code"),
                item.get("name"),
                item.get("description"),
                item.get("max_points"),
                item.get("source"),
            )
            sheet.write_row(row, 0, [_cell(cell) for cell in cells])
            row += 1
    sheet.set_column(0, 4, 16)
    sheet.set_column(5, 5, 80)
    sheet.set_column(6, 7, 24)
    book.close()
    return output.getvalue()


def from_upload(filename: str, content: bytes) -> dict[str, Any]:
    """The set's data from an uploaded .json or .xlsx; DomainError says what is unreadable.
    What is read is not yet checked: the draft's page lists its problems."""
    if len(content) > MAX_BYTES:
        raise DomainError(_("Tệp quá lớn (tối đa 1 MB)."), field="file")
    if filename.lower().endswith(".json"):
        try:
            data = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise DomainError(_("Tệp JSON không đọc được."), field="file") from None
        if not isinstance(data, dict):
            raise DomainError(_("Tệp JSON không chứa một bộ tiêu chí."), field="file")
        return data
    if filename.lower().endswith(".xlsx"):
        return _from_xlsx(content)
    raise DomainError(_("Chỉ nhận tệp .json hoặc .xlsx."), field="file")


def _from_xlsx(content: bytes) -> dict[str, Any]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(_("Tệp Excel không đọc được."), field="file") from None
    if DETAILS_SHEET not in book.sheetnames or CRITERIA_SHEET not in book.sheetnames:
        raise DomainError(
            _("Tệp Excel cần hai trang tính “%(a)s” và “%(b)s” như tệp xuất từ hệ thống.",
              a=DETAILS_SHEET, b=CRITERIA_SHEET),
            field="file",
        )  # fmt: skip
    details = {}
    headings = {heading: key for key, heading in DETAILS}
    for row in book[DETAILS_SHEET].iter_rows(max_col=2, values_only=True):
        if row and row[0] in headings:
            details[headings[row[0]]] = row[1]
    groups: dict[str, dict[str, Any]] = {}
    for row in book[CRITERIA_SHEET].iter_rows(min_row=2, max_col=8, values_only=True):
        if not row or all(cell in (None, "") for cell in row):
            continue
        group_code, group_name, group_max, code, name, description, points, source = (
            *row,
            *([None] * (8 - len(row))),
        )[:8]
        group = groups.setdefault(
            str(group_code or ""),
            {"code": _text(group_code), "name": _text(group_name), "max_points": _number(group_max),
             "criteria": []},
        )  # fmt: skip
        group["criteria"].append(
            {
                "code": _text(code),
                "name": _text(name),
                "description": _text(description),
                "max_points": _number(points),
                "source": _text(source),
            }
        )
    book.close()
    data: dict[str, Any] = {
        "name": _text(details.get("name")),
        "version": 1,
        "rulebook": _text(details.get("rulebook")),
        "title": _text(details.get("title")),
        "applies_to": {
            "categories": [
                c.strip() for c in _text(details.get("categories")).split(",") if c.strip()
            ],
            "leader": _text(details.get("leader")).lower() in YES,
        },
        "groups": list(groups.values()),
    }
    bands = [part.strip() for part in _text(details.get("bands")).split(",") if part.strip()]
    if bands:
        data["bands"] = [_number(part.replace(" ", "")) for part in bands]
    return data


def _objects(value: Any) -> list[dict[str, Any]]:
    """The dictionaries of a list in a draft's data, which may be anything while edited."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _cell(value: Any) -> str | int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number
