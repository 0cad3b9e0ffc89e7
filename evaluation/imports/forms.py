"""Upload forms (file plus, for tasks, the unit and period) and the confirm button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from evaluation.core.forms import ActionForm, BaseForm, plausible_date
from evaluation.plans.periods import PERIOD_KIND_LABELS, Period, PeriodKind

PERIOD_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER)
FILE_HINT = _l("Tệp .xlsx theo mẫu, không quá 5 MB và 20.000 dòng mỗi trang.")


class UploadForm(BaseForm):
    file = FileField(
        _l("Tệp Excel"),
        validators=[FileRequired(message=_l("Cần chọn tệp để tải lên."))],
        description=FILE_HINT,
    )


class TaskUploadForm(UploadForm):
    unit_id = SelectField(_l("Đơn vị"), coerce=int, validators=[InputRequired()])
    kind = SelectField(
        _l("Loại kế hoạch"),
        choices=[SelectChoice(kind.value, PERIOD_KIND_LABELS[kind]) for kind in PERIOD_KINDS],
        validators=[InputRequired()],
    )
    day = DateField(
        _l("Một ngày bất kỳ trong kỳ"),
        validators=[InputRequired(message=_l("Cần chọn ngày.")), plausible_date],
        description=_l("Ví dụ chọn 15/12/2026 với loại Quý để nhập kế hoạch quý IV/2026."),
    )

    @property
    def period(self) -> Period:
        return Period.containing(PeriodKind(self.kind.data), self.day.data)


class ConfirmForm(ActionForm):
    """The office's confirmation: a button, posted with its CSRF token."""

    # A staff list only: logins for the people it adds, each with a one-time password shown
    # once on the next page (`accounts.admin.issue_logins`).
    create_logins = BooleanField(_l("Tạo tài khoản đăng nhập cho những người được thêm mới"))
