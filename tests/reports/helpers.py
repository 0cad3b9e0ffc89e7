"""Reading exported workbooks back, as an office's spreadsheet program would."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(response) -> Workbook:
    """The downloaded workbook; fails unless the response is an .xlsx attachment."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.data))


def cells(ws: Worksheet) -> Iterator[Cell]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                yield cell


def find(ws: Worksheet, text: str) -> Cell:
    """The first cell whose value is exactly `text`."""
    for cell in cells(ws):
        if cell.value == text:
            return cell
    raise AssertionError(f"no cell {text!r}")


def contains(ws: Worksheet, text: str) -> bool:
    return any(isinstance(c.value, str) and text in c.value for c in cells(ws))


def row_values(ws: Worksheet, row: int) -> list:
    return [cell.value for cell in ws[row]]


def table_below(ws: Worksheet, header: str, column: int = 1) -> list[list]:
    """Rows under the header row holding `header`, up to the first blank row."""
    start = find(ws, header).row + 1
    rows = []
    for row in ws.iter_rows(min_row=start, values_only=True):
        if row[column - 1] is None:
            break
        rows.append(list(row))
    return rows


def day_of(value) -> date:
    """A date cell as read back (openpyxl gives a naive datetime); fails on text."""
    assert isinstance(value, datetime), f"not a date cell: {value!r}"
    return value.date()
