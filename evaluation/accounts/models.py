"""Login accounts. A person has at most one; an administrator may have no person."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from evaluation.core.clock import local_today
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.core.labels import register_labels
from evaluation.organisation.models import Delegation, LeadershipRole, Person, Unit
from evaluation.organisation.permissions import Viewer

# scrypt with werkzeug's parameters (n=2**15, r=8, p=1): memory-hard, no extra dependency.
HASH_METHOD = "scrypt"


class AccountRole(enum.Enum):
    """What an account may do beyond its person's own records.

    Managers are not a role here: being head or deputy of a unit (the person's leadership
    role) is what gives a login its unit's subtree.
    """

    STAFF = "staff"
    PERSONNEL = "personnel"
    ADMIN = "admin"


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'personnel' OR served_unit_id IS NOT NULL", name="personnel_serves_unit"
        ),
        sa.CheckConstraint("role = 'admin' OR person_id IS NOT NULL", name="staff_has_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[AccountRole] = mapped_column(
        enum_type(AccountRole, "account_role"), default=AccountRole.STAFF
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), unique=True
    )
    # The unit whose subtree a personnel office serves.
    served_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("unit.id", ondelete="RESTRICT")
    )
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # A password an administrator or the personnel office gave out (an account just made, a
    # reset): changed at the first sign-in in every environment, not only in production.
    one_time_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # An integration token's account (evaluation.api): it never signs in, and the account
    # pages leave it out, so nobody reactivates it or gives it a password there.
    is_integration: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the login's identity: bumping it signs out every session made before
    # (logout, password change), which a signed cookie alone could not do.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    person: Mapped[Person | None] = relationship(lazy="joined")
    served_unit: Mapped[Unit | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def viewer(self, today: date | None = None) -> Viewer:
        """What this account reaches in the unit tree (`organisation.permissions`).

        A delegation or acting-head assignment in force today takes the place of the person's
        own leadership while it lasts: they manage the unit it names, with the role it gives;
        their own unit stays in sight."""
        person = self.person
        managing = person is not None and person.leadership_role.is_leader
        unit_id = person.unit_id if managing and person else None
        path = person.unit.path if managing and person else None
        role = person.leadership_role if person else LeadershipRole.NONE
        lent: tuple[str, ...] = ()
        grant = _grant_in_force(person, today or local_today()) if person else None
        if grant is not None:
            lent = (path,) if path else ()
            unit_id, path, role = grant.unit_id, grant.unit.path, grant.role
        return Viewer(
            user_id=self.id,
            person_id=person.id if person else None,
            is_admin=self.role is AccountRole.ADMIN,
            managed_unit_id=unit_id,
            managed_path=path,
            managed_role=role,
            served_path=(
                self.served_unit.path
                if self.role is AccountRole.PERSONNEL and self.served_unit
                else None
            ),
            lent_paths=lent,
        )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def display_name(self) -> str:
        return self.person.full_name if self.person else self.username

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=HASH_METHOD)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


def _grant_in_force(person: Person, today: date) -> Delegation | None:
    """The person's delegation or acting-head assignment in force today, if any; of several,
    the head's role first, then the widest unit."""
    grants = [grant for grant in person.grants if grant.in_force(today)]
    return min(
        grants,
        key=lambda g: (g.role is not LeadershipRole.HEAD, len(g.unit.path), g.id),
        default=None,
    )


# The names the pages and exports show (`core.labels`).
register_labels(
    "account_role",
    {
        AccountRole.STAFF: _l("Cán bộ, công chức, viên chức"),
        AccountRole.PERSONNEL: _l("Tổ chức cán bộ"),
        AccountRole.ADMIN: _l("Quản trị hệ thống"),
    },
)
