"""Forms for plans, tasks and results. Rules that need the plan are checked by the service."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from evaluation.core.forms import (
    ActionForm,
    blank_to_empty,
    finite_number,
    no_control_characters,
    plausible_date,
)
from evaluation.core.labels import LABELS
from evaluation.plans.models import (
    EVIDENCE_MAX,
    QUANTITY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_OF_MEASURE_MAX,
    SelfQuality,
)
from evaluation.plans.periods import PERIOD_KIND_LABELS, PeriodKind
from evaluation.plans.services import ResultInput, TaskInput

SELF_QUALITY_LABELS = LABELS["self_quality"]


NO_CHOICE = SelectChoice("", "—")


def _kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, str(label)) for kind, label in PERIOD_KIND_LABELS.items()]


def _optional_int(value: object) -> int | None:
    return int(value) if value not in (None, "", "None") else None  # type: ignore[arg-type]


class NewPlanForm(ActionForm):
    kind = SelectField(_l("Loại kế hoạch"), choices=_kind_choices, validators=[InputRequired()])
    day = DateField(
        _l("Một ngày bất kỳ trong kỳ"),
        validators=[InputRequired(message=_l("Cần chọn ngày.")), plausible_date],
        description=_l("Ví dụ chọn 24/11/2026 với loại Tuần để lập kế hoạch tuần 48."),
    )

    @property
    def period_kind(self) -> PeriodKind:
        return PeriodKind(self.kind.data)


class TaskForm(ActionForm):
    title = StringField(
        _l("Tên nhiệm vụ"),
        validators=[
            DataRequired(message=_l("Cần nhập tên nhiệm vụ.")),
            Length(max=TITLE_MAX),
            no_control_characters,
        ],
    )
    description = TextAreaField(
        _l("Mô tả"), validators=[Optional(), Length(max=TEXT_MAX), no_control_characters]
    )
    target_quantity = DecimalField(
        _l("Số lượng sản phẩm"),
        validators=[
            InputRequired(message=_l("Cần nhập số lượng.")),
            finite_number,
            NumberRange(
                min=Decimal("0.01"),
                max=QUANTITY_MAX,
                message=_l("Số lượng phải lớn hơn 0 và không quá 1.000.000."),
            ),
        ],
    )
    unit_of_measure = StringField(
        _l("Đơn vị tính"),
        validators=[
            DataRequired(message=_l("Cần nhập đơn vị tính, ví dụ: hồ sơ.")),
            Length(max=UNIT_OF_MEASURE_MAX),
            no_control_characters,
        ],
    )
    weight = DecimalField(
        _l("Trọng số"),
        description=_l(
            "Từ 0,1 đến 100; nhiệm vụ trọng số 2 được tính gấp đôi nhiệm vụ trọng số 1 "
            "khi tính điểm nhiệm vụ của kỳ."
        ),
        default=Decimal(1),
        validators=[
            InputRequired(),
            finite_number,
            NumberRange(
                min=Decimal("0.1"), max=Decimal(100), message=_l("Trọng số từ 0,1 đến 100.")
            ),
        ],
    )
    deadline = DateField(_l("Hạn hoàn thành"), validators=[InputRequired()])  # bound by the period
    parent_task_id = SelectField(
        _l("Thuộc nhiệm vụ của kế hoạch dài hơn"),
        coerce=_optional_int,
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )

    def to_input(self) -> TaskInput:
        return TaskInput(
            title=self.title.data,
            description=self.description.data,
            target_quantity=self.target_quantity.data,
            unit_of_measure=self.unit_of_measure.data,
            weight=self.weight.data,
            deadline=self.deadline.data,
            parent_task_id=self.parent_task_id.data,
        )


class ExternalTaskForm(TaskForm):
    """A task another system sent (a document system): changed only with a written reason,
    which keeps later pushes of the same document from overwriting the change."""

    reason = TextAreaField(
        _l("Lý do điều chỉnh"),
        description=_l(
            "Bắt buộc: nhiệm vụ này do hệ thống quản lý văn bản giao. Sau khi điều chỉnh, "
            "văn bản gửi lại không còn ghi đè lên nhiệm vụ."
        ),
        validators=[Optional(), Length(max=TITLE_MAX), no_control_characters],
    )


class AssignTaskForm(TaskForm):
    """A manager gives a task to a staff member, in that person's plan for the period."""

    person_id = SelectField(_l("Giao cho"), coerce=int, validators=[InputRequired()])
    kind = SelectField(_l("Loại kế hoạch"), choices=_kind_choices, validators=[InputRequired()])
    day = DateField(_l("Một ngày trong kỳ"), validators=[InputRequired(), plausible_date])


class ResultForm(ActionForm):
    outcome = SelectField(
        _l("Kết quả"),
        choices=[
            SelectChoice("done", _l("Đã hoàn thành")),
            SelectChoice("not_done", _l("Chưa hoàn thành")),
            SelectChoice("cancelled", _l("Huỷ (có lý do)")),
        ],
        validators=[InputRequired()],
    )
    achieved_quantity = DecimalField(
        _l("Số lượng đạt được"),
        validators=[
            Optional(),
            finite_number,
            NumberRange(
                min=Decimal(0), max=QUANTITY_MAX, message=_l("Số lượng từ 0 đến 1.000.000.")
            ),
        ],
    )
    completed_on = DateField(_l("Ngày hoàn thành"), validators=[Optional(), plausible_date])
    cancel_reason = StringField(
        _l("Lý do huỷ"), validators=[Optional(), Length(max=TITLE_MAX), no_control_characters]
    )
    evidence = TextAreaField(
        _l("Minh chứng (đường dẫn hoặc mô tả ngắn)"),
        validators=[Optional(), Length(max=EVIDENCE_MAX), no_control_characters],
    )
    self_quality = SelectField(
        _l("Tự đánh giá chất lượng"),
        choices=[NO_CHOICE]
        + [SelectChoice(q.value, label) for q, label in SELF_QUALITY_LABELS.items()],
        validators=[Optional()],
        filters=[blank_to_empty],
    )

    def to_input(self) -> ResultInput:
        return ResultInput(
            outcome=self.outcome.data,
            achieved_quantity=self.achieved_quantity.data,
            completed_on=self.completed_on.data,
            cancel_reason=self.cancel_reason.data,
            evidence=self.evidence.data,
            self_quality=SelfQuality(self.self_quality.data) if self.self_quality.data else None,
        )


class ReturnForm(ActionForm):
    comment = TextAreaField(
        _l("Lý do trả lại"),
        validators=[
            DataRequired(message=_l("Cần ghi rõ lý do trả lại.")),
            Length(max=TEXT_MAX),
            no_control_characters,
        ],
    )


class EvidenceFileForm(ActionForm):
    """One file as evidence of a task's result; its size and kind are checked by the service
    (`plans.evidence.add_file`), from the bytes, not from what the browser said."""

    file = FileField(
        _l("Tệp minh chứng (PDF, ảnh, Word, Excel, PowerPoint; tối đa 10 MB)"),
        validators=[FileRequired(message=_l("Cần chọn tệp để tải lên."))],
    )
