"""The close's button: a form all the same (CSRF), with the confirmation it asks for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from evaluation.core.forms import ActionForm


class CloseForm(ActionForm):
    confirm = BooleanField(
        _l("Tôi xác nhận chốt kết quả năm; kết quả lần chốt trước được thay thế."),
        validators=[DataRequired(message=_l("Cần đánh dấu xác nhận trước khi chốt."))],
    )
