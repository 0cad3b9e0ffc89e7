"""Flask-Login wiring: load the account with its person and unit in one query."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy.orm import joinedload

from evaluation.accounts.models import User
from evaluation.core.db import db
from evaluation.organisation.models import Person

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.scalars(
        sa.select(User)
        .options(
            joinedload(User.person).joinedload(Person.unit),
            joinedload(User.served_unit),
        )
        .where(User.id == int(user_id))
    ).first()


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
