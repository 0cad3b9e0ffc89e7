"""Who is calling the API: an integration token (read or write, within its unit's subtree),
or, for reading only, the browser's own session on the same site.

A token acts as its own account, so what it writes is audited under its name, and reaches
what a personnel office serving its unit reaches (`organisation.permissions.Viewer`): the
same checks the pages use then decide each object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from evaluation.api.models import ApiToken, TokenScope, hash_secret
from evaluation.api.problems import problem
from evaluation.core import throttle
from evaluation.core.db import db, utcnow
from evaluation.organisation.permissions import Viewer

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RATE_WINDOW = 60  # seconds
LAST_USED_EVERY = timedelta(minutes=5)  # how often a read may write "last used"


@dataclass(frozen=True)
class Caller:
    viewer: Viewer
    token: ApiToken | None  # None: the browser's session

    @property
    def can_write(self) -> bool:
        return self.token is not None and self.token.scope is TokenScope.WRITE


def caller() -> Caller:
    return g.api_caller


def token_viewer(token: ApiToken) -> Viewer:
    """A token reaches its unit's subtree as the personnel office serving that unit would."""
    return Viewer(user_id=token.account_id, person_id=None, served_path=token.unit.path)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authenticate() -> Response | None:
    """The API blueprint's before_request: set `g.api_caller`, or answer with a problem."""
    secret = _bearer()
    if secret is not None:
        token = db.session.scalars(
            sa.select(ApiToken)
            .options(joinedload(ApiToken.unit))
            .where(ApiToken.token_hash == hash_secret(secret[:200]))
        ).first()
        if token is None or not token.active:
            return problem(
                401,
                _("Khoá tích hợp không đúng hoặc đã bị thu hồi."),
                headers={"WWW-Authenticate": 'Bearer realm="danhgia"'},
            )
        refused = _rate_limited(token)
        if refused is not None:
            return refused
        if token.last_used_at is None or utcnow() - token.last_used_at > LAST_USED_EVERY:
            token.last_used_at = utcnow()
            db.session.commit()
        g.api_caller = Caller(token_viewer(token), token)
        return None
    if current_user.is_authenticated:
        if request.method not in READ_METHODS:
            return problem(403, _("Phiên đăng nhập chỉ dùng để đọc; ghi cần khoá tích hợp."))
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            return problem(403, _("Chỉ đọc được từ chính trang của hệ thống."))
        g.api_caller = Caller(current_user.viewer(), None)
        return None
    return problem(
        401,
        _("Cần khoá tích hợp (Authorization: Bearer …) hoặc phiên đăng nhập."),
        headers={"WWW-Authenticate": 'Bearer realm="danhgia"'},
    )


def _rate_limited(token: ApiToken) -> Response | None:
    """Each token's requests per minute, counted in the sign-in throttle's store (memory, or
    Redis shared by every worker when configured)."""
    limit = current_app.config.get("API_RATE_LIMIT", 600)
    now = throttle.clock()
    window = int(now // RATE_WINDOW)
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    day_key = f"{prefix}:api:{token.id}"
    window_key = f"{prefix}:api:{token.id}:{window}"
    store = current_app.extensions["sign_in_throttle"]
    try:
        store.add_failure(day_key, window_key, now)  # one more request: the store counts
        used = store.read(day_key, window_key)[2]
    except Exception:  # the shared store is down: serve, as the sign-in does
        current_app.logger.exception("API rate limit: the store cannot be reached")
        return None
    if used > limit:
        wait = RATE_WINDOW - int(now % RATE_WINDOW)
        return problem(
            429,
            _("Vượt quá %(limit)d yêu cầu mỗi phút của khoá này.", limit=limit),
            headers={"Retry-After": str(max(wait, 1))},
        )
    return None
