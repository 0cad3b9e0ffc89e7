"""Forms for a person's leave and discipline records (the personnel office's page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from criteria import DisciplineForm
from evaluation.core.forms import ActionForm, no_control_characters, plausible_date
from evaluation.core.labels import LABELS
from evaluation.records.models import LeaveKind


class LeaveForm(ActionForm):
    kind = SelectField(
        _l("Loại nghỉ"),
        choices=[
            SelectChoice(LeaveKind.LAWFUL.value, _l("Nghỉ theo quy định")),
            SelectChoice(LeaveKind.MATERNITY.value, _l("Nghỉ thai sản")),
        ],
    )
    starts_on = DateField(_l("Từ ngày"), validators=[InputRequired(), plausible_date])
    ends_on = DateField(_l("Đến ngày"), validators=[InputRequired(), plausible_date])
    note = TextAreaField(
        _l("Ghi chú"), validators=[Optional(), Length(max=1000), no_control_characters]
    )


class DisciplineRecordForm(ActionForm):
    violation = StringField(
        _l("Hành vi vi phạm"), validators=[DataRequired(), Length(max=300), no_control_characters]
    )
    decision_number = StringField(
        _l("Số quyết định"), validators=[Optional(), Length(max=80), no_control_characters]
    )
    effective_on = DateField(_l("Ngày có hiệu lực"), validators=[InputRequired(), plausible_date])
    form = SelectField(
        _l("Hình thức kỷ luật"),
        choices=[SelectChoice(f.value, LABELS["discipline_form"][f]) for f in DisciplineForm],
    )
    party = BooleanField(_l("Kỷ luật Đảng"))
    duty_related = BooleanField(_l("Liên quan đến thực thi công vụ"), default=True)
    counted_in_year = IntegerField(
        _l("Vi phạm đã được tính vào kết quả xếp loại của năm (nếu có)"),
        validators=[Optional(), NumberRange(min=2000, max=2100)],
    )
