"""Account administration: who may manage which account, and the verbs that change accounts.

The administrator manages every account; a personnel office manages the accounts of the people
in the subtree it serves, and gives no more than it holds: never the administrator's role,
never a personnel role on a unit outside its subtree. Nobody changes their own account here
(their password has its own page), so nobody raises their own rights, and an administrator
cannot leave the system without one.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, contains_eager

from evaluation.accounts.models import AccountRole, User
from evaluation.core import audit
from evaluation.core.errors import DomainError
from evaluation.core.labels import LABELS
from evaluation.core.text import fold
from evaluation.core.throttle import limiter
from evaluation.organisation.models import LeadershipRole, Person, Unit
from evaluation.organisation.permissions import Viewer
from evaluation.organisation.services import change_placement

ONE_TIME_PASSWORD_LENGTH = 14
# No look-alikes (0/O, 1/l/I): the password is read off a screen and typed once.
_LETTERS = "".join(c for c in string.ascii_letters if c not in "OIl")
_DIGITS = "23456789"


# --- who may manage what -------------------------------------------------------------------


def may_administer(viewer: Viewer) -> bool:
    """The account pages are for administrators and personnel offices."""
    return viewer.is_admin or viewer.is_personnel


def may_manage(viewer: Viewer, user: User) -> bool:
    """An administrator manages any other account; a personnel office, the other accounts of
    people in its subtree whose rights stay inside it: no administrator, no office serving a
    wider unit (a reset password would let the office act with rights it has not)."""
    if user.id == viewer.user_id or user.is_integration:
        return False  # an integration token's account is the token page's (evaluation.api)
    if viewer.is_admin:
        return True
    served = viewer.served_path
    return (
        served is not None
        and user.role is not AccountRole.ADMIN
        and user.person is not None
        and user.person.unit.path.startswith(served)
        and (
            user.role is not AccountRole.PERSONNEL
            or (user.served_unit is not None and user.served_unit.path.startswith(served))
        )
    )


def may_view(viewer: Viewer, user: User) -> bool:
    """One's own account may be looked at, not changed here."""
    return user.id == viewer.user_id or may_manage(viewer, user)


def roles_given_by(viewer: Viewer) -> list[AccountRole]:
    if viewer.is_admin:
        return list(AccountRole)
    return [AccountRole.STAFF, AccountRole.PERSONNEL] if viewer.is_personnel else []


def units_given_by(session: Session, viewer: Viewer) -> list[Unit]:
    """The units a personnel role may be given on: all for an administrator, else the office's
    subtree."""
    query = sa.select(Unit).order_by(Unit.path)
    if not viewer.is_admin:
        if viewer.served_path is None:
            return []
        query = query.where(Unit.path.startswith(viewer.served_path))
    return list(session.scalars(query))


def _check_grant(
    session: Session, viewer: Viewer, role: AccountRole, served_unit_id: int | None
) -> Unit | None:
    """The served unit of a role this account may give, or a refusal."""
    if role not in roles_given_by(viewer):
        raise DomainError(
            _("Bạn không được giao vai trò %(role)s.", role=_role_name(role)), field="role"
        )
    if role is not AccountRole.PERSONNEL:
        return None
    unit = session.get(Unit, served_unit_id) if served_unit_id is not None else None
    if unit is None or not (
        viewer.is_admin
        or (viewer.served_path is not None and unit.path.startswith(viewer.served_path))
    ):
        raise DomainError(
            _("Chỉ được giao vai trò tổ chức cán bộ trên đơn vị thuộc phạm vi của bạn."),
            field="served_unit_id",
        )
    return unit


def _role_name(role: AccountRole) -> str:
    return str(LABELS["account_role"][role])


# --- lists ---------------------------------------------------------------------------------


def account_scope(viewer: Viewer) -> sa.ColumnElement[bool]:
    """`may_view` in SQL, on a query that outer-joins the person and their unit."""
    people = User.is_integration.is_(False)  # integration tokens' accounts: the token page's
    if viewer.is_admin:
        return people
    own = User.id == viewer.user_id
    if viewer.served_path is None:
        return own
    within = sa.select(Unit.id).where(Unit.path.startswith(viewer.served_path))
    office = sa.and_(
        Unit.path.startswith(viewer.served_path),
        User.role != AccountRole.ADMIN,
        sa.or_(User.role != AccountRole.PERSONNEL, User.served_unit_id.in_(within)),
    )
    return sa.and_(people, sa.or_(own, office))


def _search(search: str | None) -> sa.ColumnElement[bool]:
    """Every word typed is in the username or in the person's folded name."""
    words = fold(search or "").split()
    return sa.and_(
        sa.true(),
        *(
            sa.or_(
                User.username.contains(word, autoescape=True),
                Person.search_name.contains(word, autoescape=True),
            )
            for word in words
        ),
    )


def _accounts_query(viewer: Viewer, search: str | None) -> sa.Select[tuple[User]]:
    return (
        sa.select(User)
        .outerjoin(Person, User.person_id == Person.id)
        .outerjoin(Unit, Person.unit_id == Unit.id)
        .where(account_scope(viewer), _search(search))
    )


def accounts_in_reach(
    session: Session, viewer: Viewer, *, search: str | None, page: int, page_size: int
) -> list[User]:
    query = (
        _accounts_query(viewer, search)
        .options(contains_eager(User.person).contains_eager(Person.unit))
        .order_by(Unit.path.nulls_first(), Person.search_name, User.username)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return list(session.scalars(query).unique())


def count_accounts(session: Session, viewer: Viewer, *, search: str | None) -> int:
    query = _accounts_query(viewer, search).with_only_columns(sa.func.count(User.id))
    return session.scalar(query) or 0


# --- verbs ---------------------------------------------------------------------------------


def one_time_password() -> str:
    """Letters and digits from `secrets`, meeting the password policy (both kinds)."""
    alphabet = _LETTERS + _DIGITS
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(ONE_TIME_PASSWORD_LENGTH))
        if any(c in _DIGITS for c in value) and any(c in _LETTERS for c in value):
            return value


def _give_one_time_password(user: User) -> str:
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.one_time_password = True
    return password


def create_account(
    session: Session,
    viewer: Viewer,
    *,
    person_code: str | None,
    username: str | None,
    role: AccountRole,
    served_unit_id: int | None,
    reason: str | None,
) -> tuple[User, str]:
    """A new login and its one-time password, which the caller shows once and forgets."""
    person = None
    if person_code:
        person = session.scalars(sa.select(Person).where(Person.code == person_code)).one_or_none()
        if person is None or not viewer.reaches_unit(person.unit):
            raise DomainError(
                _("Không tìm thấy cán bộ có mã này trong phạm vi của bạn."), field="person_code"
            )
        if person.id == viewer.person_id:
            raise DomainError(_("Không ai tự tạo tài khoản cho chính mình."), field="person_code")
        if session.scalar(sa.select(User.id).where(User.person_id == person.id)) is not None:
            raise DomainError(_("Cán bộ này đã có tài khoản."), field="person_code")
    elif role is not AccountRole.ADMIN or not viewer.is_admin:
        raise DomainError(
            _("Cần mã cán bộ: chỉ tài khoản quản trị mới không gắn với cán bộ."),
            field="person_code",
        )
    served = _check_grant(session, viewer, role, served_unit_id)
    name = username or (person.code.lower() if person else "")
    if not name:
        raise DomainError(_("Cần nhập tên đăng nhập."), field="username")
    if session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == name)):
        raise DomainError(_("Tên đăng nhập này đã có người dùng."), field="username")
    user = User(username=name, role=role, person=person, served_unit=served, password_hash="")  # nosec B106: set below
    password = _give_one_time_password(user)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=viewer.user_id,
        object_type="user",
        object_id=user.id,
        action="create_account",
        new={
            "username": name,
            "account_role": role.value,
            "served_unit": served.code if served else None,
        },
        reason=reason,
    )
    session.flush()
    return user, password


@dataclass(frozen=True)
class IssuedLogin:
    """A login made for a person, with its one-time password (shown once), or why not."""

    person: Person
    username: str | None
    password: str | None
    refusal: str | None = None


def issue_logins(
    session: Session, viewer: Viewer, people: list[Person], *, reason: str
) -> list[IssuedLogin]:
    """Staff logins for people who have none (the staff import's new people), named by their
    code, each with a one-time password: what `create_account` gives, many at once."""
    if not people:
        return []
    ids = [person.id for person in people]
    names = [person.code.lower() for person in people]
    has_login = set(session.scalars(sa.select(User.person_id).where(User.person_id.in_(ids))))
    taken = set(session.scalars(sa.select(User.username).where(User.username.in_(names))))
    issued: list[IssuedLogin] = []
    made: list[tuple[User, IssuedLogin]] = []
    for person, name in zip(people, names, strict=True):
        if person.id in has_login or not viewer.reaches_unit(person.unit):
            continue
        if name in taken:
            refusal = _("Tên đăng nhập %(name)s đã có người dùng.", name=name)
            issued.append(IssuedLogin(person, None, None, refusal))
            continue
        user = User(username=name, role=AccountRole.STAFF, person=person, password_hash="")  # nosec B106: set below
        login = IssuedLogin(person, name, _give_one_time_password(user))
        session.add(user)
        issued.append(login)
        made.append((user, login))
        taken.add(name)
    session.flush()
    for user, _login in made:
        audit.record(
            session,
            actor_id=viewer.user_id,
            object_type="user",
            object_id=user.id,
            action="create_account",
            new={"username": user.username, "account_role": AccountRole.STAFF.value},
            reason=reason,
        )
    session.flush()
    return issued


def _refuse_unless_manages(viewer: Viewer, user: User) -> None:
    if user.id == viewer.user_id:
        raise DomainError(_("Không ai tự thay đổi tài khoản của chính mình ở trang này."))
    if not may_manage(viewer, user):
        raise DomainError(_("Tài khoản này không thuộc phạm vi của bạn."))


def _keep_an_administrator(session: Session, user: User) -> None:
    """The last active administrator is neither demoted nor deactivated."""
    if user.role is not AccountRole.ADMIN or not user.active:
        return
    others = session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.role == AccountRole.ADMIN, User.active.is_(True), User.id != user.id
        )
    )
    if not others:
        raise DomainError(_("Hệ thống phải còn ít nhất một tài khoản quản trị đang hoạt động."))


def set_active(
    session: Session, viewer: Viewer, user: User, *, active: bool, reason: str | None
) -> bool:
    """Deactivate (signing out every session) or reactivate; False when nothing changes."""
    _refuse_unless_manages(viewer, user)
    if user.active is active:
        return False
    if not active:
        _keep_an_administrator(session, user)
        user.session_epoch += 1
    user.active = active
    audit.record(
        session,
        actor_id=viewer.user_id,
        object_type="user",
        object_id=user.id,
        action="reactivate_account" if active else "deactivate_account",
        old={"active": not active},
        new={"active": active},
        reason=reason,
    )
    session.flush()
    return True


def change_role(
    session: Session,
    viewer: Viewer,
    user: User,
    *,
    role: AccountRole,
    served_unit_id: int | None,
    reason: str | None,
) -> bool:
    _refuse_unless_manages(viewer, user)
    served = _check_grant(session, viewer, role, served_unit_id)
    if (user.role, user.served_unit_id) == (role, served.id if served else None):
        return False
    if role is not AccountRole.ADMIN:
        _keep_an_administrator(session, user)
    if user.person is None and role is not AccountRole.ADMIN:
        raise DomainError(
            _("Tài khoản không gắn với cán bộ chỉ có thể là tài khoản quản trị."), field="role"
        )
    was_serving = user.served_unit.code if user.served_unit else None
    old = {"account_role": user.role.value, "served_unit": was_serving}
    user.role = role
    user.served_unit = served
    audit.record(
        session,
        actor_id=viewer.user_id,
        object_type="user",
        object_id=user.id,
        action="change_role",
        old=old,
        new={"account_role": role.value, "served_unit": served.code if served else None},
        reason=reason,
    )
    session.flush()
    return True


def reset_password(session: Session, viewer: Viewer, user: User, *, reason: str | None) -> str:
    """A new one-time password (returned to be shown once); every session of the account ends
    and its sign-in failures are forgotten."""
    _refuse_unless_manages(viewer, user)
    password = _give_one_time_password(user)
    user.session_epoch += 1
    audit.record(
        session,
        actor_id=viewer.user_id,
        object_type="user",
        object_id=user.id,
        action="reset_password",
        reason=reason,
    )
    session.flush()
    return password


def unlock(session: Session, viewer: Viewer, user: User, *, reason: str | None) -> None:
    """Forget the account's failed sign-ins from every address (`core.throttle`)."""
    _refuse_unless_manages(viewer, user)
    try:
        limiter.unlock(user.username)
    except Exception as error:  # the shared store is down: say so, record nothing
        raise DomainError(
            _("Chưa mở khoá được: kho đếm đăng nhập sai đang không truy cập được.")
        ) from error
    audit.record(
        session,
        actor_id=viewer.user_id,
        object_type="user",
        object_id=user.id,
        action="unlock_account",
        reason=reason,
    )
    session.flush()


def change_leadership(
    session: Session,
    viewer: Viewer,
    user: User,
    *,
    role: LeadershipRole,
    on: date,
    reason: str,
) -> bool:
    """Head, deputy or neither in the person's own unit, from `on`: the placement page's
    rules (`organisation.services.change_placement`) decide who may."""
    _refuse_unless_manages(viewer, user)
    person = user.person
    if person is None:
        raise DomainError(_("Tài khoản này không gắn với cán bộ nào."), field="leadership")
    try:
        return change_placement(
            session,
            viewer,
            person,
            unit=person.unit,
            role=role,
            job_position=person.job_position,
            on=on,
            actor_id=viewer.user_id,
            reason=reason,
        )
    except DomainError as error:
        raise DomainError(error.message, field="leadership") from error
