"""Account administration pages: the list, an account's page and its actions, a new account,
and delegations with acting heads. For administrators and personnel offices (`accounts.admin`).
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from evaluation.accounts import admin, delegations
from evaluation.accounts.admin_forms import (
    AccountActionForm,
    DelegationForm,
    LeadershipForm,
    NewAccountForm,
    RoleForm,
)
from evaluation.accounts.models import User
from evaluation.core.clock import local_today
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.forms import ReasonForm
from evaluation.core.listing import page_arg, search_arg
from evaluation.core.views import commit, flash_form_errors, show_domain_error
from evaluation.organisation.models import Delegation, Person, Unit
from evaluation.organisation.permissions import Viewer, current_viewer
from evaluation.organisation.services import LIST_PAGE_SIZE, head_race_refusal, pages

blueprint = Blueprint("account_admin", __name__, url_prefix="/admin")

# The page that shows a one-time password is never kept by a browser or a proxy.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _administrator() -> Viewer:
    viewer = current_viewer()
    if not admin.may_administer(viewer):
        abort(403)
    return viewer


def get_account_or_404(user_id: int, *, manage: bool = True) -> tuple[User, Viewer]:
    """404 when missing, 403 when the account is not this viewer's to manage (or to see)."""
    viewer = _administrator()
    user = db.session.scalars(
        sa.select(User)
        .options(joinedload(User.person).joinedload(Person.unit), joinedload(User.served_unit))
        .where(User.id == user_id)
    ).first()
    if user is None:
        abort(404)
    allowed = admin.may_manage(viewer, user) if manage else admin.may_view(viewer, user)
    if not allowed:
        abort(403)
    return user, viewer


def _detail_forms(user: User, viewer: Viewer) -> dict[str, object]:
    """The forms of an account's page, each filled with what the account is now."""
    roles = admin.roles_given_by(viewer)
    units = admin.units_given_by(db.session, viewer)
    person = user.person
    return {
        "role_form": RoleForm(
            prefix="role",
            roles=roles,
            units=units,
            role=user.role.value,
            served_unit_id=str(user.served_unit_id or ""),
        ),
        "leadership_form": LeadershipForm(
            prefix="lead", leadership=person.leadership_role.value if person else None
        ),
        "action_form": AccountActionForm(),
    }


@blueprint.route("/accounts")
@login_required
def account_list() -> ResponseReturnValue:
    viewer = _administrator()
    search = search_arg()
    total = admin.count_accounts(db.session, viewer, search=search)
    page_count = pages(total, LIST_PAGE_SIZE)
    page = page_arg(page_count)
    accounts = admin.accounts_in_reach(
        db.session, viewer, search=search, page=page, page_size=LIST_PAGE_SIZE
    )
    return render_template(
        "accounts/admin/list.html",
        accounts=accounts,
        q=search,
        page=page,
        pages=page_count,
        total=total,
    )


@blueprint.route("/accounts/new", methods=["GET", "POST"])
@login_required
def new_account() -> ResponseReturnValue:
    viewer = _administrator()
    form = NewAccountForm(
        roles=admin.roles_given_by(viewer), units=admin.units_given_by(db.session, viewer)
    )
    if form.validate_on_submit():
        try:
            user, password = admin.create_account(
                db.session,
                viewer,
                person_code=form.person_code.data or None,
                username=form.username.data or None,
                role=form.account_role,
                served_unit_id=form.served_unit,
                reason=form.reason.data,
            )
        except DomainError as error:
            status = show_domain_error(form, error)
        except IntegrityError:  # the same username or person, saved by someone else since
            db.session.rollback()
            form.username.errors = [*form.username.errors, _("Tài khoản này vừa được tạo.")]
            status = 409
        else:
            if commit(_("Đã tạo tài khoản %(name)s.", name=user.username)):
                return _password_page(user, password, created=True)
            status = 409
        return render_template("accounts/admin/new.html", form=form), status
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/admin/new.html", form=form), status


def _password_page(user: User, password: str, *, created: bool) -> ResponseReturnValue:
    """The one-time password, shown on this response only: it is stored nowhere in clear."""
    page = render_template(
        "accounts/admin/password_issued.html", account=user, password=password, created=created
    )
    return page, 200, NO_STORE


@blueprint.route("/accounts/<id:user_id>")
@login_required
def account_detail(user_id: int) -> ResponseReturnValue:
    user, viewer = get_account_or_404(user_id, manage=False)
    forms = _detail_forms(user, viewer) if admin.may_manage(viewer, user) else {}
    return render_template(
        "accounts/admin/detail.html",
        account=user,
        manages=admin.may_manage(viewer, user),
        may_set_leadership=bool(user.person and viewer.can_place(user.person)),
        **forms,
    )


def _button(user_id: int, verb: str) -> ResponseReturnValue:
    """Deactivate, reactivate, unlock: a button on the account's page, then back to it."""
    user, viewer = get_account_or_404(user_id)
    form = AccountActionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("account_admin.account_detail", user_id=user_id))
    try:
        if verb == "unlock":
            admin.unlock(db.session, viewer, user, reason=form.reason.data or None)
            message = _("Đã mở khoá đăng nhập cho %(name)s.", name=user.username)
        else:
            active = verb == "reactivate"
            if not admin.set_active(
                db.session, viewer, user, active=active, reason=form.reason.data or None
            ):
                db.session.rollback()
                flash(_("Không có gì thay đổi."), "info")
                return redirect(url_for("account_admin.account_detail", user_id=user_id))
            message = (
                _("Đã mở lại tài khoản %(name)s.", name=user.username)
                if active
                else _(
                    "Đã khoá tài khoản %(name)s; mọi phiên đăng nhập đã kết thúc.",
                    name=user.username,
                )
            )
    except DomainError as error:
        show_domain_error(None, error)
    else:
        commit(message)
    return redirect(url_for("account_admin.account_detail", user_id=user_id))


@blueprint.route("/accounts/<id:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(user_id: int) -> ResponseReturnValue:
    return _button(user_id, "deactivate")


@blueprint.route("/accounts/<id:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(user_id: int) -> ResponseReturnValue:
    return _button(user_id, "reactivate")


@blueprint.route("/accounts/<id:user_id>/unlock", methods=["POST"])
@login_required
def unlock(user_id: int) -> ResponseReturnValue:
    return _button(user_id, "unlock")


@blueprint.route("/accounts/<id:user_id>/password", methods=["POST"])
@login_required
def reset_password(user_id: int) -> ResponseReturnValue:
    user, viewer = get_account_or_404(user_id)
    form = AccountActionForm()
    if form.validate_on_submit():
        try:
            password = admin.reset_password(
                db.session, viewer, user, reason=form.reason.data or None
            )
        except DomainError as error:
            show_domain_error(None, error)
        else:
            if commit(_("Đã cấp mật khẩu dùng một lần cho %(name)s.", name=user.username)):
                return _password_page(user, password, created=False)
    else:
        flash_form_errors(form)
    return redirect(url_for("account_admin.account_detail", user_id=user_id))


@blueprint.route("/accounts/<id:user_id>/role", methods=["POST"])
@login_required
def change_role(user_id: int) -> ResponseReturnValue:
    user, viewer = get_account_or_404(user_id)
    forms = _detail_forms(user, viewer)
    form = cast(RoleForm, forms["role_form"])
    if form.validate_on_submit():
        try:
            changed = admin.change_role(
                db.session,
                viewer,
                user,
                role=form.account_role,
                served_unit_id=form.served_unit,
                reason=form.reason.data,
            )
        except DomainError as error:
            status = show_domain_error(form, error)
        else:
            if not changed:
                db.session.rollback()
                flash(_("Không có gì thay đổi."), "info")
                return redirect(url_for("account_admin.account_detail", user_id=user_id))
            if commit(_("Đã đổi vai trò của %(name)s.", name=user.username)):
                return redirect(url_for("account_admin.account_detail", user_id=user_id))
            status = 409
    else:
        status = 422
    return _detail_again(user, viewer, forms, status)


@blueprint.route("/accounts/<id:user_id>/leadership", methods=["POST"])
@login_required
def change_leadership(user_id: int) -> ResponseReturnValue:
    user, viewer = get_account_or_404(user_id)
    if user.person is None or not viewer.can_place(user.person):
        abort(403)
    forms = _detail_forms(user, viewer)
    form = cast(LeadershipForm, forms["leadership_form"])
    if form.validate_on_submit():
        try:
            changed = admin.change_leadership(
                db.session,
                viewer,
                user,
                role=form.leadership_role,
                on=local_today(),
                reason=form.reason.data,
            )
        except DomainError as error:
            status = show_domain_error(form, error)
        except IntegrityError:  # a head named by someone else since the check
            db.session.rollback()
            form.leadership.errors = [*form.leadership.errors, head_race_refusal()]
            status = 409
        else:
            if not changed:
                db.session.rollback()
                flash(_("Không có gì thay đổi."), "info")
                return redirect(url_for("account_admin.account_detail", user_id=user_id))
            if commit(_("Đã cập nhật chức vụ của %(name)s.", name=user.display_name)):
                return redirect(url_for("account_admin.account_detail", user_id=user_id))
            status = 409
    else:
        status = 422
    return _detail_again(user, viewer, forms, status)


def _detail_again(
    user: User, viewer: Viewer, forms: dict[str, object], status: int
) -> ResponseReturnValue:
    """The account's page with the posted form and its errors."""
    db.session.rollback()
    page = render_template(
        "accounts/admin/detail.html",
        account=db.session.get(User, user.id),
        manages=True,
        may_set_leadership=bool(user.person and viewer.can_place(user.person)),
        **forms,
    )
    return page, status


# --- delegations and acting heads ------------------------------------------------------------


def _delegator() -> Viewer:
    viewer = current_viewer()
    if not delegations.may_delegate(viewer):
        abort(403)
    return viewer


@blueprint.route("/delegations")
@login_required
def delegation_list() -> ResponseReturnValue:
    viewer = _delegator()
    today = local_today()
    rows = delegations.delegations_in_reach(db.session, viewer)
    return render_template(
        "accounts/admin/delegations.html",
        rows=rows,
        today=today,
        may_end={row.id: delegations.may_end(viewer, row, today) for row in rows},
        end_form=ReasonForm(),
    )


@blueprint.route("/delegations/new", methods=["GET", "POST"])
@login_required
def new_delegation() -> ResponseReturnValue:
    viewer = _delegator()
    today = local_today()
    form = DelegationForm(
        units=delegations.units_for_delegation(db.session, viewer),
        starts_on=today,
        ends_on=today,
    )
    if form.validate_on_submit():
        try:
            delegations.create_delegation(
                db.session,
                viewer,
                kind=form.delegation_kind,
                unit=db.session.get_one(Unit, form.unit_id.data),  # one of the choices
                from_code=form.from_code.data or None,
                to_code=form.to_code.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                reason=form.reason.data,
            )
        except DomainError as error:
            status = show_domain_error(form, error)
        else:
            if commit(_("Đã ghi việc ủy quyền, giao quyền.")):
                return redirect(url_for("account_admin.delegation_list"))
            status = 409
        return render_template("accounts/admin/delegation_new.html", form=form), status
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/admin/delegation_new.html", form=form), status


@blueprint.route("/delegations/<id:delegation_id>/end", methods=["POST"])
@login_required
def end_delegation(delegation_id: int) -> ResponseReturnValue:
    viewer = _delegator()
    delegation = db.session.scalars(
        sa.select(Delegation)
        .options(joinedload(Delegation.unit), joinedload(Delegation.to_person))
        .where(Delegation.id == delegation_id)
    ).first()
    if delegation is None:
        abort(404)
    today = local_today()
    if not delegations.may_end(viewer, delegation, today):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("account_admin.delegation_list"))
    try:
        delegations.end_delegation(
            db.session, viewer, delegation, today=today, reason=form.reason.data
        )
    except DomainError as error:
        show_domain_error(None, error)
    else:
        commit(_("Đã kết thúc việc ủy quyền, giao quyền."))
    return redirect(url_for("account_admin.delegation_list"))
