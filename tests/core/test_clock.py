"""The `clock` fixture sets the day for every module that asks for it, by whatever name."""

from __future__ import annotations

import sys
from datetime import date, datetime

import evaluation.plans.routes
import evaluation.rankings.routes
import evaluation.reports.routes
import evaluation.scoring.routes
from evaluation.core import clock as clock_module


def test_every_module_sees_the_day_that_was_set(app, clock):
    asking = [
        module
        for name, module in sys.modules.items()
        if name.startswith("evaluation.") and getattr(module, "local_today", None)
    ]
    assert {
        evaluation.plans.routes,
        evaluation.rankings.routes,
        evaluation.reports.routes,
        evaluation.scoring.routes,
    } <= set(asking)
    for day in (date(2026, 12, 20), date(2027, 1, 1)):
        clock(day)
        assert {module.__name__: module.local_today() for module in asking} == {
            module.__name__: day for module in asking
        }


def test_without_it_the_day_is_the_agencies_own(app):
    """Only the day moves: the clock's `datetime` is back after the test that set it."""
    assert clock_module.datetime is datetime
    assert clock_module.local_today() == datetime.now(clock_module.AGENCY_TIMEZONE).date()
