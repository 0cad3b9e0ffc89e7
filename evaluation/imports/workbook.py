"""Reading untrusted .xlsx uploads safely, and writing the blank templates offices fill in.

The checks run before openpyxl sees the file: size, zip magic, the spreadsheet content type,
the uncompressed sizes declared in the zip directory (zipfile enforces them while reading, a
member longer than declared fails its CRC), and the declared sheet dimension. Reading then
stops at the row limit, whatever the dimension said.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
import xlsxwriter
from flask_babel import gettext as _
from openpyxl.utils import get_column_letter

from evaluation.core.text import BIDI_CONTROLS, clean_text, has_bidi_control

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_DATA_ROWS = 20_000  # per sheet, not counting the header
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBER_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 1000
PROLOG_BYTES = 2048
SPREADSHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
ZIP_MAGIC = b"PK\x03\x04"
_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?)"'
)
_RANGE_ROWS = re.compile(r"[A-Z]+(\d+)")
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# A one-line cell refuses control characters and bidirectional controls: one search per cell
# (testing each character in Python took a tenth of reading a 10 000-row file).
_REFUSED_IN_TEXT = re.compile("[\x00-\x1f\x7f" + "".join(sorted(BIDI_CONTROLS)) + "]")


class RefusedFile(Exception):
    """The upload is not a spreadsheet we will open at all; nothing else is checked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CellError:
    """One problem, where the office can find it: sheet, row, column letter and header."""

    sheet: str | None
    row: int | None
    column: str | None
    header: str | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 18


def normalize(text: str) -> str:
    """Compare labels the way people type them: no case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("(*)", "").replace("*", "")
    return " ".join(bare.casefold().split())


# --- the file as a whole ------------------------------------------------------------------


def check_container(data: bytes) -> None:
    """Refuse anything that is not a plain .xlsx zip of reasonable expanded size."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise RefusedFile(
            _("Tệp lớn hơn %(mb)d MB; hãy chia thành nhiều tệp.", mb=MAX_UPLOAD_BYTES // 2**20)
        )
    if not data.startswith(ZIP_MAGIC):
        raise RefusedFile(_("Tệp không phải bảng tính Excel (.xlsx)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise RefusedFile(_("Tệp .xlsx bị hỏng, không đọc được.")) from error
    with archive:
        if len(members) > MAX_MEMBERS:
            raise RefusedFile(_("Tệp .xlsx có cấu trúc bất thường, không thể mở."))
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_UNCOMPRESSED_BYTES or (
                member.file_size > RATIO_FLOOR and ratio > MAX_MEMBER_RATIO
            ):
                raise RefusedFile(
                    _("Tệp .xlsx giải nén ra quá lớn (nghi là tệp độc hại), không thể mở.")
                )
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names:
            raise RefusedFile(_("Tệp không phải bảng tính Excel (.xlsx)."))
        try:
            content_types = archive.read("[Content_Types].xml")
            prologs = [
                _prolog(archive, m) for m in members if m.filename.endswith((".xml", ".rels"))
            ]
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise RefusedFile(_("Tệp .xlsx bị hỏng, không đọc được.")) from error
    if SPREADSHEET_MAIN.encode() not in content_types:
        raise RefusedFile(
            _("Tệp không phải bảng tính Excel (.xlsx); tệp .xlsm, .xls hay .ods không được nhận.")
        )
    # Entity declarations are how XML bombs expand; a spreadsheet never needs them.
    if any(b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog for prolog in prologs):
        raise RefusedFile(_("Tệp .xlsx có cấu trúc bất thường, không thể mở."))


def _prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    with archive.open(member) as handle:
        return handle.read(PROLOG_BYTES)


@dataclass
class Workbook:
    """An opened upload: openpyxl's read-only workbook plus the raw zip for merge ranges."""

    book: Any
    archive: zipfile.ZipFile

    def close(self) -> None:
        self.book.close()
        self.archive.close()


def open_workbook(data: bytes) -> Workbook:
    check_container(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on malformed parts
        raise RefusedFile(_("Tệp .xlsx bị hỏng, không đọc được.")) from error
    return Workbook(book, zipfile.ZipFile(io.BytesIO(data)))


# --- one sheet ------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: its sheet row number and the cell values by column key."""

    number: int
    values: dict[str, Any]
    letters: dict[str, str]
    headers: dict[str, str]
    sheet: str
    errors: list[CellError] = field(default_factory=list)

    def error(self, key: str | None, message: str) -> None:
        self.errors.append(
            CellError(
                self.sheet,
                self.number,
                self.letters.get(key) if key else None,
                self.headers.get(key) if key else None,
                message,
            )
        )

    # Typed readers: each returns None after recording an error, so one pass finds them all.

    def text(self, key: str, max_length: int, *, required: bool = False) -> str | None:
        value = self.values.get(key)
        if isinstance(value, bool | datetime | date):
            self.error(key, _("Ô này phải là chữ, không phải ngày hay giá trị đúng/sai."))
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else " ".join(str(value).split())
        if not text:
            if required:
                self.error(key, _("Ô này không được để trống."))
            return None
        if len(text) > max_length:
            self.error(key, _("Nội dung dài quá %(n)d ký tự.", n=max_length))
            return None
        if _REFUSED_IN_TEXT.search(text):
            self.error(key, _("Văn bản chứa ký tự không hợp lệ."))
            return None
        return text

    def long_text(self, key: str, max_length: int) -> str | None:
        """Like `text`, keeping line breaks (descriptions)."""
        value = self.values.get(key)
        if value is None or isinstance(value, bool | datetime | date):
            return self.text(key, max_length) if value is not None else None
        text = str(value).strip()
        if len(text) > max_length:
            self.error(key, _("Nội dung dài quá %(n)d ký tự.", n=max_length))
            return None
        if has_bidi_control(text) or any(
            (ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text
        ):
            self.error(key, _("Văn bản chứa ký tự không hợp lệ."))
            return None
        return text or None

    def date(self, key: str, *, required: bool = False) -> date | None:
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(key, _("Ô này không được để trống."))
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                if match := _DATE_TEXT.match(text):
                    day, month, year = (int(part) for part in match.groups())
                    return date(year, month, day)
                if match := _ISO_DATE.match(text):
                    year, month, day = (int(part) for part in match.groups())
                    return date(year, month, day)
            except ValueError:
                self.error(key, _("Ngày “%(text)s” không có trên lịch.", text=text))
                return None
        self.error(
            key, _("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm, ví dụ 24/11/2026.")
        )
        return None

    def decimal(
        self, key: str, *, low: Decimal, high: Decimal, default: Decimal | None = None
    ) -> Decimal | None:
        """A number in (low, high]; "1,5" is accepted as Vietnamese spreadsheets write it."""
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is None:
                self.error(key, _("Ô này không được để trống."))
            return default
        number: Decimal | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(str(value))
        elif isinstance(value, str):
            try:
                number = Decimal(value.strip().replace(" ", "").replace(",", "."))
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            self.error(key, _("Ô này phải là một số."))
            return None
        if not low < number <= high:
            self.error(
                key,
                _("Giá trị phải lớn hơn %(low)s và không quá %(high)s.", low=low, high=high),
            )
            return None
        if number != number.quantize(Decimal("0.01")):
            self.error(key, _("Chỉ nhận tối đa hai chữ số thập phân."))
            return None
        return number


@dataclass
class Sheet:
    """The rows of one sheet with their cell errors, or None when the header is unusable."""

    name: str
    rows: list[Row] | None
    errors: list[CellError]


def read_sheet(workbook: Workbook, name: str, columns: tuple[Column, ...]) -> Sheet:
    """Check the header, then read every data row up to the limit, noting every problem."""
    errors: list[CellError] = []
    if name not in workbook.book.sheetnames:
        errors.append(
            CellError(name, None, None, None, _("Thiếu trang tính “%(name)s”.", name=name))
        )
        return Sheet(name, None, errors)
    sheet = workbook.book[name]
    try:
        return _read_rows(workbook, sheet, name, columns, errors)
    except Exception:  # a malformed sheet part, found while streaming it
        errors.append(CellError(name, None, None, None, _("Trang tính bị hỏng, không đọc được.")))
        return Sheet(name, None, errors)


def _too_many_rows(name: str) -> CellError:
    return CellError(
        name,
        None,
        None,
        None,
        _(
            "Trang tính có quá %(n)d dòng dữ liệu; hãy chia thành nhiều tệp.",
            n=MAX_DATA_ROWS,
        ),
    )


def _read_rows(
    workbook: Workbook, sheet: Any, name: str, columns: tuple[Column, ...], errors: list[CellError]
) -> Sheet:
    declared = sheet.max_row
    if declared is not None and declared > MAX_DATA_ROWS + 1:
        errors.append(_too_many_rows(name))
        return Sheet(name, None, errors)
    merged = _merged_ranges(workbook.archive, sheet._worksheet_path)
    for ref in merged:
        errors.append(
            CellError(
                name,
                _first_row(ref),
                ref,
                None,
                _("Có ô gộp (%(ref)s); hãy bỏ gộp ô để mỗi ô có giá trị riêng.", ref=ref),
            )
        )
    sheet.reset_dimensions()  # a dimension that understates the rows must not hide any
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = sheet.iter_rows(min_row=1)
        header = next(rows, ())
        positions, header_errors = _match_header(name, header, columns)
        errors.extend(header_errors)
        if header_errors:
            return Sheet(name, None, errors)
        letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
        headers = {column.key: column.header for column in columns}
        result: list[Row] = []
        for number, cells in enumerate(rows, start=2):
            if number > MAX_DATA_ROWS + 1:
                errors.append(_too_many_rows(name))
                return Sheet(name, None, errors)
            row = Row(number, {}, letters, headers, name)
            for key, index in positions.items():
                cell = cells[index] if index < len(cells) else None
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    row.error(
                        key,
                        _(
                            "Ô chứa công thức (%(formula)s); hãy dán giá trị thay cho công thức.",
                            formula=str(value)[:60],
                        ),
                    )
                    value = None
                if isinstance(value, str):
                    value = clean_text(value) or None  # as the forms do: NFC, no invisible padding
                row.values[key] = value
            if all(value is None for value in row.values.values()) and not row.errors:
                continue  # blank rows are left alone
            result.append(row)
    return Sheet(name, result, errors)


def _match_header(
    name: str, header: tuple[Any, ...], columns: tuple[Column, ...]
) -> tuple[dict[str, int], list[CellError]]:
    # The header is the Vietnamese one; the column's key ("kind", "category", "role" …) is
    # still read, for files made from the earliest templates, which named some columns so.
    wanted = {normalize(column.key.replace("_", " ")): column for column in columns}
    wanted |= {normalize(column.key): column for column in columns}
    wanted |= {normalize(column.header): column for column in columns}
    positions: dict[str, int] = {}
    errors: list[CellError] = []
    for index, cell in enumerate(header):
        value = getattr(cell, "value", None)
        if not isinstance(value, str) or not value.strip():
            continue
        column = wanted.get(normalize(value))
        if column is None:
            continue  # extra columns (notes, numbering) are ignored
        letter = get_column_letter(index + 1)
        if column.key in positions:
            errors.append(
                CellError(
                    name,
                    1,
                    letter,
                    column.header,
                    _("Cột “%(header)s” xuất hiện hai lần.", header=column.header),
                )
            )
            continue
        positions[column.key] = index
    for column in columns:
        if column.key not in positions:
            errors.append(
                CellError(
                    name,
                    1,
                    None,
                    column.header,
                    _("Thiếu cột “%(header)s” ở dòng tiêu đề (dòng 1).", header=column.header),
                )
            )
    return positions, errors


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[str]:
    """Merge ranges of a sheet, streamed: read-only openpyxl does not report them."""
    found: list[str] = []
    tail = b""
    with archive.open(path.lstrip("/")) as handle:
        while chunk := handle.read(1 << 20):
            text = tail + chunk
            found.extend(m.group(1).decode() for m in _MERGE.finditer(text))
            # keep an overlap so a tag split across chunks is still seen, never twice
            cut = max(len(text) - 200, 0)
            last = text.rfind(b"<", cut)
            tail = text[last:] if last >= 0 and b">" not in text[last:] else b""
            if len(found) > 100:
                break
    return found


def _first_row(ref: str) -> int | None:
    match = _RANGE_ROWS.search(ref)
    return int(match.group(1)) if match else None


# --- templates ------------------------------------------------------------------------------


def write_template(
    sheets: list[tuple[str, tuple[Column, ...]]],
    instructions: list[str],
    choices: dict[str, list[str]] | None = None,
) -> bytes:
    """A blank workbook: instructions first, then one sheet per table with its header row.

    `choices` maps a column key to the labels offered in a drop-down (still free to type).
    """
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    # Sheet names and headers stay Vietnamese in every locale: imports find them by name.
    guide = book.add_worksheet("Hướng dẫn")
    guide.set_column(0, 0, 110, wrap)
    for number, line in enumerate(instructions):
        guide.write_string(number, 0, line, bold if number == 0 else wrap)
    lists = book.add_worksheet("Danh mục")
    ranges: dict[str, str] = {}
    headers = {column.key: column.header for _name, columns in sheets for column in columns}
    for list_column, (key, labels) in enumerate((choices or {}).items()):
        lists.write_string(0, list_column, headers[key], bold)  # the column's own header
        for index, label in enumerate(labels, start=1):
            lists.write_string(index, list_column, label)
        letter = get_column_letter(list_column + 1)
        ranges[key] = f"='{lists.get_name()}'!${letter}$2:${letter}${len(labels) + 1}"
    for name, columns in sheets:
        sheet = book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 32)
        for index, column in enumerate(columns):
            header = f"{column.header} (*)" if column.required else column.header
            sheet.write_string(0, index, header, bold)
            sheet.set_column(index, index, column.width)
            if column.key in ranges:
                sheet.data_validation(
                    1,
                    index,
                    MAX_DATA_ROWS,
                    index,
                    {"validate": "list", "source": ranges[column.key], "error_type": "warning"},
                )
    guide.activate()
    book.close()
    return output.getvalue()
