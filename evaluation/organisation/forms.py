"""The placement form: move a person or change their role, from a date, with its grounds."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from evaluation.core.forms import ReasonForm, no_control_characters, plausible_date
from evaluation.core.labels import LABELS
from evaluation.core.templating import format_date
from evaluation.organisation.models import LeadershipRole, Unit

JOB_POSITION_MAX = 200


class PlacementForm(ReasonForm):
    """`units` are the units offered; `current_start` the open placement's first day."""

    unit_id = SelectField(_l("Đơn vị"), coerce=int, validators=[InputRequired()])
    role = SelectField(
        _l("Chức vụ lãnh đạo"),
        choices=[SelectChoice(role.value, LABELS["role"][role]) for role in LeadershipRole],
        validators=[InputRequired()],
    )
    job_position = StringField(
        _l("Vị trí việc làm"),
        validators=[
            DataRequired(message=_l("Cần ghi vị trí việc làm.")),
            Length(max=JOB_POSITION_MAX),
            no_control_characters,
        ],
    )
    starts_on = DateField(
        _l("Từ ngày"),
        validators=[InputRequired(message=_l("Cần chọn ngày.")), plausible_date],
    )

    def __init__(self, *args: object, units: list[Unit], current_start: date, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = [SelectChoice(u.id, "— " * u.depth + u.name) for u in units]
        self.current_start = current_start
        self.reason.label.text = _l("Căn cứ (số quyết định, lý do)")

    def validate_starts_on(self, field: DateField) -> None:
        if field.data is not None and field.data < self.current_start:
            raise ValidationError(
                _l(
                    "Ngày này trước ngày bắt đầu vị trí hiện tại (%(day)s).",
                    day=format_date(self.current_start),
                )
            )

    @property
    def leadership_role(self) -> LeadershipRole:
        return LeadershipRole(self.role.data)
