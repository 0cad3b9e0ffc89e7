"""URL converters: every id, year and period in a URL is bounded before a view runs.

A value outside its range does not match the rule, so the page answers 404 instead of
reaching the database or date arithmetic with it (an id past PostgreSQL's `integer`, a year
9999 whose next month does not exist). Every rule uses these three (the period's is the
plans', beside `Period`: `plans.periods.PeriodConverter`), never `int` or a bare string;
`tests/test_urls.py` holds them to that, reading the rules from the application.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

# Years a page may show: wide enough for any record, narrow enough that the period before and
# after, and a deadline counted from it, are ordinary dates.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Primary keys are `integer` columns (PostgreSQL's int4): nothing above this can exist.
LARGEST_ID = 2**31 - 1


def _digits(value: str) -> int:
    try:
        return int(value)
    except ValueError:  # more digits than Python converts
        raise ValidationError() from None


class IdConverter(BaseConverter):
    """`<id:plan_id>`: a positive integer within the database's integer range."""

    regex = r"\d+"
    weight = 50

    def to_python(self, value: str) -> int:
        number = _digits(value)
        if not 1 <= number <= LARGEST_ID:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


class YearConverter(BaseConverter):
    """`<year:year>`: a calendar year between FIRST_YEAR and LAST_YEAR."""

    regex = r"\d+"
    weight = 50

    def to_python(self, value: str) -> int:
        year = _digits(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError()
        return year

    def to_url(self, value: Any) -> str:
        return str(int(value))


CONVERTERS: dict[str, type[BaseConverter]] = {
    "id": IdConverter,
    "year": YearConverter,
}


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: the rules name these converters."""
    app.url_map.converters.update(CONVERTERS)
