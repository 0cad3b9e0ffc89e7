"""The staff list import: units and people by code, previewed, then written all at once.

Codes are the identity: a unit or person whose code exists is updated, otherwise created,
so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from psycopg import sql as psycopg_sql
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session, joinedload

from criteria.levels import StaffCategory
from evaluation.core.audit import AuditRecord
from evaluation.core.errors import DomainError
from evaluation.core.labels import LABELS
from evaluation.core.text import fold
from evaluation.imports.changes import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Change,
    ImportInvalid,
    Preview,
    among,
    by_codes,
    cell_error,
)
from evaluation.imports.workbook import CellError, Column, Workbook, normalize, read_sheet
from evaluation.organisation import services as organisation
from evaluation.organisation.models import LeadershipRole, Person, Placement, Unit, UnitKind
from evaluation.organisation.permissions import Viewer

UNITS_SHEET = "Đơn vị"
PEOPLE_SHEET = "Nhân sự"
CODE_MAX = 40
UNIT_NAME_MAX = 200
FULL_NAME_MAX = 120
POSITION_MAX = 200
EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A blank optional cell in an update keeps the stored value; this marker clears it. Typed
# without regard to case or diacritics ("(xoa)" too). Part of the sheet, so never translated.
CLEAR_MARKER = "(xoá)"
CLEARABLE = ("date_of_birth", "role", "email")

UNIT_COLUMNS = (
    Column("code", "Mã đơn vị", required=True, width=16),
    Column("name", "Tên đơn vị", required=True, width=45),
    Column("kind", "Loại đơn vị", required=True, width=26),
    Column("parent", "Mã đơn vị cấp trên", width=20),
)
PEOPLE_COLUMNS = (
    Column("code", "Mã cán bộ", required=True, width=14),
    Column("full_name", "Họ và tên", required=True, width=28),
    Column("date_of_birth", "Ngày sinh", width=13),
    Column("category", "Đối tượng", required=True, width=18),
    Column("job_position", "Vị trí việc làm", required=True, width=30),
    Column("unit", "Mã đơn vị", required=True, width=14),
    Column("role", "Chức vụ lãnh đạo", width=20),
    Column("email", "Email", width=28),
)

# The first label of each is offered in the template's drop-down; all are accepted, without
# regard to case or diacritics, as are the stored codes.
KIND_LABELS: dict[UnitKind, tuple[str, ...]] = {
    UnitKind.AGENCY: ("Cơ quan hành chính", "Cơ quan", "agency"),
    UnitKind.PUBLIC_SERVICE: (
        "Đơn vị sự nghiệp công lập",
        "Đơn vị sự nghiệp",
        "public_service",
    ),
    UnitKind.COMMUNE: ("Xã, phường", "Xã", "Phường", "Đặc khu", "commune"),
    UnitKind.DIVISION: ("Phòng, ban", "Phòng", "Ban", "division"),
}
CATEGORY_LABELS: dict[StaffCategory, tuple[str, ...]] = {
    category: (category.label,) for category in StaffCategory
}
ROLE_LABELS: dict[LeadershipRole, tuple[str, ...]] = {
    LeadershipRole.HEAD: (
        "Cấp trưởng",
        "Trưởng phòng",
        "Trưởng ban",
        "Giám đốc",
        "Chủ tịch",
        "Chánh Văn phòng",
        "Chánh Thanh tra",
        "Thủ trưởng",
        "Người đứng đầu",
    ),
    LeadershipRole.DEPUTY: (
        "Cấp phó",
        "Phó Trưởng phòng",
        "Phó Trưởng ban",
        "Phó Giám đốc",
        "Phó Chủ tịch",
        "Phó Chánh Văn phòng",
        "Phó Chánh Thanh tra",
    ),
    LeadershipRole.NONE: ("Không giữ chức vụ", "Không", "Nhân viên", "Chuyên viên"),
}


def _aliases(table: dict[Any, tuple[str, ...]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for member, labels in table.items():
        for label in (*labels, member.value, member.name):
            found[normalize(label)] = member
    return found


_KINDS = _aliases(KIND_LABELS)
_CATEGORIES = _aliases(CATEGORY_LABELS)
_ROLES = _aliases(ROLE_LABELS)
# What a refused choice names, translated only when a cell is refused (gettext on every row
# took a twentieth of reading a 10 000-row file).
_WHAT_KIND = _l("loại đơn vị")
_WHAT_CATEGORY = _l("đối tượng")
_WHAT_ROLE = _l("chức vụ lãnh đạo")


def template() -> tuple[tuple[str, tuple[Column, ...]], ...]:
    return ((UNITS_SHEET, UNIT_COLUMNS), (PEOPLE_SHEET, PEOPLE_COLUMNS))


TEMPLATE_CHOICES = {
    "kind": [labels[0] for labels in KIND_LABELS.values()],
    "category": [labels[0] for labels in CATEGORY_LABELS.values()],
    "role": [labels[0] for labels in ROLE_LABELS.values()],
}

INSTRUCTIONS = [
    "Mẫu nhập danh sách đơn vị và nhân sự",
    "1. Trang “Đơn vị”: mỗi dòng một đơn vị. Mã đơn vị là duy nhất; đơn vị đã có (cùng mã) được "
    "cập nhật tên và loại, đơn vị mới được tạo dưới đơn vị cấp trên ghi ở cột “Mã đơn vị cấp "
    "trên” (đơn vị đã có trong hệ thống, hoặc một đơn vị mới ở dòng khác của trang này).",
    "2. Loại đơn vị: Cơ quan hành chính; Đơn vị sự nghiệp công lập; Xã, phường; Phòng, ban.",
    "3. Trang “Nhân sự”: mỗi dòng một người. Mã cán bộ là duy nhất; người đã có được cập nhật. "
    "Người đổi đơn vị, chức vụ hoặc vị trí việc làm được ghi quá trình công tác từ ngày nhập.",
    "4. Đối tượng: Cán bộ; Công chức; Viên chức; Người lao động.",
    "5. Chức vụ lãnh đạo: để trống hoặc “Không giữ chức vụ”; “Cấp trưởng” (Trưởng phòng, Giám "
    "đốc, Chủ tịch…); “Cấp phó” (Phó Trưởng phòng, Phó Giám đốc…).",
    "6. Ngày sinh: kiểu ngày, hoặc gõ ngày/tháng/năm, ví dụ 05/09/1985. Email có thể để trống.",
    "7. Người đã có: ô Ngày sinh, Chức vụ lãnh đạo hoặc Email để trống thì giữ nguyên giá trị đã "
    "lưu; muốn xoá giá trị đó, ghi “(xoá)” vào ô (xoá chức vụ là về “Không giữ chức vụ”).",
    "8. Chức vụ lãnh đạo chỉ do quản trị viên hoặc bộ phận tổ chức cán bộ cấp trên của đơn vị "
    "thay đổi. Mỗi đơn vị chỉ có một cấp trưởng; tệp không được thay đổi hồ sơ của chính người "
    "nhập.",
    "9. Chỉ nhập giá trị, không dùng công thức và không gộp ô. Các cột có dấu (*) là bắt buộc; "
    "tối đa 20.000 dòng mỗi trang, tệp không quá 5 MB.",
    "10. Sau khi tải lên, hệ thống cho xem trước những gì sẽ thêm, sửa hoặc giữ nguyên; chưa có gì "
    "được ghi cho đến khi bạn xác nhận. Nhập lại cùng một tệp không thay đổi gì.",
]

# --- reading the file -------------------------------------------------------------------------


def parse(workbook: Workbook, today: date) -> tuple[dict[str, Any], list[CellError]]:
    """The rows as plain JSON values, and every problem a single cell shows on its own."""
    errors: list[CellError] = []
    units_sheet = read_sheet(workbook, UNITS_SHEET, UNIT_COLUMNS)
    people_sheet = read_sheet(workbook, PEOPLE_SHEET, PEOPLE_COLUMNS)
    errors += units_sheet.errors + people_sheet.errors
    units: list[dict[str, Any]] = []
    for row in units_sheet.rows or ():
        _refuse_markers(row, [c.key for c in UNIT_COLUMNS])
        kind = _choice(row, "kind", _KINDS, _WHAT_KIND)
        units.append(
            {
                "row": row.number,
                "code": row.text("code", CODE_MAX, required=True),
                "name": row.text("name", UNIT_NAME_MAX, required=True),
                "kind": kind.value if kind else None,
                "parent": row.text("parent", CODE_MAX),
            }
        )
        units[-1]["ok"] = not row.errors
        errors += row.errors
    people: list[dict[str, Any]] = []
    for row in people_sheet.rows or ():
        cleared = _take_markers(row, CLEARABLE)
        _refuse_markers(row, [c.key for c in PEOPLE_COLUMNS if c.key not in CLEARABLE])
        born = row.date("date_of_birth")
        if born is not None and not date(1900, 1, 1) <= born <= today:
            row.error("date_of_birth", _("Ngày sinh phải trước hôm nay và sau năm 1900."))
            born = None
        email = row.text("email", EMAIL_MAX)
        if email is not None and not _EMAIL.match(email):
            row.error("email", _("Địa chỉ email không hợp lệ."))
        category = _choice(row, "category", _CATEGORIES, _WHAT_CATEGORY)
        # None: blank, which keeps an existing person's role (a new person leads nothing)
        role = (
            _choice(row, "role", _ROLES, _WHAT_ROLE)
            if row.values.get("role") is not None
            else (LeadershipRole.NONE if "role" in cleared else None)
        )
        people.append(
            {
                "row": row.number,
                "code": row.text("code", CODE_MAX, required=True),
                "full_name": row.text("full_name", FULL_NAME_MAX, required=True),
                "date_of_birth": born.isoformat() if born else None,
                "category": category.value if category else None,
                "job_position": row.text("job_position", POSITION_MAX, required=True),
                "unit": row.text("unit", CODE_MAX, required=True),
                "role": role.value if role else None,
                "email": email,
                "cleared": cleared,
            }
        )
        people[-1]["ok"] = not row.errors
        errors += row.errors
    letters = {
        "units": _letters(units_sheet.rows),
        "people": _letters(people_sheet.rows),
    }
    return {"units": units, "people": people, "letters": letters}, errors


_MARKER = normalize(CLEAR_MARKER)


def _is_marker(value: Any) -> bool:
    """Asked of every cell: a value without "(" is not the marker however it is typed, and
    costs no normalising (that took a tenth of reading a 10 000-row file)."""
    return isinstance(value, str) and "(" in value and normalize(value) == _MARKER


def _take_markers(row: Any, keys: tuple[str, ...]) -> list[str]:
    """The cells holding the clear marker, emptied so the readers see a blank."""
    cleared = [key for key in keys if _is_marker(row.values.get(key))]
    for key in cleared:
        row.values[key] = None
    return cleared


def _refuse_markers(row: Any, keys: list[str]) -> None:
    for key in keys:
        if _is_marker(row.values.get(key)):
            row.error(
                key,
                _(
                    "Không xoá được ô này bằng “%(marker)s”: chỉ Ngày sinh, Chức vụ lãnh đạo và "
                    "Email xoá được.",
                    marker=CLEAR_MARKER,
                ),
            )


def _letters(rows: list[Any] | None) -> dict[str, str]:
    return dict(rows[0].letters) if rows else {}


@functools.lru_cache(maxsize=256)
def _normalized(value: str) -> str:
    """A file repeats a handful of labels thousands of times: each normalised once."""
    return normalize(value)


def _choice(row: Any, key: str, table: dict[str, Any], what: Any) -> Any:
    value = row.values.get(key)
    if value is None:
        row.error(key, _("Ô này không được để trống."))
        return None
    member = table.get(_normalized(str(value)))
    if member is None:
        row.error(key, _("Không hiểu %(what)s “%(value)s”.", what=str(what), value=str(value)[:60]))
    return member


# --- what it would do -----------------------------------------------------------------------


def preview(session: Session, viewer: Viewer, payload: dict[str, Any]) -> Preview:
    """Compare the rows with the database; check reach, codes and references."""
    unit_rows: list[dict[str, Any]] = payload["units"]
    people_rows: list[dict[str, Any]] = payload["people"]
    errors: list[CellError] = []
    unit_at = _placer(payload, "units", UNITS_SHEET, UNIT_COLUMNS)
    person_at = _placer(payload, "people", PEOPLE_SHEET, PEOPLE_COLUMNS)

    unit_rows = [r for r in unit_rows if r["code"]]
    people_rows = [r for r in people_rows if r["code"]]
    mentioned = {r["code"] for r in unit_rows} | {r["parent"] for r in unit_rows if r["parent"]}
    mentioned |= {r["unit"] for r in people_rows if r["unit"]}
    existing = by_codes(session, Unit, mentioned, [joinedload(Unit.parent)])
    reaches = _Reach(viewer)

    in_file: dict[str, dict[str, Any]] = {}
    for r in unit_rows:
        if r["code"] in in_file:
            errors.append(unit_at(r, "code", _duplicate(r["code"], in_file[r["code"]]["row"])))
        else:
            in_file[r["code"]] = r
    new_codes = {code for code in in_file if code not in existing}

    units: list[Change] = []
    for code, r in in_file.items():
        unit = existing.get(code)
        if not r["ok"]:
            continue  # its cell errors are listed already; its code still counts as known
        if unit is not None:
            units.append(_unit_update(viewer, unit, r, errors, unit_at))
            continue
        parent = r["parent"]
        if not parent:
            errors.append(unit_at(r, "parent", _("Đơn vị mới cần mã đơn vị cấp trên.")))
        elif parent not in new_codes:
            _check_unit_reference(
                reaches, existing.get(parent), parent, r, "parent", errors, unit_at
            )
        units.append(
            Change(UNITS_SHEET, r["row"], code, r["name"], CREATE, _unit_fields(None, r), r)
        )
    order = _creation_order(in_file, new_codes, errors, unit_at)

    people_existing = by_codes(
        session, Person, {r["code"] for r in people_rows}, [joinedload(Person.unit)]
    )
    seen: dict[str, int] = {}
    words = _PersonWords.now()
    people: list[Change] = []
    claims: dict[str, list[dict[str, Any]]] = {}  # unit code → rows making someone its head
    leaving: set[str] = set()  # codes of current heads the file moves or demotes
    for r in people_rows:
        if r["code"] in seen:
            errors.append(person_at(r, "code", _duplicate(r["code"], seen[r["code"]])))
            continue
        seen[r["code"]] = r["row"]
        if r["unit"] and r["unit"] not in new_codes:
            _check_unit_reference(
                reaches, existing.get(r["unit"]), r["unit"], r, "unit", errors, person_at
            )
        person = people_existing.get(r["code"])
        if not r["ok"]:
            continue
        final = _resolved(person, r)
        _check_leadership(viewer, person, final, existing, new_codes, errors, person_at)
        heads = LeadershipRole(final["role"]) is LeadershipRole.HEAD
        heads_now = person is not None and person.leadership_role is LeadershipRole.HEAD
        stays_head = heads and heads_now and person.unit.code == final["unit"]
        if heads_now and not stays_head:
            leaving.add(r["code"])
        if heads and not stays_head:
            claims.setdefault(final["unit"], []).append(final)
        if person is None:
            people.append(
                Change(
                    PEOPLE_SHEET,
                    r["row"],
                    r["code"],
                    r["full_name"],
                    CREATE,
                    _person_fields(None, final, words),
                    final,
                )
            )
            continue
        if not reaches(person.unit):
            errors.append(
                person_at(
                    r,
                    "code",
                    _(
                        "Mã %(code)s là của một người thuộc đơn vị ngoài phạm vi bạn phụ trách.",
                        code=r["code"],
                    ),
                )
            )
        fields = _person_fields(person, final, words)
        if fields and person.id == viewer.person_id:
            errors.append(person_at(r, "code", organisation.own_record_refusal()))
        people.append(
            Change(
                PEOPLE_SHEET,
                r["row"],
                r["code"],
                r["full_name"],
                UPDATE if fields else UNCHANGED,
                fields,
                final,
                person,
            )
        )
    _check_one_head(session, existing, claims, leaving, errors, person_at)
    result = Preview({"units": units, "people": people}, errors)
    result.sections["units"].sort(key=lambda c: (order.get(c.code, -1), c.row))
    return result


class _Reach:
    """`Viewer.reaches_unit`, answered once per unit: 10 000 rows name a few hundred units."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.known: dict[int, bool] = {}

    def __call__(self, unit: Unit) -> bool:
        answer = self.known.get(unit.id)
        if answer is None:
            answer = self.known[unit.id] = self.viewer.reaches_unit(unit)
        return answer


def _resolved(person: Person | None, r: dict[str, Any]) -> dict[str, Any]:
    """The values a row leaves: a blank optional cell keeps what an existing person has, the
    clear marker empties it; a new person with no role leads nothing."""
    final = dict(r)
    cleared = r.get("cleared", ())
    if person is not None:
        if r["date_of_birth"] is None and "date_of_birth" not in cleared:
            born = person.date_of_birth
            final["date_of_birth"] = born.isoformat() if born else None
        if r["email"] is None and "email" not in cleared:
            final["email"] = person.email
        if r["role"] is None:
            final["role"] = person.leadership_role.value
    elif r["role"] is None:
        final["role"] = LeadershipRole.NONE.value
    return final


def _check_leadership(
    viewer: Viewer,
    person: Person | None,
    final: dict[str, Any],
    existing: dict[str, Unit],
    new_codes: set[str],
    errors: list[CellError],
    at: Any,
) -> None:
    """The placement page's rule (`organisation.leadership_refusal`), row by row."""
    unit = existing.get(final["unit"])
    if unit is None and final["unit"] not in new_codes:
        return  # an unknown unit, listed already
    refusal = organisation.leadership_refusal(viewer, person, unit, LeadershipRole(final["role"]))
    if refusal is not None:
        errors.append(at(final, "role", refusal))


def _check_one_head(
    session: Session,
    existing: dict[str, Unit],
    claims: dict[str, list[dict[str, Any]]],
    leaving: set[str],
    errors: list[CellError],
    at: Any,
) -> None:
    """A unit has at most one head: a row may name a new one only where the file also moves
    or demotes the present one (the database's index would refuse it at confirmation)."""
    units = [existing[code] for code in claims if code in existing]
    current = organisation.heads_of(session, [unit.id for unit in units])
    for code, rows in claims.items():
        for r in rows[1:]:
            errors.append(
                at(
                    r,
                    "role",
                    _(
                        "Dòng %(row)d đã ghi một cấp trưởng khác cho đơn vị %(unit)s; mỗi đơn vị "
                        "chỉ có một cấp trưởng.",
                        row=rows[0]["row"],
                        unit=code,
                    ),
                )
            )
        unit = existing.get(code)
        head = current.get(unit.id) if unit is not None else None
        if unit is not None and head is not None and head.code not in leaving:
            errors.append(at(rows[0], "role", organisation.second_head_refusal(unit, head)))


def _placer(payload: dict[str, Any], section: str, sheet: str, columns: tuple[Column, ...]) -> Any:
    letters = payload.get("letters", {}).get(section, {})
    headers = {column.key: column.header for column in columns}

    def at(r: dict[str, Any], key: str, message: str) -> CellError:
        return cell_error(letters, headers, sheet, r["row"], key, message)

    return at


def _duplicate(code: str, first_row: int) -> str:
    return _("Mã %(code)s trùng với dòng %(row)d.", code=code, row=first_row)


def _check_unit_reference(
    reaches: _Reach,
    unit: Unit | None,
    code: str,
    r: dict[str, Any],
    key: str,
    errors: list[CellError],
    at: Any,
) -> None:
    if unit is None:
        errors.append(
            at(
                r,
                key,
                _(
                    "Không tìm thấy đơn vị mã %(code)s, trong hệ thống cũng như trong trang "
                    "“Đơn vị”.",
                    code=code,
                ),
            )
        )
    elif not reaches(unit):
        errors.append(at(r, key, _("Đơn vị %(code)s nằm ngoài phạm vi bạn phụ trách.", code=code)))


def _unit_update(
    viewer: Viewer, unit: Unit, r: dict[str, Any], errors: list[CellError], at: Any
) -> Change:
    if not viewer.reaches_unit(unit):
        errors.append(
            at(r, "code", _("Đơn vị %(code)s nằm ngoài phạm vi bạn phụ trách.", code=unit.code))
        )
    current_parent = unit.parent.code if unit.parent else None
    if r["parent"] and r["parent"] != current_parent:
        errors.append(
            at(
                r,
                "parent",
                _(
                    "Không đổi được đơn vị cấp trên của đơn vị đã có (hiện là %(parent)s) bằng "
                    "nhập tệp.",
                    parent=current_parent or "—",
                ),
            )
        )
    fields = _unit_fields(unit, r)
    return Change(
        UNITS_SHEET,
        r["row"],
        unit.code,
        r["name"],
        UPDATE if fields else UNCHANGED,
        fields,
        r,
        unit,
    )


def _creation_order(
    in_file: dict[str, dict[str, Any]], new_codes: set[str], errors: list[CellError], at: Any
) -> dict[str, int]:
    """Parents before children among the new units; a cycle is an error on each of its rows."""
    depth: dict[str, int] = {}
    for code in sorted(new_codes):
        chain: list[str] = []
        current: str | None = code
        while current in new_codes and current not in depth:
            if current in chain:
                for member in chain[chain.index(current) :]:
                    errors.append(
                        at(
                            in_file[member],
                            "parent",
                            _("Các đơn vị mới lấy nhau làm cấp trên thành vòng lặp."),
                        )
                    )
                    depth[member] = 0
                break
            chain.append(current)
            current = in_file[current]["parent"]
        base = depth.get(current, -1) if current in new_codes else -1
        for offset, member in enumerate(reversed(chain), start=1):
            depth.setdefault(member, base + offset)
    return depth


def _unit_fields(unit: Unit | None, r: dict[str, Any]) -> list[tuple[str, str, str]]:
    kinds = LABELS["unit_kind"]
    pairs = [
        (_("Tên đơn vị"), unit.name if unit else "", r["name"]),
        (_("Loại đơn vị"), str(kinds[unit.kind]) if unit else "", str(kinds[UnitKind(r["kind"])])),
    ]
    if unit is None:
        pairs.append((_("Đơn vị cấp trên"), "", r["parent"] or ""))
    return [pair for pair in pairs if pair[1] != pair[2]]


@dataclass(frozen=True)
class _PersonWords:
    """What a person's changes show, translated once per preview rather than once per row
    (gettext took a third of a 10 000-row preview)."""

    names: tuple[str, ...]
    categories: dict[StaffCategory, str]
    roles: dict[LeadershipRole, str]

    @classmethod
    def now(cls) -> _PersonWords:
        names = (
            _("Họ và tên"),
            _("Ngày sinh"),
            _("Đối tượng"),
            _("Vị trí việc làm"),
            _("Đơn vị"),
            _("Chức vụ lãnh đạo"),
            _("Email"),
        )
        categories = {key: str(label) for key, label in LABELS["category"].items()}
        roles = {key: str(label) for key, label in LABELS["role"].items()}
        return cls(names, categories, roles)


def _person_fields(
    person: Person | None, r: dict[str, Any], words: _PersonWords
) -> list[tuple[str, str, str]]:
    categories, roles = words.categories, words.roles
    born = r["date_of_birth"]
    old_born = person.date_of_birth.isoformat() if person and person.date_of_birth else None
    values = [
        (person.full_name if person else "", r["full_name"]),
        (_vn(old_born), _vn(born)),
        (
            categories[person.category] if person else "",
            categories[StaffCategory(r["category"])],
        ),
        (person.job_position if person else "", r["job_position"]),
        (person.unit.code if person else "", r["unit"]),
        (
            roles[person.leadership_role] if person else "",
            roles[LeadershipRole(r["role"])],
        ),
        ((person.email or "") if person else "", r["email"] or ""),
    ]
    return [
        (name, old, new) for name, (old, new) in zip(words.names, values, strict=True) if old != new
    ]


def _vn(iso: str | None) -> str:
    """An ISO date as dd/mm/yyyy (sliced: strftime for each of 10 000 rows showed)."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


# --- writing it ---------------------------------------------------------------------------
#
# Set-based: a few reads, then each kind of row in one statement (the driver batches them),
# in the order the person-by-person path wrote them, so the database's indexes see the same
# sequence and the audit trail holds the same records in the same order. Every statement
# goes through the ORM session (`session.execute`), so its listeners see it as any other.


@dataclass
class _Named:
    """A head the import itself creates, as the one-head check names it."""

    full_name: str
    code: str


@dataclass
class _Trail:
    """The audit records to write, in the order the person-by-person path added them; encoded
    as `audit.record` encodes them."""

    actor_id: int
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        object_type: str,
        object_id: int,
        action: str,
        *,
        old: Any = None,
        new: Any = None,
        reason: str | None = None,
    ) -> None:
        self.rows.append(
            {
                "actor_id": self.actor_id,
                "object_type": object_type,
                "object_id": object_id,
                "action": action,
                "old_value": _json(old),
                "new_value": _json(new),
                "reason": reason,
            }
        )


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def apply(
    session: Session, viewer: Viewer, payload: dict[str, Any], *, actor_id: int, today: date
) -> Preview:
    """Write what the preview shows, re-checked against the database as it is now.

    Services flush only; the route commits once, so any failure leaves nothing behind.
    """
    result = preview(session, viewer, payload)
    if result.errors:
        raise ImportInvalid(result.errors)
    trail = _Trail(actor_id)
    units = _write_units(session, result.sections["units"], trail)
    # Heads leaving first: the index allows one head per unit after every statement.
    people = sorted(result.sections["people"], key=_demotions_first)
    units |= by_codes(session, Unit, {c.data["unit"] for c in people} - set(units))
    _write_people(session, viewer, people, units, trail, today=today)
    _insert_unwatched(session, AuditRecord, trail.rows)
    session.flush()
    return result


def added_people(session: Session, result: Preview) -> list[Person]:
    """The people an applied import created, with their units, in the file's order."""
    codes = [c.code for c in result.sections.get("people", []) if c.action == CREATE]
    found = by_codes(session, Person, set(codes), [joinedload(Person.unit)])
    return [found[code] for code in codes if code in found]


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` in one statement on the model's table (an executemany, in the order of
    `rows`, every row with the same columns, NULLs written).

    The table's own INSERT, not the ORM's bulk one: the same rows, the same column defaults
    and types, without the ORM's work per row (two thirds of the time on 10 000 placements).
    It still goes through the session, so its `do_orm_execute` listeners (the stored sums'
    `_bulk_statement`) see it as they see any bulk write. No RETURNING: it made PostgreSQL
    three times slower than an executemany, and SQLite cannot promise its order; rows with a
    code are read back by it instead.
    """
    if rows:
        session.execute(model.__table__.insert(), rows)


def _insert_unwatched(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert rows of a table no session hook needs to see: people and audit records are no
    input of the stored sums (`rankings.stored.INPUTS`); units and placements are, and go
    through `_insert`.

    On PostgreSQL a COPY in the session's transaction, three times quicker than the
    executemany for 10 000 rows; the values pass through the columns' own bind processing
    and the Python defaults of the columns the rows leave out (an audit record's time) are
    computed row by row, as the INSERT computes them. Elsewhere `_insert`.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    table = model.__table__
    given = list(rows[0])
    defaulted = [c for c in table.c if c.name not in given and c.default is not None]
    if dialect.name != "postgresql" or not all(
        c.default.is_scalar or c.default.is_callable for c in defaulted
    ):
        _insert(session, model, rows)
        return
    columns = [table.c[name] for name in given] + defaulted
    processors = [column.type.bind_processor(dialect) for column in columns]
    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg_sql.Identifier(table.name),
        psycopg_sql.SQL(", ").join(psycopg_sql.Identifier(c.name) for c in columns),
    )
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = [row[name] for name in given] + [
                c.default.arg(None) if c.default.is_callable else c.default.arg for c in defaulted
            ]
            copy.write_row(
                [
                    value if process is None else process(value)
                    for process, value in zip(processors, values, strict=True)
                ]
            )


def _ids(session: Session, model: type[Any], codes: list[str]) -> dict[str, int]:
    """The ids of rows of a model with a `code` column, by code, in bounded chunks."""
    found: dict[str, int] = {}
    for condition in among(session, model.code, codes):
        query = sa.select(model.code, model.id).where(condition)
        found.update((code, row_id) for code, row_id in session.execute(query))
    return found


def _update(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Update rows by primary key, in the order given (one executemany)."""
    if rows:
        session.execute(sa.update(model), rows)


def _write_units(session: Session, changes: list[Change], trail: _Trail) -> dict[str, Unit]:
    """New units level by level (a child needs its parent's id and path), their paths in one
    statement, renamed ones on the objects the preview loaded; every unit by code."""
    creates = [c for c in changes if c.action == CREATE]
    new_codes = {c.code for c in creates}
    placed = {
        code: (unit.id, unit.path, unit.depth)
        for code, unit in by_codes(
            session, Unit, {c.data["parent"] for c in creates} - new_codes
        ).items()
    }
    pending = creates  # parents before children: the preview sorted them so
    while pending:
        ready = [c for c in pending if c.data["parent"] in placed]
        if not ready:  # the preview refuses unknown parents and cycles: never loop on them
            raise NoResultFound(f"no parent for units {[c.code for c in pending][:5]}")
        rows = [
            {
                "code": c.code,
                "name": c.data["name"],
                "kind": UnitKind(c.data["kind"]),
                "parent_id": placed[c.data["parent"]][0],
                "path": "",
                "depth": 0,
            }
            for c in ready
        ]
        _insert(session, Unit, rows)
        ids = _ids(session, Unit, [c.code for c in ready])
        for change in ready:
            _, parent_path, parent_depth = placed[change.data["parent"]]
            unit_id = ids[change.code]
            placed[change.code] = (unit_id, f"{parent_path}{unit_id}/", parent_depth + 1)
        pending = [c for c in pending if c.code not in placed]
    _update(
        session,
        Unit,
        [
            {"id": placed[c.code][0], "path": placed[c.code][1], "depth": placed[c.code][2]}
            for c in creates
        ],
    )
    for change in changes:
        if change.action == CREATE:
            trail.add("unit", placed[change.code][0], "import_create", new=change.data)
        elif change.action == UPDATE:
            unit = change.target
            unit.name = change.data["name"]
            unit.kind = UnitKind(change.data["kind"])
            trail.add("unit", unit.id, "import_update", new=_diff(change))
    units = {c.code: c.target for c in changes if c.target is not None}
    return units | by_codes(session, Unit, new_codes)


def _write_people(
    session: Session,
    viewer: Viewer,
    changes: list[Change],
    units: dict[str, Unit],
    trail: _Trail,
    *,
    today: date,
) -> None:
    """People in the order `_demotions_first` gives: updates, then new people, then the
    placements (closed, corrected, opened), each kind in one statement."""
    moved = _replay_checks(session, viewer, changes, units)
    updates = [c for c in changes if c.action == UPDATE]
    _update(session, Person, [_person_row(c.data, units, c.target.id) for c in updates])
    creates = [c for c in changes if c.action == CREATE]
    _insert_unwatched(session, Person, [_person_row(c.data, units) for c in creates])
    person_ids = _ids(session, Person, [c.code for c in creates])
    current = _open_placements(session, [c.target.id for c in updates if c.code in moved])
    reason = _("Nhập danh sách nhân sự từ tệp Excel")
    closed: list[dict[str, Any]] = []
    corrected: list[dict[str, Any]] = []
    opened: list[dict[str, Any]] = []
    for change in changes:
        r = change.data
        unit = units[r["unit"]]
        role = LeadershipRole(r["role"])
        placement = {
            "unit_id": unit.id,
            "leadership_role": role,
            "job_position": r["job_position"],
            "starts_on": today,
        }
        if change.action == CREATE:
            person_id = person_ids[change.code]
            opened.append({"person_id": person_id, **placement})
            trail.add("person", person_id, "import_create", new=r)
            continue
        if change.action != UPDATE:
            continue
        person_id = change.target.id
        if change.code in moved:
            placement_id, starts_on, unit_code, old_role = current[person_id]
            old = {"unit": unit_code, "role": old_role.value}
            if starts_on < today:  # close it the day before, open the new one (E4)
                closed.append({"id": placement_id, "ends_on": today - timedelta(days=1)})
                opened.append({"person_id": person_id, **placement})
                action, since = "move", today
            else:  # a placement lasts at least a day: corrected rather than closed
                del placement["starts_on"]
                corrected.append({"id": placement_id, **placement})
                action, since = "correct_placement", starts_on
            new = {"unit": unit.code, "role": role.value, "from": since.isoformat()}
            trail.add("person", person_id, action, old=old, new=new, reason=reason)
        trail.add("person", person_id, "import_update", new=_diff(change))
    _update(session, Placement, closed)  # the open-placement index: closed before opened
    _update(session, Placement, corrected)
    _insert(session, Placement, opened)
    for change in updates:  # their unit and placements changed beneath them
        if change.code in moved:
            session.expire(change.target, ["unit", "placements"])


def _replay_checks(
    session: Session, viewer: Viewer, changes: list[Change], units: dict[str, Unit]
) -> set[str]:
    """`organisation.change_placement`'s checks, person by person in the writing order,
    against the heads as each earlier row leaves them; nothing is written yet. The codes of
    the people whose placement changes.

    The preview checked the rows one by one; this catches what only the order shows (a
    head moving to head a unit whose head leaves later in the file), with the same message
    the person-by-person path gave.
    """
    heads: dict[int, Any] = dict(
        organisation.heads_of(
            session,
            {
                units[c.data["unit"]].id
                for c in changes
                if c.data["role"] == LeadershipRole.HEAD.value
            },
        )
    )
    moved: set[str] = set()
    for change in changes:
        r = change.data
        unit = units[r["unit"]]
        role = LeadershipRole(r["role"])
        if change.action == CREATE:
            if role is LeadershipRole.HEAD:
                heads[unit.id] = _Named(r["full_name"], r["code"])
            continue
        if change.action != UPDATE:
            continue
        person: Person = change.target
        if person.id == viewer.person_id:
            raise DomainError(organisation.own_record_refusal())
        refusal = organisation.leadership_refusal(viewer, person, unit, role)
        if refusal is not None:
            raise DomainError(refusal, field="role")
        head = heads.get(unit.id)
        if role is LeadershipRole.HEAD and head is not None and head.code != person.code:
            raise DomainError(organisation.second_head_refusal(unit, head), field="role")
        before = (person.unit_id, person.leadership_role, person.job_position)
        if before == (unit.id, role, r["job_position"]):
            continue
        moved.add(change.code)
        left = heads.get(person.unit_id)
        if (
            person.leadership_role is LeadershipRole.HEAD
            and left is not None
            and left.code == person.code
        ):
            del heads[person.unit_id]
        if role is LeadershipRole.HEAD:
            heads[unit.id] = person
    return moved


def _person_row(
    r: dict[str, Any], units: dict[str, Unit], person_id: int | None = None
) -> dict[str, Any]:
    """A person's columns as the row leaves them (`r` holds the resolved values)."""
    row = {
        "code": r["code"],
        "full_name": r["full_name"],
        "search_name": fold(r["full_name"]),  # the ORM's listener does not see bulk writes
        "date_of_birth": date.fromisoformat(r["date_of_birth"]) if r["date_of_birth"] else None,
        "category": StaffCategory(r["category"]),
        "email": r["email"],
        "job_position": r["job_position"],
        "unit_id": units[r["unit"]].id,
        "leadership_role": LeadershipRole(r["role"]),
    }
    if person_id is None:
        row["front_desk"] = False
    else:
        row["id"] = person_id
        del row["code"]  # the identity: never changed by an import
    return row


def _open_placements(
    session: Session, person_ids: list[int]
) -> dict[int, tuple[int, date, str, LeadershipRole]]:
    """Each person's open placement: its id, start, unit code and role, by person id."""
    found: dict[int, tuple[int, date, str, LeadershipRole]] = {}
    for condition in among(session, Placement.person_id, person_ids):
        rows = session.execute(
            sa.select(
                Placement.person_id,
                Placement.id,
                Placement.starts_on,
                Unit.code,
                Placement.leadership_role,
            )
            .join(Unit, Unit.id == Placement.unit_id)
            .where(condition, Placement.ends_on.is_(None))
        )
        for person_id, placement_id, starts_on, code, role in rows:
            found[person_id] = (placement_id, starts_on, code, role)
    missing = set(person_ids) - set(found)
    if missing:
        raise NoResultFound(f"no open placement for people {sorted(missing)[:5]}")
    return found


def _demotions_first(change: Change) -> int:
    """Heads relieved first, then heads moving to head another unit, then everyone else.

    Two heads exchanging units in one file would still meet the index at confirmation (a
    409, nothing written): that takes two files.
    """
    person = change.target
    if change.action != UPDATE or person.leadership_role is not LeadershipRole.HEAD:
        return 2
    if change.data["role"] != LeadershipRole.HEAD.value:
        return 0
    return 2 if person.unit.code == change.data["unit"] else 1


def _diff(change: Change) -> dict[str, list[str]]:
    return {name: [old, new] for name, old, new in change.fields}
