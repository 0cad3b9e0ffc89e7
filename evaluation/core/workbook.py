"""Building blocks shared by every export: page setup, heading, typed cells, signature block,
and the download. In core because the reports, the imports' templates and error sheets and the
audit log all write workbooks, and none of them may import another.

Each export is a document an office files as is, so every sheet gets the same frame: A4
landscape, the agency and the national motto at the top, header rows repeated on each printed
page, and the date and signatures at the foot. Sheets are written top to bottom, row by row,
so the workbook can run in xlsxwriter's `constant_memory` mode.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from flask import Response
from flask_babel import gettext as _
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from evaluation.core.clock import AGENCY_TIMEZONE

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
A4 = 9  # xlsxwriter's paper code
FONT = "Times New Roman"  # the font of Vietnamese administrative documents (ND30/2020)
# A spreadsheet reads a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would take this text for a formula if typed into a cell."""
    return text.startswith(FORMULA_TRIGGERS)


def new_workbook(stream: IO[bytes]) -> Workbook:
    """A workbook that keeps one row in memory at a time and never turns text into formulas.

    `constant_memory` needs temporary files (in_memory would switch it off), so the rows go to
    disk while the finished file goes to `stream`.
    """
    return Workbook(
        stream,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "dd/mm/yyyy",
        },
    )


@dataclass(frozen=True)
class Column:
    """A column of a table: its header and a width in characters that fits Vietnamese text."""

    label: str
    width: float
    kind: str = "text"  # text, wrap, number, integer, percent, date, change


class Formats:
    """The handful of cell formats every sheet uses, created once per workbook."""

    def __init__(self, book: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
        cell = {**base, "border": 1}

        def make(parent: dict[str, Any], **props: Any) -> Format:
            return book.add_format({**parent, **props})

        self.italic = make(base, italic=True)
        self.agency = make(base, bold=True, align="center", text_wrap=True)
        self.motto = make(base, bold=True, align="center")
        self.motto_sub = make(base, bold=True, underline=1, align="center")
        self.title = make(base, font_size=14, bold=True, align="center", text_wrap=True)
        self.subtitle = make(base, italic=True, align="center", text_wrap=True)
        self.center_bold = make(base, align="center", bold=True)
        self.center_italic = make(base, align="center", italic=True)
        self.date_plain = make(base, num_format="dd/mm/yyyy", align="left")
        self.header = make(cell, bold=True, align="center", text_wrap=True, bg_color="#E7E6E6")
        self.section = make(base, font_size=13, bold=True)
        self.warning = make(cell, bold=True, font_color="#C00000", text_wrap=True)
        self.kinds = {
            "text": make(cell),
            "wrap": make(cell, text_wrap=True, valign="top"),
            "number": make(cell, num_format="#,##0.00"),
            "integer": make(cell, num_format="#,##0", align="center"),
            "percent": make(cell, num_format="0.0%"),
            "date": make(cell, num_format="dd/mm/yyyy", align="center"),
            # places gained since the previous period: a signed number shown as ▲ 2 / ▼ 1 / =
            "change": make(cell, num_format='"▲ "0;"▼ "0;"="', align="center"),
        }
        # Excel keeps a quote-prefixed cell as text even when someone edits it later.
        self.quoted = {
            kind: make(cell, quote_prefix=True, text_wrap=kind == "wrap")
            for kind in ("text", "wrap")
        }
        self.bold_cell = make(cell, bold=True)


def to_local_date(value: datetime) -> date:
    """A stored UTC moment as the agencies' calendar day."""
    return value.astimezone(AGENCY_TIMEZONE).date() if value.tzinfo else value.date()


class Sheet:
    """One worksheet written row after row, with typed cells and the document's frame."""

    def __init__(self, book: Workbook, formats: Formats, name: str, columns: Sequence[Column]):
        self.book = book
        self.formats = formats
        self.columns = list(columns)
        self.ws: Worksheet = book.add_worksheet(name[:31])
        self.row = 0
        ws = self.ws
        ws.set_paper(A4)
        ws.set_landscape()
        ws.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
        ws.fit_to_pages(1, 0)  # as wide as one page, as many pages down as needed
        ws.center_horizontally()
        ws.set_footer(f'&C&"{FONT}"&10' + _("Trang &P/&N"))
        for index, column in enumerate(self.columns):
            ws.set_column(index, index, column.width)

    @property
    def last_col(self) -> int:
        return len(self.columns) - 1

    # --- cells ------------------------------------------------------------------------

    def text(self, row: int, col: int, value: str, kind: str = "text", fmt: Any = None) -> None:
        """User text always goes in as a string; text a spreadsheet would take for a formula
        is also quote-prefixed, so it stays text when the cell is edited."""
        if fmt is None:
            fmt = self.formats.quoted.get(kind) if is_formula_like(value) else None
            fmt = fmt or self.formats.kinds.get(kind, self.formats.kinds["text"])
        self.ws.write_string(row, col, value, fmt)

    def cell(self, row: int, col: int, value: Any, kind: str | None = None) -> None:
        """Write a value by its type: numbers as numbers, dates as dates, text as text."""
        kind = kind or (self.columns[col].kind if col < len(self.columns) else "text")
        formats = self.formats.kinds
        if value is None or value == "":
            self.ws.write_blank(row, col, None, formats.get(kind, formats["text"]))
        elif isinstance(value, bool):
            self.text(row, col, _("Có") if value else _("Không"), "text")
        elif isinstance(value, int | float | Decimal):
            number_kind = kind if kind in ("number", "integer", "percent", "change") else "number"
            self.ws.write_number(row, col, float(value), formats[number_kind])
        elif isinstance(value, datetime):
            self.ws.write_datetime(row, col, to_local_date(value), formats["date"])
        elif isinstance(value, date):
            self.ws.write_datetime(row, col, value, formats["date"])
        else:
            self.text(row, col, str(value), kind if kind in ("text", "wrap") else "text")

    def merged(self, value: str, fmt: Format, first: int = 0, last: int | None = None) -> None:
        """A line of text across several columns of the current row (never a formula)."""
        last = self.last_col if last is None else last
        if first == last:
            self.ws.write_string(self.row, first, value, fmt)
        else:
            self.ws.merge_range(self.row, first, self.row, last, "", fmt)
            self.ws.write_string(self.row, first, value, fmt)

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    # --- the document's frame -----------------------------------------------------------

    def heading(self, agency: str, unit: str | None, title: str, subtitle: str = "") -> None:
        """Agency on the left, the national motto on the right, then the title."""
        f = self.formats
        split = max(1, (self.last_col + 1) * 2 // 5) - 1
        right = split + 1 if split + 1 <= self.last_col else split
        self.merged(agency.upper(), f.agency, 0, split)
        self.merged(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), f.motto, right)
        self.skip()
        self.merged(unit or "", f.agency, 0, split)
        self.merged(_("Độc lập - Tự do - Hạnh phúc"), f.motto_sub, right)
        self.skip(2)
        self.ws.set_row(self.row, 36)
        self.merged(title, f.title)
        self.skip()
        if subtitle:
            self.merged(subtitle, f.subtitle)
            self.skip()
        self.skip()

    def date_line(self, label: str, day: date) -> None:
        """A labelled real date (not a string), e.g. the day the export was made."""
        self.ws.write_string(self.row, 0, label, self.formats.italic)
        self.ws.write_datetime(self.row, 1, day, self.formats.date_plain)
        self.skip()

    def section(self, title: str) -> None:
        self.ws.write_string(self.row, 0, title, self.formats.section)
        self.skip()

    def header_row(self, labels: Sequence[str] | None = None, *, repeat: bool = True) -> int:
        """The table's header; repeated on every printed page and frozen on screen."""
        labels = labels or [column.label for column in self.columns]
        self.ws.set_row(self.row, 32)
        for col, label in enumerate(labels):
            self.ws.write_string(self.row, col, label, self.formats.header)
        header = self.row
        if repeat:
            self.ws.repeat_rows(header)
            self.ws.freeze_panes(header + 1, 0)
        self.skip()
        return header

    def table_row(self, values: Sequence[Any], kinds: Sequence[str | None] | None = None) -> None:
        for col, value in enumerate(values):
            self.cell(self.row, col, value, kinds[col] if kinds else None)
        self.skip()

    def field(self, label: str, value: Any, kind: str = "wrap") -> None:
        """A label in the first column, its value across the others (for one-record sheets)."""
        self.ws.write_string(self.row, 0, label, self.formats.bold_cell)
        if self.last_col >= 2 and not isinstance(value, int | float | Decimal | date):
            self.ws.merge_range(self.row, 1, self.row, self.last_col, "", self.formats.kinds[kind])
        if isinstance(value, str) and len(value) > 80:
            total_width = sum(c.width for c in self.columns[1:]) or 40
            lines = sum(len(part) // int(total_width * 0.9) + 1 for part in value.split("\n"))
            self.ws.set_row(self.row, min(409, 16 * lines))
        self.cell(self.row, 1, value, kind)
        self.skip()

    def footer(self, day: date, signers: Sequence[str] | None = None) -> None:
        """The date line and the signature block at the foot of the document."""
        f = self.formats
        signers = list(signers or (_("NGƯỜI LẬP BIỂU"), _("THỦ TRƯỞNG ĐƠN VỊ")))
        self.skip()
        place = _("……, ngày %(d)02d tháng %(m)02d năm %(y)d", d=day.day, m=day.month, y=day.year)
        span = max(1, (self.last_col + 1) // len(signers))
        slots = [
            (i * span, self.last_col if i == len(signers) - 1 else (i + 1) * span - 1)
            for i in range(len(signers))
        ]
        self.merged(place, f.center_italic, *slots[-1])
        self.skip()
        for (first, last), signer in zip(slots, signers, strict=True):
            self.merged(signer, f.center_bold, first, last)
        self.skip()
        for first, last in slots:
            self.merged(_("(Ký, ghi rõ họ tên)"), f.center_italic, first, last)
        self.skip(5)


@dataclass(frozen=True)
class Export:
    """A finished workbook and the names to download it under (ASCII and Vietnamese)."""

    stream: io.BytesIO
    filename: str
    display_name: str


def xlsx_response(export: Export) -> Response:
    """The workbook as an attachment: an ASCII name, and the Vietnamese one for browsers that
    read RFC 6266's filename*."""
    response = Response(export.stream.getvalue(), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export.filename}"; '
        f"filename*=UTF-8''{quote(export.display_name, safe='')}"
    )
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
