"""Verbs on accounts: authenticate, change password."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from evaluation.accounts.models import HASH_METHOD, User
from evaluation.core import audit
from evaluation.core.db import utcnow
from evaluation.core.errors import DomainError

# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-password", method=HASH_METHOD)


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalars(sa.select(User).where(User.username == username.strip())).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise DomainError(_("Mật khẩu hiện tại không đúng."), field="current_password")
    if user.check_password(new):
        raise DomainError(_("Mật khẩu mới phải khác mật khẩu cũ."), field="new_password")
    user.set_password(new)
    user.must_change_password = False
    user.one_time_password = False
    end_sessions(session, user)
    audit.record(
        session,
        actor_id=user.id,
        object_type="user",
        object_id=user.id,
        action="change_password",
    )
    session.flush()


def end_sessions(session: Session, user: User) -> None:
    """Sign out every session of this account (a signed cookie cannot be revoked otherwise)."""
    user.session_epoch += 1
    session.flush()
