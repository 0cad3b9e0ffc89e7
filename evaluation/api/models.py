"""Integration tokens: how another system (a document system, a citizens' portal) signs in
to the API. Stored only as a hash, scoped to a unit's subtree and to reading or writing."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evaluation.accounts.models import User
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow
from evaluation.core.labels import register_labels
from evaluation.organisation.models import Unit

TOKEN_PREFIX = "dgt_"  # noqa: S105  # nosec B105: a marker, not a secret
NAME_MAX = 60


class TokenScope(enum.Enum):
    READ = "read"
    WRITE = "write"  # reads too


def new_secret() -> str:
    """A token as handed to the integration once: 256 random bits, recognisable by its prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 is enough for 256 random bits (no password to guess); it keeps lookups indexed."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(Base):
    __tablename__ = "api_token"
    __table_args__ = (sa.CheckConstraint("length(name) >= 1", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, so an administrator can tell which token a system holds.
    hint: Mapped[str] = mapped_column(sa.String(12))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))
    scope: Mapped[TokenScope] = mapped_column(enum_type(TokenScope, "token_scope"))
    # The account the token acts as: the audit trail names it as it names a person.
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="RESTRICT"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()
    account: Mapped[User] = relationship(foreign_keys=[account_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None


register_labels(
    "token_scope",
    {TokenScope.READ: _l("Chỉ đọc"), TokenScope.WRITE: _l("Đọc và ghi")},
)
