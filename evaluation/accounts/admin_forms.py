"""The forms of account administration: create an account, change its role or a leadership
role, and the buttons (deactivate, reset a password, unlock) that carry a reason."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from evaluation.accounts.models import AccountRole
from evaluation.core.forms import (
    ActionForm,
    ReasonForm,
    blank_to_empty,
    no_control_characters,
    plausible_date,
)
from evaluation.core.labels import LABELS
from evaluation.organisation.models import DelegationKind, LeadershipRole, Unit

USERNAME_MAX = 80
# Letters, digits and . _ - only: a username is typed at every sign-in, on any keyboard.
USERNAME_SHAPE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def username_shape(_form: object, field: StringField) -> None:
    if field.data and not USERNAME_SHAPE.match(field.data):
        raise ValidationError(
            _l("Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các dấu . _ -")
        )


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def role_choices(roles: list[AccountRole]) -> list[SelectChoice]:
    return [SelectChoice(role.value, LABELS["account_role"][role]) for role in roles]


def unit_choices(units: list[Unit]) -> list[SelectChoice]:
    """ "" first: no served unit (only a personnel office needs one)."""
    return [SelectChoice("", _l("— Không chọn —"))] + [
        SelectChoice(str(unit.id), "— " * unit.depth + unit.name) for unit in units
    ]


class RoleFields(ReasonForm):
    """An account's role and, for a personnel office, the unit whose subtree it serves.
    `roles` and `units` are what the acting account may give."""

    role = SelectField(_l("Vai trò"), validators=[InputRequired()])
    served_unit_id = SelectField(
        _l("Đơn vị phục vụ (bộ phận tổ chức cán bộ)"),
        filters=[blank_to_empty],
        validators=[Optional()],
    )

    def __init__(
        self, *args: object, roles: list[AccountRole], units: list[Unit], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(roles)
        self.served_unit_id.choices = unit_choices(units)
        self.reason.label.text = _l("Căn cứ (số quyết định, lý do)")

    @property
    def account_role(self) -> AccountRole:
        return AccountRole(self.role.data)

    @property
    def served_unit(self) -> int | None:
        return int(self.served_unit_id.data) if self.served_unit_id.data else None

    def validate_served_unit_id(self, field: SelectField) -> None:
        if self.role.data == AccountRole.PERSONNEL.value and not field.data:
            raise ValidationError(_l("Bộ phận tổ chức cán bộ cần chọn đơn vị mình phục vụ."))


class NewAccountForm(RoleFields):
    """A login for a person who has none (by their code), or an administrator's own."""

    person_code = StringField(
        _l("Mã cán bộ"),
        description=_l("Để trống chỉ khi tạo tài khoản quản trị không gắn với cán bộ nào."),
        filters=[_stripped],
        validators=[Optional(), Length(max=40), no_control_characters],
    )
    username = StringField(
        _l("Tên đăng nhập"),
        description=_l("Để trống để dùng mã cán bộ (chữ thường)."),
        filters=[lower],
        validators=[Optional(), Length(max=USERNAME_MAX), username_shape],
    )


class RoleForm(RoleFields):
    """Change an existing account's role."""


class LeadershipForm(ReasonForm):
    """Head, deputy or neither, in the person's own unit (the placement rules apply)."""

    leadership = SelectField(
        _l("Chức vụ lãnh đạo trong đơn vị"),
        choices=[SelectChoice(role.value, LABELS["role"][role]) for role in LeadershipRole],
        validators=[InputRequired()],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.reason.label.text = _l("Căn cứ (số quyết định, lý do)")

    @property
    def leadership_role(self) -> LeadershipRole:
        return LeadershipRole(self.leadership.data)


class AccountActionForm(ActionForm):
    """Deactivate, reactivate, reset a password, unlock: a button with an optional note."""

    reason = StringField(
        _l("Lý do"), validators=[Optional(), Length(max=400), no_control_characters]
    )


class DelegationForm(ReasonForm):
    """Ủy quyền (from a leader of the unit) or an acting head, for a date range."""

    kind = SelectField(
        _l("Hình thức"),
        choices=[
            SelectChoice(kind.value, LABELS["delegation_kind"][kind]) for kind in DelegationKind
        ],
        validators=[InputRequired()],
    )
    unit_id = SelectField(_l("Đơn vị"), coerce=int, validators=[InputRequired()])
    from_code = StringField(
        _l("Mã cán bộ ủy quyền"),
        description=_l("Cấp trưởng hoặc cấp phó của đơn vị; để trống khi giao quyền trưởng."),
        filters=[_stripped],
        validators=[Optional(), Length(max=40), no_control_characters],
    )
    to_code = StringField(
        _l("Mã cán bộ được giao"),
        filters=[_stripped],
        validators=[
            DataRequired(message=_l("Cần nhập mã cán bộ.")),
            Length(max=40),
            no_control_characters,
        ],
    )
    starts_on = DateField(
        _l("Từ ngày"), validators=[InputRequired(message=_l("Cần chọn ngày.")), plausible_date]
    )
    ends_on = DateField(
        _l("Đến hết ngày"),
        validators=[InputRequired(message=_l("Cần chọn ngày.")), plausible_date],
    )

    def __init__(self, *args: object, units: list[Unit], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.unit_id.choices = [SelectChoice(u.id, "— " * u.depth + u.name) for u in units]
        self.reason.label.text = _l("Căn cứ (số quyết định, lý do)")

    @property
    def delegation_kind(self) -> DelegationKind:
        return DelegationKind(self.kind.data)

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Ngày kết thúc phải từ ngày bắt đầu trở đi."))

    def validate_from_code(self, field: StringField) -> None:
        if self.kind.data == DelegationKind.DELEGATION.value and not field.data:
            raise ValidationError(_l("Ủy quyền cần mã cán bộ lãnh đạo ủy quyền."))
