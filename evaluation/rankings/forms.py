"""Forms for the council's decisions, revocations and achievements."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from criteria import Title
from evaluation.core.forms import ActionForm, no_control_characters, plausible_date, text_area
from evaluation.core.labels import LABELS
from evaluation.rankings.models import AchievementKind


class DecisionForm(ActionForm):
    number = StringField(
        _l("Số quyết định"), validators=[DataRequired(), Length(max=80), no_control_characters]
    )
    decided_on = DateField(_l("Ngày quyết định"), validators=[InputRequired(), plausible_date])
    title = SelectField(
        _l("Danh hiệu"), choices=[SelectChoice(t.value, LABELS["title"][t]) for t in Title]
    )
    people = SelectMultipleField(_l("Cá nhân"), coerce=int, validate_choice=True, choices=[])
    units = SelectMultipleField(_l("Tập thể"), coerce=int, validate_choice=True, choices=[])
    note = text_area(_l("Ghi chú"), required=False, max_length=2000)


class RevokeForm(ActionForm):
    reason = text_area(_l("Lý do thu hồi"), required=True, max_length=2000)


class AchievementForm(ActionForm):
    year = IntegerField(_l("Năm"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    kind = SelectField(
        _l("Loại"),
        choices=[
            SelectChoice(AchievementKind.INITIATIVE.value, _l("Sáng kiến được công nhận")),
            SelectChoice(AchievementKind.SCIENCE_WORK.value, _l("Đề tài khoa học được nghiệm thu")),
        ],
    )
    title = StringField(
        _l("Tên sáng kiến, đề tài"),
        validators=[DataRequired(), Length(max=300), no_control_characters],
    )
    recognised_by = StringField(
        _l("Cấp công nhận"), validators=[Optional(), Length(max=200), no_control_characters]
    )
