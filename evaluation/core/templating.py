"""Filters and globals every template may use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, has_request_context, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from evaluation.core.clock import AGENCY_TIMEZONE
from evaluation.core.labels import LABELS, flag_name, rule_name, rulebook_name
from evaluation.core.reasons import render_reason, render_source


def _english() -> bool:
    """Outside a request (exports, the command line) the Vietnamese forms are used."""
    return has_request_context() and str(get_locale()) == "en"


def format_date(value: date | datetime | None) -> str:
    """A day in the page's language: 24/11/2026 on a Vietnamese page, Nov 24, 2026 on an English
    one; a moment in time is shown as the agencies' calendar day."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(AGENCY_TIMEZONE)
    if isinstance(value, datetime):
        value = value.date()
    if _english():
        return babel_format_date(value, "medium", locale="en")
    return value.strftime("%d/%m/%Y")


def format_moment(value: datetime | None) -> str:
    """A moment as the agencies read it (Asia/Ho_Chi_Minh): 24/11/2026 14:05, or on an English
    page Nov 24, 2026, 14:05."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(AGENCY_TIMEZONE)
    if _english():
        local = value.replace(tzinfo=AGENCY_TIMEZONE)
        return babel_format_datetime(local, "MMM d, y, HH:mm", AGENCY_TIMEZONE, locale="en")
    return value.strftime("%d/%m/%Y %H:%M")


def format_number(value: Decimal | float | int | None) -> str:
    """A number in the page's language, at most two decimals, no trailing zeros: 67,31 and
    1.481 on a Vietnamese page, 67.31 and 1,481 on an English one (Babel's locale data)."""
    if value is None:
        return ""
    if isinstance(value, float):  # a float's exact binary value is not what anyone meant
        value = Decimal(str(round(value, 2)))
    if has_request_context():
        return format_decimal(Decimal(value), format="#,##0.##")
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def url_stem(endpoint: str, last: str, **values: Any) -> str:
    """The address of `endpoint` up to the value of its last part `last`, which each row of
    a list appends: a list of hundreds of rows builds one address, not one per row."""
    url = url_for(endpoint, **values, **{last: 0})
    if not url.endswith("/0"):
        raise ValueError(f"{last} is not the last part of {endpoint}'s address: {url}")
    return url[:-1]


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["vndate"] = format_date
    app.jinja_env.filters["num"] = format_number
    app.jinja_env.filters["vndatetime"] = format_moment
    app.jinja_env.filters["unit_bar"] = lambda result: (result.unit.name, result.score.points)
    app.jinja_env.filters["unit_levels"] = lambda result: (result.unit.name, result.levels)
    app.jinja_env.globals["zip"] = zip
    app.jinja_env.globals["url_stem"] = url_stem
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["labels"] = LABELS
    app.jinja_env.globals["step_labels"] = {
        step.value: label for step, label in LABELS["step"].items()
    } | {"reopen": _l("Mở lại hồ sơ đã quyết định")}
    app.jinja_env.globals["level_labels"] = {
        level.value: label for level, label in LABELS["level"].items()
    }
    app.jinja_env.globals["rule_name"] = rule_name
    app.jinja_env.globals["reason_text"] = render_reason
    app.jinja_env.globals["reason_source"] = render_source
    app.jinja_env.globals["flag_name"] = flag_name
    app.jinja_env.globals["rulebook_name"] = rulebook_name
    # `viewer` (the account's reach) is the organisation's: organisation.routes adds it.
