"""Sign-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from evaluation.core.forms import BaseForm

PASSWORD_MIN_LENGTH = 10


class LoginForm(BaseForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])


def password_policy(_form: FlaskForm, field: PasswordField) -> None:
    """At least 10 characters mixing letters and digits: what an agency's IT rules ask."""
    value = field.data or ""
    if len(value) < PASSWORD_MIN_LENGTH:
        raise ValidationError(_l("Mật khẩu phải có ít nhất 10 ký tự."))
    if not any(c.isalpha() for c in value) or not any(c.isdigit() for c in value):
        raise ValidationError(_l("Mật khẩu phải có cả chữ và số."))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("Mật khẩu mới"), validators=[DataRequired(), Length(max=200), password_policy]
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(), EqualTo("new_password", _l("Hai mật khẩu không khớp."))],
    )


class LanguageForm(BaseForm):
    """Switching language changes the session, so it is a POST with CSRF like any other."""

    lang = StringField(validators=[DataRequired(), Length(max=5)])
