"""A notification to one account, its email, and the events each account turned off by email."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from evaluation.accounts.models import User
from evaluation.core.db import Base, UTCDateTime, enum_type, utcnow

SUBJECT_MAX = 300


class EventKind(enum.Enum):
    """What a notification tells; the names and sentences are in `notifications.messages`."""

    PLAN_SUBMITTED = "plan_submitted"
    PLAN_RETURNED = "plan_returned"
    PLAN_APPROVED = "plan_approved"
    TASK_ASSIGNED = "task_assigned"
    OVERDUE_DIGEST = "overdue_digest"
    STEP_WAITING = "step_waiting"
    DECISION_DEADLINE = "decision_deadline"
    DECISION_NOTIFIED = "decision_notified"


class EmailState(enum.Enum):
    QUEUED = "queued"  # waiting for the job that sends it (or for its next attempt)
    SENT = "sent"
    FAILED = "failed"  # every attempt refused: kept with the last error, never retried


class Notification(Base):
    """One message to one account. Its words and its link are made from `kind` and `params`
    when shown (`notifications.messages`), so they follow the reader's language and the
    application's routes; `dedupe_key` makes a scheduled one once per day."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_dedupe_key"),
        sa.Index("ix_notification_user_created", "user_id", "created_at"),
        # The bell counts the few unread among many read.
        sa.Index(
            "ix_notification_unread",
            "user_id",
            sqlite_where=sa.text("read_at IS NULL"),
            postgresql_where=sa.text("read_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "notification_kind"))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class NotificationEmail(Base):
    """The email of a notification, written in the request's transaction and sent by a job
    after commit; attempts and the last error stay on the row, whatever the mail server says."""

    __tablename__ = "notification_email"
    __table_args__ = (
        sa.Index(
            "ix_notification_email_queued",
            "created_at",
            sqlite_where=sa.text("state = 'queued'"),
            postgresql_where=sa.text("state = 'queued'"),
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notification.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str] = mapped_column(sa.String(254))
    # Written in the recipient's language when the job sends it: what was sent, kept.
    subject: Mapped[str | None] = mapped_column(sa.String(SUBJECT_MAX))
    body: Mapped[str | None] = mapped_column(sa.Text)
    state: Mapped[EmailState] = mapped_column(
        enum_type(EmailState, "email_state"), default=EmailState.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    notification: Mapped[Notification] = relationship()


class EmailOptOut(Base):
    """An event this account receives in the application only, not by email."""

    __tablename__ = "notification_email_opt_out"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[EventKind] = mapped_column(
        enum_type(EventKind, "notification_kind"), primary_key=True
    )
