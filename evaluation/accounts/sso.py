"""Single sign-on with OpenID Connect (issue 14): Authlib's client, code flow with PKCE.

The provider's ID token is checked by Authlib (signature by the provider's published keys,
issuer, audience, expiry, nonce); this module decides which account it opens. An identity
(issuer, subject) once linked keeps its account; before that, the claim the settings name
(OIDC_LINK_CLAIM: the username, or the email of the account's person) finds it. No account is
made unless OIDC_CREATE_ACCOUNTS allows it, and then only for a person already on file.

Local passwords keep working; an administrator may require sign-on for every account but the
administrators' (`SignOnPolicy`), so a broken provider never locks the site out.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import requests
import sqlalchemy as sa
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from joserfc.errors import JoseError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from wtforms import BooleanField

from evaluation.accounts.login import begin_session
from evaluation.accounts.models import AccountRole, User
from evaluation.core import audit
from evaluation.core.db import Base, UTCDateTime, db, utcnow
from evaluation.core.errors import DomainError
from evaluation.core.forms import BaseForm
from evaluation.organisation.models import Person
from evaluation.organisation.permissions import current_viewer

SCOPE = "openid email profile"


class SignOnIdentity(Base):
    """An identity at the provider, linked to one account: the subject is what the provider
    promises never to reuse, so it, not the username or email, keeps the link."""

    __tablename__ = "sign_on_identity"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "subject"),
        sa.UniqueConstraint("user_id", "issuer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SignOnPolicy(Base):
    """The site's one row: whether accounts other than administrators' must use sign-on."""

    __tablename__ = "sign_on_policy"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    required: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )


# --- settings and the client ------------------------------------------------------------


def configured(app: Flask | None = None) -> bool:
    """The issuer, client id and secret are all set: the sign-in page offers the button."""
    config = (app or current_app).config
    return bool(config["OIDC_ISSUER"] and config["OIDC_CLIENT_ID"] and config["OIDC_CLIENT_SECRET"])


def _client() -> Any:
    """Authlib's client for the configured provider, one per settings (it caches the
    provider's discovery document and keys)."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    clients = current_app.extensions.setdefault("danhgia.sso", {})
    if settings not in clients:
        oauth = OAuth(current_app)
        clients[settings] = oauth.register(
            "provider",
            client_id=settings[1],
            client_secret=settings[2],
            server_metadata_url=f"{settings[0]}/.well-known/openid-configuration",
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": 10},
        )
    return clients[settings]


# --- services -------------------------------------------------------------------------


class SignOnRefused(DomainError):
    """The provider's identity opens no account here; the message says why, to its owner."""


def sign_on_required(session: Session) -> bool:
    """Whether only administrators may still sign in with a password; never while sign-on
    is not configured, or nobody but them could sign in at all."""
    if not configured():
        return False
    return bool(session.scalar(sa.select(SignOnPolicy.required).where(SignOnPolicy.id == 1)))


def password_refused(session: Session, user: User) -> bool:
    """The password form refuses this account: sign-on is required and it is no admin's."""
    return user.role is not AccountRole.ADMIN and sign_on_required(session)


def set_sign_on_required(session: Session, actor: User, required: bool) -> bool:
    """Turn the requirement on or off; audited. False when nothing changed."""
    if required and not configured():
        raise DomainError(
            _("Chưa cấu hình đăng nhập một lần, nên chưa thể bắt buộc dùng."), field="required"
        )
    policy = session.get(SignOnPolicy, 1)
    if (policy.required if policy else False) == required:
        return False
    if policy is None:
        policy = SignOnPolicy(id=1, required=False)
        session.add(policy)
    audit.record(
        session,
        actor_id=actor.id,
        object_type="sign_on_policy",
        object_id=1,
        action="require_sign_on" if required else "allow_passwords",
        old=policy.required,
        new=required,
    )
    policy.required = required
    policy.changed_at = utcnow()
    policy.changed_by_id = actor.id
    session.flush()
    return True


def _by_claim(session: Session, claim: str, value: str) -> list[User]:
    value = value.strip().lower()
    if claim == "email":
        query = sa.select(User).join(Person, User.person_id == Person.id)
        query = query.where(sa.func.lower(Person.email) == value)
    else:
        query = sa.select(User).where(sa.func.lower(User.username) == value)
    return list(session.scalars(query.limit(2)))


def _create_account(session: Session, claims: dict[str, Any]) -> User | None:
    """An account for the one person on file whose email the identity carries, if that person
    has none yet; its password is random and never told, so only sign-on opens it."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is False:
        return None
    people = list(
        session.scalars(
            sa.select(Person)
            .outerjoin(User, User.person_id == Person.id)
            .where(sa.func.lower(Person.email) == email, User.id.is_(None))
            .limit(2)
        )
    )
    if len(people) != 1:
        return None
    person = people[0]
    username = person.code.lower()
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        return None
    user = User(username=username, role=AccountRole.STAFF, person=person)
    user.set_password(secrets.token_urlsafe(32))
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        object_type="user",
        object_id=user.id,
        action="create",
        new={"username": username, "via": "sign_on"},
    )
    return user


def account_for_identity(
    session: Session, claims: dict[str, Any], *, link_claim: str, create_accounts: bool
) -> User:
    """The account a verified identity opens, linking it on first use; SignOnRefused if none."""
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if not issuer or not subject:
        raise SignOnRefused(_("Nhà cung cấp đăng nhập không gửi đủ thông tin danh tính."))
    identity = session.scalars(
        sa.select(SignOnIdentity).where(
            SignOnIdentity.issuer == issuer, SignOnIdentity.subject == subject
        )
    ).first()
    if identity is not None:
        user = identity.user
    else:
        value = claims.get(link_claim)
        if link_claim == "email" and claims.get("email_verified") is False:
            value = None  # an address the provider has not checked proves nothing
        found = _by_claim(session, link_claim, str(value)) if value else []
        if len(found) > 1:
            raise SignOnRefused(
                _("Có nhiều tài khoản cùng thông tin này. Vui lòng liên hệ quản trị hệ thống.")
            )
        user = found[0] if found else None
        if user is None and create_accounts:
            user = _create_account(session, claims)
        if user is None:
            raise SignOnRefused(
                _(
                    "Tài khoản đăng nhập một lần này chưa gắn với tài khoản nào trong hệ "
                    "thống. Vui lòng liên hệ quản trị hệ thống."
                )
            )
        linked_elsewhere = session.scalar(
            sa.select(SignOnIdentity.id).where(
                SignOnIdentity.user_id == user.id, SignOnIdentity.issuer == issuer
            )
        )
        if linked_elsewhere is not None:
            raise SignOnRefused(
                _(
                    "Tài khoản trong hệ thống đã gắn với một danh tính đăng nhập một lần "
                    "khác. Vui lòng liên hệ quản trị hệ thống."
                )
            )
        identity = SignOnIdentity(user=user, issuer=issuer, subject=subject)
        session.add(identity)
        audit.record(
            session,
            actor_id=user.id,
            object_type="user",
            object_id=user.id,
            action="link_sign_on",
            new={"issuer": issuer, "subject": subject, "claim": link_claim},
        )
    if not user.active:
        raise SignOnRefused(_("Tài khoản đã bị khoá. Vui lòng liên hệ quản trị hệ thống."))
    identity.last_used_at = user.last_login_at = utcnow()
    session.flush()
    return user


# --- forms and routes ----------------------------------------------------------------------


class SignOnPolicyForm(BaseForm):
    required = BooleanField(
        _l("Bắt buộc đăng nhập một lần với mọi tài khoản, trừ quản trị hệ thống"),
        description=_l(
            "Khi bật, chỉ tài khoản quản trị hệ thống còn đăng nhập được bằng mật khẩu."
        ),
    )


blueprint = Blueprint("sso", __name__)


@blueprint.app_template_global()
def sign_on_available() -> bool:
    return configured()


@blueprint.route("/login/sso")
def start() -> ResponseReturnValue:
    """To the provider, with state, nonce and a PKCE challenge kept in this session."""
    if current_user.is_authenticated:
        return redirect(url_for("home.todo"))
    if not configured():
        abort(404)
    try:
        return _client().authorize_redirect(
            url_for("sso.callback", _external=True), nonce=secrets.token_urlsafe(24)
        )
    except (AuthlibBaseError, requests.RequestException, ValueError, RuntimeError):
        current_app.logger.warning("sign-on provider unreachable", exc_info=True)
        flash(
            _("Không kết nối được với hệ thống đăng nhập một lần. Vui lòng thử lại sau."), "error"
        )
        return redirect(url_for("accounts.login"))


@blueprint.route("/login/sso/callback")
def callback() -> ResponseReturnValue:
    """Back from the provider: state checked, code exchanged (with the PKCE verifier), the ID
    token verified by Authlib, then the account found and signed in."""
    if not configured():
        abort(404)
    try:
        token = _client().authorize_access_token()
        claims = token.get("userinfo")
        if not claims:  # no ID token came back: nothing was verified
            raise JoseError("no id_token")
    except (
        AuthlibBaseError,
        JoseError,
        requests.RequestException,
        ValueError,
        KeyError,
        RuntimeError,  # Authlib's word for a discovery document without keys
    ):
        current_app.logger.warning("sign-on refused", exc_info=True)
        flash(_("Đăng nhập một lần không thành công. Vui lòng thử lại."), "error")
        return redirect(url_for("accounts.login"))
    config = current_app.config
    try:
        user = account_for_identity(
            db.session,
            dict(claims),
            link_claim=config["OIDC_LINK_CLAIM"],
            create_accounts=config["OIDC_CREATE_ACCOUNTS"],
        )
    except SignOnRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("accounts.login"))
    db.session.commit()
    begin_session(user)
    return redirect(url_for("home.todo"))


@blueprint.route("/admin/sign-on", methods=["GET", "POST"])
@login_required
def policy() -> ResponseReturnValue:
    if not current_viewer().is_admin:
        abort(403)
    form = SignOnPolicyForm()
    if form.validate_on_submit():
        try:
            changed = set_sign_on_required(db.session, current_user, bool(form.required.data))
        except DomainError as error:
            db.session.rollback()
            form.required.errors.append(error.message)
        else:
            db.session.commit()
            if changed:
                flash(_("Đã lưu cài đặt đăng nhập một lần."), "success")
            else:
                flash(_("Không có thay đổi nào."), "info")
            return redirect(url_for("sso.policy"))
    elif not form.is_submitted():
        form.required.data = sign_on_required(db.session)
    status = 422 if form.errors else 200
    return render_template(
        "accounts/sign_on_policy.html",
        form=form,
        available=configured(),
        provider=current_app.config["OIDC_PROVIDER_NAME"],
    ), status
