"""Filters and globals every template may use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from criteria import Level
from criteria.procedure import Step
from evaluation.core.clock import AGENCY_TIMEZONE
from evaluation.core.labels import LABELS


def format_date(value: date | datetime | None) -> str:
    """Vietnamese dates: 24/11/2026; a moment in time is shown as the agencies' calendar day."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(AGENCY_TIMEZONE)
    return value.strftime("%d/%m/%Y")


def format_moment(value: datetime | None) -> str:
    """A moment as the agencies read it: 24/11/2026 14:05 (Asia/Ho_Chi_Minh)."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(AGENCY_TIMEZONE)
    return value.strftime("%d/%m/%Y %H:%M")


def format_number(value: Decimal | float | int | None) -> str:
    """12.50 → "12,5": decimal comma, no trailing zeros, as Vietnamese documents write numbers."""
    if value is None:
        return ""
    if isinstance(value, float):  # a float's exact binary value is not what anyone meant
        value = Decimal(str(round(value, 2)))
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["vndate"] = format_date
    app.jinja_env.filters["num"] = format_number
    app.jinja_env.filters["vndatetime"] = format_moment
    app.jinja_env.filters["unit_bar"] = lambda result: (result.unit.name, result.score.points)
    app.jinja_env.filters["unit_levels"] = lambda result: (result.unit.name, result.levels)
    app.jinja_env.globals["zip"] = zip
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["labels"] = LABELS
    app.jinja_env.globals["step_labels"] = {step.value: step.label for step in Step} | {
        "reopen": _l("Mở lại hồ sơ đã quyết định")
    }
    app.jinja_env.globals["level_labels"] = {level.value: level.label for level in Level}
    # `viewer` (the account's reach) is the organisation's: organisation.routes adds it.
