"""Validators and forms shared by every area."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import HiddenInput


def finite_number(_form: FlaskForm, field: Field) -> None:
    """NaN and Infinity parse as decimals but are no quantity; refuse them before range checks.

    Stop the chain: NumberRange would call `math.isnan` on a signalling NaN and crash.
    """
    value = field.data
    if isinstance(value, Decimal) and not value.is_finite():
        raise StopValidation(_l("Giá trị số không hợp lệ."))


FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def plausible_date(_form: FlaskForm, field: Field) -> None:
    """Dates of this system's records lie in 2000–2100: year 1 or 9999 is a typing slip."""
    if isinstance(field.data, date) and not FIRST_DAY <= field.data <= LAST_DAY:
        raise StopValidation(_l("Ngày phải trong khoảng năm 2000 đến 2100."))


def blank_to_empty(value: object) -> object:
    """A filter for optional choices: Optional() lets a blank " " past the choice check."""
    return value.strip() if isinstance(value, str) else value


def no_control_characters(_form: FlaskForm, field: Field) -> None:
    """Control characters (other than line breaks and tabs) have no place in stored text."""
    value = field.data or ""
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value) or "\x7f" in value:
        raise ValidationError(_l("Văn bản chứa ký tự không hợp lệ."))


class ActionForm(FlaskForm):
    """A button-only POST (submit, approve, close): a form all the same, for CSRF.

    `version` carries the plan version the page showed, for optimistic locking.
    """

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ReasonForm(ActionForm):
    """An action that needs a written reason: reopening what was closed or decided."""

    reason = TextAreaField(
        _l("Lý do"),
        validators=[
            DataRequired(message=_l("Cần ghi rõ lý do.")),
            Length(max=4000),
            no_control_characters,
        ],
    )
