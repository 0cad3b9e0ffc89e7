"""What an import would do, row by row, shared by the staff and the task imports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from evaluation.core.errors import DomainError
from evaluation.imports.workbook import CellError

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SHOWN_ROWS = 1000  # rows listed per section on the preview page; the counts cover all
LOOKUP_CHUNK = 500  # bound the IN lists: SQLite limits bound parameters per statement

Model = TypeVar("Model")


@dataclass
class Change:
    """One row's effect: create, update (with old → new per field) or leave alone."""

    sheet: str
    row: int
    code: str
    label: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    target: Any = None  # the existing object, for updates


@dataclass
class Preview:
    """Everything a confirmation would write, and every reason it may not."""

    sections: dict[str, list[Change]]
    errors: list[CellError]

    def count(self, section: str, action: str) -> int:
        return sum(1 for change in self.sections[section] if change.action == action)

    def shown(self, section: str) -> list[Change]:
        """The rows worth reading: what changes, bounded so a 20 000-row file stays a page."""
        return [c for c in self.sections[section] if c.action != UNCHANGED][:SHOWN_ROWS]

    @property
    def writes_anything(self) -> bool:
        return any(
            change.action != UNCHANGED for changes in self.sections.values() for change in changes
        )


class ImportInvalid(DomainError):
    """The rows no longer pass validation (the database changed since the preview)."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def among(
    session: Session, column: sa.ColumnElement[Any], values: Sequence[Any]
) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions `column IN values` that together cover `values`, one query each.

    PostgreSQL: one condition, `column = ANY(array)` with the values as a single parameter
    (an IN list of 500 bound values took longer to send and plan than one array of 10 000).
    Elsewhere: IN lists of LOOKUP_CHUNK values (SQLite bounds the parameters of a statement).
    """
    if not values:
        return
    if session.get_bind().dialect.name == "postgresql":
        array = postgresql.ARRAY(column.type)
        yield column == sa.any_(sa.bindparam(None, list(values), type_=array))
        return
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield column.in_(values[start : start + LOOKUP_CHUNK])


def by_codes(
    session: Session,
    model: type[Model],
    codes: Iterable[str],
    options: Sequence[ORMOption] = (),
) -> dict[str, Model]:
    """Rows of a model with a `code` column, by code, in bounded queries (`among`)."""
    column = model.code  # type: ignore[attr-defined]
    found: dict[str, Model] = {}
    for condition in among(session, column, sorted(set(codes))):
        for item in session.scalars(sa.select(model).options(*options).where(condition)):
            found[item.code] = item  # type: ignore[attr-defined]
    return found


def cell_error(
    letters: dict[str, str], headers: dict[str, str], sheet: str, row: int, key: str, message: str
) -> CellError:
    """An error found against the database, placed at the cell the value came from."""
    return CellError(sheet, row, letters.get(key), headers.get(key), message)
