"""The administrator's page of integration tokens: create one (its secret shown once), see
which exist, when each was last used, and revoke one."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from evaluation.api import services
from evaluation.api.models import NAME_MAX, ApiToken, TokenScope
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.forms import ActionForm, BaseForm, no_control_characters
from evaluation.core.labels import LABELS
from evaluation.organisation.models import Unit
from evaluation.organisation.permissions import current_viewer

blueprint = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")


class TokenForm(BaseForm):
    name = StringField(
        _l("Tên hệ thống tích hợp"),
        validators=[InputRequired(), Length(min=1, max=NAME_MAX), no_control_characters],
        description=_l("Ví dụ: Hệ thống quản lý văn bản của tỉnh"),
    )
    unit_code = StringField(
        _l("Mã đơn vị (phạm vi của khoá: đơn vị này và các đơn vị trực thuộc)"),
        validators=[InputRequired(), Length(min=1, max=40), no_control_characters],
    )
    scope = RadioField(
        _l("Quyền"),
        choices=[SelectChoice(scope.value, LABELS["token_scope"][scope]) for scope in TokenScope],
        default=TokenScope.READ.value,
        validators=[InputRequired()],
    )

    def validate_unit_code(self, field: StringField) -> None:
        self.unit = db.session.scalars(
            sa.select(Unit).where(Unit.code == (field.data or "").strip())
        ).first()
        if self.unit is None:
            raise ValidationError(_("Không có đơn vị mã này."))


def _admin_only() -> None:
    if not current_viewer().is_admin:
        abort(403)


def _page(form: TokenForm, secret: str | None = None, created: ApiToken | None = None) -> str:
    return render_template(
        "api/tokens.html",
        form=form,
        tokens=services.tokens(db.session),
        revoke_form=ActionForm(),
        secret=secret,
        created=created,
    )


@blueprint.route("", methods=["GET", "POST"])
@login_required
def tokens() -> ResponseReturnValue:
    _admin_only()
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form)
    try:
        token, secret = services.create_token(
            db.session,
            name=form.name.data or "",
            unit=form.unit,
            scope=TokenScope(form.scope.data),
            actor_id=current_viewer().user_id,
        )
    except DomainError as error:
        db.session.rollback()
        getattr(form, error.field or "name").errors.append(error.message)
        return _page(form)
    db.session.commit()
    # Shown on this answer only, never stored: no redirect, no cache.
    html = _page(TokenForm(formdata=None), secret=secret, created=token)
    return html, 200, {"Cache-Control": "no-store"}


@blueprint.route("/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    _admin_only()
    if not ActionForm().validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id) or abort(404)
    try:
        services.revoke_token(db.session, token, actor_id=current_viewer().user_id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("api_tokens.tokens"))
    db.session.commit()
    flash(_("Đã thu hồi khoá “%(name)s”.", name=token.name), "success")
    return redirect(url_for("api_tokens.tokens"))
