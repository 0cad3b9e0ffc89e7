"""Plan periods: ISO weeks and calendar months, quarters and years.

A period is (kind, year, number): week 1–53 of an ISO week-year, month 1–12, quarter 1–4,
or year (number 1). Everything else, its dates, label and key, derives from those three.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, Map, ValidationError

from evaluation.core.converters import FIRST_YEAR, LAST_YEAR


class PeriodKind(enum.Enum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def label(self) -> str:
        return str(PERIOD_KIND_LABELS[self])


PERIOD_KIND_LABELS = {
    PeriodKind.WEEK: _l("Tuần"),
    PeriodKind.MONTH: _l("Tháng"),
    PeriodKind.QUARTER: _l("Quý"),
    PeriodKind.YEAR: _l("Năm"),
}
ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}
_KEY_PATTERN = re.compile(r"^(\d{4})(?:-W(\d{2})|-Q([1-4])|-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    year: int
    number: int

    def __post_init__(self) -> None:
        highest = {
            PeriodKind.WEEK: _iso_weeks_in(self.year),
            PeriodKind.MONTH: 12,
            PeriodKind.QUARTER: 4,
            PeriodKind.YEAR: 1,
        }[self.kind]
        if not 1 <= self.number <= highest:
            raise ValueError(f"{self.kind.value} {self.number} does not exist in {self.year}")

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.WEEK:
            iso = day.isocalendar()
            return cls(kind, iso.year, iso.week)
        if kind is PeriodKind.MONTH:
            return cls(kind, day.year, day.month)
        if kind is PeriodKind.QUARTER:
            return cls(kind, day.year, (day.month - 1) // 3 + 1)
        return cls(kind, day.year, 1)

    @classmethod
    def from_key(cls, key: str) -> Period:
        """Parse "2026", "2026-Q1", "2026-03" or "2026-W05"."""
        match = _KEY_PATTERN.match(key)
        if not match:
            raise ValueError(f"not a period: {key!r}")
        year, week, quarter, month = match.groups()
        if week:
            return cls(PeriodKind.WEEK, int(year), int(week))
        if quarter:
            return cls(PeriodKind.QUARTER, int(year), int(quarter))
        if month:
            return cls(PeriodKind.MONTH, int(year), int(month))
        return cls(PeriodKind.YEAR, int(year), 1)

    @property
    def key(self) -> str:
        return {
            PeriodKind.WEEK: f"{self.year}-W{self.number:02d}",
            PeriodKind.MONTH: f"{self.year}-{self.number:02d}",
            PeriodKind.QUARTER: f"{self.year}-Q{self.number}",
            PeriodKind.YEAR: f"{self.year}",
        }[self.kind]

    @property
    def starts_on(self) -> date:
        if self.kind is PeriodKind.WEEK:
            return date.fromisocalendar(self.year, self.number, 1)
        if self.kind is PeriodKind.MONTH:
            return date(self.year, self.number, 1)
        if self.kind is PeriodKind.QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def ends_on(self) -> date:
        if self.kind is PeriodKind.WEEK:
            return self.starts_on + timedelta(days=6)
        if self.kind is PeriodKind.MONTH:
            return _last_day_of_month(self.year, self.number)
        if self.kind is PeriodKind.QUARTER:
            return _last_day_of_month(self.year, 3 * self.number)
        return date(self.year, 12, 31)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.WEEK:
            return (
                f"{self.kind.label} {self.number}/{self.year} "
                f"({self.starts_on:%d/%m}–{self.ends_on:%d/%m})"
            )
        if self.kind is PeriodKind.MONTH:
            return f"{self.kind.label} {self.number}/{self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.kind.label} {ROMAN_QUARTERS[self.number]}/{self.year}"
        return f"{self.kind.label} {self.year}"

    def enclosing(self) -> Period | None:
        """The next longer period this one breaks down (week → month → quarter → year).

        A week belongs to the month of its Thursday, as ISO 8601 assigns weeks to years.
        """
        if self.kind is PeriodKind.YEAR:
            return None
        if self.kind is PeriodKind.WEEK:
            return Period.containing(PeriodKind.MONTH, self.starts_on + timedelta(days=3))
        longer = PeriodKind.QUARTER if self.kind is PeriodKind.MONTH else PeriodKind.YEAR
        return Period.containing(longer, self.starts_on)


def _last_day_of_month(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _iso_weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


class PeriodConverter(BaseConverter):
    """`<period("month", "quarter"):key>`: a period key of one of the kinds named (all four
    when none are), existing in its year, in a bounded year.

    The view receives the key as text, the form its body has always taken; `Period.from_key`
    cannot fail on it any more."""

    regex = r"\d{4}(?:-W\d{2}|-Q\d|-\d{2})?"
    weight = 50

    def __init__(self, url_map: Map, *kinds: str) -> None:
        super().__init__(url_map)
        self.kinds = frozenset(PeriodKind(kind) for kind in kinds) or frozenset(PeriodKind)

    def to_python(self, value: str) -> str:
        try:
            period = Period.from_key(value)
        except ValueError:  # week 54, month 13, quarter 5
            raise ValidationError() from None
        if period.kind not in self.kinds or not FIRST_YEAR <= period.year <= LAST_YEAR:
            raise ValidationError()
        return period.key

    def to_url(self, value: Any) -> str:
        return value.key if isinstance(value, Period) else str(value)
