"""Sign in, sign out, change password, choose language."""

from __future__ import annotations

from math import ceil
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from evaluation.accounts import services, sso
from evaluation.accounts.forms import ChangePasswordForm, LanguageForm, LoginForm
from evaluation.accounts.login import begin_session
from evaluation.core.db import db
from evaluation.core.errors import DomainError
from evaluation.core.throttle import limiter

blueprint = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect after login is a phishing tool."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.todo")


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.todo"))
    form = LoginForm()
    if form.validate_on_submit():
        if wait := limiter.wait_for(form.username.data):
            # No password is checked while this account and address wait; other pairs go on.
            form.password.errors.append(
                _(
                    "Đăng nhập sai nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
                    minutes=ceil(wait / 60),
                )
            )
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        user = services.authenticate(db.session, form.username.data, form.password.data)
        if user is None:
            db.session.rollback()
            limiter.failed(form.username.data)
            form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        elif sso.password_refused(db.session, user):
            db.session.rollback()  # the password was right: no failure counted, no login kept
            form.password.errors.append(
                _("Đơn vị yêu cầu đăng nhập một lần. Vui lòng dùng nút “Đăng nhập một lần”.")
            )
        else:
            limiter.succeeded(form.username.data)
            db.session.commit()
            begin_session(user)  # a fresh session on login: no fixation
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    services.end_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("accounts.login"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session, current_user, form.current_password.data, form.new_password.data
            )
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "new_password").errors.append(error.message)
        else:
            db.session.commit()
            login_user(current_user)  # this session carries the new epoch; others end
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("plans.my_plans"))
    return render_template("accounts/password.html", form=form)


@blueprint.route("/language", methods=["POST"])
def set_language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in ("vi", "en"):
        session["lang"] = form.lang.data
    return redirect(_safe_next(request.referrer and urlsplit(request.referrer).path))
