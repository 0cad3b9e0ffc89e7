"""Plan periods: ISO weeks and calendar months, quarters and years."""

from __future__ import annotations

from datetime import date

import pytest

from evaluation.plans.periods import Period, PeriodKind

W, M, Q, Y = PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR


@pytest.mark.parametrize(
    ("kind", "day", "key", "starts", "ends"),
    [
        (W, date(2026, 11, 24), "2026-W48", date(2026, 11, 23), date(2026, 11, 29)),
        (W, date(2026, 1, 1), "2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        (W, date(2027, 1, 1), "2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        (W, date(2021, 1, 3), "2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
        (M, date(2024, 2, 10), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        (M, date(2026, 12, 31), "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
        (Q, date(2026, 11, 24), "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        (Q, date(2026, 4, 1), "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        (Y, date(2026, 6, 15), "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_period_containing_a_day(kind, day, key, starts, ends):
    period = Period.containing(kind, day)
    assert period.key == key
    assert (period.starts_on, period.ends_on) == (starts, ends)
    assert period.contains(day)
    assert Period.from_key(key) == period


@pytest.mark.parametrize(
    ("key", "enclosing"),
    [
        ("2026-W48", "2026-11"),
        ("2026-W01", "2026-01"),  # 29 Dec – 4 Jan: its Thursday is 1 January
        ("2026-W05", "2026-01"),  # 26 Jan – 1 Feb: its Thursday is 29 January
        ("2026-03", "2026-Q1"),
        ("2026-Q4", "2026"),
    ],
)
def test_each_period_breaks_down_the_next_longer_one(key, enclosing):
    assert Period.from_key(key).enclosing() == Period.from_key(enclosing)
    assert Period.from_key("2026").enclosing() is None


@pytest.mark.parametrize("key", ["2025-W53", "2026-W54", "2026-13", "2026-Q5", "26", "2026-W5"])
def test_periods_that_do_not_exist_are_refused(key):
    with pytest.raises(ValueError):
        Period.from_key(key)


def test_labels_are_vietnamese():
    assert Period.from_key("2026-Q3").label == "Quý III/2026"
    assert Period.from_key("2026-W48").label == "Tuần 48/2026 (23/11–29/11)"
    assert Period.from_key("2026-03").label == "Tháng 3/2026"
