"""Validators and forms shared by every area."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import HiddenInput

from evaluation.core.text import clean_text, has_bidi_control


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


def text_area(label: str, *, required: bool, max_length: int) -> TextAreaField:
    """A free-text area of any area's form: required or optional, bounded, no control characters."""
    first = DataRequired() if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=max_length), no_control_characters])


def text_filter(value: object) -> object:
    """NFC, stripped of invisible padding; only invisible characters become "" (so empty)."""
    return clean_text(value) if isinstance(value, str) else value


def no_bidi_controls(_form: FlaskForm, field: Field) -> None:
    """Direction overrides and isolates reorder what a reader sees: refuse, naming the field."""
    if isinstance(field.data, str) and has_bidi_control(field.data):
        raise ValidationError(
            _(
                "Trường “%(field)s” chứa ký tự điều khiển hướng chữ (như U+202E), làm đảo thứ tự "
                "hiển thị. Hãy xoá các ký tự đó rồi nhập lại.",
                field=str(field.label.text) or field.name,
            )
        )


def is_free_text(field: Field) -> bool:
    """Typed text: a text box or area, not a password (kept as typed) or a hidden value."""
    return isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField)


class BaseForm(FlaskForm):
    """Every form of the application: each text field is cleaned and checked the same way."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
            if is_free_text(field):
                field.filters = (text_filter, *field.filters)
                field.validators = [*field.validators, no_bidi_controls]
            return field


def prefix_ids(form: FlaskForm, prefix: str) -> FlaskForm:
    """Give a form's fields page-unique ids, keeping their names (what the route reads).

    A page with several small forms (the evaluation's steps) would otherwise repeat ids such
    as "comment", and an error summary's link or a label would point at the wrong field.
    """
    for field in form:
        if getattr(field.widget, "input_type", None) != "hidden":  # no label, no link
            field.id = f"{prefix}-{field.id}"
            field.label.field_id = field.id
    return form


class ActionForm(BaseForm):
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
