"""Flask-Login wiring: load the account with its person and unit in one query."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user
from sqlalchemy.orm import joinedload

from evaluation.accounts.models import User
from evaluation.core.db import db
from evaluation.organisation.models import Delegation, Person

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    """The account of a session, if the session is not older than the account's epoch."""
    user_id, _, epoch = login_id.partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None
    user = (
        db.session.scalars(
            sa.select(User)
            .options(
                joinedload(User.person).joinedload(Person.unit),
                joinedload(User.person).joinedload(Person.grants).joinedload(Delegation.unit),
                joinedload(User.served_unit),
            )
            .where(User.id == int(user_id))
        )
        .unique()
        .first()
    )
    return user if user is not None and user.session_epoch == int(epoch) else None


# Pages an account with an initial password may still reach.
OPEN_WITH_INITIAL_PASSWORD = {
    "accounts.change_password",
    "accounts.logout",
    "accounts.set_language",
    "static",
}


def require_new_password() -> ResponseReturnValue | None:
    """An account on a one-time password, and in production one still on its initial (demo
    or imported) password, changes it before anything else."""
    if (
        current_user.is_authenticated
        and request.endpoint not in OPEN_WITH_INITIAL_PASSWORD
        and (
            current_user.one_time_password
            or (
                current_app.config["ENV_NAME"] == "production" and current_user.must_change_password
            )
        )
    ):
        return redirect(url_for("accounts.change_password"))
    return None


def begin_session(user: User) -> None:
    """Sign the account in on a fresh session (no fixation), keeping the chosen language:
    the password form and single sign-on (accounts.sso) both end here."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    login_user(user)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(require_new_password)
