"""Forms of the criteria sets and policy pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from evaluation.core.forms import (
    ActionForm,
    BaseForm,
    finite_number,
    no_control_characters,
    plausible_date,
)


class NewSetForm(BaseForm):
    """A draft: a copy of a published set under a new code, or a file another province sent."""

    copy_of = SelectField(_l("Sao chép từ bộ tiêu chí"), validators=[Optional()])
    name = StringField(
        _l("Mã bộ tiêu chí mới"),
        description=_l("Chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ: hanoi-cong-chuc."),
        validators=[
            Optional(),
            Length(max=60),
            Regexp(r"^[a-z0-9-]+$", message=_l("Chỉ gồm chữ thường không dấu, chữ số và dấu -.")),
        ],
    )
    title = StringField(
        _l("Tên bộ tiêu chí"), validators=[Optional(), Length(max=300), no_control_characters]
    )
    file = FileField(_l("Hoặc nhập từ tệp (.json hoặc .xlsx)"))


class EditSetForm(BaseForm):
    content = TextAreaField(
        _l("Nội dung bộ tiêu chí (JSON)"),
        validators=[DataRequired(), Length(max=200_000), no_control_characters],
    )


class PublishForm(BaseForm):
    effective_from = DateField(_l("Áp dụng từ ngày"), validators=[InputRequired(), plausible_date])
    confirm = BooleanField(
        _l("Tôi hiểu rằng phiên bản đã ban hành không sửa được nữa."),
        validators=[DataRequired(message=_l("Cần xác nhận trước khi ban hành."))],
    )


class PinForm(BaseForm):
    set_name = SelectField(_l("Bộ tiêu chí"), validators=[DataRequired()])


class RulebookPinForm(BaseForm):
    rulebook_pin = SelectField(
        _l("Văn bản áp dụng cho đơn vị"),
        choices=[
            SelectChoice("", _l("Theo văn bản có hiệu lực với từng người")),
            SelectChoice(
                "nd90", _l("Nghị định 90/2020/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 48/2023/NĐ-CP)")
            ),
            SelectChoice("nd335", _l("Nghị định 335/2025/NĐ-CP")),
        ],
    )


class PreviewForm(BaseForm):
    """GET parameters of a preview: the year run again, and the unit a set would be pinned to."""

    class Meta:
        csrf = False

    year = SelectField(_l("Năm"), coerce=int, validators=[Optional()])
    unit = SelectField(_l("Đơn vị sẽ áp dụng"), coerce=int, validators=[Optional()])


class PolicyForm(BaseForm):
    nd90_quota_pct = DecimalField(
        _l("Tỷ lệ Hoàn thành xuất sắc (%) theo Nghị định 90"),
        places=None,
        validators=[InputRequired(), finite_number, NumberRange(min=0, max=100)],
    )
    quota_rounding = SelectField(
        _l("Làm tròn số người Xuất sắc"),
        choices=[
            SelectChoice("down", _l("Làm tròn xuống")),
            SelectChoice("half_up", _l("Làm tròn thông thường")),
        ],
    )
    quota_base = SelectField(
        _l("Cơ sở tính tỷ lệ"),
        choices=[
            SelectChoice("final", _l("Số Hoàn thành tốt sau quyết định")),
            SelectChoice("with_proposed", _l("Số Hoàn thành tốt cộng số đề nghị Xuất sắc")),
        ],
    )
    chien_si_cap = BooleanField(_l("Giới hạn số Chiến sĩ thi đua cơ sở"))
    chien_si_cap_pct = DecimalField(
        _l("Tỷ lệ Chiến sĩ thi đua cơ sở tối đa (%)"),
        places=None,
        validators=[InputRequired(), finite_number, NumberRange(min=0, max=100)],
    )
    s3_own = DecimalField(
        _l("Trọng số kết quả công việc cá nhân (%)"),
        places=None,
        validators=[InputRequired(), finite_number, NumberRange(min=0, max=100)],
    )
    s3_unit = DecimalField(
        _l("Trọng số kết quả của đơn vị (%)"),
        places=None,
        validators=[InputRequired(), finite_number, NumberRange(min=0, max=100)],
    )
    s3_organising = DecimalField(
        _l("Trọng số năng lực tổ chức (%)"),
        places=None,
        validators=[InputRequired(), finite_number, NumberRange(min=0, max=100)],
    )
    points_may_fail = BooleanField(_l("Điểm thấp tự đưa đến mức Không hoàn thành nhiệm vụ"))
    note = TextAreaField(
        _l("Lý do thay đổi"), validators=[Optional(), Length(max=2000), no_control_characters]
    )

    def validate_s3_organising(self, field: DecimalField) -> None:
        weights = (self.s3_own.data, self.s3_unit.data, field.data)
        if all(w is not None for w in weights) and sum(weights) != 100:
            raise ValidationError(_l("Ba trọng số phải cộng lại đúng 100."))


__all__ = ["ActionForm", "EditSetForm", "NewSetForm", "PinForm", "PolicyForm", "PublishForm"]
