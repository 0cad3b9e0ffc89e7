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


# WTForms' own messages, which it ships in no Vietnamese: ours, keyed by its English text (the
# singular for a plural pair), with the same placeholders, so a Vietnamese page never shows
# "This field is required." and the English catalog gives the English back.
WTFORMS_MESSAGES = {
    "Invalid field name '%s'.": _l("Tên trường “%s” không hợp lệ."),
    "Field must be equal to %(other_name)s.": _l("Phải trùng với %(other_name)s."),
    "Field must be at least %(min)d character long.": _l("Cần ít nhất %(min)d ký tự."),
    "Field cannot be longer than %(max)d character.": _l("Không được dài quá %(max)d ký tự."),
    "Field must be exactly %(max)d character long.": _l("Cần đúng %(max)d ký tự."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Độ dài phải từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": _l("Số phải từ %(min)s trở lên."),
    "Number must be at most %(max)s.": _l("Số không được lớn hơn %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Số phải trong khoảng %(min)s đến %(max)s."),
    "Date must be at least %(min)s.": _l("Ngày phải từ %(min)s trở đi."),
    "Date must be at most %(max)s.": _l("Ngày không được sau %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Ngày phải trong khoảng %(min)s đến %(max)s."),
    "This field is required.": _l("Cần nhập mục này."),
    "Invalid input.": _l("Giá trị không hợp lệ."),
    "Invalid email address.": _l("Địa chỉ email không hợp lệ."),
    "Invalid IP address.": _l("Địa chỉ IP không hợp lệ."),
    "Invalid Mac address.": _l("Địa chỉ MAC không hợp lệ."),
    "Invalid URL.": _l("Địa chỉ web không hợp lệ."),
    "Invalid UUID.": _l("Mã UUID không hợp lệ."),
    "Invalid value, must be one of: %(values)s.": _l("Giá trị phải là một trong: %(values)s."),
    "Invalid value, can't be any of: %(values)s.": _l("Giá trị không được là: %(values)s."),
    "This field cannot be edited.": _l("Không được sửa mục này."),
    "This field is disabled and cannot have a value.": _l("Mục này bị khoá, không nhận giá trị."),
    "Invalid CSRF Token.": _l("Phiên làm việc không hợp lệ; hãy tải lại trang."),
    "CSRF token missing.": _l("Phiên làm việc không hợp lệ; hãy tải lại trang."),
    "CSRF failed.": _l("Phiên làm việc không hợp lệ; hãy tải lại trang."),
    "CSRF token expired.": _l("Phiên làm việc đã hết hạn; hãy tải lại trang."),
    "Invalid Choice: could not coerce.": _l("Lựa chọn không hợp lệ."),
    "Choices cannot be None.": _l("Chưa có lựa chọn nào."),
    "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Có lựa chọn không hợp lệ."
    ),
    "'%(value)s' is not a valid choice for this field.": _l(
        "“%(value)s” không phải lựa chọn hợp lệ."
    ),
    "Not a valid datetime value.": _l("Ngày giờ không hợp lệ."),
    "Not a valid date value.": _l("Ngày không hợp lệ."),
    "Not a valid time value.": _l("Giờ không hợp lệ."),
    "Not a valid week value.": _l("Tuần không hợp lệ."),
    "Not a valid integer value.": _l("Cần nhập một số nguyên."),
    "Not a valid decimal value.": _l("Cần nhập một số."),
    "Not a valid float value.": _l("Cần nhập một số."),
}


class WTFormsMessages:
    """WTForms' translations object (its `gettext`/`ngettext`), answered from our catalog."""

    def gettext(self, string: str) -> str:
        message = WTFORMS_MESSAGES.get(string)
        return string if message is None else str(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        message = WTFORMS_MESSAGES.get(singular)
        if message is None:
            return singular if n == 1 else plural
        return str(message)


class BaseForm(FlaskForm):
    """Every form of the application: each text field is cleaned and checked the same way, and
    WTForms' own messages speak the page's language."""

    class Meta:
        def get_translations(self, form: Any) -> WTFormsMessages:
            return WTFormsMessages()

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
