"""The audit trail: who changed what, when, from which value to which, and why."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from evaluation.core.db import Base, UTCDateTime, utcnow


class AuditRecord(Base):
    __tablename__ = "audit_record"
    __table_args__ = (sa.Index("ix_audit_record_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)


def record(
    session: Session,
    *,
    actor_id: int | None,
    object_type: str,
    object_id: int,
    action: str,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
) -> AuditRecord:
    """Add an audit record to the session's unit of work; the caller's commit keeps both."""
    entry = AuditRecord(
        actor_id=actor_id,
        object_type=object_type,
        object_id=object_id,
        action=action,
        old_value=None if old is None else json.dumps(old, ensure_ascii=False, default=str),
        new_value=None if new is None else json.dumps(new, ensure_ascii=False, default=str),
        reason=reason,
    )
    session.add(entry)
    return entry
