"""Forms for period scores and the steps of the annual evaluation."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from criteria import Criterion, GeneralAssessment, Level
from evaluation.core.forms import (
    ActionForm,
    blank_to_empty,
    finite_number,
    no_control_characters,
    text_area,
)
from evaluation.core.labels import LABELS
from evaluation.plans.models import Task
from evaluation.scoring.models import TEXT_MAX
from evaluation.scoring.periods import ScoreInput, TaskAssessment

DECIDABLE_LEVELS = (Level.XUAT_SAC, Level.TOT, Level.HOAN_THANH, Level.KHONG_HOAN_THANH)
PROPOSABLE_LEVELS = (*DECIDABLE_LEVELS, Level.KHONG_XEP_LOAI)


def _text(label: str, *, required: bool, max_length: int = TEXT_MAX) -> TextAreaField:
    return text_area(label, required=required, max_length=max_length)


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def level_choices(levels: Sequence[Level]) -> list[SelectChoice]:
    return [SelectChoice(level.value, LABELS["level"][level]) for level in levels]


class ScoreForm(ActionForm):
    """The fixed part; general criteria and task assessments are added per person."""

    comment = _text(_l("Nhận xét"), required=False, max_length=4000)
    task_points = DecimalField(
        _l("Điểm kết quả nhiệm vụ (để trống: lấy điểm tính từ kế hoạch)"),
        validators=[Optional(), finite_number, NumberRange(min=0, max=70)],
    )
    adjustment_reason = _text(_l("Lý do điều chỉnh điểm"), required=False, max_length=4000)
    organising_pct = DecimalField(
        _l("Năng lực tổ chức thực hiện (%, lãnh đạo)"),
        validators=[Optional(), finite_number, NumberRange(min=0, max=100)],
    )

    general_codes: tuple[str, ...] = ()
    task_ids: tuple[int, ...] = ()

    def to_input(self) -> ScoreInput:
        return ScoreInput(
            general={code: self[f"general_{code}"].data for code in self.general_codes},
            comment=self.comment.data,
            task_points=self.task_points.data,
            adjustment_reason=self.adjustment_reason.data,
            organising_pct=self.organising_pct.data,
            assessments=tuple(
                TaskAssessment(
                    task_id=task_id,
                    quality_ok=bool(self[f"quality_{task_id}"].data),
                    major_error_returns=self[f"returns_{task_id}"].data or 0,
                    delays=self[f"delays_{task_id}"].data or 0,
                    objective_cause=self[f"cause_{task_id}"].data,
                )
                for task_id in self.task_ids
            ),
        )


def score_form_class(criteria: Sequence[Criterion], tasks: Sequence[Task]) -> type[ScoreForm]:
    """A ScoreForm with one field per general criterion and four per task of the period."""
    fields: dict[str, object] = {
        "general_codes": tuple(c.code for c in criteria),
        "task_ids": tuple(t.id for t in tasks),
    }
    for criterion in criteria:
        fields[f"general_{criterion.code}"] = DecimalField(
            f"{criterion.name} (0–{criterion.max_points:g})",
            description=criterion.description,
            validators=[
                InputRequired(message=_l("Cần chấm điểm tiêu chí này.")),
                finite_number,
                # 6, not 6.0, in "between 0 and 6": an integral maximum is written as one
                NumberRange(min=0, max=_plain(criterion.max_points)),
            ],
        )
    for task in tasks:
        fields[f"quality_{task.id}"] = BooleanField(_l("Đạt chất lượng"), default=True)
        fields[f"returns_{task.id}"] = IntegerField(
            _l("Số lần trả lại do sai sót lớn"),
            default=0,
            validators=[Optional(), NumberRange(min=0, max=20)],
        )
        fields[f"delays_{task.id}"] = IntegerField(
            _l("Số lần chậm"), validators=[Optional(), NumberRange(min=0, max=20)]
        )
        fields[f"cause_{task.id}"] = StringField(
            _l("Nguyên nhân khách quan (miễn trừ)"),
            validators=[Optional(), Length(max=300), no_control_characters],
        )
    return type("PersonScoreForm", (ScoreForm,), fields)


class SelfAssessmentForm(ActionForm):
    report = _text(_l("Báo cáo tự đánh giá"), required=True)
    level = SelectField(_l("Tự đề xuất mức xếp loại"), choices=level_choices(PROPOSABLE_LEVELS))


class CollectiveForm(ActionForm):
    minutes = _text(_l("Biên bản họp góp ý của tập thể"), required=True)
    general = SelectField(
        _l("Tập thể đánh giá tiêu chí chung"),
        choices=[SelectChoice(g.value, LABELS["general"][g]) for g in GeneralAssessment],
    )


class PartyForm(ActionForm):
    comment = _text(_l("Ý kiến của cấp ủy"), required=True)


class ProposalForm(ActionForm):
    level = SelectField(_l("Đề xuất mức xếp loại"), choices=level_choices(PROPOSABLE_LEVELS))
    rank = IntegerField(
        _l("Thứ tự ưu tiên (nếu đề xuất Hoàn thành xuất sắc)"),
        validators=[Optional(), NumberRange(min=1, max=10_000)],
    )
    comment = _text(_l("Ý kiến của bộ phận tổ chức cán bộ"), required=False)


class DecisionForm(ActionForm):
    level = SelectField(_l("Quyết định mức xếp loại"), choices=level_choices(PROPOSABLE_LEVELS))
    reason = _text(_l("Lý do (bắt buộc khi khác mức theo quy tắc)"), required=False)
    quota_exception = _text(
        _l("Lý do ngoại lệ vượt tỷ lệ (đơn vị có thành tích nổi bật)"), required=False
    )


class PetitionForm(ActionForm):
    text = _text(_l("Nội dung kiến nghị"), required=True)


class ResolutionForm(ActionForm):
    resolution = _text(_l("Kết quả giải quyết kiến nghị"), required=True)
    level = SelectField(
        _l("Mức xếp loại sau khi giải quyết"),
        choices=[SelectChoice("", _l("Giữ nguyên")), *level_choices(PROPOSABLE_LEVELS)],
        validators=[Optional()],
        filters=[blank_to_empty],
    )
