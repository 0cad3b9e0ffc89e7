"""The rulebook's reasons written in the page's language (issue 16 §1).

`criteria` gives each reason as a message: a Vietnamese template (its key in the catalog) and
raw parameters. On an English page the template is translated and the numbers, levels and names
are written the English way; on a Vietnamese page, and outside a request (the command line), the
rulebook's own Vietnamese text is shown, exactly as it reads there. A stored reason (a decision's
snapshot) carries its messages when it was stored after this change; an older one has only its
Vietnamese text, and that is what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context
from flask_babel import format_decimal, get_locale, gettext

from criteria.consequences import Flag
from criteria.levels import DisciplineForm, Level, Title
from criteria.reasons import Message, Param, Reason, Style, decode, render, vietnamese
from evaluation.core.labels import LABELS

_TABLES: dict[type[Enum], str] = {
    Level: "level",
    DisciplineForm: "discipline_form",
    Title: "title",
}

# A reason, a consequence flag (C1–C6: explained the same way) or a stored reason.
ReasonLike = Reason | Flag | Mapping[str, Any]


def _number(value: float) -> str:
    """At most two decimals, no trailing zeros, as the page's `num` filter writes them."""
    return format_decimal(Decimal(str(round(value, 2))), format="#,##0.##")


def _percent(value: float, digits: int) -> str:
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(Decimal(str(round(value, digits))), format=pattern) + "%"


def _label(value: Enum) -> str:
    table = next(name for kind, name in _TABLES.items() if isinstance(value, kind))
    return str(LABELS[table][value])


PAGE_LANGUAGE = Style(translate=gettext, number=_number, percent=_percent, label=_label)


def _translated() -> bool:
    """Only an English page translates; Vietnamese is the rulebook's own text."""
    return has_request_context() and str(get_locale()) == "en"


def render_message(param: Param) -> str:
    """A message (or a parameter) in the page's language."""
    return render(param, PAGE_LANGUAGE) if _translated() else vietnamese(param)


def _stored(reason: Mapping[str, Any], field: str) -> Message | None:
    """The message a stored reason kept, or None for a snapshot older than messages."""
    data = reason.get(field)
    if data is None:
        return None
    try:
        decoded = decode(data)
    except (KeyError, TypeError, ValueError):
        return None
    return decoded if isinstance(decoded, Message) else None


def render_reason(reason: ReasonLike) -> str:
    """What the rule found, in the page's language."""
    if isinstance(reason, Reason | Flag):
        return render_message(reason.message) if _translated() else reason.text
    message = _stored(reason, "message")
    if message is None or not _translated():
        return str(reason.get("text", ""))
    return render_message(message)


def render_source(reason: ReasonLike) -> str:
    """The reason's legal citation, in the page's language."""
    if isinstance(reason, Reason | Flag):
        return render_message(reason.citation) if _translated() else reason.source
    citation = _stored(reason, "citation")
    if citation is None or not _translated():
        return str(reason.get("source", ""))
    return render_message(citation)
